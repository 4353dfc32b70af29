//! The seam for typed mocks: a [`OperationStub`] set with
//! [`ConfigBuilder::stub`](crate::ConfigBuilder::stub) answers each call with the operation's
//! own output or error type, before credentials, signing or any I/O.
//!
//! The `alibabacloud-mock` crate builds rule-based stubs on it; most users want that crate,
//! not this trait.

use std::any::Any;
use std::fmt;

/// What a stub answers for one call.
pub enum StubAnswer {
    /// The operation's output (`Box<O::Output>`).
    Output(Box<dyn Any + Send>),
    /// The operation's error (`Box<O::Error>`): the call fails with it as a service error.
    Error(Box<dyn Any + Send>),
    /// Nothing was set up for this call: it fails with this explanation (nothing is sent).
    Unmatched(String),
}

impl fmt::Debug for StubAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StubAnswer::Output(_) => f.write_str("Output(..)"),
            StubAnswer::Error(_) => f.write_str("Error(..)"),
            StubAnswer::Unmatched(why) => f.debug_tuple("Unmatched").field(why).finish(),
        }
    }
}

/// Answers calls in place of the service.
pub trait OperationStub: Send + Sync + fmt::Debug {
    /// Answers a call of `action` (the wire name) whose typed input is `input` (downcast it to
    /// the operation's input type). `None` lets the call go through the normal pipeline.
    fn answer(&self, action: &'static str, input: &(dyn Any + Send + Sync)) -> Option<StubAnswer>;
}
