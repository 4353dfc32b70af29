//! The hand-written half of the every-operation harness: what a case is, where a call goes,
//! and the checks every case must pass. The generated modules only declare their cases.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use alibabacloud_runtime::interceptor::{Interceptor, InterceptorError, UnsignedRequest};
use alibabacloud_runtime::transport::{
    BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportFailure, TransportLimits,
};
use alibabacloud_runtime::{Config, ConfigBuilder, Credentials, RetryConfig, SignatureVersion};

/// One product: its cases and how to call one.
#[derive(Debug, Clone, Copy)]
pub struct Product {
    /// Product code (`sts`).
    pub code: &'static str,
    /// API version.
    pub version: &'static str,
    /// One case per operation.
    pub cases: &'static [Case],
    /// Calls an action of this product; `None` for an unknown action.
    pub call: fn(&str, Target) -> Option<CallFuture>,
    /// The product crate's `decode_output`: decodes a body as an action's output.
    pub decode: DecodeOutput,
}

/// A product crate's `decode_output`: `None` for an unknown action, otherwise whether the body
/// decodes as that action's output.
pub type DecodeOutput = fn(&str, &[u8]) -> Option<Result<(), serde_json::Error>>;

/// One operation.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// The action.
    pub action: &'static str,
    /// The success body a test server answers with.
    pub response: &'static str,
    /// Whether `response` is the spec's example (otherwise it is built from the schema).
    pub response_from_demo: bool,
    /// Whether the operation is sent unsigned.
    pub anonymous: bool,
    /// The HTTP method (`POST` for RPC operations).
    pub method: &'static str,
    /// The path template (`/` for RPC operations), such as `/clusters/{ClusterId}`.
    pub path: &'static str,
}

impl Case {
    /// Whether `path` (as received, percent-encoded) is an instance of this case's template:
    /// the same segments, each placeholder standing for one non-empty segment.
    pub fn path_matches(&self, path: &str) -> bool {
        let template: Vec<&str> = self.path.split('/').collect();
        let got: Vec<&str> = path.split('/').collect();
        template.len() == got.len()
            && template.iter().zip(&got).all(|(t, g)| {
                if t.starts_with('{') && t.ends_with('}') {
                    !g.is_empty()
                } else {
                    t == g
                }
            })
    }
}

/// Where and how a call goes.
#[derive(Debug, Clone)]
pub struct Target {
    /// The endpoint, such as `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// The credentials to sign with.
    pub credentials: Credentials,
    /// The signature scheme.
    pub signature: SignatureVersion,
    /// The transport to send through (an in-process emulator); `None` for the default
    /// (reqwest, over a socket).
    pub transport: Option<SharedTransport>,
    /// Interceptors every call runs (to change or capture requests and answers).
    pub interceptors: Vec<SharedInterceptor>,
}

impl Target {
    /// A configuration for this target, without retries so each call is one request.
    pub fn config(&self, builder: ConfigBuilder) -> Result<Config, String> {
        let mut builder = builder
            .endpoint(self.endpoint.clone())
            .credentials(self.credentials.clone())
            .signature_version(self.signature)
            .retry(RetryConfig::disabled());
        if let Some(transport) = &self.transport {
            builder = builder.transport(transport.clone());
        }
        for interceptor in &self.interceptors {
            builder = builder.interceptor(interceptor.clone());
        }
        builder.build().map_err(|e| e.to_string())
    }
}

/// An interceptor shared by every case's client, so a test can read what it captured.
#[derive(Debug, Clone)]
pub struct SharedInterceptor(pub Arc<dyn Interceptor>);

impl Interceptor for SharedInterceptor {
    fn before_signing(&self, request: &mut UnsignedRequest<'_>) -> Result<(), InterceptorError> {
        self.0.before_signing(request)
    }

    fn after_signing(&self, request: &mut HttpRequest) -> Result<(), InterceptorError> {
        self.0.after_signing(request)
    }

    fn after_response(&self, response: &mut HttpResponse) {
        self.0.after_response(response);
    }
}

/// A transport shared by every case's client (each call builds its own client).
#[derive(Debug, Clone)]
pub struct SharedTransport(pub Arc<dyn HttpTransport>);

impl HttpTransport for SharedTransport {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
        limits: TransportLimits,
    ) -> BoxFuture<'a, Result<HttpResponse, TransportFailure>> {
        self.0.send(request, limits)
    }
}

/// What a call gave back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Whether the output decoded through the client equals the response decoded directly.
    pub equals_direct_decode: bool,
    /// Each top-level output field: wire name and whether it was decoded.
    pub fields: Vec<(&'static str, bool)>,
}

impl Outcome {
    /// The checks every case must pass: the client decodes exactly what plain decoding
    /// gives, and every top-level field the response carries arrives.
    pub fn check(&self, case: &Case) -> Result<(), String> {
        if !self.equals_direct_decode {
            return Err(format!(
                "{}: the client's output differs from decoding the response directly",
                case.action
            ));
        }
        let response: serde_json::Value = serde_json::from_str(case.response)
            .map_err(|e| format!("{}: the response is not JSON: {e}", case.action))?;
        let missing: Vec<&str> = self
            .fields
            .iter()
            .filter(|(wire, decoded)| !decoded && response.get(*wire).is_some_and(|v| !v.is_null()))
            .map(|(wire, _)| *wire)
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{}: fields in the response but not in the output: {}",
                case.action,
                missing.join(", ")
            ))
        }
    }
}

/// A call in flight.
pub type CallFuture = Pin<Box<dyn Future<Output = Result<Outcome, String>> + Send>>;
