//! Credentials and the providers that supply them.
//!
//! A provider is asked for credentials before every attempt, so a provider that refreshes
//! temporary (STS) credentials is honoured mid-retry. The secret and the security token are
//! never printed: their `Debug` output is redacted.

mod cache;
mod ecs;

pub use cache::{
    CachingProvider, DEFAULT_FAILURE_BACKOFF, DEFAULT_MAX_FAILURE_BACKOFF,
    DEFAULT_MIN_REFRESH_INTERVAL, DEFAULT_REFRESH_BEFORE,
};
pub use ecs::{DEFAULT_METADATA_ENDPOINT, ENV_ECS_ROLE_NAME, EcsRamRoleProvider};

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

/// Environment variable holding the access key id.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Environment variable holding the access key secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// Environment variable holding the STS security token, for temporary credentials.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// A string that must never be printed: its `Debug` and `Display` show `** redacted **`, and
/// its memory is overwritten with zeros when it is dropped.
///
/// Only this value's own buffer is wiped: copies the caller keeps, and transient copies in HTTP
/// buffers and signed headers, are not.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Drop for Secret {
    fn drop(&mut self) {
        // Zeroes the whole allocated capacity, with writes the compiler may not elide.
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Call this only to sign; never log the result.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"** redacted **\"")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

/// An access key pair, with a security token when the credentials are temporary (STS).
///
/// Cloning is cheap (a reference count): providers hand out a clone for every attempt.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    inner: Arc<CredentialsInner>,
}

#[derive(PartialEq, Eq)]
struct CredentialsInner {
    access_key_id: String,
    access_key_secret: Secret,
    security_token: Option<Secret>,
    expiry: Option<SystemTime>,
}

impl Credentials {
    /// Long-term credentials: an access key id and its secret.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self::from_parts(access_key_id.into(), access_key_secret.into(), None, None)
    }

    /// Temporary STS credentials: an access key pair plus its security token.
    pub fn with_security_token(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        Self::from_parts(
            access_key_id.into(),
            access_key_secret.into(),
            Some(security_token.into()),
            None,
        )
    }

    fn from_parts(
        id: String,
        secret: String,
        token: Option<String>,
        expiry: Option<SystemTime>,
    ) -> Self {
        Self {
            inner: Arc::new(CredentialsInner {
                access_key_id: id,
                access_key_secret: Secret::new(secret),
                security_token: token.map(Secret::new),
                expiry,
            }),
        }
    }

    /// Sets when these credentials stop being valid.
    pub fn with_expiry(self, expiry: SystemTime) -> Self {
        let i = &self.inner;
        Self {
            inner: Arc::new(CredentialsInner {
                access_key_id: i.access_key_id.clone(),
                access_key_secret: i.access_key_secret.clone(),
                security_token: i.security_token.clone(),
                expiry: Some(expiry),
            }),
        }
    }

    /// The access key id (not secret; it appears in every signed request).
    pub fn access_key_id(&self) -> &str {
        &self.inner.access_key_id
    }

    /// The access key secret.
    pub fn access_key_secret(&self) -> &Secret {
        &self.inner.access_key_secret
    }

    /// The STS security token, for temporary credentials.
    pub fn security_token(&self) -> Option<&Secret> {
        self.inner.security_token.as_ref()
    }

    /// When these credentials expire, if they do.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.inner.expiry
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.inner.access_key_id)
            .field("access_key_secret", &self.inner.access_key_secret)
            .field("security_token", &self.inner.security_token)
            .field("expiry", &self.inner.expiry)
            .finish()
    }
}

/// Credentials could not be obtained.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "no credentials: {}{}",
    crate::text::Escaped(.message),
    crate::text::Escaped(&tried_list(.tried))
)]
pub struct CredentialsError {
    message: String,
    tried: Vec<String>,
}

fn tried_list(tried: &[String]) -> String {
    if tried.is_empty() {
        String::new()
    } else {
        format!(" (tried: {})", tried.join("; "))
    }
}

impl CredentialsError {
    /// A provider failure with a human-readable reason.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            tried: Vec::new(),
        }
    }

    /// A chain's failure: `message`, then every source with why it was skipped or failed.
    pub fn with_tried(message: impl Into<String>, tried: Vec<String>) -> Self {
        Self {
            message: message.into(),
            tried,
        }
    }

    /// The reason, without the list of sources tried.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The sources that were tried, each with why it gave nothing.
    pub fn tried(&self) -> &[String] {
        &self.tried
    }
}

/// The future a provider returns.
pub type CredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials. Implementations may cache and refresh.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Returns credentials that are valid now.
    fn provide_credentials(&self) -> CredentialsFuture<'_>;

    /// Credentials that are at hand without waiting (fixed ones, or a cached set that is still
    /// fresh), or `None` to make the caller use [`ProvideCredentials::provide_credentials`].
    /// The client asks this first on every attempt: it saves boxing a future.
    fn credentials_now(&self) -> Option<Credentials> {
        None
    }

    /// A short name for error messages, such as `environment`.
    fn name(&self) -> &'static str;
}

/// A shared provider is a provider, so wrappers such as [`CachingProvider`] can hold an
/// `Arc<dyn ProvideCredentials>` chosen at run time.
impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Arc<P> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        (**self).provide_credentials()
    }

    fn credentials_now(&self) -> Option<Credentials> {
        (**self).credentials_now()
    }

    fn name(&self) -> &'static str {
        (**self).name()
    }
}

/// Always returns the same credentials (long-term or STS).
#[derive(Debug, Clone)]
pub struct StaticProvider {
    credentials: Credentials,
}

impl StaticProvider {
    /// A provider for fixed credentials.
    pub fn new(credentials: Credentials) -> Self {
        Self { credentials }
    }
}

impl ProvideCredentials for StaticProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let creds = self.credentials.clone();
        Box::pin(async move { Ok(creds) })
    }

    fn credentials_now(&self) -> Option<Credentials> {
        Some(self.credentials.clone())
    }

    fn name(&self) -> &'static str {
        "static"
    }
}

/// Reads `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and, when set,
/// `ALIBABA_CLOUD_SECURITY_TOKEN` on every call.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentProvider {
    _private: (),
}

impl EnvironmentProvider {
    /// A provider that reads the standard environment variables.
    pub fn new() -> Self {
        Self::default()
    }

    fn read() -> Result<Credentials, CredentialsError> {
        let get = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let id = get(ENV_ACCESS_KEY_ID);
        let secret = get(ENV_ACCESS_KEY_SECRET);
        match (id, secret) {
            (Some(id), Some(secret)) => Ok(match get(ENV_SECURITY_TOKEN) {
                Some(token) => Credentials::with_security_token(id, secret, token),
                None => Credentials::new(id, secret),
            }),
            (None, _) => Err(CredentialsError::new(format!(
                "{ENV_ACCESS_KEY_ID} is not set"
            ))),
            (Some(_), None) => Err(CredentialsError::new(format!(
                "{ENV_ACCESS_KEY_SECRET} is not set"
            ))),
        }
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async { Self::read() })
    }

    fn name(&self) -> &'static str {
        "environment"
    }
}

/// Tries each provider in turn and returns the first credentials found.
///
/// When every provider fails, the error lists each source with its reason.
#[derive(Debug, Clone)]
pub struct ChainProvider {
    providers: Vec<Arc<dyn ProvideCredentials>>,
}

impl ChainProvider {
    /// A chain over `providers`, tried in order.
    pub fn new(providers: Vec<Arc<dyn ProvideCredentials>>) -> Self {
        Self { providers }
    }

    /// The default chain: the `ALIBABA_CLOUD_*` environment variables, then, when
    /// `ALIBABA_CLOUD_ECS_METADATA` names the instance's RAM role, that role's credentials
    /// from the ECS metadata service, cached and refreshed before they expire. (The metadata
    /// service is only asked when the variable is set, so a laptop never waits on it.)
    pub fn default_chain() -> Self {
        let mut providers: Vec<Arc<dyn ProvideCredentials>> =
            vec![Arc::new(EnvironmentProvider::new())];
        if let Some(role) = std::env::var(ENV_ECS_ROLE_NAME)
            .ok()
            .filter(|r| !r.is_empty())
        {
            providers.push(Arc::new(CachingProvider::new(EcsRamRoleProvider::new(
                Some(role),
            ))));
        }
        Self::new(providers)
    }
}

impl ProvideCredentials for ChainProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let mut tried = Vec::with_capacity(self.providers.len());
            for provider in &self.providers {
                match provider.provide_credentials().await {
                    Ok(creds) => return Ok(creds),
                    Err(e) => tried.push(format!("{}: {}", provider.name(), e.message)),
                }
            }
            Err(CredentialsError {
                message: "no provider in the chain returned credentials".into(),
                tried,
            })
        })
    }

    fn name(&self) -> &'static str {
        "chain"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_and_token() {
        let c = Credentials::with_security_token("AKID", "s3cr3t+/=&%", "tok-en");
        let dbg = format!("{c:?}");
        assert!(dbg.contains("AKID"));
        assert!(!dbg.contains("s3cr3t"));
        assert!(!dbg.contains("tok-en"));
        assert!(dbg.contains("redacted"));
    }

    #[derive(Debug)]
    struct Failing;
    impl ProvideCredentials for Failing {
        fn provide_credentials(&self) -> CredentialsFuture<'_> {
            Box::pin(async { Err(CredentialsError::new("metadata service unreachable")) })
        }
        fn name(&self) -> &'static str {
            "ecs-ram-role"
        }
    }

    #[tokio::test]
    async fn chain_error_names_every_source() {
        let chain = ChainProvider::new(vec![Arc::new(Failing), Arc::new(Failing)]);
        let err = chain.provide_credentials().await.unwrap_err();
        assert_eq!(err.tried().len(), 2);
        assert!(
            err.to_string()
                .contains("ecs-ram-role: metadata service unreachable"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_cache_wraps_a_provider_chosen_at_run_time() {
        let chosen: Arc<dyn ProvideCredentials> =
            Arc::new(StaticProvider::new(Credentials::new("id", "secret")));
        let cached = CachingProvider::new(chosen);
        assert_eq!(cached.name(), "static");
        let creds = cached
            .provide_credentials()
            .await
            .map(|c| c.access_key_id().to_string());
        assert_eq!(creds.ok().as_deref(), Some("id"));
    }

    #[tokio::test]
    async fn chain_returns_first_success() {
        let chain = ChainProvider::new(vec![
            Arc::new(Failing),
            Arc::new(StaticProvider::new(Credentials::new("id", "secret"))),
        ]);
        assert_eq!(
            chain.provide_credentials().await.unwrap().access_key_id(),
            "id"
        );
    }
}
