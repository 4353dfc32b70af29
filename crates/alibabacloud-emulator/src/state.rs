//! The in-memory state: orders, quota, review policy, tags, used nonces, page tokens, fault
//! rules, STS sessions, counters and the audit log.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::config::ReviewPolicy;
use crate::fault::Faults;

/// The state of a certificate application order, as `DescribeCertificateState` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum OrderState {
    /// Waiting for the domain's ownership to be verified (DNS record or file).
    DomainVerify,
    /// Under review by the certificate authority.
    Process,
    /// The review failed.
    VerifyFail,
    /// The certificate was issued.
    Certificate,
    /// Pending application: the order was cancelled before it was issued.
    Payed,
}

impl OrderState {
    /// The wire name of the state (`Type` in `DescribeCertificateState`).
    pub fn as_wire(&self) -> &'static str {
        match self {
            OrderState::DomainVerify => "domain_verify",
            OrderState::Process => "process",
            OrderState::VerifyFail => "verify_fail",
            OrderState::Certificate => "certificate",
            OrderState::Payed => "payed",
        }
    }

    /// The `Status` that `ListUserCertificateOrder` shows for an order in this state.
    pub(crate) fn list_status(&self) -> &'static str {
        match self {
            OrderState::DomainVerify | OrderState::Process => "CHECKING",
            OrderState::VerifyFail => "CHECKED_FAIL",
            OrderState::Certificate => "ISSUED",
            OrderState::Payed => "PAYED",
        }
    }
}

/// One operation the emulator executed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct AuditEntry {
    /// The product's code, such as `cas` or `ecs` (one emulator serves several, and some
    /// actions, such as `DescribeRegions`, exist in more than one).
    pub product: String,
    /// The operation, such as `DeleteCertificateRequest`.
    pub action: String,
    /// The order the operation concerned (the new one for a create), when there is one.
    pub order_id: Option<i64>,
    /// `OK`, or the error code answered.
    pub outcome: String,
}

/// How a domain's ownership is proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValidateType {
    Dns,
    File,
}

impl ValidateType {
    pub fn as_wire(self) -> &'static str {
        match self {
            ValidateType::Dns => "DNS",
            ValidateType::File => "FILE",
        }
    }
}

/// An issued certificate.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub cert_id: i64,
    pub not_before: SystemTime,
    pub not_after: SystemTime,
}

/// A certificate application order.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub id: i64,
    pub domain: String,
    pub validate_type: ValidateType,
    pub product_code: String,
    pub state: OrderState,
    /// How many times `DescribeCertificateState` asked about it.
    pub polls: u32,
    pub created: SystemTime,
    /// The DNS record value or file content that proves ownership.
    pub token: String,
    pub issued: Option<Issued>,
}

/// How long an issued DV certificate is valid.
const VALIDITY: Duration = Duration::from_secs(90 * 24 * 3600);

/// Everything that changes while the emulator runs.
#[derive(Debug)]
pub(crate) struct State {
    pub quota: Option<u32>,
    pub review: ReviewPolicy,
    pub orders: BTreeMap<i64, Order>,
    pub next_order_id: i64,
    pub next_cert_id: i64,
    pub nonces: NonceCache,
    /// The most recent executed operations, at most `audit_limit` of them.
    pub audit: VecDeque<AuditEntry>,
    pub audit_limit: usize,
    /// Entries dropped from the full audit log.
    pub audit_dropped: u64,
    /// Tags bound to orders (resource type `ORDER`): order id → key → value.
    pub tags: BTreeMap<i64, BTreeMap<String, String>>,
    /// The `NextToken`s handed out by `ListTagResources`.
    pub page_tokens: PageTokens,
    /// The injected fault rules.
    pub faults: Faults,
    /// Requests that passed authentication (each attempt of a call counts).
    pub authenticated_requests: u64,
    /// Requests answered with an injected fault.
    pub faults_injected: u64,
    /// The STS sessions handed out.
    pub sessions: crate::sts::Sessions,
}

impl State {
    pub fn new(quota: Option<u32>, review: ReviewPolicy, audit_limit: usize) -> Self {
        Self {
            quota,
            review,
            orders: BTreeMap::new(),
            next_order_id: 1_000_001,
            next_cert_id: 20_000_001,
            nonces: NonceCache::default(),
            audit: VecDeque::new(),
            audit_limit,
            audit_dropped: 0,
            tags: BTreeMap::new(),
            page_tokens: PageTokens::default(),
            faults: Faults::default(),
            authenticated_requests: 0,
            faults_injected: 0,
            sessions: crate::sts::Sessions::default(),
        }
    }

    /// Appends to the audit log, dropping the oldest entry when it is full.
    pub fn record(&mut self, entry: AuditEntry) {
        if self.audit_limit == 0 {
            self.audit_dropped += 1;
            return;
        }
        while self.audit.len() >= self.audit_limit {
            self.audit.pop_front();
            self.audit_dropped += 1;
        }
        self.audit.push_back(entry);
    }

    /// Inserts (or replaces) an order in `state`.
    pub fn put_order(&mut self, id: i64, domain: &str, state: OrderState) {
        self.orders.insert(
            id,
            Order {
                id,
                domain: domain.to_string(),
                validate_type: ValidateType::Dns,
                product_code: "digicert-free-1-free".into(),
                state: OrderState::DomainVerify,
                polls: 0,
                created: SystemTime::now(),
                token: format!("{:016x}", fastrand::u64(..)),
                issued: None,
            },
        );
        match state {
            OrderState::Certificate => {
                self.finish_review(id, true);
            }
            other => {
                if let Some(order) = self.orders.get_mut(&id) {
                    order.state = other;
                }
            }
        }
    }

    /// Moves `domain_verify` to `process`.
    pub fn complete_domain_verification(&mut self, order_id: i64) -> bool {
        match self.orders.get_mut(&order_id) {
            Some(order) if order.state == OrderState::DomainVerify => {
                order.state = OrderState::Process;
                true
            }
            _ => false,
        }
    }

    /// Ends the review of an order still pending (`domain_verify` or `process`).
    pub fn finish_review(&mut self, order_id: i64, approve: bool) -> bool {
        let cert_id = self.next_cert_id;
        let Some(order) = self.orders.get_mut(&order_id) else {
            return false;
        };
        if !matches!(order.state, OrderState::DomainVerify | OrderState::Process) {
            return false;
        }
        if approve {
            let now = SystemTime::now();
            order.state = OrderState::Certificate;
            order.issued = Some(Issued {
                cert_id,
                not_before: now,
                not_after: now + VALIDITY,
            });
            self.next_cert_id += 1;
        } else {
            order.state = OrderState::VerifyFail;
        }
        true
    }

    /// Applies an automatic review policy to an order about to be described.
    pub fn review_on_poll(&mut self, order_id: i64) {
        let ReviewPolicy::Automatic {
            approve,
            after_polls,
        } = self.review
        else {
            return;
        };
        let due = self
            .orders
            .get(&order_id)
            .is_some_and(|o| o.polls >= after_polls);
        if due {
            self.finish_review(order_id, approve);
        }
    }
}

/// Milliseconds since the Unix epoch, as the service reports dates.
pub(crate) fn epoch_millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The nonces seen recently, per access key. A nonce is needed only while a request carrying
/// it could still be accepted, that is until its timestamp leaves the accepted window; it is
/// forgotten then, so the store holds at most one window's worth of requests.
#[derive(Debug, Default)]
pub(crate) struct NonceCache {
    seen: HashSet<(String, String)>,
    /// When each nonce may be forgotten (seconds since the epoch, then a tiebreak).
    expiries: BTreeMap<(u64, u64), (String, String)>,
    next_tiebreak: u64,
}

impl NonceCache {
    /// `true` (and remembered until `forget_at`) when `nonce` is not remembered for
    /// `access_key_id`; nonces whose time has passed at `now` are forgotten first.
    pub fn check_and_record(
        &mut self,
        access_key_id: &str,
        nonce: &str,
        now: SystemTime,
        forget_at: SystemTime,
    ) -> bool {
        let now_secs = unix_secs(now);
        while let Some(entry) = self.expiries.first_entry() {
            if entry.key().0 > now_secs {
                break;
            }
            let key = entry.remove();
            self.seen.remove(&key);
        }
        let key = (access_key_id.to_string(), nonce.to_string());
        if self.seen.contains(&key) {
            return false;
        }
        self.seen.insert(key.clone());
        self.next_tiebreak += 1;
        self.expiries
            .insert((unix_secs(forget_at), self.next_tiebreak), key);
        true
    }

    /// How many nonces are remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }
}

fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Where a `ListTagResources` page ended, and the query it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageCursor {
    /// The resource type, filters and region of the query, so a token cannot be replayed on
    /// another query.
    pub query: String,
    /// The last `(order id, tag key)` returned; the next page starts after it.
    pub after: (i64, String),
}

/// Opaque page tokens: random strings mapped to cursors, the oldest forgotten past a limit.
#[derive(Debug, Default)]
pub(crate) struct PageTokens {
    cursors: HashMap<String, PageCursor>,
    order: VecDeque<String>,
}

impl PageTokens {
    /// How many tokens are remembered.
    const LIMIT: usize = 10_000;

    /// Hands out a token for `cursor`.
    pub fn issue(&mut self, cursor: PageCursor) -> String {
        let token = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        if self.order.len() >= Self::LIMIT {
            if let Some(oldest) = self.order.pop_front() {
                self.cursors.remove(&oldest);
            }
        }
        self.cursors.insert(token.clone(), cursor);
        self.order.push_back(token.clone());
        token
    }

    /// The cursor of a token handed out earlier.
    pub fn get(&self, token: &str) -> Option<&PageCursor> {
        self.cursors.get(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_per_key_and_expire() {
        let mut cache = NonceCache::default();
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let s = Duration::from_secs;
        assert!(cache.check_and_record("a", "n", t0, t0 + s(10)));
        assert!(!cache.check_and_record("a", "n", t0 + s(5), t0 + s(15)));
        assert!(cache.check_and_record("b", "n", t0, t0 + s(10)));
        // Out of order: a request stamped earlier is forgotten earlier.
        assert!(cache.check_and_record("c", "m", t0, t0 + s(3)));
        assert_eq!(cache.len(), 3);
        assert!(cache.check_and_record("c", "x", t0 + s(4), t0 + s(30)));
        assert_eq!(cache.len(), 3, "c/m was forgotten");
        assert!(cache.check_and_record("a", "n", t0 + s(11), t0 + s(20)));
        assert_eq!(
            cache.len(),
            2,
            "a/n (first) and b/n were forgotten, a/n remembered again"
        );
    }

    #[test]
    fn the_audit_log_is_bounded() {
        let mut st = State::new(None, ReviewPolicy::Manual, 3);
        for i in 0..10 {
            st.record(AuditEntry {
                product: "cas".into(),
                action: "A".into(),
                order_id: Some(i),
                outcome: "OK".into(),
            });
        }
        assert_eq!(st.audit.len(), 3);
        assert_eq!(st.audit.front().and_then(|e| e.order_id), Some(7));
        assert_eq!(st.audit_dropped, 7);
    }

    #[test]
    fn automatic_review_after_polls() {
        let mut st = State::new(
            Some(1),
            ReviewPolicy::Automatic {
                approve: true,
                after_polls: 1,
            },
            100,
        );
        st.orders.insert(
            1,
            Order {
                id: 1,
                domain: "example.com".into(),
                validate_type: ValidateType::Dns,
                product_code: "digicert-free-1-free".into(),
                state: OrderState::DomainVerify,
                polls: 0,
                created: SystemTime::now(),
                token: "t".into(),
                issued: None,
            },
        );
        st.review_on_poll(1);
        assert_eq!(st.orders[&1].state, OrderState::DomainVerify);
        st.orders.get_mut(&1).unwrap().polls = 1;
        st.review_on_poll(1);
        assert_eq!(st.orders[&1].state, OrderState::Certificate);
        assert!(st.orders[&1].issued.is_some());
    }
}
