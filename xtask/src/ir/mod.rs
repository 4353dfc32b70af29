//! The validated intermediate representation between the JSON specs and `quote!`.
//!
//! [`lower_product`] checks everything the JSON shape cannot express (duplicates, name
//! collisions after case conversion, references between fields) and resolves type names, so
//! the emitters never meet a spec error; what they still decide is presentation (see `emit`).

use std::fmt;

mod lower;
mod refs;
mod roa;
pub mod rules;
mod scope;

pub use lower::lower_product;
pub use roa::placeholders;

use crate::spec::{self, ApiStyle, Auth, HttpMethod, Location, Signature};

/// A spec problem, naming the file and the JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file, relative to the workspace root.
    pub file: String,
    /// The JSON path inside it, such as `request[0].name`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: at `{}`: {}", self.file, self.path, self.message)
        }
    }
}

/// One product: its service facts and its operations, sorted by name.
#[derive(Debug, Clone)]
pub struct Product {
    /// The spec folder, relative to the workspace root (`api-specs/cas`).
    pub spec_dir: String,
    /// Service facts.
    pub service: Service,
    /// Operations, sorted by wire name.
    pub operations: Vec<Operation>,
}

/// Service facts.
#[derive(Debug, Clone)]
pub struct Service {
    /// Product code.
    pub product: String,
    /// API version.
    pub version: String,
    /// Crate name (`alibabacloud-cas`).
    pub crate_name: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Default signature.
    pub signature: Signature,
    /// RPC or ROA.
    pub style: ApiStyle,
    /// Endpoint map.
    pub endpoints: spec::EndpointsSpec,
    /// Platform-wide codes.
    pub common_errors: Vec<ErrorCode>,
    /// Emulator crate for examples.
    pub emulator_crate: Option<String>,
    /// The official API reference of this product version, if known.
    pub api_reference: Option<String>,
}

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ty {
    /// `String`.
    String,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `bool`.
    Bool,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `serde_json::Value`.
    Any,
    /// A generated structure in the operation's module.
    Struct(String),
    /// A generated string enum in the operation's module.
    Enum(String),
    /// `Vec<T>`.
    List(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
}

impl Ty {
    /// Whether values of this type may arrive as strings and need lenient decoding.
    pub fn is_lenient_scalar(&self) -> bool {
        matches!(self, Ty::I32 | Ty::I64 | Ty::Bool | Ty::F32 | Ty::F64)
    }
}

/// A field of a request, response or structure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Field {
    /// Exact wire name.
    pub wire: String,
    /// Snake-case Rust name (before keyword escaping).
    pub rust: String,
    /// Type.
    pub ty: Ty,
    /// Required (request side only).
    pub required: bool,
    /// Sent as one JSON string.
    pub json: bool,
    /// A list sent as one comma-joined value (`style: simple`).
    pub simple: bool,
    /// Documentation.
    pub description: Option<String>,
    /// Example value.
    pub example: Option<String>,
    /// The service's default.
    pub default: Option<String>,
    /// Documented values of a non-string field (documentation only).
    pub documented_values: Vec<String>,
    /// Milliseconds since the epoch.
    pub epoch_millis: bool,
    /// Deprecated.
    pub deprecated: bool,
    /// Where it travels (request side).
    pub location: Location,
    /// A secret: redacted in `Debug`, never shown in examples.
    pub sensitive: bool,
    /// Documentation-only format note (`iso8601`, `byte`).
    pub format_note: Option<&'static str>,
}

/// Which side a generated structure lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// Sent: `Serialize` + `ToParam`.
    Request,
    /// Received: `Deserialize`.
    Response,
}

/// A generated structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructDef {
    /// Type name.
    pub name: String,
    /// Where it appears (`request.Tags[]`), for docs.
    pub origin: String,
    /// Side.
    pub side: Side,
    /// Members.
    pub fields: Vec<Field>,
}

/// A generated string enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumDef {
    /// Type name.
    pub name: String,
    /// Where it appears, for docs.
    pub origin: String,
    /// `(variant, wire value)`, in spec order.
    pub variants: Vec<(String, String)>,
}

/// An error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCode {
    /// The code.
    pub code: String,
    /// The variant name.
    pub variant: String,
    /// HTTP statuses the code is listed under, ascending (empty when it is only listed
    /// without one).
    pub http_statuses: Vec<u16>,
    /// Whether a row lists the code without a known HTTP status (ECS's `4003`).
    pub listed_without_status: bool,
    /// Meaning.
    pub description: Option<String>,
}

/// Resolved pagination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pagination {
    /// Page number + size.
    Page {
        /// Input field (snake).
        page_number: Field,
        /// Input field (snake).
        page_size: Field,
        /// Output field for the total.
        total: Option<Field>,
        /// Path of output fields to the items list; `None` when the pages have no typed list.
        items: Option<(Vec<Field>, Ty)>,
    },
    /// Continuation token.
    Token {
        /// Input token field.
        input_token: Field,
        /// Output token field.
        output_token: Field,
        /// Page size input field.
        page_size: Option<Field>,
        /// Path of output fields to the items list; `None` when the pages have no typed list.
        items: Option<(Vec<Field>, Ty)>,
    },
}

/// A resolved waiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiter {
    /// UpperCamel name.
    pub name: String,
    /// Docs.
    pub description: Option<String>,
    /// The objects, from the output down, that hold the polled field (empty when it is at the
    /// top level).
    pub parents: Vec<Field>,
    /// Polled output field.
    pub field: Field,
    /// Success values.
    pub success: Vec<String>,
    /// Failure values.
    pub failure: Vec<String>,
    /// First delay (ms).
    pub min_delay_ms: u64,
    /// Longest delay (ms).
    pub max_delay_ms: u64,
    /// Default total wait (ms).
    pub max_wait_ms: u64,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The Action.
    pub name: String,
    /// The spec file.
    pub source: String,
    /// Module / method name.
    pub snake: String,
    /// One sentence (our own words, or a mechanical one).
    pub summary: String,
    /// Usage rules.
    pub description: Option<String>,
    /// Safe to re-send.
    pub idempotent: bool,
    /// How requests are authenticated.
    pub auth: Auth,
    /// Whether an unset `ClientToken` is filled with a fresh UUID per call.
    pub fills_client_token: bool,
    /// The operation's page in the official API reference.
    pub reference_url: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// Request parameters.
    pub input: Vec<Field>,
    /// Response fields.
    pub output: Vec<Field>,
    /// Nested structures.
    pub structs: Vec<StructDef>,
    /// String enums.
    pub enums: Vec<EnumDef>,
    /// Error table.
    pub errors: Vec<ErrorCode>,
    /// Pagination.
    pub pagination: Option<Pagination>,
    /// Waiters.
    pub waiters: Vec<Waiter>,
    /// A success body.
    pub response_example: Option<String>,
    /// The HTTP method and path template (ROA operations only).
    pub route: Option<Route>,
    /// The type of the whole response body when its top level is not an object (ROA);
    /// `output` is then empty.
    pub output_payload: Option<Ty>,
}

/// How an ROA operation travels: its HTTP method and path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The method.
    pub method: HttpMethod,
    /// The template, such as `/clusters/{ClusterId}`; every placeholder names a path parameter.
    pub path: String,
}
