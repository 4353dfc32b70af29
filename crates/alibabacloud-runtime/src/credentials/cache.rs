//! A provider wrapper that caches credentials and refreshes them before they expire.

use std::fmt;
use std::time::{Duration, SystemTime};

use super::{Credentials, CredentialsFuture, ProvideCredentials};

/// Caches what `inner` returns until `refresh_before` ahead of its expiry, then asks again.
///
/// Concurrent callers wait for one refresh instead of each fetching. Credentials without an
/// expiry are cached for good.
pub struct CachingProvider<P> {
    inner: P,
    refresh_before: Duration,
    cached: tokio::sync::Mutex<Option<Credentials>>,
}

impl<P: fmt::Debug> fmt::Debug for CachingProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingProvider")
            .field("inner", &self.inner)
            .field("refresh_before", &self.refresh_before)
            .finish_non_exhaustive()
    }
}

impl<P: ProvideCredentials> CachingProvider<P> {
    /// Wraps `inner`, refreshing 5 minutes before expiry.
    pub fn new(inner: P) -> Self {
        Self::with_refresh_before(inner, Duration::from_secs(300))
    }

    /// Wraps `inner`, refreshing `refresh_before` ahead of expiry.
    pub fn with_refresh_before(inner: P, refresh_before: Duration) -> Self {
        Self {
            inner,
            refresh_before,
            cached: tokio::sync::Mutex::new(None),
        }
    }

    fn fresh_enough(&self, creds: &Credentials) -> bool {
        match creds.expiry() {
            None => true,
            Some(expiry) => SystemTime::now() + self.refresh_before < expiry,
        }
    }
}

impl<P: ProvideCredentials> ProvideCredentials for CachingProvider<P> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let mut cached = self.cached.lock().await;
            if let Some(creds) = cached.as_ref().filter(|c| self.fresh_enough(c)) {
                return Ok(creds.clone());
            }
            let creds = self.inner.provide_credentials().await?;
            *cached = Some(creds.clone());
            Ok(creds)
        })
    }

    fn credentials_now(&self) -> Option<Credentials> {
        // Only when nobody is refreshing right now and the cached set is fresh.
        let cached = self.cached.try_lock().ok()?;
        cached.as_ref().filter(|c| self.fresh_enough(c)).cloned()
    }

    fn name(&self) -> &'static str {
        self.inner.name()
    }
}
