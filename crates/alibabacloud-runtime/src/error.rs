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
use crate::retry::FailureClass;

/// At most this many bytes of a response body are kept in a [`ResponseError`] snippet.
pub const SNIPPET_LIMIT: usize = 512;

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

#[derive(serde::Deserialize)]
struct ErrorEnvelope {
    #[serde(rename = "Code", alias = "code")]
    code: Option<serde_json::Value>,
    #[serde(rename = "Message", alias = "message")]
    message: Option<String>,
    #[serde(rename = "RequestId", alias = "requestId")]
    request_id: Option<String>,
    #[serde(rename = "HostId", alias = "hostId")]
    host_id: Option<String>,
    #[serde(rename = "Recommend")]
    recommend: Option<String>,
}

/// Reads `RequestId` from a JSON body, if there is one.
pub fn request_id_from_body(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct OnlyId {
        #[serde(rename = "RequestId", alias = "requestId")]
        request_id: Option<String>,
    }
    serde_json::from_slice::<OnlyId>(body).ok()?.request_id
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
        let envelope: ErrorEnvelope = serde_json::from_slice(body).map_err(|e| {
            ResponseError::new(http_status, body, format!("error body is not JSON: {e}"))
        })?;
        let code = match envelope.code {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => {
                return Err(ResponseError::new(
                    http_status,
                    body,
                    "error body has no `Code`".to_string(),
                ));
            }
        };
        Ok(Self {
            http_status,
            code,
            message: envelope.message.unwrap_or_default(),
            request_id: envelope.request_id,
            host_id: envelope.host_id,
            recommend: envelope.recommend,
            retry_after,
            body: String::from_utf8_lossy(body).into_owned(),
        })
    }

    /// Removes every occurrence of `secret` (raw, percent-encoded once and twice) from the
    /// message and body. The service echoes its string to sign in `SignatureDoesNotMatch`
    /// messages, and under V1 that string carries the STS security token.
    pub fn redact(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        let once = crate::encode::percent_encode(secret);
        let twice = crate::encode::percent_encode(&once);
        for form in [twice.as_str(), once.as_str(), secret] {
            if self.message.contains(form) {
                self.message = self.message.replace(form, "** redacted **");
            }
            if self.body.contains(form) {
                self.body = self.body.replace(form, "** redacted **");
            }
        }
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
    /// The raw body as received (lossy UTF-8).
    pub fn body(&self) -> &str {
        &self.body
    }
}

impl fmt::Display for ErrorMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (HTTP {}",
            self.code, self.message, self.http_status
        )?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
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
    /// Describes a body that could not be decoded.
    pub fn new(http_status: u16, body: &[u8], reason: String) -> Self {
        Self {
            http_status,
            request_id: request_id_from_body(body),
            snippet: snippet(body),
            reason,
        }
    }

    /// Sets the request id when the body did not carry it (for example from a header).
    pub fn or_request_id(mut self, id: Option<String>) -> Self {
        if self.request_id.is_none() {
            self.request_id = id;
        }
        self
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
            write!(f, ", request id {id}")?;
        }
        write!(f, "): {}; body starts: {:?}", self.reason, self.snippet)
    }
}

impl StdError for ResponseError {}

/// The start of `body` as text: at most [`SNIPPET_LIMIT`] bytes (cut on a character boundary,
/// invalid UTF-8 shown as U+FFFD), plus `…` when the body was longer.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(SNIPPET_LIMIT)]);
    let mut cut = text.len().min(SNIPPET_LIMIT);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut s = text[..cut].to_string();
    if body.len() > SNIPPET_LIMIT || cut < text.len() {
        s.push('…');
    }
    s
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
            write!(f, ": {src}")?;
            // The innermost cause says what actually happened ("Connection refused").
            let mut root: &(dyn StdError + 'static) = src.as_ref();
            while let Some(next) = root.source() {
                root = next;
            }
            let (outer, inner) = (src.to_string(), root.to_string());
            if inner != outer && !outer.contains(&inner) {
                write!(f, " ({inner})")?;
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
}

/// The error of every SDK call: what went wrong, and after how many attempts.
#[derive(Debug)]
pub struct SdkError<E> {
    kind: SdkErrorKind<E>,
    attempts: u32,
}

impl<E> SdkError<E> {
    /// Wraps `kind`, made after `attempts` attempts.
    pub fn new(kind: SdkErrorKind<E>, attempts: u32) -> Self {
        Self { kind, attempts }
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
    /// proves it did not); or a success or 5xx status whose body could not be read.
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
            _ => None,
        }
    }

    /// The HTTP status, when the service answered.
    pub fn http_status(&self) -> Option<u16> {
        match &self.kind {
            SdkErrorKind::Service(e) => Some(e.metadata().http_status()),
            SdkErrorKind::Response(r) => Some(r.http_status()),
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
        }
        let s = if self.attempts == 1 { "" } else { "s" };
        write!(f, " [after {} attempt{s}]", self.attempts)
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
