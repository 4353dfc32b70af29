//! The JSON spec files as written by maintainers (see `api-specs/schema/`).
//!
//! These types only describe the shape of the JSON; [`crate::ir`] checks the meaning.
//! Unknown keys are rejected so a typo never silently drops a fact.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `api-specs/<product>/service.json`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Product code.
    pub product: String,
    /// API version.
    pub version: String,
    /// Generated crate name.
    #[serde(rename = "crate")]
    pub crate_name: String,
    /// Human title.
    pub title: String,
    /// One-paragraph summary.
    pub summary: String,
    /// Default signature scheme.
    pub signature: Signature,
    /// The API style (absent: RPC). ROA operations declare a method and a path template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<ApiStyle>,
    /// Endpoint map.
    pub endpoints: EndpointsSpec,
    /// Platform-wide error codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub common_errors: Vec<ErrorSpec>,
    /// The emulator crate the product crate's examples use, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emulator_crate: Option<String>,
    /// The official API reference of this product version, without a trailing slash
    /// (`https://api.aliyun.com/api/Sts/2015-04-01`); operation docs link to
    /// `<api_reference>/<Action>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_reference: Option<String>,
}

/// A signature scheme name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Signature {
    /// HMAC-SHA1.
    V1,
    /// ACS3-HMAC-SHA256.
    V3,
}

/// An API style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiStyle {
    /// Remote procedure call: `POST /` with the action in `Action` / `x-acs-action`.
    Rpc,
    /// Resource-oriented: each operation has its own method and path template, and a JSON body.
    Roa,
}

/// An HTTP method of an ROA operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum HttpMethod {
    /// `GET`.
    #[serde(rename = "GET")]
    Get,
    /// `POST`.
    #[serde(rename = "POST")]
    Post,
    /// `PUT`.
    #[serde(rename = "PUT")]
    Put,
    /// `DELETE`.
    #[serde(rename = "DELETE")]
    Delete,
    /// `PATCH`.
    #[serde(rename = "PATCH")]
    Patch,
}

impl HttpMethod {
    /// The method as HTTP spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Patch => "PATCH",
        }
    }
}

/// The endpoint map.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointsSpec {
    /// Host without a region or for mapped regions.
    pub default_host: String,
    /// Regions served by the default host.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_host_regions: Vec<String>,
    /// Regions with their own host.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub regional_hosts: BTreeMap<String, String>,
    /// Template for other regions, with `{region}`.
    pub fallback: String,
}

/// One error code row.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// The code.
    pub code: String,
    /// The variant name, when the code's own collides with another code's after case
    /// conversion (`InvalidVpc.NotFound` beside `InvalidVPC.NotFound`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Its HTTP status; absent when the metadata lists the code under something that is not
    /// one (ECS's `4003`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// What it means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `api-specs/<product>/operations/<Action>.json`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The Action.
    pub name: String,
    /// One sentence in our own words (hand-written; imported operations get a mechanical one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Usage rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Safe to re-send. Absent: the idempotency rule decides (see `ir::rules`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotent: Option<bool>,
    /// How requests are authenticated (absent: signed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    /// Deprecated by the service.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The HTTP method (ROA operations only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<HttpMethod>,
    /// The path template, such as `/clusters/{ClusterId}/nodepools` (ROA operations only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Request parameters.
    pub request: Vec<FieldSpec>,
    /// Response shape.
    pub response: ResponseSpec,
    /// Error table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorSpec>,
    /// Pagination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<PaginationSpec>,
    /// Waiters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiters: Vec<WaiterSpec>,
    /// Places where this spec deliberately differs from the official metadata; `cargo xtask
    /// import` keeps the spec's value there and `--check` lists them without failing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deliberate: Vec<DeliberateSpec>,
}

/// A recorded, deliberate difference from the official metadata.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeliberateSpec {
    /// The spec path, as `cargo xtask import --check` prints it (`request[OrderId].type`).
    pub path: String,
    /// Why the spec is right and the metadata is not.
    pub reason: String,
}

/// How an operation's requests are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    /// Signed with the caller's access key (metadata security `AK`).
    Signed,
    /// Sent without signature or access key (metadata `Anonymous`, `ARS_OIDC`).
    Anonymous,
}

/// Where a request parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// The query string (metadata `in: query`; the default).
    Query,
    /// The `application/x-www-form-urlencoded` body (metadata `in: formData` or `in: body`).
    Form,
    /// An HTTP header named after the parameter (metadata `in: header`).
    Header,
    /// A `{Name}` segment of the path template (ROA; always required).
    Path,
    /// A key of the JSON object body, named by the wire name (ROA metadata `in: body`).
    Body,
    /// The whole JSON body, such as an array (ROA metadata `in: body` whose schema is not an
    /// object with properties). At most one per operation, and not beside `body` parameters.
    Payload,
}

/// The response.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    /// Top-level fields (an object body).
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    /// The type of the whole body when its top level is not an object (an array or a scalar,
    /// ROA only); `fields` is then empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Box<TypeSpec>>,
    /// A success body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<serde_json::Value>,
}

/// The wire types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TypeName {
    /// Text.
    String,
    /// 32-bit integer.
    Integer,
    /// 64-bit integer.
    Long,
    /// true/false.
    Boolean,
    /// 32-bit float.
    Float,
    /// 64-bit float.
    Double,
    /// Any JSON.
    Any,
    /// Structure with `fields`.
    Object,
    /// List with `items`.
    Array,
    /// String-keyed map with `values`.
    Map,
}

/// How a structured request parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Style {
    /// `Name.1.Key` flattening (the default).
    #[serde(rename = "repeatList")]
    RepeatList,
    /// Same as repeatList.
    #[serde(rename = "flat")]
    Flat,
    /// One compact JSON string.
    #[serde(rename = "json")]
    Json,
    /// A list of scalars joined with commas into one value (`a,b,c`).
    #[serde(rename = "simple")]
    Simple,
}

/// A named field (request parameter, response field or structure member).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Exact wire name.
    pub name: String,
    /// Wire type.
    #[serde(rename = "type")]
    pub ty: TypeName,
    /// Required (request side).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// How it travels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<Style>,
    /// Where it travels (request parameters only; absent: the query).
    #[serde(rename = "in", default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// A secret (hand-written; absent: the sensitive-name rule decides). Redacted in `Debug`
    /// and never shown in doc examples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<bool>,
    /// The Rust type name of the structure or enum generated for this field (hand-written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// The Rust field name, when the wire name's snake case collides with a sibling's
    /// (`key` beside `Key`). The importer sets it by rule; a hand-written one is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    /// What it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// An example value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// The service's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Members, for objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldSpec>>,
    /// Item type, for arrays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<TypeSpec>>,
    /// Value type, for maps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Box<TypeSpec>>,
    /// Documented value set.
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<String>>,
    /// Special format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// Deprecated.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
}

/// An anonymous type (array items, map values).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    /// Wire type.
    #[serde(rename = "type")]
    pub ty: TypeName,
    /// Members, for objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldSpec>>,
    /// Item type, for arrays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<TypeSpec>>,
    /// Value type, for maps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Box<TypeSpec>>,
    /// Documented value set.
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<String>>,
    /// Special format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
}

/// Special string formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Format {
    /// Milliseconds since the Unix epoch (hand-written; the metadata does not say it).
    #[serde(rename = "epoch_millis")]
    EpochMillis,
    /// An ISO 8601 time, kept as text (metadata `format: iso8601`).
    #[serde(rename = "iso8601")]
    Iso8601,
    /// Base64 text (metadata `format: byte`).
    #[serde(rename = "byte")]
    Byte,
}

/// Pagination.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "style", deny_unknown_fields)]
pub enum PaginationSpec {
    /// Page number and size.
    #[serde(rename = "page")]
    Page {
        /// Request field with the 1-based page number.
        page_number: String,
        /// Request field with the page size.
        page_size: String,
        /// Response field with the total count.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        total: Option<String>,
        /// Response field with the items.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<String>,
    },
    /// Continuation token.
    #[serde(rename = "token")]
    Token {
        /// Request field with the token.
        input_token: String,
        /// Response field with the next token.
        output_token: String,
        /// Request field with the page size.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        page_size: Option<String>,
        /// Response field with the total count.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        total: Option<String>,
        /// Response field with the items.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<String>,
    },
}

/// A waiter.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterSpec {
    /// UpperCamel name.
    pub name: String,
    /// What it waits for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The polled response field: its wire name, or a dotted path through objects
    /// (`KeyMetadata.KeyState`).
    pub field: String,
    /// Values that end the wait successfully.
    pub success: Vec<String>,
    /// Values that end the wait with a failure.
    pub failure: Vec<String>,
    /// First delay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_delay_ms: Option<u64>,
    /// Longest delay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_delay_ms: Option<u64>,
    /// Default total wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_wait_ms: Option<u64>,
}
