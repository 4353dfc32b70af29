//! The transport seam: what a signed request and its answer look like on their way through
//! [`HttpTransport`], the trait a client sends through.
//!
//! The default transport is reqwest (one pooled connection set per client); the client calls it
//! directly, without boxing a future, so the default path costs nothing extra. A custom
//! transport (an in-process emulator, a recorder, a test double) is set with
//! [`ConfigBuilder::transport`](crate::ConfigBuilder::transport).

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
pub use reqwest::{Method, Url};

/// A boxed, sendable future, as returned by [`HttpTransport::send`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A signed request, ready to send.
///
/// Its `Debug` output shows the method, the URL without its query (which may carry the
/// signature and the security token) and the header names, never their values.
#[derive(Clone)]
pub struct HttpRequest {
    /// The method (`POST` for every RPC operation).
    pub method: Method,
    /// The complete URL, query included.
    pub url: Url,
    /// The headers to send.
    pub headers: HeaderMap,
    /// The body (empty when there is none).
    pub body: Bytes,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut without_query = self.url.clone();
        without_query.set_query(None);
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &without_query.as_str())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl HttpRequest {
    /// The query string (after `?`), percent-encoded; empty when there is none.
    pub fn query(&self) -> &str {
        self.url.query().unwrap_or_default()
    }

    /// The path of the URL (`/` for every RPC operation), percent-encoded.
    pub fn path(&self) -> &str {
        self.url.path()
    }
}

/// An answer: the status, the headers and the whole body (read under the client's cap).
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

/// The limits a transport must apply to one exchange.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct TransportLimits {
    /// The largest body to read, in bytes; a longer one is [`TransportFailure::TooLarge`].
    pub max_response_body: usize,
    /// The configured connect timeout.
    pub connect_timeout: Duration,
    /// The configured read timeout.
    pub read_timeout: Duration,
}

/// Why an exchange failed below HTTP. Which variant decides whether the client may retry.
#[derive(Debug)]
#[non_exhaustive]
pub enum TransportFailure {
    /// Nothing was sent (the connection could not be made): always safe to retry.
    NotSent(Box<dyn StdError + Send + Sync>),
    /// The request may have reached the service (the connection broke afterwards).
    AfterSent(Box<dyn StdError + Send + Sync>),
    /// The request could not be built (a bad URL or header); nothing was sent. The text must
    /// not hold the URL (it carries the signature).
    Construction(String),
    /// The connect (`sent: false`) or read (`sent: true`) timeout fired.
    Timeout {
        /// Whether the request had been sent.
        sent: bool,
    },
    /// The body is longer than [`TransportLimits::max_response_body`].
    TooLarge {
        /// The HTTP status that arrived.
        status: u16,
        /// The announced length, when the answer had one.
        declared: Option<u64>,
        /// The `x-acs-request-id` header, when there was one.
        request_id: Option<HeaderValue>,
    },
}

/// Sends signed requests. Implement it to put something other than reqwest under a client:
/// an in-process emulator, a recorder, a test double.
///
/// A transport must not follow redirects (a 3xx is returned as it is; the client refuses it)
/// and must not read more than [`TransportLimits::max_response_body`] bytes of a body.
pub trait HttpTransport: Send + Sync + fmt::Debug {
    /// Sends `request` and returns the whole answer.
    fn send<'a>(
        &'a self,
        request: HttpRequest,
        limits: TransportLimits,
    ) -> BoxFuture<'a, Result<HttpResponse, TransportFailure>>;
}

/// The default transport as a trait object: reqwest, redirects refused, bodies capped.
///
/// Clients use reqwest directly when no transport is configured; this type is for code that
/// wraps the default (a recorder that forwards to the network).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    http: reqwest::Client,
}

impl ReqwestTransport {
    /// Builds the transport with the connect and read timeouts a client would use.
    pub fn new(
        connect_timeout: Duration,
        read_timeout: Duration,
    ) -> Result<Self, crate::config::ConfigError> {
        Ok(Self {
            http: build_reqwest(connect_timeout, read_timeout)?,
        })
    }
}

impl HttpTransport for ReqwestTransport {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
        limits: TransportLimits,
    ) -> BoxFuture<'a, Result<HttpResponse, TransportFailure>> {
        Box::pin(send_reqwest(&self.http, request, limits))
    }
}

/// The reqwest client every default transport uses: no redirects, no referer.
pub(crate) fn build_reqwest(
    connect_timeout: Duration,
    read_timeout: Duration,
) -> Result<reqwest::Client, crate::config::ConfigError> {
    crate::tls::http_client_builder()
        .map_err(crate::config::ConfigError::Http)?
        .connect_timeout(connect_timeout)
        .read_timeout(read_timeout)
        .pool_idle_timeout(Duration::from_secs(90))
        // The API never redirects; following one would hand the signed request (and the
        // STS token) to another host. A 3xx becomes an error instead.
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .build()
        .map_err(|e| crate::config::ConfigError::Http(e.without_url().to_string()))
}

/// One exchange over reqwest, the body read under the cap.
pub(crate) async fn send_reqwest(
    http: &reqwest::Client,
    request: HttpRequest,
    limits: TransportLimits,
) -> Result<HttpResponse, TransportFailure> {
    let mut outgoing = reqwest::Request::new(request.method, request.url);
    *outgoing.headers_mut() = request.headers;
    if !request.body.is_empty() {
        // A cheap reference-counted clone: the body is encoded once per call.
        *outgoing.body_mut() = Some(reqwest::Body::from(request.body));
    }
    let mut response = http.execute(outgoing).await.map_err(reqwest_failure)?;
    let status = response.status().as_u16();
    // Moved out, not copied: an empty map does not allocate.
    let headers = std::mem::take(response.headers_mut());
    if (300..400).contains(&status) {
        // A redirect's body is never read: the client refuses the answer.
        return Ok(HttpResponse {
            status,
            headers,
            body: Bytes::new(),
        });
    }
    match crate::body::read_capped(response, limits.max_response_body).await {
        Ok(body) => Ok(HttpResponse {
            status,
            headers,
            body,
        }),
        Err(crate::body::BodyError::TooLarge { declared, .. }) => Err(TransportFailure::TooLarge {
            status,
            declared,
            request_id: headers.get("x-acs-request-id").cloned(),
        }),
        // The status line arrived, so the request reached the service.
        Err(crate::body::BodyError::Transport(e)) => Err(match reqwest_failure(e) {
            TransportFailure::NotSent(e) => TransportFailure::AfterSent(e),
            TransportFailure::Timeout { .. } => TransportFailure::Timeout { sent: true },
            other => other,
        }),
    }
}

fn reqwest_failure(e: reqwest::Error) -> TransportFailure {
    // The URL carries the signature (and the STS token under V1): never keep it.
    let e = e.without_url();
    if e.is_builder() {
        // The innermost cause says what was wrong ("uri too long"); it never holds the URL.
        let mut root: &(dyn StdError + 'static) = &e;
        while let Some(next) = root.source() {
            root = next;
        }
        return TransportFailure::Construction(crate::text::Escaped(&root.to_string()).to_string());
    }
    let not_sent = e.is_connect();
    if e.is_timeout() {
        TransportFailure::Timeout { sent: !not_sent }
    } else if not_sent {
        TransportFailure::NotSent(Box::new(e))
    } else {
        TransportFailure::AfterSent(Box::new(e))
    }
}
