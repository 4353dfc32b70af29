//! The error model.
//!
//! Every call returns `Result<Output, SdkError<E>>`, where `E` is the operation's generated
//! error enum. [`SdkError`] tells apart what went wrong: the service answered with an error
//! code, the request could not be built, no credentials, the connection failed, a timeout, or
//! the service's answer could not be read.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use crate::credentials::CredentialsError;
use crate::redact::{REDACTION_MARGIN, Redactor, bounded_redacted, keep_redacted};
use crate::retry::FailureClass;
use crate::text::{BoundedText, Escaped, bounded, bounded_lossy, prefix};

/// At most this many bytes of a response body are kept in a [`ResponseError`] snippet.
pub const SNIPPET_LIMIT: usize = 512;
/// At most this many bytes of an error code are kept.
pub const CODE_LIMIT: usize = 256;
/// At most this many bytes of an error message (or a [`ResponseError`] reason) are kept.
pub const MESSAGE_LIMIT: usize = 4 * 1024;
/// At most this many bytes of a request id, host id or redirect host are kept.
pub const ID_LIMIT: usize = 256;
/// At most this many bytes of the `Recommend` link are kept.
pub const RECOMMEND_LIMIT: usize = 1024;
/// At most this many bytes of an error answer's body are kept in [`ErrorMetadata::body`].
pub const ERROR_BODY_LIMIT: usize = 16 * 1024;

/// Everything the service said about an error: the JSON error envelope plus HTTP facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorMetadata {
    http_status: u16,
    code: String,
    message: String,
    request_id: Option<String>,
    host_id: Option<String>,
    recommend: Option<String>,
    retry_after: Option<Duration>,
    body: String,
}

/// What is read of each envelope field before redaction; cut to its limit afterwards.
const READ_CODE: usize = CODE_LIMIT + REDACTION_MARGIN;
const READ_MESSAGE: usize = MESSAGE_LIMIT + REDACTION_MARGIN;
const READ_ID: usize = ID_LIMIT + REDACTION_MARGIN;
const READ_RECOMMEND: usize = RECOMMEND_LIMIT + REDACTION_MARGIN;

/// The error envelope. Every field is read as bounded text, so a huge or oddly typed field
/// never costs more than its limit (see [`crate::text::BoundedText`]).
///
/// RPC products spell the keys `Code`, `Message`, `RequestId`; ROA products `code`, `message`,
/// `requestId`. Both spellings are read as separate keys, so a body that carries both is not a
/// duplicate-key error; the upper camel one wins when both are set.
#[derive(serde::Deserialize)]
struct ErrorEnvelope {
    #[serde(rename = "Code", default)]
    code: BoundedText<READ_CODE>,
    #[serde(rename = "code", default)]
    code_lower: BoundedText<READ_CODE>,
    #[serde(rename = "Message", default)]
    message: BoundedText<READ_MESSAGE>,
    #[serde(rename = "message", default)]
    message_lower: BoundedText<READ_MESSAGE>,
    #[serde(rename = "RequestId", default)]
    request_id: BoundedText<READ_ID>,
    #[serde(rename = "requestId", default)]
    request_id_lower: BoundedText<READ_ID>,
    #[serde(rename = "HostId", default)]
    host_id: BoundedText<READ_ID>,
    #[serde(rename = "hostId", default)]
    host_id_lower: BoundedText<READ_ID>,
    #[serde(rename = "Recommend", default)]
    recommend: BoundedText<READ_RECOMMEND>,
    #[serde(rename = "recommend", default)]
    recommend_lower: BoundedText<READ_RECOMMEND>,
}

/// Reads `RequestId` from a JSON body, if there is one (at most [`ID_LIMIT`] bytes of it).
pub fn request_id_from_body(body: &[u8]) -> Option<String> {
    request_id_from(body, None)
}

fn request_id_from(body: &[u8], redactor: Option<&Redactor<'_>>) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct OnlyId {
        #[serde(rename = "RequestId", alias = "requestId", default)]
        request_id: BoundedText<READ_ID>,
    }
    let id = serde_json::from_slice::<OnlyId>(body).ok()?.request_id.0?;
    Some(keep_redacted(id, ID_LIMIT, redactor))
}

impl ErrorMetadata {
    /// Builds metadata from parts, for tests and for callers that synthesise errors.
    pub fn new(http_status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            http_status,
            code: code.into(),
            message: message.into(),
            request_id: None,
            host_id: None,
            recommend: None,
            retry_after: None,
            body: String::new(),
        }
    }

    /// Sets the request id.
    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    /// Parses an error answer (HTTP 4xx/5xx). A body that is not the JSON error envelope
    /// with a `Code` gives a [`ResponseError`] instead.
    pub fn from_response(
        http_status: u16,
        retry_after: Option<Duration>,
        body: &[u8],
    ) -> Result<Self, ResponseError> {
        Self::parse(http_status, retry_after, body, None)
    }

    /// [`ErrorMetadata::from_response`], with every secret `redactor` knows removed from
    /// every field (and from the [`ResponseError`] when the body is not an envelope) before
    /// the fields are cut to their limits.
    pub fn from_response_redacted(
        http_status: u16,
        retry_after: Option<Duration>,
        body: &[u8],
        redactor: &Redactor<'_>,
    ) -> Result<Self, ResponseError> {
        Self::parse(http_status, retry_after, body, Some(redactor))
    }

    fn parse(
        http_status: u16,
        retry_after: Option<Duration>,
        body: &[u8],
        redactor: Option<&Redactor<'_>>,
    ) -> Result<Self, ResponseError> {
        let envelope: ErrorEnvelope = serde_json::from_slice(body).map_err(|e| {
            let reason = format!("error body is not JSON: {e}");
            ResponseError::build(http_status, body, &reason, redactor)
        })?;
        let non_empty = |t: Option<String>| t.filter(|c| !c.is_empty());
        let code = match non_empty(envelope.code.0).or_else(|| non_empty(envelope.code_lower.0)) {
            Some(code) => code,
            _ => {
                return Err(ResponseError::build(
                    http_status,
                    body,
                    "error body has no `Code`",
                    redactor,
                ));
            }
        };
        let keep = |text: Option<String>, limit| text.map(|t| keep_redacted(t, limit, redactor));
        let body_window = bounded_lossy(body, ERROR_BODY_LIMIT + REDACTION_MARGIN);
        Ok(Self {
            http_status,
            code: keep_redacted(code, CODE_LIMIT, redactor),
            message: keep(
                envelope.message.0.or(envelope.message_lower.0),
                MESSAGE_LIMIT,
            )
            .unwrap_or_default(),
            request_id: keep(
                envelope.request_id.0.or(envelope.request_id_lower.0),
                ID_LIMIT,
            ),
            host_id: keep(envelope.host_id.0.or(envelope.host_id_lower.0), ID_LIMIT),
            recommend: keep(
                envelope.recommend.0.or(envelope.recommend_lower.0),
                RECOMMEND_LIMIT,
            ),
            retry_after,
            body: keep_redacted(body_window, ERROR_BODY_LIMIT, redactor),
        })
    }

    /// Removes every occurrence of `secret`, in any encoding (see [`crate::redact`]), from
    /// every field. The service echoes its string to sign in `SignatureDoesNotMatch`
    /// messages, and under V1 that string carries the STS security token.
    pub fn redact(&mut self, secret: &str) {
        self.redact_with(&Redactor::of_strings([secret, "", ""]));
    }

    /// Removes every secret `redactor` knows from every field.
    pub fn redact_with(&mut self, redactor: &Redactor<'_>) {
        redactor.redact(&mut self.code);
        redactor.redact(&mut self.message);
        redactor.redact(&mut self.body);
        redactor.redact_option(&mut self.request_id);
        redactor.redact_option(&mut self.host_id);
        redactor.redact_option(&mut self.recommend);
    }

    /// The HTTP status of the answer.
    pub fn http_status(&self) -> u16 {
        self.http_status
    }
    /// The error code, such as `NotFoundOrder`.
    pub fn code(&self) -> &str {
        &self.code
    }
    /// The service's message.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The request id, to quote to support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The `HostId` of the answer.
    pub fn host_id(&self) -> Option<&str> {
        self.host_id.as_deref()
    }
    /// The `Recommend` troubleshooting link.
    pub fn recommend(&self) -> Option<&str> {
        self.recommend.as_deref()
    }
    /// How long the service asked the caller to wait (`x-acs-retry-after`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
    /// The body as received (lossy UTF-8), at most [`ERROR_BODY_LIMIT`] bytes of it.
    pub fn body(&self) -> &str {
        &self.body
    }
}

impl fmt::Display for ErrorMetadata {
    /// Control characters in the server's text are escaped, so `{err}` in a log is one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (HTTP {}",
            Escaped(prefix(&self.code, CODE_LIMIT)),
            Escaped(prefix(&self.message, MESSAGE_LIMIT)),
            self.http_status
        )?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {}", Escaped(prefix(id, ID_LIMIT)))?;
        }
        f.write_str(")")
    }
}

/// A generated per-operation error enum.
pub trait OperationError: std::error::Error + Send + Sync + Sized + 'static {
    /// Picks the variant for the code in `metadata`; unknown codes go to the catch-all.
    fn from_metadata(metadata: ErrorMetadata) -> Self;
    /// The service's error metadata, whatever the variant.
    fn metadata(&self) -> &ErrorMetadata;
    /// The error code, such as `InvalidInstanceId.NotFound`.
    fn code(&self) -> &str {
        self.metadata().code()
    }
    /// The service's message.
    fn message(&self) -> &str {
        self.metadata().message()
    }
    /// The request id, to quote to support.
    fn request_id(&self) -> Option<&str> {
        self.metadata().request_id()
    }
    /// The HTTP status the error arrived with.
    fn http_status(&self) -> u16 {
        self.metadata().http_status()
    }
}

/// Implements [`OperationError`], `Display` and `std::error::Error` for a generated error
/// enum whose variants each hold an [`ErrorMetadata`] and whose catch-all is `Unhandled`.
///
/// Generated code writes one line per code (`Variant = "Code"`) instead of four impls. The
/// accessors (`metadata`, `code`, `message`, `request_id`, `http_status`) are also inherent
/// methods, so callers need no trait in scope.
#[macro_export]
macro_rules! operation_error {
    ($name:ident { $($variant:ident = $code:literal),* $(,)? }) => {
        impl $crate::OperationError for $name {
            fn from_metadata(metadata: $crate::ErrorMetadata) -> Self {
                match metadata.code() {
                    $($code => Self::$variant(metadata),)*
                    _ => Self::Unhandled(metadata),
                }
            }
            fn metadata(&self) -> &$crate::ErrorMetadata {
                match self {
                    $(Self::$variant(m) |)* Self::Unhandled(m) => m,
                }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt($crate::OperationError::metadata(self), f)
            }
        }
        impl ::std::error::Error for $name {}
        impl $name {
            /// The service's error metadata, whatever the variant.
            pub fn metadata(&self) -> &$crate::ErrorMetadata {
                $crate::OperationError::metadata(self)
            }
            /// The error code, such as `InvalidInstanceId.NotFound`.
            pub fn code(&self) -> &str {
                self.metadata().code()
            }
            /// The service's message.
            pub fn message(&self) -> &str {
                self.metadata().message()
            }
            /// The request id, to quote to support.
            pub fn request_id(&self) -> ::std::option::Option<&str> {
                self.metadata().request_id()
            }
            /// The HTTP status the error arrived with.
            pub fn http_status(&self) -> u16 {
                self.metadata().http_status()
            }
        }
    };
}

/// The request could not be built (a parameter could not be encoded, a bad endpoint).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot build the request: {message}")]
pub struct ConstructionError {
    message: String,
}

impl ConstructionError {
    /// A construction error with a reason.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// The answer could not be read: not JSON, truncated, wrong types, or an error without a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    http_status: u16,
    request_id: Option<String>,
    snippet: String,
    reason: String,
}

impl ResponseError {
    /// Describes a body that could not be decoded. The reason is kept up to
    /// [`MESSAGE_LIMIT`] bytes (a decoder's message may quote the body).
    pub fn new(http_status: u16, body: &[u8], reason: String) -> Self {
        Self::build(http_status, body, &reason, None)
    }

    /// [`ResponseError::new`], with every secret `redactor` knows removed from the snippet,
    /// the reason and the request id before they are cut to their limits.
    pub fn new_redacted(
        http_status: u16,
        body: &[u8],
        reason: &str,
        redactor: &Redactor<'_>,
    ) -> Self {
        Self::build(http_status, body, reason, Some(redactor))
    }

    fn build(http_status: u16, body: &[u8], reason: &str, redactor: Option<&Redactor<'_>>) -> Self {
        let window = bounded_lossy(body, SNIPPET_LIMIT + REDACTION_MARGIN);
        Self {
            http_status,
            request_id: request_id_from(body, redactor),
            snippet: keep_redacted(window, SNIPPET_LIMIT, redactor),
            reason: bounded_redacted(reason, MESSAGE_LIMIT, redactor),
        }
    }

    /// Sets the request id when the body did not carry it (for example from a header).
    pub fn or_request_id(mut self, id: Option<String>) -> Self {
        if self.request_id.is_none() {
            self.request_id = id.map(|id| bounded(&id, ID_LIMIT));
        }
        self
    }

    /// Removes every secret `redactor` knows from the snippet, the reason and the request id.
    pub fn redact_with(&mut self, redactor: &Redactor<'_>) {
        redactor.redact(&mut self.snippet);
        redactor.redact(&mut self.reason);
        redactor.redact_option(&mut self.request_id);
    }

    /// The HTTP status.
    pub fn http_status(&self) -> u16 {
        self.http_status
    }
    /// The request id, when one could be found.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The start of the body, at most [`SNIPPET_LIMIT`] bytes.
    pub fn snippet(&self) -> &str {
        &self.snippet
    }
    /// Why the body was rejected.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed response (HTTP {}", self.http_status)?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {}", Escaped(id))?;
        }
        write!(
            f,
            "): {}; body starts: {:?}",
            Escaped(&self.reason),
            self.snippet
        )
    }
}

impl StdError for ResponseError {}

/// The endpoint answered with a redirect (HTTP 3xx). The API never redirects, so a redirect
/// comes from something else on the way (a proxy, a captive portal, a hostile endpoint);
/// it is never followed, since following it would hand the signed request, and the STS
/// token, to another host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectError {
    http_status: u16,
    location_host: Option<String>,
    request_id: Option<String>,
}

impl RedirectError {
    /// A redirect with this status towards `location_host` (`host[:port]`, `None` when the
    /// answer had no usable `Location`). Both texts are kept up to [`ID_LIMIT`] bytes.
    pub fn new(http_status: u16, location_host: Option<&str>, request_id: Option<&str>) -> Self {
        Self {
            http_status,
            location_host: location_host.map(|h| bounded(h, ID_LIMIT)),
            request_id: request_id.map(|id| bounded(id, ID_LIMIT)),
        }
    }
    /// The HTTP status (300 to 399).
    pub fn http_status(&self) -> u16 {
        self.http_status
    }
    /// The host (with its port, when one was given) the answer pointed to.
    pub fn location_host(&self) -> Option<&str> {
        self.location_host.as_deref()
    }
    /// The `x-acs-request-id` header of the answer, if it had one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// Removes every secret `redactor` knows (a hostile host name could carry one).
    pub fn redact_with(&mut self, redactor: &Redactor<'_>) {
        redactor.redact_option(&mut self.location_host);
        redactor.redact_option(&mut self.request_id);
    }
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the endpoint answered with a redirect (HTTP {})",
            self.http_status
        )?;
        match &self.location_host {
            Some(host) => write!(f, " to host {}", Escaped(host))?,
            None => f.write_str(" without a usable Location")?,
        }
        if let Some(id) = &self.request_id {
            write!(f, ", request id {}", Escaped(id))?;
        }
        f.write_str("; redirects are never followed, the API does not send them")
    }
}

impl StdError for RedirectError {}

/// The start of `body` as text: at most [`SNIPPET_LIMIT`] bytes (cut on a character boundary,
/// invalid UTF-8 shown as U+FFFD), plus `…` when the body was longer.
pub fn snippet(body: &[u8]) -> String {
    bounded_lossy(body, SNIPPET_LIMIT)
}

/// The connection failed or broke.
#[derive(Debug)]
pub struct TransportError {
    message: String,
    source: Option<Box<dyn StdError + Send + Sync>>,
    request_may_have_been_sent: bool,
}

impl TransportError {
    /// A transport failure. `sent` says whether the request may have reached the server.
    pub fn new(
        message: impl Into<String>,
        source: Option<Box<dyn StdError + Send + Sync>>,
        sent: bool,
    ) -> Self {
        Self {
            message: message.into(),
            source,
            request_may_have_been_sent: sent,
        }
    }

    /// Whether the request may have reached the server (its outcome is then unknown).
    pub fn request_may_have_been_sent(&self) -> bool {
        self.request_may_have_been_sent
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(src) = &self.source {
            // The innermost cause says what actually happened ("Connection refused").
            let mut root: &(dyn StdError + 'static) = src.as_ref();
            while let Some(next) = root.source() {
                root = next;
            }
            let (outer, inner) = (src.to_string(), root.to_string());
            write!(f, ": {}", Escaped(prefix(&outer, MESSAGE_LIMIT)))?;
            if inner != outer && !outer.contains(&inner) {
                write!(f, " ({})", Escaped(prefix(&inner, MESSAGE_LIMIT)))?;
            }
        }
        Ok(())
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// Which time limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// Establishing the connection.
    Connect,
    /// Waiting for the next bytes of the answer.
    Read,
    /// One attempt (send plus reading the answer).
    Attempt,
    /// The whole operation, retries included.
    Operation,
}

/// A time limit ran out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?} timeout after {limit:?}")]
pub struct TimeoutError {
    kind: TimeoutKind,
    limit: Duration,
    request_may_have_been_sent: bool,
}

impl TimeoutError {
    /// A timeout of `kind` after `limit`.
    pub fn new(kind: TimeoutKind, limit: Duration, sent: bool) -> Self {
        Self {
            kind,
            limit,
            request_may_have_been_sent: sent,
        }
    }
    /// Which limit ran out.
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }
    /// The limit.
    pub fn limit(&self) -> Duration {
        self.limit
    }
    /// Whether the request may have reached the server (its outcome is then unknown).
    pub fn request_may_have_been_sent(&self) -> bool {
        self.request_may_have_been_sent
    }
}

/// What went wrong in a call; `E` is the operation's error enum.
#[non_exhaustive]
#[derive(Debug)]
pub enum SdkErrorKind<E> {
    /// The service answered with an error code.
    Service(E),
    /// The request could not be built.
    Construction(ConstructionError),
    /// No credentials could be obtained.
    Credentials(CredentialsError),
    /// The connection failed or broke.
    Transport(TransportError),
    /// A time limit ran out.
    Timeout(TimeoutError),
    /// The answer could not be read.
    Response(ResponseError),
    /// The endpoint answered with a redirect, which is never followed.
    Redirect(RedirectError),
}

/// The error of every SDK call: what went wrong, and after how many attempts.
#[derive(Debug)]
pub struct SdkError<E> {
    kind: SdkErrorKind<E>,
    attempts: u32,
    retry_quota_exhausted: bool,
}

impl<E> SdkError<E> {
    /// Wraps `kind`, made after `attempts` attempts.
    pub fn new(kind: SdkErrorKind<E>, attempts: u32) -> Self {
        Self {
            kind,
            attempts,
            retry_quota_exhausted: false,
        }
    }

    /// Marks an error that would have been retried, but the client's retry quota was empty.
    pub fn with_retry_quota_exhausted(mut self) -> Self {
        self.retry_quota_exhausted = true;
        self
    }

    /// True when the call failed fast: its last failure could have been retried, but the
    /// client's retry quota (see [`crate::retry_quota`]) was used up by other failures.
    pub fn retry_quota_exhausted(&self) -> bool {
        self.retry_quota_exhausted
    }

    /// What went wrong.
    pub fn kind(&self) -> &SdkErrorKind<E> {
        &self.kind
    }

    /// Consumes the error, returning what went wrong.
    pub fn into_kind(self) -> SdkErrorKind<E> {
        self.kind
    }

    /// How many attempts were made (0 when the request was never sent).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The operation's typed error, when the service answered with an error code.
    pub fn service_error(&self) -> Option<&E> {
        match &self.kind {
            SdkErrorKind::Service(e) => Some(e),
            _ => None,
        }
    }

    /// Consumes the error, returning the operation's typed error if there is one.
    pub fn into_service_error(self) -> Option<E> {
        match self.kind {
            SdkErrorKind::Service(e) => Some(e),
            _ => None,
        }
    }
}

impl<E: OperationError> SdkError<E> {
    fn metadata(&self) -> Option<&ErrorMetadata> {
        self.service_error().map(|e| e.metadata())
    }

    /// True when the request may have been executed but the answer does not say so, so the
    /// caller cannot know whether it ran (check before re-sending a create): no answer was read
    /// after sending (transport failure, timeout); a server-side error that does not say
    /// whether the operation ran (5xx, `ServiceUnavailable`, `InternalError`; throttling
    /// proves it did not); or a success or 5xx status whose body could not be read (a body
    /// over the size cap included). False for a redirect (the answer did not come from the
    /// API, which never redirects), a construction or credentials error (nothing was sent) and
    /// a 4xx.
    pub fn outcome_unknown(&self) -> bool {
        match &self.kind {
            SdkErrorKind::Transport(t) => t.request_may_have_been_sent(),
            SdkErrorKind::Timeout(t) => t.request_may_have_been_sent(),
            SdkErrorKind::Service(e) => {
                let m = e.metadata();
                FailureClass::of_service_error(m.code(), m.http_status()) == FailureClass::Transient
            }
            SdkErrorKind::Response(r) => {
                (200..300).contains(&r.http_status()) || r.http_status() >= 500
            }
            _ => false,
        }
    }

    /// The service's error code, when it answered with one.
    pub fn code(&self) -> Option<&str> {
        self.metadata().map(|m| m.code())
    }

    /// The service's error message, when it answered with one.
    pub fn message(&self) -> Option<&str> {
        self.metadata().map(|m| m.message())
    }

    /// The request id, when the service answered.
    pub fn request_id(&self) -> Option<&str> {
        match &self.kind {
            SdkErrorKind::Service(e) => e.metadata().request_id(),
            SdkErrorKind::Response(r) => r.request_id(),
            SdkErrorKind::Redirect(r) => r.request_id(),
            _ => None,
        }
    }

    /// The HTTP status, when the service answered.
    pub fn http_status(&self) -> Option<u16> {
        match &self.kind {
            SdkErrorKind::Service(e) => Some(e.metadata().http_status()),
            SdkErrorKind::Response(r) => Some(r.http_status()),
            SdkErrorKind::Redirect(r) => Some(r.http_status()),
            _ => None,
        }
    }
}

impl<E: fmt::Display> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SdkErrorKind::Service(e) => write!(f, "{e}")?,
            SdkErrorKind::Construction(e) => write!(f, "{e}")?,
            SdkErrorKind::Credentials(e) => write!(f, "{e}")?,
            SdkErrorKind::Transport(e) => {
                write!(f, "transport error: {e}")?;
                if e.request_may_have_been_sent() {
                    f.write_str(" (the request may have reached the service: outcome unknown)")?;
                }
            }
            SdkErrorKind::Timeout(e) => {
                write!(f, "{e}")?;
                if e.request_may_have_been_sent() {
                    f.write_str(" (the request may have reached the service: outcome unknown)")?;
                }
            }
            SdkErrorKind::Response(e) => write!(f, "{e}")?,
            SdkErrorKind::Redirect(e) => write!(f, "{e}")?,
        }
        let s = if self.attempts == 1 { "" } else { "s" };
        write!(f, " [after {} attempt{s}", self.attempts)?;
        if self.retry_quota_exhausted {
            f.write_str("; not retried: the client's retry quota is used up")?;
        }
        f.write_str("]")
    }
}

impl<E: StdError + 'static> StdError for SdkError<E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.kind {
            SdkErrorKind::Service(e) => Some(e),
            SdkErrorKind::Construction(e) => Some(e),
            SdkErrorKind::Credentials(e) => Some(e),
            SdkErrorKind::Transport(e) => Some(e),
            SdkErrorKind::Timeout(e) => Some(e),
            SdkErrorKind::Response(e) => Some(e),
            SdkErrorKind::Redirect(e) => Some(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_error_envelope() {
        let body = br#"{"RequestId":"R1","HostId":"cas.aliyuncs.com","Code":"NotFoundOrder","Message":"gone","Recommend":"https://r"}"#;
        let m = ErrorMetadata::from_response(404, Some(Duration::from_millis(5)), body).unwrap();
        assert_eq!(m.code(), "NotFoundOrder");
        assert_eq!(m.message(), "gone");
        assert_eq!(m.request_id(), Some("R1"));
        assert_eq!(m.host_id(), Some("cas.aliyuncs.com"));
        assert_eq!(m.recommend(), Some("https://r"));
        assert_eq!(m.retry_after(), Some(Duration::from_millis(5)));
        assert_eq!(m.body().as_bytes(), body);
        assert_eq!(
            m.to_string(),
            "NotFoundOrder: gone (HTTP 404, request id R1)"
        );
    }

    /// ROA products spell the keys in lower camel case; a body may even carry both spellings.
    #[test]
    fn parses_the_lower_camel_case_envelope() {
        let body = br#"{"code":"ErrorClusterNotFound","message":"no cluster","requestId":"R2","status":404}"#;
        let m = ErrorMetadata::from_response(404, None, body).unwrap();
        assert_eq!(m.code(), "ErrorClusterNotFound");
        assert_eq!(m.message(), "no cluster");
        assert_eq!(m.request_id(), Some("R2"));
        let both = br#"{"code":"c","Code":"C","message":"m","Message":"M","requestId":"r","RequestId":"R"}"#;
        let m = ErrorMetadata::from_response(400, None, both).unwrap();
        assert_eq!(
            (m.code(), m.message(), m.request_id()),
            ("C", "M", Some("R"))
        );
        let empty_upper = br#"{"Code":"","code":"lower"}"#;
        let m = ErrorMetadata::from_response(400, None, empty_upper).unwrap();
        assert_eq!(m.code(), "lower");
    }

    #[test]
    fn malformed_error_bodies() {
        let html = b"<html><body>502 Bad Gateway</body></html>";
        let e = ErrorMetadata::from_response(502, None, html).unwrap_err();
        assert_eq!(e.http_status(), 502);
        assert!(e.snippet().contains("Bad Gateway"));
        let e = ErrorMetadata::from_response(400, None, br#"{"RequestId":"R9"}"#).unwrap_err();
        assert_eq!(e.request_id(), Some("R9"));
        assert!(e.reason().contains("Code"));
        let invalid = vec![0xFF_u8; 600];
        let e = ErrorMetadata::from_response(500, None, &invalid).unwrap_err();
        assert!(e.snippet().len() <= SNIPPET_LIMIT + '…'.len_utf8());
        let long = vec![b'x'; 5000];
        let e = ErrorMetadata::from_response(500, None, &long).unwrap_err();
        assert!(e.snippet().len() <= SNIPPET_LIMIT + '…'.len_utf8());
    }

    #[test]
    fn a_secret_straddling_a_limit_is_redacted_whole() {
        let token = "STS.token-value/with+chars=";
        let r = Redactor::of_strings(["", token, ""]);
        let echo = crate::encode::percent_encode(token);
        let message = format!("{}{echo}", "x".repeat(MESSAGE_LIMIT - 5));
        let body = serde_json::json!({ "Code": "C", "Message": message, "RequestId": token });
        let body = body.to_string();
        let m = ErrorMetadata::from_response_redacted(400, None, body.as_bytes(), &r).unwrap();
        assert!(m.message().len() <= MESSAGE_LIMIT + 3);
        assert!(
            !m.message().contains("STS"),
            "no prefix of the token is left"
        );
        assert_eq!(m.request_id(), Some(crate::redact::REDACTED));
        assert!(!m.body().contains("STS"));
        let body = format!("{}{token}", "y".repeat(SNIPPET_LIMIT - 4));
        let e = ResponseError::new_redacted(200, body.as_bytes(), token, &r);
        assert!(!e.snippet().contains("STS") && !e.reason().contains("STS"));
        // Without a redactor the same text is only cut.
        let e = ResponseError::new(200, body.as_bytes(), String::new());
        assert!(e.snippet().ends_with("STS.…"), "{}", e.snippet());
    }

    #[test]
    fn display_is_bounded_and_escaped() {
        let m =
            ErrorMetadata::new(400, "Code\r\nX", "line1\nline2\u{1b}[31m").with_request_id("R\n1");
        assert_eq!(
            m.to_string(),
            "Code\\r\\nX: line1\\nline2\\u{1b}[31m (HTTP 400, request id R\\n1)"
        );
        let long = ErrorMetadata::new(400, "C", "m".repeat(10 * MESSAGE_LIMIT));
        assert!(long.to_string().len() < MESSAGE_LIMIT + 64);
    }

    #[derive(Debug)]
    struct TestError(ErrorMetadata);
    impl fmt::Display for TestError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Display::fmt(&self.0, f)
        }
    }
    impl StdError for TestError {}
    impl OperationError for TestError {
        fn from_metadata(metadata: ErrorMetadata) -> Self {
            Self(metadata)
        }
        fn metadata(&self) -> &ErrorMetadata {
            &self.0
        }
    }

    #[test]
    fn outcome_unknown_when_the_answer_does_not_say() {
        let service = |status, code| {
            SdkError::new(
                SdkErrorKind::Service(TestError(ErrorMetadata::new(status, code, "m"))),
                1,
            )
        };
        assert!(service(500, "InternalError").outcome_unknown());
        assert!(service(503, "ServiceUnavailable").outcome_unknown());
        assert!(!service(400, "Throttling.User").outcome_unknown());
        assert!(!service(404, "NotFoundOrder").outcome_unknown());
        let response = |status| {
            SdkError::<TestError>::new(
                SdkErrorKind::Response(ResponseError::new(status, b"{", "bad".into())),
                1,
            )
        };
        assert!(response(200).outcome_unknown());
        assert!(response(502).outcome_unknown());
        assert!(!response(403).outcome_unknown());
        let transport = |sent| {
            SdkError::<TestError>::new(
                SdkErrorKind::Transport(TransportError::new("t", None, sent)),
                1,
            )
        };
        assert!(transport(true).outcome_unknown());
        assert!(!transport(false).outcome_unknown());
    }
}
