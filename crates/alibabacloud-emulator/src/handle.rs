//! [`EmulatorHandle`]: inspects and steers a running emulator, socket-served or in process.

use std::fmt;

use crate::config::{ReviewOutcome, ReviewPolicy};
use crate::context::Context;
use crate::fault::FaultRule;
use crate::state::{AuditEntry, OrderState};

/// Inspects and steers an emulator, socket-served ([`crate::Emulator`] dereferences to it) or
/// in-process ([`crate::InProcessEmulator::handle`]).
#[derive(Clone)]
pub struct EmulatorHandle {
    pub(crate) ctx: Context,
}

impl fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorHandle").finish_non_exhaustive()
    }
}

impl EmulatorHandle {
    /// The product codes served, in the order configured.
    pub fn products(&self) -> Vec<String> {
        self.ctx
            .settings
            .catalog
            .codes()
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    /// Puts an order into the state (replacing any order with that id), as if it had been
    /// applied for and had reached `state`: for tests whose inputs name an order id, such as
    /// the specs' examples. An order put in [`OrderState::Certificate`] has a certificate.
    pub fn put_order(&self, order_id: i64, domain: &str, state: OrderState) {
        self.ctx.lock().put_order(order_id, domain, state);
    }

    /// Makes every STS credential handed out so far expired, as if their time had passed:
    /// calls signed with them are refused with `InvalidSecurityToken.Expired`.
    pub fn expire_sts_sessions(&self) {
        self.ctx
            .lock()
            .sessions
            .expire_all(std::time::SystemTime::now());
    }

    /// How many STS sessions (assumed-role credentials) were handed out and are remembered.
    pub fn sts_sessions(&self) -> usize {
        self.ctx.lock().sessions.len()
    }

    /// Replaces the review policy; pending orders follow the new one from their next describe.
    pub fn set_review_policy(&self, policy: ReviewPolicy) {
        self.ctx.lock().review = policy;
    }

    /// Sets how many applications the resource plan still allows; `None` removes the plan.
    pub fn set_quota(&self, quota: Option<u32>) {
        self.ctx.lock().quota = quota;
    }

    /// Moves an order from `domain_verify` to `process`, as if its DNS record or file had been
    /// found. Returns `false` when the order is unknown or not in `domain_verify`.
    pub fn complete_domain_verification(&self, order_id: i64) -> bool {
        self.ctx.lock().complete_domain_verification(order_id)
    }

    /// Ends the review of an order in `process` (or still in `domain_verify`): `certificate`
    /// when approved, `verify_fail` when rejected. Returns `false` when the order is unknown or
    /// not under review.
    pub fn finish_review(&self, order_id: i64, outcome: ReviewOutcome) -> bool {
        self.ctx
            .lock()
            .finish_review(order_id, outcome == ReviewOutcome::Approve)
    }

    /// The state of an order, `None` when there is no such order (or it was deleted).
    pub fn order_state(&self, order_id: i64) -> Option<OrderState> {
        self.ctx.lock().orders.get(&order_id).map(|o| o.state)
    }

    /// One entry per operation the emulator executed, oldest first (the most recent
    /// [`EmulatorConfig::audit_log_limit`](crate::EmulatorConfig::audit_log_limit) of them).
    ///
    /// Requests that failed authentication, named an unknown version or action, or were struck
    /// by a fault before execution never reach an operation and are not listed. A fault after
    /// execution leaves its entry: the operation ran.
    pub fn audit_log(&self) -> Vec<AuditEntry> {
        self.ctx.lock().audit.iter().cloned().collect()
    }

    /// How many audit log entries were dropped because the log was full.
    pub fn audit_log_dropped(&self) -> u64 {
        self.ctx.lock().audit_dropped
    }

    /// How many nonces the emulator remembers right now (each is forgotten once its request's
    /// timestamp has left the accepted window).
    pub fn remembered_nonces(&self) -> usize {
        self.ctx.lock().nonces.len()
    }

    /// How many applications the resource plan still allows; `None` when there is no plan.
    pub fn quota(&self) -> Option<u32> {
        self.ctx.lock().quota
    }

    /// The tags bound to an order, key → value (empty when none, or no such order).
    pub fn order_tags(&self, order_id: i64) -> std::collections::BTreeMap<String, String> {
        self.ctx
            .lock()
            .tags
            .get(&order_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Adds a fault rule after the ones already injected. For each authenticated request, the
    /// rules are consulted in injection order and the first that matches the action and fires
    /// decides the fault (see [`Fault`](crate::Fault), [`FaultTiming`](crate::FaultTiming) and [`FaultTrigger`](crate::FaultTrigger)).
    pub fn inject(&self, rule: FaultRule) {
        tracing::debug!(?rule, "fault rule injected");
        self.ctx.lock().faults.inject(rule);
    }

    /// Removes every fault rule; requests are answered normally again.
    pub fn clear_faults(&self) {
        self.ctx.lock().faults.clear();
    }

    /// How many requests passed authentication so far: every attempt of a call counts, whether
    /// a fault struck it or not, and whether or not it named a known operation. Requests that
    /// failed authentication, and unsigned calls of anonymous operations, are not counted.
    pub fn authenticated_requests(&self) -> u64 {
        self.ctx.lock().authenticated_requests
    }

    /// How many requests were answered with an injected fault so far.
    pub fn faults_injected(&self) -> u64 {
        self.ctx.lock().faults_injected
    }
}
