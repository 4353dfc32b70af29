//! The client against hostile servers on loopback: what a misconfigured proxy, a captive portal
//! or a malicious endpoint can answer, and what the client must still do (issue 14). Each module
//! covers one finding, for V1 and V3, with STS credentials where secrets matter:
//!
//! * `redirects`: no redirect followed, no `Referer`, a 3xx is an error naming the status and
//!   the `Location` host;
//! * `body_limits`: the response body cap, bounded error metadata (memory asserted);
//! * `timeouts`: a drip-fed body ends under the default configuration;
//! * `retry_quota`: the client-wide retry quota under 100 % throttling, jittered waits;
//! * `redaction`: no secret, token or signature in any error text, in any encoding;
//! * `invalid_headers`: a value a header cannot carry is a construction error;
//! * `credentials`: single-flight refresh and backoff against a slow metadata service;
//! * `escaping`: control characters in server text are escaped in `Display`;
//! * `emulator_limits`: the emulator's own limits (tags, header-read timeout, nonces, audit
//!   log, impossible dates, 414/431 envelopes);
//! * `random_answers`: a property test with random status, headers and body.
//!
//! One test binary: a counting global allocator measures the memory of the tests that assert a
//! bound (they run one at a time, see [`memory::measure`]).

// The tests return the SDK's own `Result`s out of closures, as callers do.
#![allow(clippy::result_large_err)]

#[path = "hostile/support.rs"]
mod support;

#[path = "hostile/body_limits.rs"]
mod body_limits;
#[path = "hostile/credentials.rs"]
mod credentials;
#[path = "hostile/emulator_limits.rs"]
mod emulator_limits;
#[path = "hostile/escaping.rs"]
mod escaping;
#[path = "hostile/invalid_headers.rs"]
mod invalid_headers;
#[path = "hostile/random_answers.rs"]
mod random_answers;
#[path = "hostile/redaction.rs"]
mod redaction;
#[path = "hostile/redirects.rs"]
mod redirects;
#[path = "hostile/retry_quota.rs"]
mod retry_quota;
#[path = "hostile/timeouts.rs"]
mod timeouts;

/// Counts live heap bytes, so a test can assert a bound on what a call allocated.
pub mod memory {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Mutex, MutexGuard};

    struct Counting;

    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    fn grew(by: usize) {
        let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
        PEAK.fetch_max(now, Ordering::Relaxed);
    }

    // SAFETY: every call is forwarded to the system allocator unchanged; the counters are only
    // updated around it.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: same contract as the caller's.
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                grew(layout.size());
            }
            p
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            // SAFETY: same contract as the caller's.
            let p = unsafe { System.alloc_zeroed(layout) };
            if !p.is_null() {
                grew(layout.size());
            }
            p
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: same contract as the caller's.
            unsafe { System.dealloc(ptr, layout) };
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: same contract as the caller's.
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                // Both blocks may exist for a moment: count the new one before the old is gone.
                grew(new_size);
                LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            }
            p
        }
    }

    #[global_allocator]
    static ALLOCATOR: Counting = Counting;

    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

    /// Held for the whole of a test that measures memory or allocates a lot, so that such
    /// tests never overlap. The other tests of the binary allocate little, so bounds leave a
    /// few MiB of slack for them.
    pub fn alone() -> MutexGuard<'static, ()> {
        ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` and returns its result with the peak of live heap bytes above what was live
    /// when it started. Call it while holding [`alone`].
    pub fn measure<T>(_alone: &MutexGuard<'static, ()>, f: impl FnOnce() -> T) -> (T, usize) {
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let out = f();
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
        (out, peak)
    }

    /// Megabytes, for messages.
    pub fn mib(bytes: usize) -> String {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }
}
