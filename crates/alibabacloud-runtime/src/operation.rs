//! The contract between generated operations and the runtime.

use serde::de::DeserializeOwned;

use crate::error::{ConstructionError, OperationError};
use crate::params::Params;

/// One API operation: its name, whether it is safe to re-send, how its input flattens into
/// parameters, and the types of its output and error.
///
/// Generated code implements this for each operation's input type; everything that happens
/// to the input afterwards (signing, sending, retrying, decoding) is the runtime's.
pub trait Operation: Send + Sync + 'static {
    /// The wire name, sent as `Action` (V1) or `x-acs-action` (V3).
    const ACTION: &'static str;
    /// Whether re-sending the request after it may have reached the service is safe.
    const IDEMPOTENT: bool;
    /// How requests of this operation are authenticated (default: signed with the access key).
    const AUTH: crate::operation::Auth = crate::operation::Auth::Signed;
    /// The method and path template of an ROA operation; `None` (the default) for an RPC
    /// operation, which is `POST /` with its action in `x-acs-action` or `Action`.
    const ROUTE: Option<crate::roa::Route> = None;
    /// The decoded success body.
    type Output: DeserializeOwned + Send + 'static;
    /// The operation's error enum.
    type Error: OperationError;
    /// Writes the business parameters that travel in the query string (metadata `in: query`).
    fn write_params(&self, out: &mut Params) -> Result<(), ConstructionError>;

    /// Writes the parameters that travel in the `application/x-www-form-urlencoded` POST body
    /// (metadata `in: formData` / `in: body`). Same flattening rules as `write_params`.
    fn write_form(
        &self,
        out: &mut crate::params::Params,
    ) -> Result<(), crate::error::ConstructionError> {
        let _ = out;
        Ok(())
    }

    /// Writes the parameters that travel as HTTP headers (metadata `in: header`): key = header
    /// name.
    fn write_headers(
        &self,
        out: &mut crate::params::Params,
    ) -> Result<(), crate::error::ConstructionError> {
        let _ = out;
        Ok(())
    }

    /// Writes the parameters that fill the `{Name}` placeholders of [`Operation::ROUTE`]'s
    /// path template (ROA), unencoded: the runtime encodes each as one path segment.
    fn write_path(
        &self,
        out: &mut crate::params::Params,
    ) -> Result<(), crate::error::ConstructionError> {
        let _ = out;
        Ok(())
    }

    /// Writes the JSON body of an ROA operation (metadata `in: body`).
    fn write_body(
        &self,
        out: &mut crate::roa::JsonBody,
    ) -> Result<(), crate::error::ConstructionError> {
        let _ = out;
        Ok(())
    }

    /// The `RequestId` the decoded output carries, for tracing (saves a second parse).
    fn output_request_id(output: &Self::Output) -> Option<&str> {
        let _ = output;
        None
    }
}

/// How the requests of an operation are authenticated.
///
/// The service's metadata lists the accepted schemes of each operation (`security`); the
/// generator maps them onto this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Auth {
    /// Signed with the access key (metadata security `AK`): V1 or V3, as the client is
    /// configured, with the security token when the credentials are temporary.
    #[default]
    Signed,
    /// Sent unsigned (metadata security `Anonymous` or `ARS_OIDC`, such as STS
    /// `AssumeRoleWithOIDC` and `AssumeRoleWithSAML`, whose proof of identity is a parameter).
    ///
    /// The request carries no `AccessKeyId`, no signature and no security token, and the
    /// client resolves no credentials at all: a client with none configured can call it.
    /// The scheme's other common parameters (action, version, timestamp, nonce and, under V3,
    /// the body hash) are still sent, as the official SDKs do.
    Anonymous,
}
