//! The call loop (retries, timeouts, the retry quota) and the attempt pipeline: resolve
//! credentials → build → sign → send through the transport → classify → decode.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use tracing::Instrument as _;

use crate::config::{CallOptions, Config, ConfigError};
use crate::credentials::Credentials;
use crate::endpoint::{Endpoint, ServiceInfo};
use crate::error::{
    ConstructionError, ErrorMetadata, ID_LIMIT, OperationError, RedirectError, ResponseError,
    SdkError, SdkErrorKind, TimeoutError, TimeoutKind, TransportError,
};
use crate::interceptor::UnsignedRequest;
use crate::operation::{Auth, Operation};
use crate::redact::{Redactor, SignatureCopy, bounded_redacted};
use crate::retry::{ClassifyRetry, FailureClass};
use crate::retry_quota::RetryBucket;
use crate::signing::{AttemptContext, SignableRequest, SignatureOutput};
use crate::stub::StubAnswer;
use crate::transport::{
    HeaderMap, HeaderName, HeaderValue, HttpRequest, HttpResponse, HttpTransport, TransportFailure,
    TransportLimits,
};
use crate::wire::RequestParts;

/// A client for one product: one pooled HTTP client, one configuration.
///
/// Cloning is cheap and shares the connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// What the client sends through: reqwest, called directly, or a configured transport.
enum ClientTransport {
    Reqwest(reqwest::Client),
    Custom(Arc<dyn HttpTransport>),
}

struct Inner {
    transport: ClientTransport,
    config: Config,
    service: ServiceInfo,
    endpoint: Endpoint,
    /// Parsed once: each attempt clones it and sets the path and query, instead of parsing
    /// the whole URL (scheme, host, port) again.
    base_url: reqwest::Url,
    authority: String,
    /// Built once; each request shares it (a reference count, no copy).
    user_agent: HeaderValue,
    retry_bucket: RetryBucket,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("product", &self.inner.service.product)
            .field("version", &self.inner.service.version)
            .field("endpoint", &self.inner.endpoint)
            .field("config", &self.inner.config)
            .finish()
    }
}

/// The result of one attempt.
enum AttemptError<E> {
    Fatal(SdkErrorKind<E>),
    Failed {
        kind: SdkErrorKind<E>,
        class: FailureClass,
        retry_after: Option<Duration>,
    },
}

impl Client {
    /// Builds a client for `service` with `config`.
    pub fn new(service: ServiceInfo, config: Config) -> Result<Self, ConfigError> {
        let endpoint = Endpoint::resolve(
            config.endpoint.as_ref(),
            config.shared.region.as_deref(),
            &service.endpoints,
        );
        let mut user_agent = format!(
            "alibabacloud-rust-sdk/{} {}/{} ({}; {})",
            env!("CARGO_PKG_VERSION"), // = crate::RUNTIME_VERSION, without importing the crate root
            service.sdk_name,
            service.sdk_version,
            std::env::consts::OS,
            std::env::consts::ARCH,
        );
        if let Some(app) = &config.shared.app_name {
            user_agent.push(' ');
            user_agent.push_str(app);
        }
        let user_agent = HeaderValue::try_from(user_agent)
            .map_err(|_| ConfigError::InvalidHeaderValue { field: "app_name" })?;
        let transport = match &config.transport {
            Some(custom) => ClientTransport::Custom(Arc::clone(custom)),
            None => ClientTransport::Reqwest(crate::transport::build_reqwest(
                config.shared.connect_timeout,
                config.shared.read_timeout,
            )?),
        };
        let base_url = reqwest::Url::parse(&endpoint.base_url())
            .map_err(|e| ConfigError::Http(format!("the endpoint is not a valid URL: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                transport,
                base_url,
                authority: endpoint.authority(),
                endpoint,
                retry_bucket: RetryBucket::new(config.shared.retry_quota),
                config,
                service,
                user_agent,
            }),
        })
    }

    /// The resolved endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The service this client talks to.
    pub fn service(&self) -> &ServiceInfo {
        &self.inner.service
    }

    /// The tokens left in the client-wide retry quota (`None` when it is unlimited).
    pub fn retry_tokens(&self) -> Option<u32> {
        self.inner.retry_bucket.available()
    }

    /// Sends `input` with retries and timeouts, and decodes the answer.
    pub async fn invoke<O: Operation>(
        &self,
        input: &O,
        options: &CallOptions,
    ) -> Result<O::Output, SdkError<O::Error>> {
        let span = tracing::info_span!(
            "alibabacloud.call",
            product = self.inner.service.product,
            action = O::ACTION,
            attempt = tracing::field::Empty,
            http_status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        if let Some(stub) = &self.inner.config.stub {
            if let Some(answer) = stub.answer(O::ACTION, input) {
                return stubbed::<O>(answer);
            }
        }
        // Written once per call: every attempt sends the same parameters (and ClientToken).
        let parts = match RequestParts::of(input) {
            Ok(parts) => parts,
            Err(e) => return Err(SdkError::new(SdkErrorKind::Construction(e), 0)),
        };
        if let Err(e) = crate::roa::check_scheme::<O>(self.inner.config.signature_version) {
            return Err(SdkError::new(SdkErrorKind::Construction(e), 0));
        }
        let attempts = AtomicU32::new(0);
        let sent = AtomicBool::new(false);
        let quota_exhausted = AtomicBool::new(false);
        let operation_timeout =
            options
                .operation_timeout
                .or(self.inner.config.shared.operation_timeout);
        let call = self.call_loop::<O>(&parts, options, &attempts, &sent, &quota_exhausted);
        let result = match operation_timeout {
            None => call.instrument(span).await,
            Some(limit) => match tokio::time::timeout(limit, call.instrument(span)).await {
                Ok(r) => r,
                Err(_) => Err(SdkErrorKind::Timeout(TimeoutError::new(
                    TimeoutKind::Operation,
                    limit,
                    sent.load(Ordering::Relaxed),
                ))),
            },
        };
        result.map_err(|kind| {
            let err = SdkError::new(kind, attempts.load(Ordering::Relaxed));
            if quota_exhausted.load(Ordering::Relaxed) {
                err.with_retry_quota_exhausted()
            } else {
                err
            }
        })
    }

    async fn call_loop<O: Operation>(
        &self,
        parts: &RequestParts,
        options: &CallOptions,
        attempts: &AtomicU32,
        sent: &AtomicBool,
        quota_exhausted: &AtomicBool,
    ) -> Result<O::Output, SdkErrorKind<O::Error>> {
        let retry = options.retry.unwrap_or(self.inner.config.shared.retry);
        let attempt_timeout = options
            .attempt_timeout
            .or(self.inner.config.shared.attempt_timeout);
        let bucket = &self.inner.retry_bucket;
        let started = Instant::now();
        let mut attempt = 0u32;
        let mut last_retry_cost = 0u32;
        loop {
            attempt += 1;
            attempts.store(attempt, Ordering::Relaxed);
            tracing::Span::current().record("attempt", attempt);
            let outcome = match attempt_timeout {
                None => self.attempt::<O>(parts, sent).await,
                Some(limit) => {
                    match tokio::time::timeout(limit, self.attempt::<O>(parts, sent)).await {
                        Ok(r) => r,
                        Err(_) => Err(AttemptError::Failed {
                            kind: SdkErrorKind::Timeout(TimeoutError::new(
                                TimeoutKind::Attempt,
                                limit,
                                sent.load(Ordering::Relaxed),
                            )),
                            class: if sent.load(Ordering::Relaxed) {
                                FailureClass::Transient
                            } else {
                                FailureClass::NotSent
                            },
                            retry_after: None,
                        }),
                    }
                }
            };
            let span = tracing::Span::current();
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            match outcome {
                Ok(output) => {
                    bucket.on_success(last_retry_cost);
                    return Ok(output);
                }
                Err(AttemptError::Fatal(kind)) => {
                    if matches!(
                        kind,
                        SdkErrorKind::Credentials(_) | SdkErrorKind::Construction(_)
                    ) {
                        // Nothing was sent in this attempt: it does not count.
                        attempts.store(attempt - 1, Ordering::Relaxed);
                    }
                    return Err(kind);
                }
                Err(AttemptError::Failed {
                    kind,
                    class,
                    retry_after,
                }) => {
                    if attempt >= retry.max_attempts() || !class.retryable(O::IDEMPOTENT) {
                        return Err(kind);
                    }
                    match bucket.acquire(matches!(kind, SdkErrorKind::Timeout(_))) {
                        Some(cost) => last_retry_cost = cost,
                        None => {
                            tracing::debug!(attempt, "retry quota used up: not retrying");
                            quota_exhausted.store(true, Ordering::Relaxed);
                            return Err(kind);
                        }
                    }
                    let delay = retry.backoff(attempt, retry_after);
                    tracing::debug!(
                        attempt,
                        ?class,
                        delay_ms = delay.as_millis() as u64,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                    sent.store(false, Ordering::Relaxed);
                }
            }
        }
    }

    /// One attempt, phase by phase: resolve credentials → build (interceptors before
    /// signing) → sign (interceptors after signing) → send → (interceptors after the response)
    /// → classify and decode.
    async fn attempt<O: Operation>(
        &self,
        parts: &RequestParts,
        sent: &AtomicBool,
    ) -> Result<O::Output, AttemptError<O::Error>> {
        let inner = &*self.inner;
        let interceptors = &*inner.config.interceptors;
        let credentials = self.resolve_credentials::<O>().await?;
        // Interceptors change a copy: the call's parts stay as written for the next attempt.
        let mut changed;
        let parts = if interceptors.is_empty() {
            parts
        } else {
            changed = parts.clone();
            let mut unsigned = UnsignedRequest {
                action: O::ACTION,
                version: inner.service.version,
                parts: &mut changed,
            };
            for interceptor in interceptors {
                interceptor
                    .before_signing(&mut unsigned)
                    .map_err(|e| AttemptError::Fatal(interceptor_refused("before signing", &e)))?;
            }
            // Signers expect the parameters sorted, as `RequestParts::of` left them.
            changed.params.sort();
            &changed
        };
        let (mut request, signature) = self.sign::<O>(parts, credentials.as_ref())?;
        for interceptor in interceptors {
            interceptor
                .after_signing(&mut request)
                .map_err(|e| AttemptError::Fatal(interceptor_refused("after signing", &e)))?;
        }
        let redactor = Redactor::new(credentials.as_ref(), signature.as_bytes());
        sent.store(true, Ordering::Relaxed);
        let mut response = match self.send(request).await {
            Ok(response) => response,
            Err(failure) => return Err(self.transport_failure(failure, sent, &redactor)),
        };
        for interceptor in interceptors {
            interceptor.after_response(&mut response);
        }
        let span = tracing::Span::current();
        span.record("http_status", response.status);
        self.classify_and_decode::<O>(response, &redactor)
    }

    /// Phase 1: the credentials (none for an anonymous operation). Credentials at hand (fixed,
    /// or cached and fresh) are taken without boxing a future.
    async fn resolve_credentials<O: Operation>(
        &self,
    ) -> Result<Option<Credentials>, AttemptError<O::Error>> {
        let provider = &self.inner.config.shared.credentials;
        match O::AUTH {
            Auth::Signed => Ok(Some(match provider.credentials_now() {
                Some(credentials) => credentials,
                None => provider
                    .provide_credentials()
                    .await
                    .map_err(|e| AttemptError::Fatal(SdkErrorKind::Credentials(e)))?,
            })),
            Auth::Anonymous => Ok(None),
        }
    }

    /// Phase 3: signs `parts` and lays the request out for the transport.
    fn sign<O: Operation>(
        &self,
        parts: &RequestParts,
        credentials: Option<&Credentials>,
    ) -> Result<(HttpRequest, SignatureCopy), AttemptError<O::Error>> {
        let inner = &*self.inner;
        // A fresh nonce and timestamp for every attempt.
        let context = AttemptContext::fresh();
        let method = O::ROUTE.map_or(crate::roa::Method::Post, |r| r.method);
        let signable = SignableRequest {
            method: method.as_str(),
            path: parts.path(),
            host: &inner.authority,
            action: O::ACTION,
            version: inner.service.version,
            params: &parts.params,
            body: parts.body(),
        };
        // The signer writes the query into one buffer and every header value into one text,
        // which all the header values then share.
        let mut signed =
            SignatureOutput::with_prefix(String::with_capacity(64 + parts.params.text_len() * 2));
        inner.config.signer().sign_into(
            &signable,
            &parts.extras(),
            credentials,
            context.timestamp(),
            context.nonce(),
            &mut signed,
        );
        let signature = SignatureCopy::of_parts(
            signed.query(),
            signed
                .headers()
                .find(|(name, _)| *name == "authorization")
                .map(|(_, value)| value),
        );
        let (query, header_text, signed_headers) = signed.into_parts();
        let mut url = inner.base_url.clone();
        // RPC calls keep the endpoint's `/`; an ROA path is already encoded per segment.
        if O::ROUTE.is_some() {
            url.set_path(parts.path());
        }
        if !query.is_empty() {
            url.set_query(Some(&query));
        }
        // Sized once: ours plus the few the HTTP stack adds (host, content-length), so the map
        // never grows on the way out.
        let mut headers =
            HeaderMap::with_capacity(signed_headers.len() + parts.header_values().len() + 4);
        headers.append(reqwest::header::USER_AGENT, inner.user_agent.clone());
        headers.append(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        let header_text = bytes::Bytes::from(header_text);
        for (name, range) in signed_headers.iter() {
            if name == "host" {
                continue;
            }
            // Checked here, before anything is sent: a value with a line break (a token with a
            // trailing newline) is the caller's problem, not an unknown outcome.
            let value = HeaderValue::from_maybe_shared(header_text.slice(range)).map_err(|_| {
                AttemptError::Fatal(SdkErrorKind::Construction(invalid_header(name)))
            })?;
            headers.append(signed_header_name(name)?, value);
        }
        for (name, value) in parts.header_values() {
            headers.append(name.clone(), value.clone());
        }
        let request = HttpRequest {
            method: method.to_reqwest(),
            url,
            headers,
            // A cheap reference-counted clone: the body is encoded once per call.
            body: parts.body().clone(),
        };
        Ok((request, signature))
    }

    /// Phase 4: the exchange, through reqwest (no boxed future) or the configured transport.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportFailure> {
        let config = &self.inner.config;
        let limits = TransportLimits {
            max_response_body: config.shared.max_response_body,
            connect_timeout: config.shared.connect_timeout,
            read_timeout: config.shared.read_timeout,
        };
        match &self.inner.transport {
            ClientTransport::Reqwest(http) => {
                crate::transport::send_reqwest(http, request, limits).await
            }
            ClientTransport::Custom(transport) => transport.send(request, limits).await,
        }
    }

    /// Phase 5: a redirect is refused, a 2xx decoded, anything else classified for retrying.
    fn classify_and_decode<O: Operation>(
        &self,
        response: HttpResponse,
        redactor: &Redactor<'_>,
    ) -> Result<O::Output, AttemptError<O::Error>> {
        let status = response.status;
        let headers = &response.headers;
        let retry_after = headers
            .get(names::X_ACS_RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_millis);
        let header_request_id = headers.get(names::X_ACS_REQUEST_ID);
        if (300..400).contains(&status) {
            let location = headers.get(reqwest::header::LOCATION);
            let host = location.and_then(|l| location_host(&self.inner.base_url, l.as_bytes()));
            let host = host.map(|h| bounded_redacted(&h, ID_LIMIT, Some(redactor)));
            let id = request_id_text(header_request_id, redactor);
            let redirect = RedirectError::new(status, host.as_deref(), id.as_deref());
            tracing::debug!(status, "redirect refused");
            return Err(AttemptError::Fatal(SdkErrorKind::Redirect(redirect)));
        }
        decode::<O>(
            status,
            retry_after,
            header_request_id,
            &response.body,
            redactor,
            &*self.inner.config.classifier,
        )
    }

    /// A transport failure as an attempt error, classified for retrying.
    fn transport_failure<E>(
        &self,
        failure: TransportFailure,
        sent: &AtomicBool,
        redactor: &Redactor<'_>,
    ) -> AttemptError<E> {
        let config = &self.inner.config;
        let (kind, class) = match failure {
            TransportFailure::Construction(reason) => {
                sent.store(false, Ordering::Relaxed);
                return AttemptError::Fatal(SdkErrorKind::Construction(ConstructionError::new(
                    format!("the HTTP request could not be built ({reason}); nothing was sent"),
                )));
            }
            TransportFailure::TooLarge {
                status,
                declared,
                request_id,
            } => {
                let cap = config.shared.max_response_body;
                let reason = match declared {
                    Some(len) => format!(
                        "the body announces {len} bytes, more than the limit of {cap} bytes; it was not read"
                    ),
                    None => format!("the body is longer than the limit of {cap} bytes"),
                };
                let error = ResponseError::new_redacted(status, &[], &reason, redactor)
                    .or_request_id(request_id_text(request_id.as_ref(), redactor));
                return AttemptError::Fatal(SdkErrorKind::Response(error));
            }
            TransportFailure::Timeout { sent: was_sent } => {
                let (kind, limit) = if was_sent {
                    (TimeoutKind::Read, config.shared.read_timeout)
                } else {
                    (TimeoutKind::Connect, config.shared.connect_timeout)
                };
                let class = if was_sent {
                    FailureClass::Transient
                } else {
                    FailureClass::NotSent
                };
                (
                    SdkErrorKind::Timeout(TimeoutError::new(kind, limit, was_sent)),
                    class,
                )
            }
            TransportFailure::NotSent(source) => (
                SdkErrorKind::Transport(TransportError::new(
                    "connection failed before the request was sent",
                    Some(source),
                    false,
                )),
                FailureClass::NotSent,
            ),
            TransportFailure::AfterSent(source) => (
                SdkErrorKind::Transport(TransportError::new(
                    "connection failed after the request was sent",
                    Some(source),
                    true,
                )),
                FailureClass::Transient,
            ),
        };
        if class == FailureClass::NotSent {
            sent.store(false, Ordering::Relaxed);
        }
        AttemptError::Failed {
            kind,
            class,
            retry_after: None,
        }
    }
}

/// Header names, built at compile time: using them parses nothing.
mod names {
    use reqwest::header::HeaderName;
    pub const X_ACS_ACTION: HeaderName = HeaderName::from_static("x-acs-action");
    pub const X_ACS_VERSION: HeaderName = HeaderName::from_static("x-acs-version");
    pub const X_ACS_DATE: HeaderName = HeaderName::from_static("x-acs-date");
    pub const X_ACS_SIGNATURE_NONCE: HeaderName = HeaderName::from_static("x-acs-signature-nonce");
    pub const X_ACS_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-acs-content-sha256");
    pub const X_ACS_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-acs-security-token");
    pub const X_ACS_RETRY_AFTER: HeaderName = HeaderName::from_static("x-acs-retry-after");
    pub const X_ACS_REQUEST_ID: HeaderName = HeaderName::from_static("x-acs-request-id");
}

/// The name of a header a signer wrote, without parsing the common ones.
fn signed_header_name<E>(name: &'static str) -> Result<HeaderName, AttemptError<E>> {
    Ok(match name {
        "x-acs-action" => names::X_ACS_ACTION,
        "x-acs-version" => names::X_ACS_VERSION,
        "x-acs-date" => names::X_ACS_DATE,
        "x-acs-signature-nonce" => names::X_ACS_SIGNATURE_NONCE,
        "x-acs-content-sha256" => names::X_ACS_CONTENT_SHA256,
        "x-acs-security-token" => names::X_ACS_SECURITY_TOKEN,
        "authorization" => reqwest::header::AUTHORIZATION,
        "content-type" => reqwest::header::CONTENT_TYPE,
        other => HeaderName::from_bytes(other.as_bytes())
            .map_err(|_| AttemptError::Fatal(SdkErrorKind::Construction(invalid_header(other))))?,
    })
}

/// A stub's answer as the call's result; a value of the wrong type is a construction error.
fn stubbed<O: Operation>(answer: StubAnswer) -> Result<O::Output, SdkError<O::Error>> {
    let refused = |why: String| {
        Err(SdkError::new(
            SdkErrorKind::Construction(ConstructionError::new(why)),
            0,
        ))
    };
    match answer {
        StubAnswer::Output(output) => match output.downcast::<O::Output>() {
            Ok(output) => Ok(*output),
            Err(_) => refused(format!(
                "the stub answered {} with a value that is not its output type",
                O::ACTION
            )),
        },
        StubAnswer::Error(error) => match error.downcast::<O::Error>() {
            Ok(error) => Err(SdkError::new(SdkErrorKind::Service(*error), 1)),
            Err(_) => refused(format!(
                "the stub answered {} with a value that is not its error type",
                O::ACTION
            )),
        },
        StubAnswer::Unmatched(why) => refused(why),
    }
}

/// The error for an interceptor that stopped an attempt. Nothing was sent.
fn interceptor_refused<E>(
    hook: &str,
    error: &crate::interceptor::InterceptorError,
) -> SdkErrorKind<E> {
    SdkErrorKind::Construction(ConstructionError::new(format!(
        "an interceptor stopped the request {hook} ({}); nothing was sent",
        crate::text::Escaped(&error.to_string())
    )))
}

/// The `x-acs-request-id` header as text for an error: bounded, with secrets redacted.
fn request_id_text(value: Option<&HeaderValue>, redactor: &Redactor<'_>) -> Option<String> {
    let text = value?.to_str().ok()?;
    Some(bounded_redacted(text, ID_LIMIT, Some(redactor)))
}

/// The error for a signed header that cannot be sent. Names the value, never shows it.
fn invalid_header(name: &str) -> ConstructionError {
    let field = match name {
        "x-acs-security-token" => "the security token",
        "authorization" => "the access key id",
        _ => "a signed value",
    };
    ConstructionError::new(format!(
        "{field} cannot be sent in the {name} header: it holds characters a header cannot carry (such as CR or LF); nothing was sent"
    ))
}

/// The `host[:port]` a `Location` header points to (relative locations resolve against the
/// endpoint), or `None` when it cannot be read.
fn location_host(base_url: &reqwest::Url, location: &[u8]) -> Option<String> {
    let location = std::str::from_utf8(location).ok()?;
    let url = base_url.join(location).ok()?;
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

fn decode<O: Operation>(
    status: u16,
    retry_after: Option<Duration>,
    header_request_id: Option<&HeaderValue>,
    body: &[u8],
    redactor: &Redactor<'_>,
    classifier: &dyn ClassifyRetry,
) -> Result<O::Output, AttemptError<O::Error>> {
    let span = tracing::Span::current();
    if (200..300).contains(&status) {
        let decoded = if O::ROUTE.is_some() && body.iter().all(u8::is_ascii_whitespace) {
            crate::roa::decode_blank::<O::Output>()
        } else {
            serde_json::from_slice::<O::Output>(body)
        };
        return match decoded {
            Ok(output) => {
                let from_header = header_request_id.and_then(|v| v.to_str().ok());
                if let Some(id) = O::output_request_id(&output).or(from_header) {
                    span.record("request_id", id);
                }
                tracing::debug!(status, "call succeeded");
                Ok(output)
            }
            Err(e) => {
                let reason = format!("cannot decode the {} output: {e}", O::ACTION);
                let error = ResponseError::new_redacted(status, body, &reason, redactor)
                    .or_request_id(request_id_text(header_request_id, redactor));
                Err(AttemptError::Fatal(SdkErrorKind::Response(error)))
            }
        };
    }
    match ErrorMetadata::from_response_redacted(status, retry_after, body, redactor) {
        Ok(meta) => {
            if let Some(id) = meta.request_id() {
                span.record("request_id", id);
            }
            tracing::debug!(status, code = meta.code(), "service error");
            let class = classifier.classify_service_error(meta.code(), status);
            let retry_after = meta.retry_after();
            Err(AttemptError::Failed {
                kind: SdkErrorKind::Service(O::Error::from_metadata(meta)),
                class,
                retry_after,
            })
        }
        Err(malformed) => {
            let malformed = malformed.or_request_id(request_id_text(header_request_id, redactor));
            let class = if status >= 500 {
                FailureClass::Transient
            } else {
                FailureClass::Permanent
            };
            Err(AttemptError::Failed {
                kind: SdkErrorKind::Response(malformed),
                class,
                retry_after,
            })
        }
    }
}
