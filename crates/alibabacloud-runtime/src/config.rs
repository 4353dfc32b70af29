//! Client configuration and per-call options.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{Credentials, ProvideCredentials};
use crate::endpoint::Endpoint;
use crate::interceptor::Interceptor;
use crate::retry::RetryConfig;
use crate::retry::{ClassifyRetry, StandardClassifier};
use crate::retry_quota::RetryQuota;
use crate::shared_config::{SharedConfig, SharedConfigBuilder};
use crate::signing::{SignatureVersion, Signer};
use crate::stub::OperationStub;
use crate::transport::HttpTransport;

pub use crate::shared_config::{
    ConfigError, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY,
    DEFAULT_READ_TIMEOUT,
};

/// How a client signs, where it sends, and how long it waits and retries.
///
/// Two kinds of setting, kept apart: the [`SharedConfig`] (credentials, region, retries, time
/// limits, HTTP settings), the same for every product and usually loaded once by
/// `alibabacloud_config::load()`; and the product's own settings (signature scheme, explicit
/// endpoint), whose defaults come from the product crate and are never taken from the shared
/// configuration.
#[derive(Clone)]
pub struct Config {
    pub(crate) shared: SharedConfig,
    pub(crate) endpoint: Option<Endpoint>,
    pub(crate) signature_version: SignatureVersion,
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
            .field("shared", &self.shared)
            .field("endpoint", &self.endpoint)
            .field("signature_version", &self.signature_version)
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
    /// the runtime's default chain (the `ALIBABA_CLOUD_*` environment variables, then the ECS
    /// role named by `ALIBABA_CLOUD_ECS_METADATA`).
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The shared part: credentials, region, retries, time limits and HTTP settings.
    pub fn shared(&self) -> &SharedConfig {
        &self.shared
    }

    /// The configured region, if any.
    pub fn region(&self) -> Option<&str> {
        self.shared.region()
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
        self.shared.retry()
    }

    /// The client-wide retry quota.
    pub fn retry_quota(&self) -> RetryQuota {
        self.shared.retry_quota()
    }

    /// The time limit of one attempt (30 s by default; `None` only when removed explicitly).
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.shared.attempt_timeout()
    }

    /// The whole-call time limit, if any (none by default).
    pub fn operation_timeout(&self) -> Option<Duration> {
        self.shared.operation_timeout()
    }

    /// The time limit for establishing a connection.
    pub fn connect_timeout(&self) -> Duration {
        self.shared.connect_timeout()
    }

    /// The time limit between reads of an answer.
    pub fn read_timeout(&self) -> Duration {
        self.shared.read_timeout()
    }

    /// The largest response body read, in bytes.
    pub fn max_response_body(&self) -> usize {
        self.shared.max_response_body()
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

/// Builds a [`Config`].
#[derive(Default)]
pub struct ConfigBuilder {
    shared: SharedConfigBuilder,
    endpoint: Option<String>,
    signature_version: SignatureVersion,
    transport: Option<Arc<dyn HttpTransport>>,
    signer: Option<Arc<dyn Signer>>,
    classifier: Option<Arc<dyn ClassifyRetry>>,
    interceptors: Vec<Arc<dyn Interceptor>>,
    stub: Option<Arc<dyn OperationStub>>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("shared", &self.shared)
            .field("endpoint", &self.endpoint)
            .field("signature_version", &self.signature_version)
            .field("transport", &self.transport)
            .field("signer", &self.signer)
            .field("classifier", &self.classifier)
            .field("interceptors", &self.interceptors)
            .field("stub", &self.stub)
            .finish()
    }
}

impl ConfigBuilder {
    /// Takes every shared setting (credentials provider, region, retries, time limits, HTTP
    /// settings) from `shared`, replacing shared settings made before on this builder. The
    /// product's own settings (signature scheme, endpoint) are left as they are. Later calls
    /// (such as [`region`](Self::region)) override single settings.
    pub fn shared(mut self, shared: &SharedConfig) -> Self {
        self.shared = shared.to_builder();
        self
    }

    /// Uses these fixed credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.shared = self.shared.credentials(credentials);
        self
    }

    /// Uses this credentials provider.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.shared = self.shared.credentials_provider(provider);
        self
    }

    /// Uses this shared credentials provider (clients built with it share its cache).
    pub fn shared_credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.shared = self.shared.shared_credentials_provider(provider);
        self
    }

    /// Sets the region (such as `cn-hangzhou`), used to pick the endpoint.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.shared = self.shared.region(region);
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
        self.shared = self.shared.connect_timeout(timeout);
        self
    }

    /// Time limit between reads of the answer (10 s by default).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.shared = self.shared.read_timeout(timeout);
        self
    }

    /// Time limit for one attempt: credentials, sending and reading the whole answer
    /// ([`DEFAULT_ATTEMPT_TIMEOUT`], 30 s, by default).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.shared = self.shared.attempt_timeout(timeout);
        self
    }

    /// Removes the per-attempt time limit. A server that keeps sending a byte now and then can
    /// then hold an attempt forever; set an [`operation_timeout`](Self::operation_timeout).
    pub fn no_attempt_timeout(mut self) -> Self {
        self.shared = self.shared.no_attempt_timeout();
        self
    }

    /// Time limit for a whole call, retries and backoff included (none by default).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.shared = self.shared.operation_timeout(timeout);
        self
    }

    /// Sets the retry policy ([`RetryConfig::standard`] by default).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.shared = self.shared.retry(retry);
        self
    }

    /// Sets the client-wide retry quota ([`RetryQuota::standard`] by default; see
    /// [`crate::retry_quota`]).
    pub fn retry_quota(mut self, quota: RetryQuota) -> Self {
        self.shared = self.shared.retry_quota(quota);
        self
    }

    /// Sets the largest response body read, in bytes ([`DEFAULT_MAX_RESPONSE_BODY`], 64 MiB,
    /// by default). A longer answer ends the attempt with an error, unread beyond the cap.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.shared = self.shared.max_response_body(bytes);
        self
    }

    /// Adds an application name to the `User-Agent` header.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.shared = self.shared.app_name(name);
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
        let shared = self.shared.build()?;
        let endpoint = self.endpoint.as_deref().map(Endpoint::parse).transpose()?;
        Ok(Config {
            shared,
            endpoint,
            signature_version: self.signature_version,
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
