//! How the `cas` emulator is configured: the multi-product emulator's settings, serving `cas`.

use std::fmt;
use std::time::Duration;

use alibabacloud_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_AUDIT_LOG_LIMIT,
    DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_CLOCK_SKEW, DEFAULT_QUOTA, ReviewPolicy,
};

/// How the emulator configures itself at start.
#[derive(Clone)]
pub struct EmulatorConfig {
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
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            key_pairs: vec![(
                DEFAULT_ACCESS_KEY_ID.to_string(),
                DEFAULT_ACCESS_KEY_SECRET.to_string(),
            )],
            quota: Some(DEFAULT_QUOTA),
            max_clock_skew: DEFAULT_MAX_CLOCK_SKEW,
            review: ReviewPolicy::Manual,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            audit_log_limit: DEFAULT_AUDIT_LOG_LIMIT,
        }
    }
}

impl EmulatorConfig {
    /// The multi-product emulator's configuration serving `cas` alone.
    pub fn into_core(self) -> alibabacloud_emulator::EmulatorConfig {
        alibabacloud_emulator::EmulatorConfig {
            products: vec!["cas".to_string()],
            key_pairs: self.key_pairs,
            quota: self.quota,
            max_clock_skew: self.max_clock_skew,
            review: self.review,
            header_read_timeout: self.header_read_timeout,
            audit_log_limit: self.audit_log_limit,
            ..alibabacloud_emulator::EmulatorConfig::default()
        }
    }
}

impl fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secrets.
        f.debug_struct("EmulatorConfig")
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
            .finish()
    }
}
