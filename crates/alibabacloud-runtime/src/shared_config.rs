//! The settings every product client shares: credentials, region, retries, time limits and
//! HTTP settings.
//!
//! A [`SharedConfig`] is what a loader such as `alibabacloud_config::load()` returns. Product
//! clients are built from it with `Client::config().shared(&shared)` (or the generated
//! `Client::from_shared(&shared)`), which keeps the product's own defaults (signature scheme,
//! endpoint map) and takes everything else from the shared configuration. Clients built from
//! clones of one `SharedConfig` share its credentials provider, so a cached STS credential is
//! fetched once for all of them.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{ChainProvider, Credentials, ProvideCredentials, StaticProvider};
use crate::endpoint::InvalidEndpoint;
use crate::retry::RetryConfig;
use crate::retry_quota::RetryQuota;

/// The default time limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default time limit for reading an answer.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time limit for one attempt, from asking for credentials to the last byte of
/// the answer. The read timeout alone is per read: a server that drips one byte every few
/// seconds would never hit it, so this limit is what makes every call end (see ARCHITECTURE.md).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default cap on a response body, in bytes (64 MiB). The largest real answers (pages of
/// certificates with their PEM chains) are far smaller; anything bigger is refused unread.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;

/// A configuration value was invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The endpoint could not be parsed.
    #[error(transparent)]
    Endpoint(#[from] InvalidEndpoint),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Http(String),
    /// A value cannot be sent in an HTTP header (it holds a line break or another control
    /// character). Names the setting, never its content.
    #[error("the {field} setting holds characters an HTTP header cannot carry (such as CR or LF)")]
    InvalidHeaderValue {
        /// The setting, such as `app_name`.
        field: &'static str,
    },
}

/// Settings that are the same for every product: see the [module documentation](self).
#[derive(Clone)]
pub struct SharedConfig {
    pub(crate) credentials: Arc<dyn ProvideCredentials>,
    pub(crate) region: Option<String>,
    pub(crate) connect_timeout: Duration,
    pub(crate) read_timeout: Duration,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) retry: RetryConfig,
    pub(crate) retry_quota: RetryQuota,
    pub(crate) max_response_body: usize,
    pub(crate) app_name: Option<String>,
}

impl fmt::Debug for SharedConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedConfig")
            .field("credentials", &self.credentials.name())
            .field("region", &self.region)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("retry", &self.retry)
            .field("retry_quota", &self.retry_quota)
            .field("max_response_body", &self.max_response_body)
            .field("app_name", &self.app_name)
            .finish()
    }
}

impl SharedConfig {
    /// Starts a shared configuration. Without credentials, the runtime's small default chain
    /// (environment, then the ECS role named by `ALIBABA_CLOUD_ECS_METADATA`) is used.
    pub fn builder() -> SharedConfigBuilder {
        SharedConfigBuilder::default()
    }

    /// The credentials provider. Clones share it (and its cache).
    pub fn credentials_provider(&self) -> &Arc<dyn ProvideCredentials> {
        &self.credentials
    }

    /// The region, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The retry policy.
    pub fn retry(&self) -> RetryConfig {
        self.retry
    }

    /// The client-wide retry quota each client starts with.
    pub fn retry_quota(&self) -> RetryQuota {
        self.retry_quota
    }

    /// The time limit of one attempt (`None` only when removed explicitly).
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The whole-call time limit, if any.
    pub fn operation_timeout(&self) -> Option<Duration> {
        self.operation_timeout
    }

    /// The time limit for establishing a connection.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The time limit between reads of an answer.
    pub fn read_timeout(&self) -> Duration {
        self.read_timeout
    }

    /// The largest response body read, in bytes.
    pub fn max_response_body(&self) -> usize {
        self.max_response_body
    }

    /// The application name added to the `User-Agent` header, if any.
    pub fn app_name(&self) -> Option<&str> {
        self.app_name.as_deref()
    }

    /// A builder holding every setting of this configuration, to change some of them.
    pub fn to_builder(&self) -> SharedConfigBuilder {
        SharedConfigBuilder {
            credentials: Some(self.credentials.clone()),
            region: self.region.clone(),
            connect_timeout: Some(self.connect_timeout),
            read_timeout: Some(self.read_timeout),
            attempt_timeout: Some(self.attempt_timeout),
            operation_timeout: self.operation_timeout,
            retry: Some(self.retry),
            retry_quota: Some(self.retry_quota),
            max_response_body: Some(self.max_response_body),
            app_name: self.app_name.clone(),
        }
    }
}

/// Builds a [`SharedConfig`]; unset values take the runtime's defaults.
#[derive(Default, Clone)]
pub struct SharedConfigBuilder {
    credentials: Option<Arc<dyn ProvideCredentials>>,
    region: Option<String>,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    attempt_timeout: Option<Option<Duration>>,
    operation_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
    retry_quota: Option<RetryQuota>,
    max_response_body: Option<usize>,
    app_name: Option<String>,
}

impl fmt::Debug for SharedConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedConfigBuilder")
            .field("credentials", &self.credentials.as_ref().map(|c| c.name()))
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl SharedConfigBuilder {
    /// Uses these fixed credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(Arc::new(StaticProvider::new(credentials)));
        self
    }

    /// Uses this credentials provider.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// Uses this shared credentials provider (clients built with it share its cache).
    pub fn shared_credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// Sets the region (such as `cn-hangzhou`), used to pick each product's endpoint.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets or clears the region.
    pub fn set_region(mut self, region: Option<String>) -> Self {
        self.region = region;
        self
    }

    /// Time limit for establishing a connection (5 s by default).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time limit between reads of the answer (10 s by default).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// Time limit for one attempt: credentials, sending and reading the whole answer
    /// ([`DEFAULT_ATTEMPT_TIMEOUT`], 30 s, by default).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(Some(timeout));
        self
    }

    /// Removes the per-attempt time limit. A server that keeps sending a byte now and then can
    /// then hold an attempt forever; set an [`operation_timeout`](Self::operation_timeout).
    pub fn no_attempt_timeout(mut self) -> Self {
        self.attempt_timeout = Some(None);
        self
    }

    /// Time limit for a whole call, retries and backoff included (none by default).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// Sets the retry policy ([`RetryConfig::standard`] by default).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Sets the client-wide retry quota ([`RetryQuota::standard`] by default).
    pub fn retry_quota(mut self, quota: RetryQuota) -> Self {
        self.retry_quota = Some(quota);
        self
    }

    /// Sets the largest response body read, in bytes ([`DEFAULT_MAX_RESPONSE_BODY`] by default).
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = Some(bytes);
        self
    }

    /// Adds an application name to the `User-Agent` header.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.app_name = Some(name.into());
        self
    }

    /// Checks the values and builds the shared configuration.
    pub fn build(self) -> Result<SharedConfig, ConfigError> {
        if let Some(app) = &self.app_name {
            if reqwest::header::HeaderValue::from_str(app).is_err() {
                return Err(ConfigError::InvalidHeaderValue { field: "app_name" });
            }
        }
        Ok(SharedConfig {
            credentials: self
                .credentials
                .unwrap_or_else(|| Arc::new(ChainProvider::default_chain())),
            region: self.region,
            connect_timeout: self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            read_timeout: self.read_timeout.unwrap_or(DEFAULT_READ_TIMEOUT),
            attempt_timeout: self
                .attempt_timeout
                .unwrap_or(Some(DEFAULT_ATTEMPT_TIMEOUT)),
            operation_timeout: self.operation_timeout,
            retry: self.retry.unwrap_or_default(),
            retry_quota: self.retry_quota.unwrap_or_default(),
            max_response_body: self.max_response_body.unwrap_or(DEFAULT_MAX_RESPONSE_BODY),
            app_name: self.app_name,
        })
    }
}
