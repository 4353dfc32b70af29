//! The HTTP transport and the call loop: sign, send, classify, retry, decode.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use tracing::Instrument as _;

use crate::body::{BodyError, read_capped};
use crate::config::{CallOptions, Config, ConfigError};
use crate::endpoint::{Endpoint, ServiceInfo};
use crate::error::OperationError;
use crate::error::{
    ConstructionError, ErrorMetadata, ID_LIMIT, RedirectError, ResponseError, SdkError,
    SdkErrorKind, TimeoutError, TimeoutKind, TransportError,
};
use crate::operation::{Auth, Operation};
use crate::redact::{Redactor, SignatureCopy, bounded_redacted};
use crate::retry::FailureClass;
use crate::retry_quota::RetryBucket;
use crate::signing::{AttemptContext, SignableRequest, SignatureOutput};
use crate::wire::RequestParts;

/// A client for one product: one pooled HTTP client, one configuration.
///
/// Cloning is cheap and shares the connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: Config,
    service: ServiceInfo,
    endpoint: Endpoint,
    /// Parsed once: each attempt clones it and sets the query, instead of parsing the whole
    /// URL (scheme, host, port) again.
    base_url: reqwest::Url,
    authority: String,
    /// Built once; each request shares it (a reference count, no copy).
    user_agent: reqwest::header::HeaderValue,
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
            config.region.as_deref(),
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
        if let Some(app) = &config.app_name {
            user_agent.push(' ');
            user_agent.push_str(app);
        }
        let user_agent = reqwest::header::HeaderValue::try_from(user_agent)
            .map_err(|_| ConfigError::InvalidHeaderValue { field: "app_name" })?;
        let http = crate::tls::http_client_builder()
            .map_err(ConfigError::Http)?
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            // The API never redirects; following one would hand the signed request (and the
            // STS token) to another host. A 3xx becomes an error instead.
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .build()
            .map_err(|e| ConfigError::Http(e.without_url().to_string()))?;
        let base_url = reqwest::Url::parse(&endpoint.base_url())
            .map_err(|e| ConfigError::Http(format!("the endpoint is not a valid URL: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url,
                authority: endpoint.authority(),
                endpoint,
                retry_bucket: RetryBucket::new(config.retry_quota),
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
        let operation_timeout = options
            .operation_timeout
            .or(self.inner.config.operation_timeout);
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
        let retry = options.retry.unwrap_or(self.inner.config.retry);
        let attempt_timeout = options
            .attempt_timeout
            .or(self.inner.config.attempt_timeout);
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

    async fn attempt<O: Operation>(
        &self,
        parts: &RequestParts,
        sent: &AtomicBool,
    ) -> Result<O::Output, AttemptError<O::Error>> {
        let inner = &*self.inner;
        // Anonymous operations resolve no credentials at all. Credentials at hand (fixed, or
        // cached and fresh) are taken without boxing a future.
        let provider = &inner.config.credentials;
        let credentials = match O::AUTH {
            Auth::Signed => Some(match provider.credentials_now() {
                Some(credentials) => credentials,
                None => provider
                    .provide_credentials()
                    .await
                    .map_err(|e| AttemptError::Fatal(SdkErrorKind::Credentials(e)))?,
            }),
            Auth::Anonymous => None,
        };
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
        inner.config.signature_version.signer().sign_into(
            &signable,
            &parts.extras(),
            credentials.as_ref(),
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
        let (query, header_text, headers) = signed.into_parts();
        let mut url = inner.base_url.clone();
        // RPC calls keep the endpoint's `/`; an ROA path is already encoded per segment.
        if O::ROUTE.is_some() {
            url.set_path(parts.path());
        }
        if !query.is_empty() {
            url.set_query(Some(&query));
        }
        let mut request = inner
            .http
            .request(method.to_reqwest(), url)
            .header(reqwest::header::USER_AGENT, inner.user_agent.clone())
            .header(
                reqwest::header::ACCEPT,
                reqwest::header::HeaderValue::from_static("application/json"),
            );
        let header_text = bytes::Bytes::from(header_text);
        for (name, range) in headers.iter() {
            if name == "host" {
                continue;
            }
            // Checked here, before anything is sent: a value with a line break (a token with a
            // trailing newline) is the caller's problem, not an unknown outcome.
            let value = reqwest::header::HeaderValue::from_maybe_shared(header_text.slice(range))
                .map_err(|_| {
                AttemptError::Fatal(SdkErrorKind::Construction(invalid_header(name)))
            })?;
            request = request.header(signed_header_name(name)?, value);
        }
        for (name, value) in parts.header_values() {
            request = request.header(name.clone(), value.clone());
        }
        if !parts.body().is_empty() {
            // A cheap reference-counted clone: the body is encoded once per call.
            request = request.body(parts.body().clone());
        }
        sent.store(true, Ordering::Relaxed);
        let response = request
            .send()
            .await
            .map_err(|e| transport_failure(e, sent, &inner.config))?;
        let status = response.status().as_u16();
        let redactor = Redactor::new(credentials.as_ref(), signature.as_bytes());
        let headers = response.headers();
        let retry_after = headers
            .get(names::X_ACS_RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_millis);
        // Kept as the header value (a reference-counted slice of what was read): it is only
        // turned into text, bounded and redacted, on the paths that need it.
        let header_request_id = headers.get(names::X_ACS_REQUEST_ID).cloned();
        if (300..400).contains(&status) {
            let location = headers.get(reqwest::header::LOCATION);
            let host = location.and_then(|l| location_host(&inner.base_url, l.as_bytes()));
            let host = host.map(|h| bounded_redacted(&h, ID_LIMIT, Some(&redactor)));
            let id = request_id_text(header_request_id.as_ref(), &redactor);
            let redirect = RedirectError::new(status, host.as_deref(), id.as_deref());
            tracing::debug!(status, "redirect refused");
            return Err(AttemptError::Fatal(SdkErrorKind::Redirect(redirect)));
        }
        let body = match read_capped(response, inner.config.max_response_body).await {
            Ok(body) => body,
            Err(BodyError::TooLarge { declared, cap }) => {
                let reason = match declared {
                    Some(len) => format!(
                        "the body announces {len} bytes, more than the limit of {cap} bytes; it was not read"
                    ),
                    None => format!("the body is longer than the limit of {cap} bytes"),
                };
                let error = ResponseError::new_redacted(status, &[], &reason, &redactor)
                    .or_request_id(request_id_text(header_request_id.as_ref(), &redactor));
                return Err(AttemptError::Fatal(SdkErrorKind::Response(error)));
            }
            Err(BodyError::Transport(e)) => {
                return Err(match transport_failure(e, sent, &inner.config) {
                    AttemptError::Failed {
                        kind, retry_after, ..
                    } => AttemptError::Failed {
                        kind,
                        // The status line arrived, so the request reached the service.
                        class: FailureClass::Transient,
                        retry_after,
                    },
                    other => other,
                });
            }
        };
        let span = tracing::Span::current();
        span.record("http_status", status);
        decode::<O>(status, retry_after, header_request_id, &body, &redactor)
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
fn signed_header_name<E>(
    name: &'static str,
) -> Result<reqwest::header::HeaderName, AttemptError<E>> {
    Ok(match name {
        "x-acs-action" => names::X_ACS_ACTION,
        "x-acs-version" => names::X_ACS_VERSION,
        "x-acs-date" => names::X_ACS_DATE,
        "x-acs-signature-nonce" => names::X_ACS_SIGNATURE_NONCE,
        "x-acs-content-sha256" => names::X_ACS_CONTENT_SHA256,
        "x-acs-security-token" => names::X_ACS_SECURITY_TOKEN,
        "authorization" => reqwest::header::AUTHORIZATION,
        "content-type" => reqwest::header::CONTENT_TYPE,
        other => reqwest::header::HeaderName::from_bytes(other.as_bytes())
            .map_err(|_| AttemptError::Fatal(SdkErrorKind::Construction(invalid_header(other))))?,
    })
}

/// The `x-acs-request-id` header as text for an error: bounded, with secrets redacted.
fn request_id_text(
    value: Option<&reqwest::header::HeaderValue>,
    redactor: &Redactor<'_>,
) -> Option<String> {
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
    header_request_id: Option<reqwest::header::HeaderValue>,
    body: &[u8],
    redactor: &Redactor<'_>,
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
                let from_header = header_request_id.as_ref().and_then(|v| v.to_str().ok());
                if let Some(id) = O::output_request_id(&output).or(from_header) {
                    span.record("request_id", id);
                }
                tracing::debug!(status, "call succeeded");
                Ok(output)
            }
            Err(e) => {
                let reason = format!("cannot decode the {} output: {e}", O::ACTION);
                let error = ResponseError::new_redacted(status, body, &reason, redactor)
                    .or_request_id(request_id_text(header_request_id.as_ref(), redactor));
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
            let class = FailureClass::of_service_error(meta.code(), status);
            let retry_after = meta.retry_after();
            Err(AttemptError::Failed {
                kind: SdkErrorKind::Service(O::Error::from_metadata(meta)),
                class,
                retry_after,
            })
        }
        Err(malformed) => {
            let malformed =
                malformed.or_request_id(request_id_text(header_request_id.as_ref(), redactor));
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

fn transport_failure<E>(e: reqwest::Error, sent: &AtomicBool, config: &Config) -> AttemptError<E> {
    // The URL carries the signature (and the STS token under V1): never keep it.
    let e = e.without_url();
    if e.is_builder() {
        sent.store(false, Ordering::Relaxed);
        // The innermost cause says what was wrong ("uri too long"); it never holds the URL.
        let mut root: &(dyn std::error::Error + 'static) = &e;
        while let Some(next) = root.source() {
            root = next;
        }
        return AttemptError::Fatal(SdkErrorKind::Construction(ConstructionError::new(format!(
            "the HTTP request could not be built ({}); nothing was sent",
            crate::text::Escaped(&root.to_string())
        ))));
    }
    let not_sent = e.is_connect();
    if not_sent {
        sent.store(false, Ordering::Relaxed);
    }
    let class = if not_sent {
        FailureClass::NotSent
    } else {
        FailureClass::Transient
    };
    let kind = if e.is_timeout() {
        SdkErrorKind::Timeout(TimeoutError::new(
            if not_sent {
                TimeoutKind::Connect
            } else {
                TimeoutKind::Read
            },
            if not_sent {
                config.connect_timeout
            } else {
                config.read_timeout
            },
            !not_sent,
        ))
    } else {
        let message = if not_sent {
            "connection failed before the request was sent"
        } else {
            "connection failed after the request was sent"
        };
        SdkErrorKind::Transport(TransportError::new(message, Some(Box::new(e)), !not_sent))
    };
    AttemptError::Failed {
        kind,
        class,
        retry_after: None,
    }
}
