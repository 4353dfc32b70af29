//! Client configuration and per-call options.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{ChainProvider, Credentials, ProvideCredentials, StaticProvider};
use crate::endpoint::{Endpoint, InvalidEndpoint};
use crate::interceptor::Interceptor;
use crate::retry::RetryConfig;
use crate::retry::{ClassifyRetry, StandardClassifier};
use crate::retry_quota::RetryQuota;
use crate::signing::{SignatureVersion, Signer};
use crate::stub::OperationStub;
use crate::transport::HttpTransport;

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

/// How a client signs, where it sends, and how long it waits and retries.
#[derive(Clone)]
pub struct Config {
    pub(crate) credentials: Arc<dyn ProvideCredentials>,
    pub(crate) region: Option<String>,
    pub(crate) endpoint: Option<Endpoint>,
    pub(crate) signature_version: SignatureVersion,
    pub(crate) connect_timeout: Duration,
    pub(crate) read_timeout: Duration,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) retry: RetryConfig,
    pub(crate) retry_quota: RetryQuota,
    pub(crate) max_response_body: usize,
    pub(crate) app_name: Option<String>,
    /// `None`: reqwest, called directly (no boxed future).
    pub(crate) transport: Option<Arc<dyn HttpTransport>>,
    /// `None`: the scheme of `signature_version`.
    pub(crate) signer: Option<Arc<dyn Signer>>,
    pub(crate) classifier: Arc<dyn ClassifyRetry>,
    pub(crate) interceptors: Arc<[Arc<dyn Interceptor>]>,
    /// Answers calls without the pipeline (mocks); `None` in production.
    pub(crate) stub: Option<Arc<dyn OperationStub>>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("credentials", &self.credentials.name())
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("signature_version", &self.signature_version)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("retry", &self.retry)
            .field("retry_quota", &self.retry_quota)
            .field("max_response_body", &self.max_response_body)
            .field("app_name", &self.app_name)
            .field("transport", &self.transport)
            .field("signer", &self.signer)
            .field("classifier", &self.classifier)
            .field("interceptors", &self.interceptors)
            .field("stub", &self.stub)
            .finish()
    }
}

impl Config {
    /// Starts a configuration. Without [`ConfigBuilder::credentials`], credentials come from
    /// the default chain (the `ALIBABA_CLOUD_*` environment variables).
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The configured region, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The explicit endpoint, if any.
    pub fn endpoint(&self) -> Option<&Endpoint> {
        self.endpoint.as_ref()
    }

    /// The signature scheme.
    pub fn signature_version(&self) -> SignatureVersion {
        self.signature_version
    }

    /// The retry policy.
    pub fn retry(&self) -> RetryConfig {
        self.retry
    }

    /// The client-wide retry quota.
    pub fn retry_quota(&self) -> RetryQuota {
        self.retry_quota
    }

    /// The time limit of one attempt (30 s by default; `None` only when removed explicitly).
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The whole-call time limit, if any (none by default).
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

    /// The signer: the one set with [`ConfigBuilder::signer`], else the scheme of
    /// [`signature_version`](Self::signature_version).
    pub fn signer(&self) -> &dyn Signer {
        match &self.signer {
            Some(signer) => &**signer,
            None => self.signature_version.signer(),
        }
    }

    /// The custom transport, if one is set (`None`: reqwest).
    pub fn transport(&self) -> Option<&Arc<dyn HttpTransport>> {
        self.transport.as_ref()
    }

    /// The retry classifier.
    pub fn retry_classifier(&self) -> &dyn ClassifyRetry {
        &*self.classifier
    }

    /// The interceptors, in the order they run.
    pub fn interceptors(&self) -> &[Arc<dyn Interceptor>] {
        &self.interceptors
    }
}

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

/// Builds a [`Config`].
#[derive(Default)]
pub struct ConfigBuilder {
    credentials: Option<Arc<dyn ProvideCredentials>>,
    region: Option<String>,
    endpoint: Option<String>,
    signature_version: SignatureVersion,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    attempt_timeout: Option<Option<Duration>>,
    operation_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
    retry_quota: Option<RetryQuota>,
    max_response_body: Option<usize>,
    app_name: Option<String>,
    transport: Option<Arc<dyn HttpTransport>>,
    signer: Option<Arc<dyn Signer>>,
    classifier: Option<Arc<dyn ClassifyRetry>>,
    interceptors: Vec<Arc<dyn Interceptor>>,
    stub: Option<Arc<dyn OperationStub>>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("credentials", &self.credentials.as_ref().map(|c| c.name()))
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
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

    /// Sets the region (such as `cn-hangzhou`), used to pick the endpoint.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sends every request to this endpoint (`https://host[:port]`, `http://host:port` or a
    /// bare host). It wins over the region.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Chooses the signature scheme (V3 by default).
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = version;
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

    /// Sets the client-wide retry quota ([`RetryQuota::standard`] by default; see
    /// [`crate::retry_quota`]).
    pub fn retry_quota(mut self, quota: RetryQuota) -> Self {
        self.retry_quota = Some(quota);
        self
    }

    /// Sets the largest response body read, in bytes ([`DEFAULT_MAX_RESPONSE_BODY`], 64 MiB,
    /// by default). A longer answer ends the attempt with an error, unread beyond the cap.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = Some(bytes);
        self
    }

    /// Adds an application name to the `User-Agent` header.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.app_name = Some(name.into());
        self
    }

    /// Sends through `transport` instead of reqwest (an in-process emulator, a recorder, a
    /// test double). Timeouts, retries and the body cap still apply.
    pub fn transport(mut self, transport: impl HttpTransport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Signs with `signer` instead of the scheme chosen by
    /// [`signature_version`](Self::signature_version).
    pub fn signer(mut self, signer: impl Signer + 'static) -> Self {
        self.signer = Some(Arc::new(signer));
        self
    }

    /// Decides which failed attempts may be retried ([`StandardClassifier`] by default).
    pub fn retry_classifier(mut self, classifier: impl ClassifyRetry + 'static) -> Self {
        self.classifier = Some(Arc::new(classifier));
        self
    }

    /// Adds an interceptor; interceptors run in the order they are added.
    pub fn interceptor(mut self, interceptor: impl Interceptor + 'static) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// Answers calls with `stub` before anything else happens (no credentials, no signing,
    /// no I/O): what mocks for unit tests plug into. See [`crate::stub`].
    pub fn stub(mut self, stub: Arc<dyn OperationStub>) -> Self {
        self.stub = Some(stub);
        self
    }

    /// Checks the values and builds the configuration.
    pub fn build(self) -> Result<Config, ConfigError> {
        if let Some(app) = &self.app_name {
            if reqwest::header::HeaderValue::from_str(app).is_err() {
                return Err(ConfigError::InvalidHeaderValue { field: "app_name" });
            }
        }
        let endpoint = self.endpoint.as_deref().map(Endpoint::parse).transpose()?;
        Ok(Config {
            credentials: self
                .credentials
                .unwrap_or_else(|| Arc::new(ChainProvider::default_chain())),
            region: self.region,
            endpoint,
            signature_version: self.signature_version,
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
            transport: self.transport,
            signer: self.signer,
            classifier: self
                .classifier
                .unwrap_or_else(|| Arc::new(StandardClassifier)),
            interceptors: self.interceptors.into(),
            stub: self.stub,
        })
    }
}

/// Per-call overrides of the client's configuration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Overrides the retry policy for this call.
    pub retry: Option<RetryConfig>,
    /// Overrides the per-attempt time limit for this call.
    pub attempt_timeout: Option<Duration>,
    /// Overrides the whole-call time limit for this call.
    pub operation_timeout: Option<Duration>,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides the retry policy.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Overrides the per-attempt time limit.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Overrides the whole-call time limit.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }
}
