//! How the emulator is configured: products served, keys, quota, clock skew, review policy and
//! STS sessions, and the constants it shares with the real services.

use std::fmt;
use std::time::Duration;

/// The access key id of [`EmulatorConfig::default`].
pub const DEFAULT_ACCESS_KEY_ID: &str = "emulator-access-key-id";
/// The access key secret of [`EmulatorConfig::default`].
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "emulator-access-key-secret";
/// The number of certificate applications the default resource plan allows.
pub const DEFAULT_QUOTA: u32 = 20;
/// The default tolerance between a request's timestamp and the emulator's clock.
pub const DEFAULT_MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);
/// The API version of `cas` (SSL Certificates Service), whose orders the emulator keeps.
pub const API_VERSION: &str = "2020-04-07";
/// The `HostId` of `cas` error bodies (each product's errors carry `<product>.aliyuncs.com`).
pub const HOST_ID: &str = "cas.aliyuncs.com";
/// The account id the emulator's identities belong to (`GetCallerIdentity`, role ARNs).
pub const DEFAULT_ACCOUNT_ID: &str = "1234567890123456";
/// How long STS credentials last when `DurationSeconds` is not given, as on the real service.
pub const DEFAULT_STS_DURATION: Duration = Duration::from_secs(3600);
/// How long a client may take to send a request head (and how long an idle connection stays
/// open) by default.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How many entries the audit log keeps by default; older ones are dropped first.
pub const DEFAULT_AUDIT_LOG_LIMIT: usize = 100_000;

/// How the emulator configures itself at start.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// The product codes served (`["ecs", "sts"]`); empty serves every product of
    /// [`crate::products`].
    pub products: Vec<String>,
    /// The known access key pairs, `(access key id, access key secret)`.
    pub key_pairs: Vec<(String, String)>,
    /// How many certificate applications the resource plan still allows; `None` means no
    /// resource plan was bought at all.
    pub quota: Option<u32>,
    /// How far a request's timestamp may be from the emulator's clock, either way.
    pub max_clock_skew: Duration,
    /// How certificate applications get reviewed.
    pub review: ReviewPolicy,
    /// How long a client may take to send a request head; a connection that sends nothing
    /// (or stays idle between requests) that long is closed.
    pub header_read_timeout: Duration,
    /// How many entries [`crate::EmulatorHandle::audit_log`] keeps; the oldest are dropped first.
    pub audit_log_limit: usize,
    /// The account id of every identity (the long-term keys and the roles they assume).
    pub account_id: String,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            products: Vec::new(),
            key_pairs: vec![(
                DEFAULT_ACCESS_KEY_ID.to_string(),
                DEFAULT_ACCESS_KEY_SECRET.to_string(),
            )],
            quota: Some(DEFAULT_QUOTA),
            max_clock_skew: DEFAULT_MAX_CLOCK_SKEW,
            review: ReviewPolicy::Manual,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            audit_log_limit: DEFAULT_AUDIT_LOG_LIMIT,
            account_id: DEFAULT_ACCOUNT_ID.to_string(),
        }
    }
}

impl fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secrets.
        f.debug_struct("EmulatorConfig")
            .field("products", &self.products)
            .field(
                "key_pairs",
                &self
                    .key_pairs
                    .iter()
                    .map(|(id, _)| (id.as_str(), "** redacted **"))
                    .collect::<Vec<_>>(),
            )
            .field("quota", &self.quota)
            .field("max_clock_skew", &self.max_clock_skew)
            .field("review", &self.review)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("audit_log_limit", &self.audit_log_limit)
            .field("account_id", &self.account_id)
            .finish()
    }
}

/// How certificate applications move from review to an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReviewPolicy {
    /// Orders stay pending until [`crate::EmulatorHandle::complete_domain_verification`] and
    /// [`crate::EmulatorHandle::finish_review`] move them.
    #[default]
    Manual,
    /// Orders are decided by polling: once an order has been described `after_polls` times,
    /// it has moved to `certificate` (`approve`) or `verify_fail`, so the next
    /// `DescribeCertificateState` sees the outcome. With `after_polls == 0` the very first
    /// describe already sees it.
    Automatic {
        /// `true` issues the certificate, `false` fails the review.
        approve: bool,
        /// How many describes an order answers as still pending.
        after_polls: u32,
    },
}

/// The outcome of a manual review, for [`crate::EmulatorHandle::finish_review`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewOutcome {
    /// Issue the certificate: the order moves to `certificate`.
    Approve,
    /// Fail the review: the order moves to `verify_fail`.
    Reject,
}
