//! Retries: when an attempt may be repeated, and how long to wait first.
//!
//! Retries are on by default (3 attempts), with exponential backoff, full jitter and a cap.
//! Whether an attempt may be repeated depends on the failure *and* on whether the operation is
//! idempotent: a non-idempotent operation (create, cancel, delete) is re-sent only when the
//! failure proves the service did not execute it (throttling, or a connection that never
//! carried the request).

use std::time::Duration;

/// How a client retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl RetryConfig {
    /// The default policy: 3 attempts, 100 ms initial backoff, 20 s cap.
    pub fn standard() -> Self {
        Self::default()
    }

    /// One attempt, no retries.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the total number of attempts (at least 1).
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets the backoff before the first retry; later retries double it, up to the cap.
    pub fn with_initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// Sets the longest wait between attempts.
    pub fn with_max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// The total number of attempts.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff before the first retry.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The cap on a single wait.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// How long to wait after failed attempt number `attempt` (1-based): a uniformly random
    /// duration up to `min(cap, initial * 2^(attempt-1))`; or, when the service asked for a
    /// wait (`retry_after`), a uniformly random duration between that wait and one and a half
    /// times it, capped the same way (between 3/4 of the cap and the cap when the wait is
    /// longer than the cap). The jitter keeps callers that were throttled together from
    /// coming back together.
    pub fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            let cap = self.max_backoff;
            let (low, high) = if after >= cap {
                (cap - cap / 4, cap)
            } else {
                (after, after.saturating_add(after / 2).min(cap))
            };
            return uniform(low, high);
        }
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        uniform(Duration::ZERO, exp.min(self.max_backoff))
    }
}

/// A uniformly random duration in `low..=high`.
fn uniform(low: Duration, high: Duration) -> Duration {
    let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    let (low, high) = (nanos(low), nanos(high));
    Duration::from_nanos(fastrand::u64(low..=high.max(low)))
}

/// How a failed attempt ended, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureClass {
    /// The service rejected the request without executing it (throttling).
    NotProcessed,
    /// The connection failed before the request was sent.
    NotSent,
    /// A transient failure after which the request may or may not have been executed
    /// (5xx, `ServiceUnavailable`, a broken connection, a timeout while waiting).
    Transient,
    /// Retrying would not help (a client error, a signature error, a malformed success body).
    Permanent,
}

impl FailureClass {
    /// Classifies a service error by its code and HTTP status.
    pub fn of_service_error(code: &str, http_status: u16) -> Self {
        if code.starts_with("Throttling") {
            FailureClass::NotProcessed
        } else if code == "ServiceUnavailable" || code == "InternalError" || http_status >= 500 {
            FailureClass::Transient
        } else {
            FailureClass::Permanent
        }
    }

    /// Whether an attempt that failed this way may be repeated.
    pub fn retryable(self, idempotent: bool) -> bool {
        match self {
            FailureClass::NotProcessed | FailureClass::NotSent => true,
            FailureClass::Transient => idempotent,
            FailureClass::Permanent => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(
            FailureClass::of_service_error("Throttling.User", 400),
            FailureClass::NotProcessed
        );
        assert_eq!(
            FailureClass::of_service_error("ServiceUnavailable", 503),
            FailureClass::Transient
        );
        assert_eq!(
            FailureClass::of_service_error("Anything", 502),
            FailureClass::Transient
        );
        assert_eq!(
            FailureClass::of_service_error("SignatureDoesNotMatch", 400),
            FailureClass::Permanent
        );
        assert!(FailureClass::NotProcessed.retryable(false));
        assert!(!FailureClass::Transient.retryable(false));
        assert!(FailureClass::Transient.retryable(true));
        assert!(!FailureClass::Permanent.retryable(true));
    }

    #[test]
    fn backoff_is_capped_and_jittered() {
        let r = RetryConfig::standard().with_max_backoff(Duration::from_millis(300));
        for attempt in 1..40 {
            assert!(r.backoff(attempt, None) <= Duration::from_millis(300));
        }
        assert!(r.backoff(1, None) <= Duration::from_millis(100));
        let after = r.backoff(1, Some(Duration::from_millis(150)));
        assert!(
            (Duration::from_millis(150)..=Duration::from_millis(225)).contains(&after),
            "{after:?}"
        );
        let capped = r.backoff(1, Some(Duration::from_secs(9)));
        assert!(
            (Duration::from_millis(225)..=Duration::from_millis(300)).contains(&capped),
            "{capped:?}"
        );
        assert_eq!(
            RetryConfig::standard().with_max_attempts(0).max_attempts(),
            1
        );
    }

    #[test]
    fn retry_after_waits_are_spread() {
        // 64 callers throttled together with the same `x-acs-retry-after: 100` come back over
        // a 50 ms window instead of all at the same instant.
        fastrand::seed(14);
        let r = RetryConfig::standard();
        let waits: Vec<Duration> = (0..64)
            .map(|_| r.backoff(1, Some(Duration::from_millis(100))))
            .collect();
        let (min, max) = (waits.iter().min(), waits.iter().max());
        let (Some(&min), Some(&max)) = (min, max) else {
            panic!("no waits")
        };
        assert!(
            min >= Duration::from_millis(100),
            "never shorter than asked: {min:?}"
        );
        assert!(max <= Duration::from_millis(150), "{max:?}");
        assert!(
            max - min >= Duration::from_millis(40),
            "spread {:?}",
            max - min
        );
    }
}

/// Decides how a service error counts for retrying. Set one with
/// [`ConfigBuilder::retry_classifier`](crate::ConfigBuilder::retry_classifier); transport
/// failures and timeouts are classified by the runtime itself.
pub trait ClassifyRetry: Send + Sync + std::fmt::Debug {
    /// Classifies a service error by its code and HTTP status.
    fn classify_service_error(&self, code: &str, http_status: u16) -> FailureClass;
}

/// The default classifier: [`FailureClass::of_service_error`] (`Throttling*` is not
/// processed; `ServiceUnavailable`, `InternalError` and 5xx are transient).
#[derive(Debug, Clone, Copy, Default)]
pub struct StandardClassifier;

impl ClassifyRetry for StandardClassifier {
    fn classify_service_error(&self, code: &str, http_status: u16) -> FailureClass {
        FailureClass::of_service_error(code, http_status)
    }
}
