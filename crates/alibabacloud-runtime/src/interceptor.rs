//! Interceptors: code that sees, and may change, each attempt at three points of the pipeline.
//!
//! The attempt pipeline is resolve credentials → build the request → **before signing** →
//! sign → **after signing** → send → **after the response** → classify → decode. Interceptors
//! run in the order they were added, at every attempt.
//!
//! * [`Interceptor::before_signing`] may add query parameters and header parameters: the
//!   signature covers them, so the service accepts the changed request.
//! * [`Interceptor::after_signing`] sees the request as it goes out (to record it, or to add a
//!   header the signature does not cover, such as a trace id).
//! * [`Interceptor::after_response`] sees the status, headers and body before they are
//!   classified and decoded (to record metrics or capture answers).
//!
//! A client without interceptors pays nothing for them.

use std::error::Error as StdError;
use std::fmt;

use reqwest::header::{HeaderName, HeaderValue};

use crate::params::Params;
use crate::transport::{HttpRequest, HttpResponse};
use crate::wire::RequestParts;

/// The error an interceptor returns to stop an attempt before it is sent.
pub type InterceptorError = Box<dyn StdError + Send + Sync>;

/// Hooks into every attempt. Every method has a default that does nothing.
pub trait Interceptor: Send + Sync + fmt::Debug {
    /// Called with the request before it is signed. An error ends the call (nothing is sent).
    fn before_signing(&self, request: &mut UnsignedRequest<'_>) -> Result<(), InterceptorError> {
        let _ = request;
        Ok(())
    }

    /// Called with the signed request just before it is sent. An error ends the call
    /// (nothing is sent). Changing a signed part makes the service reject the request.
    fn after_signing(&self, request: &mut HttpRequest) -> Result<(), InterceptorError> {
        let _ = request;
        Ok(())
    }

    /// Called with the answer before it is classified and decoded.
    fn after_response(&self, response: &mut HttpResponse) {
        let _ = response;
    }
}

/// The request of one attempt before it is signed.
pub struct UnsignedRequest<'a> {
    pub(crate) action: &'static str,
    pub(crate) version: &'static str,
    pub(crate) parts: &'a mut RequestParts,
}

impl fmt::Debug for UnsignedRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnsignedRequest")
            .field("action", &self.action)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl UnsignedRequest<'_> {
    /// The operation's wire name, such as `DescribeRegions`.
    pub fn action(&self) -> &'static str {
        self.action
    }

    /// The API version, such as `2014-05-26`.
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// The query parameters, flattened (`Name.1.Key`). Added or changed entries are signed.
    pub fn params(&self) -> &Params {
        &self.parts.params
    }

    /// The query parameters, to change. What is here when the signer runs is signed.
    pub fn params_mut(&mut self) -> &mut Params {
        &mut self.parts.params
    }

    /// The header parameters, lowercase names.
    pub fn headers(&self) -> &[(HeaderName, HeaderValue)] {
        self.parts.header_values()
    }

    /// Adds a header that V3 signs (V1 signs no header). The name is lowercased; headers the
    /// runtime sets itself (`authorization`, `x-acs-*` signing headers, `host`, …) are
    /// refused, as a header parameter would be.
    pub fn insert_header(
        &mut self,
        name: &str,
        value: &str,
    ) -> Result<(), crate::error::ConstructionError> {
        self.parts.insert_header(name, value)
    }
}
