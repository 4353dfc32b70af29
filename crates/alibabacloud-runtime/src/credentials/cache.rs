//! A provider wrapper that caches credentials and refreshes them before they expire, with one
//! fetch at a time for all callers (see [`CachingProvider`]).

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use super::{Credentials, CredentialsError, CredentialsFuture, ProvideCredentials};

/// Refresh this long before the expiry by default.
pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(300);
/// The first wait after a failed fetch, by default; it doubles with each failure in a row.
pub const DEFAULT_FAILURE_BACKOFF: Duration = Duration::from_secs(1);
/// The longest wait after failed fetches, by default.
pub const DEFAULT_MAX_FAILURE_BACKOFF: Duration = Duration::from_secs(60);
/// The shortest time between two successful fetches whose credentials were already due for a
/// refresh, by default.
pub const DEFAULT_MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(10);

/// Caches what `inner` returns until `refresh_before` ahead of its expiry, then asks again,
/// one fetch at a time. Credentials without an expiry are cached for good.
///
/// The rules, for a source `P` (the ECS metadata service, an STS call, a process...):
///
/// * **Single flight.** However many callers need new credentials at once, one fetch runs; the
///   others wait for it and all get its result, or all get its failure.
/// * **Refresh ahead.** Credentials are refreshed `refresh_before` ahead of their expiry. While
///   the old ones are still valid, a failed refresh keeps them in use (and callers that arrive
///   while a refresh runs get them at once instead of waiting).
/// * **Backoff.** After a failure (and an answer that had already expired counts as one),
///   the source is not asked again before a backoff that starts at one second and doubles up to
///   a minute; callers in between get the same failure at once. After a success whose
///   credentials are already inside the refresh window, the source is not asked again for
///   `min_refresh_interval`, so a source that always hands out short-lived credentials is not
///   asked on every call.
/// * **Cancellation.** A caller that gives up while fetching (a timeout) leaves nothing
///   behind: the next caller fetches.
pub struct CachingProvider<P> {
    inner: P,
    refresh_before: Duration,
    failure_backoff: Duration,
    max_failure_backoff: Duration,
    min_refresh_interval: Duration,
    state: Mutex<CacheState>,
    /// Held by the one caller that fetches.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct CacheState {
    cached: Option<Credentials>,
    /// Counts finished fetches, so a caller that waited for one knows it finished.
    generation: u64,
    last_error: Option<CredentialsError>,
    failures_in_a_row: u32,
    /// No fetch before this instant (backoff).
    quiet_until: Option<Instant>,
}

impl<P: fmt::Debug> fmt::Debug for CachingProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingProvider")
            .field("inner", &self.inner)
            .field("refresh_before", &self.refresh_before)
            .field("failure_backoff", &self.failure_backoff)
            .field("max_failure_backoff", &self.max_failure_backoff)
            .field("min_refresh_interval", &self.min_refresh_interval)
            .finish_non_exhaustive()
    }
}

impl<P: ProvideCredentials> CachingProvider<P> {
    /// Wraps `inner`, refreshing 5 minutes before expiry.
    pub fn new(inner: P) -> Self {
        Self::with_refresh_before(inner, DEFAULT_REFRESH_BEFORE)
    }

    /// Wraps `inner`, refreshing `refresh_before` ahead of expiry.
    pub fn with_refresh_before(inner: P, refresh_before: Duration) -> Self {
        Self {
            inner,
            refresh_before,
            failure_backoff: DEFAULT_FAILURE_BACKOFF,
            max_failure_backoff: DEFAULT_MAX_FAILURE_BACKOFF,
            min_refresh_interval: DEFAULT_MIN_REFRESH_INTERVAL,
            state: Mutex::new(CacheState::default()),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    /// Sets the wait after a first failed fetch and the longest wait after failures in a row.
    pub fn with_failure_backoff(mut self, first: Duration, max: Duration) -> Self {
        self.failure_backoff = first;
        self.max_failure_backoff = max.max(first);
        self
    }

    /// Sets the shortest time between fetches whose credentials were already due for refresh.
    pub fn with_min_refresh_interval(mut self, interval: Duration) -> Self {
        self.min_refresh_interval = interval;
        self
    }

    /// The wrapped source.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        // The state is plain data: a panic elsewhere leaves it consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Not due for a refresh yet.
    fn fresh(&self, creds: &Credentials, now: SystemTime) -> bool {
        creds
            .expiry()
            .is_none_or(|expiry| now + self.refresh_before < expiry)
    }

    /// Not expired.
    fn valid(creds: &Credentials, now: SystemTime) -> bool {
        creds.expiry().is_none_or(|expiry| now < expiry)
    }

    /// Credentials, fetching them if needed (see [`CachingProvider`] for the rules).
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        loop {
            let (generation, still_valid) = {
                let st = self.lock();
                let now = SystemTime::now();
                let quiet = st.quiet_until.is_some_and(|t| Instant::now() < t);
                let still_valid = st.cached.clone().filter(|c| Self::valid(c, now));
                match (&st.cached, &still_valid) {
                    (Some(c), _) if self.fresh(c, now) => return Ok(c.clone()),
                    (_, Some(c)) if quiet => return Ok(c.clone()),
                    (_, None) if quiet => {
                        return Err(st.last_error.clone().unwrap_or_else(|| {
                            CredentialsError::new("the credentials source is backing off")
                        }));
                    }
                    _ => {}
                }
                (st.generation, still_valid)
            };
            let _fetching = match still_valid {
                // Valid credentials in hand: never wait for someone else's refresh.
                Some(current) => match self.fetching.try_lock() {
                    Ok(guard) => guard,
                    Err(_) => return Ok(current),
                },
                None => self.fetching.lock().await,
            };
            if self.lock().generation != generation {
                // A fetch finished while this caller waited: use its outcome.
                continue;
            }
            let fetched = self.inner.provide_credentials().await;
            return self.record(fetched);
        }
    }

    /// Stores the outcome of a fetch and says what the fetching caller gets.
    fn record(
        &self,
        fetched: Result<Credentials, CredentialsError>,
    ) -> Result<Credentials, CredentialsError> {
        let now = SystemTime::now();
        let fetched = fetched.and_then(|c| {
            if Self::valid(&c, now) {
                Ok(c)
            } else {
                Err(CredentialsError::new(format!(
                    "the {} source returned credentials that had already expired",
                    self.inner.name()
                )))
            }
        });
        let mut st = self.lock();
        st.generation = st.generation.wrapping_add(1);
        match fetched {
            Ok(creds) => {
                st.failures_in_a_row = 0;
                st.last_error = None;
                st.quiet_until =
                    (!self.fresh(&creds, now)).then(|| Instant::now() + self.min_refresh_interval);
                st.cached = Some(creds.clone());
                Ok(creds)
            }
            Err(e) => {
                let backoff = self
                    .failure_backoff
                    .saturating_mul(1u32 << st.failures_in_a_row.min(16))
                    .min(self.max_failure_backoff);
                st.failures_in_a_row = st.failures_in_a_row.saturating_add(1);
                st.quiet_until = Some(Instant::now() + backoff);
                tracing::debug!(
                    source = self.inner.name(),
                    backoff_ms = backoff.as_millis() as u64,
                    "credentials fetch failed"
                );
                st.last_error = Some(e.clone());
                match st.cached.clone().filter(|c| Self::valid(c, now)) {
                    Some(still_valid) => Ok(still_valid),
                    None => Err(e),
                }
            }
        }
    }
}

impl<P: ProvideCredentials> ProvideCredentials for CachingProvider<P> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.credentials())
    }

    fn credentials_now(&self) -> Option<Credentials> {
        // Only a cached set that is not due for a refresh: the first rule of `credentials`.
        let st = self.lock();
        st.cached
            .as_ref()
            .filter(|c| self.fresh(c, SystemTime::now()))
            .cloned()
    }

    fn name(&self) -> &'static str {
        self.inner.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A source that counts its fetches, takes `delay` and answers what `answer` says.
    struct Source {
        fetches: AtomicU32,
        delay: Duration,
        answer: Box<dyn Fn(u32) -> Result<Credentials, CredentialsError> + Send + Sync>,
    }

    impl fmt::Debug for Source {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("Source")
        }
    }

    impl ProvideCredentials for Source {
        fn provide_credentials(&self) -> CredentialsFuture<'_> {
            Box::pin(async move {
                let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(self.delay).await;
                (self.answer)(n)
            })
        }
        fn name(&self) -> &'static str {
            "test"
        }
    }

    fn cache(
        delay: Duration,
        answer: impl Fn(u32) -> Result<Credentials, CredentialsError> + Send + Sync + 'static,
    ) -> Arc<CachingProvider<Source>> {
        Arc::new(CachingProvider::new(Source {
            fetches: AtomicU32::new(0),
            delay,
            answer: Box::new(answer),
        }))
    }

    fn lasting(d: Duration, n: u32) -> Credentials {
        Credentials::with_security_token(format!("id-{n}"), "secret", "token")
            .with_expiry(SystemTime::now() + d)
    }

    async fn concurrently(
        c: &Arc<CachingProvider<Source>>,
        n: usize,
    ) -> Vec<Result<Credentials, CredentialsError>> {
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                let c = c.clone();
                tokio::spawn(async move { c.credentials().await })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(
                t.await
                    .unwrap_or_else(|e| Err(CredentialsError::new(e.to_string()))),
            );
        }
        out
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sixteen_callers_one_fetch() {
        let c = cache(Duration::from_millis(300), |n| {
            Ok(lasting(Duration::from_secs(3600), n))
        });
        let started = Instant::now();
        let results = concurrently(&c, 16).await;
        assert_eq!(c.inner.fetches.load(Ordering::SeqCst), 1);
        for r in results {
            assert_eq!(
                r.map(|c| c.access_key_id().to_string()).ok().as_deref(),
                Some("id-1")
            );
        }
        // All waited for the same fetch, not for sixteen in a row.
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_failure_is_shared_and_backed_off() {
        let c = cache(Duration::from_millis(200), |_| {
            Err(CredentialsError::new("metadata service unreachable"))
        });
        let results = concurrently(&c, 16).await;
        assert_eq!(
            c.inner.fetches.load(Ordering::SeqCst),
            1,
            "one fetch for all"
        );
        for r in &results {
            let e = r.as_ref().err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains("metadata service unreachable"), "{e}");
        }
        // Within the backoff: the same failure at once, no new fetch.
        assert!(c.credentials().await.is_err());
        assert_eq!(c.inner.fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn an_expired_answer_is_an_error_with_backoff() {
        let c = Arc::new(
            CachingProvider::new(Source {
                fetches: AtomicU32::new(0),
                delay: Duration::ZERO,
                answer: Box::new(|n| {
                    Ok(Credentials::new(format!("id-{n}"), "s")
                        .with_expiry(SystemTime::now() - Duration::from_secs(1)))
                }),
            })
            .with_failure_backoff(Duration::from_millis(200), Duration::from_secs(1)),
        );
        for _ in 0..50 {
            let e = c
                .credentials()
                .await
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(e.contains("already expired"), "{e}");
        }
        assert_eq!(
            c.inner.fetches.load(Ordering::SeqCst),
            1,
            "50 calls, one fetch"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(c.credentials().await.is_err());
        assert_eq!(
            c.inner.fetches.load(Ordering::SeqCst),
            2,
            "asked again after the backoff"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_failed_refresh_keeps_the_valid_credentials() {
        // The first answer is valid for 2 minutes: inside the 5-minute refresh window, so
        // every later call is due for a refresh; the source fails from then on.
        let c = Arc::new(
            CachingProvider::new(Source {
                fetches: AtomicU32::new(0),
                delay: Duration::from_millis(50),
                answer: Box::new(|n| match n {
                    1 => Ok(lasting(Duration::from_secs(120), n)),
                    _ => Err(CredentialsError::new("refresh failed")),
                }),
            })
            .with_min_refresh_interval(Duration::ZERO)
            .with_failure_backoff(Duration::from_millis(100), Duration::from_millis(100)),
        );
        let first = c.credentials().await.map(|c| c.access_key_id().to_string());
        assert_eq!(first.ok().as_deref(), Some("id-1"));
        for r in concurrently(&c, 16).await {
            assert_eq!(
                r.map(|c| c.access_key_id().to_string()).ok().as_deref(),
                Some("id-1"),
                "the old credentials stay in use"
            );
        }
        assert_eq!(
            c.inner.fetches.load(Ordering::SeqCst),
            2,
            "one refresh attempt"
        );
    }

    #[tokio::test]
    async fn short_lived_answers_are_not_fetched_on_every_call() {
        let c = cache(Duration::ZERO, |n| Ok(lasting(Duration::from_secs(60), n)));
        for _ in 0..100 {
            assert!(c.credentials().await.is_ok());
        }
        assert_eq!(c.inner.fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_cancelled_fetch_leaves_the_next_caller_to_fetch() {
        let c = cache(Duration::from_millis(500), |n| {
            Ok(lasting(Duration::from_secs(3600), n))
        });
        let gave_up = tokio::time::timeout(Duration::from_millis(50), c.credentials()).await;
        assert!(gave_up.is_err());
        let creds = c.credentials().await.map(|c| c.access_key_id().to_string());
        assert_eq!(creds.ok().as_deref(), Some("id-2"));
    }
}
