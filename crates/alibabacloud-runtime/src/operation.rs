//! The contract between generated operations and the runtime.

use serde::de::DeserializeOwned;

use crate::error::{ConstructionError, OperationError};
use crate::params::Params;

/// One API operation: its name, whether it is safe to re-send, how its input flattens into
/// parameters, and the types of its output and error.
///
/// Generated code implements this for each operation's input type; everything that happens
/// to the input afterwards (signing, sending, retrying, decoding) is the runtime's.
pub trait Operation: Send + Sync {
    /// The wire name, sent as `Action` (V1) or `x-acs-action` (V3).
    const ACTION: &'static str;
    /// Whether re-sending the request after it may have reached the service is safe.
    const IDEMPOTENT: bool;
    /// The decoded success body.
    type Output: DeserializeOwned + Send;
    /// The operation's error enum.
    type Error: OperationError;
    /// Writes the business parameters.
    fn write_params(&self, out: &mut Params) -> Result<(), ConstructionError>;

    /// The `RequestId` the decoded output carries, for tracing (saves a second parse).
    fn output_request_id(output: &Self::Output) -> Option<&str> {
        let _ = output;
        None
    }
}

/// Marks a required parameter that has not been set yet in a generated builder.
///
/// A builder whose type still mentions `Missing` has no `send` or `build` method, so a call
/// that omits a required parameter does not compile.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Missing;
