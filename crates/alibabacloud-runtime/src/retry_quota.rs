//! The client-wide retry quota: a token bucket that retries draw from and successes refill,
//! as in the AWS SDKs' "standard" retry mode.
//!
//! Per-call retries alone multiply load when the service is in trouble: at 100 % throttling,
//! 64 callers with 3 attempts each send 3 requests per call, forever. With the quota, every
//! retry costs tokens from one bucket shared by the client and its clones; a success puts a
//! token back (or, for a call that needed retries, the cost of its last retry). Once the
//! bucket is empty, failed attempts are not retried: calls fail fast with their error and
//! [`SdkError::retry_quota_exhausted`](crate::SdkError::retry_quota_exhausted) is true, and
//! the load falls to one request per call until successes refill the bucket.

use std::sync::atomic::{AtomicU32, Ordering};

/// How big the bucket is and what retries cost. `Copy`; the live bucket is in the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryQuota {
    capacity: u32,
    retry_cost: u32,
    timeout_retry_cost: u32,
    success_refill: u32,
}

/// Tokens in a full bucket by default (the AWS SDKs' value).
pub const DEFAULT_RETRY_QUOTA_CAPACITY: u32 = 500;
/// What a retry costs by default.
pub const DEFAULT_RETRY_COST: u32 = 5;
/// What a retry after a timeout costs by default: timeouts hold resources longer.
pub const DEFAULT_TIMEOUT_RETRY_COST: u32 = 10;
/// What a call that succeeded at its first attempt puts back by default.
pub const DEFAULT_SUCCESS_REFILL: u32 = 1;

impl Default for RetryQuota {
    fn default() -> Self {
        Self {
            capacity: DEFAULT_RETRY_QUOTA_CAPACITY,
            retry_cost: DEFAULT_RETRY_COST,
            timeout_retry_cost: DEFAULT_TIMEOUT_RETRY_COST,
            success_refill: DEFAULT_SUCCESS_REFILL,
        }
    }
}

impl RetryQuota {
    /// The default: 500 tokens, a retry costs 5 (10 after a timeout), a first-attempt success
    /// refills 1. A full bucket pays for 100 retries in a row.
    pub fn standard() -> Self {
        Self::default()
    }

    /// No quota: retries are limited only by each call's [`RetryConfig`](crate::RetryConfig).
    pub fn unlimited() -> Self {
        Self {
            capacity: 0,
            retry_cost: 0,
            timeout_retry_cost: 0,
            success_refill: 0,
        }
    }

    /// Sets the size of the (initially full) bucket.
    pub fn with_capacity(mut self, tokens: u32) -> Self {
        self.capacity = tokens;
        self
    }

    /// Sets what a retry costs, and what one after a timeout costs.
    pub fn with_costs(mut self, retry: u32, after_timeout: u32) -> Self {
        self.retry_cost = retry;
        self.timeout_retry_cost = after_timeout;
        self
    }

    /// Sets what a first-attempt success puts back.
    pub fn with_success_refill(mut self, tokens: u32) -> Self {
        self.success_refill = tokens;
        self
    }

    /// Whether retries draw from a bucket at all.
    pub fn is_limited(&self) -> bool {
        self.retry_cost > 0 || self.timeout_retry_cost > 0
    }

    /// The size of the bucket.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }
}

/// The live bucket of one client (shared by its clones). Lock-free and allocation-free.
#[derive(Debug)]
pub(crate) struct RetryBucket {
    quota: RetryQuota,
    tokens: AtomicU32,
}

impl RetryBucket {
    pub(crate) fn new(quota: RetryQuota) -> Self {
        Self {
            quota,
            tokens: AtomicU32::new(quota.capacity),
        }
    }

    /// Takes the cost of one retry; `None` when the bucket cannot pay for it (no retry).
    /// `Some(cost)` is what to refund if the retried call succeeds.
    pub(crate) fn acquire(&self, after_timeout: bool) -> Option<u32> {
        if !self.quota.is_limited() {
            return Some(0);
        }
        let cost = if after_timeout {
            self.quota.timeout_retry_cost
        } else {
            self.quota.retry_cost
        };
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .ok()
            .map(|_| cost)
    }

    /// A call succeeded; `last_retry_cost` is what its last retry drew (0 when it needed none).
    pub(crate) fn on_success(&self, last_retry_cost: u32) {
        if !self.quota.is_limited() {
            return;
        }
        let refill = if last_retry_cost > 0 {
            last_retry_cost
        } else {
            self.quota.success_refill
        };
        let capacity = self.quota.capacity;
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                Some(t.saturating_add(refill).min(capacity))
            });
    }

    /// The tokens left; `None` when the quota is unlimited.
    pub(crate) fn available(&self) -> Option<u32> {
        self.quota
            .is_limited()
            .then(|| self.tokens.load(Ordering::Acquire))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_draw_and_successes_refill() {
        let bucket = RetryBucket::new(RetryQuota::standard().with_capacity(12));
        assert_eq!(bucket.acquire(false), Some(5));
        assert_eq!(bucket.acquire(false), Some(5));
        assert_eq!(bucket.available(), Some(2));
        assert_eq!(bucket.acquire(false), None, "empty: no retry");
        bucket.on_success(0);
        assert_eq!(bucket.available(), Some(3));
        bucket.on_success(5);
        assert_eq!(bucket.available(), Some(8));
        assert_eq!(bucket.acquire(true), None, "a timeout retry costs 10");
        for _ in 0..100 {
            bucket.on_success(5);
        }
        assert_eq!(bucket.available(), Some(12), "never above capacity");
    }

    #[test]
    fn unlimited_never_refuses() {
        let bucket = RetryBucket::new(RetryQuota::unlimited());
        for _ in 0..1000 {
            assert_eq!(bucket.acquire(true), Some(0));
        }
        assert_eq!(bucket.available(), None);
    }

    #[test]
    fn concurrent_draws_never_overspend() {
        let bucket = std::sync::Arc::new(RetryBucket::new(RetryQuota::standard()));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let b = bucket.clone();
                std::thread::spawn(move || (0..100).filter(|_| b.acquire(false).is_some()).count())
            })
            .collect();
        let granted: usize = threads.into_iter().map(|t| t.join().unwrap_or(0)).sum();
        assert_eq!(granted, 100, "500 tokens pay for exactly 100 retries");
        assert_eq!(bucket.available(), Some(0));
    }
}
