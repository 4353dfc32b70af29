//! The JSON spec files as written by maintainers (see `api-specs/schema/`).
//!
//! These types only describe the shape of the JSON; [`crate::ir`] checks the meaning.
//! Unknown keys are rejected so a typo never silently drops a fact.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `api-specs/<product>/service.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default)]
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
    /// Endpoint map.
    pub endpoints: EndpointsSpec,
    /// Platform-wide error codes.
    #[serde(default)]
    pub common_errors: Vec<ErrorSpec>,
    /// The emulator crate the product crate's examples use, if any.
    #[serde(default)]
    pub emulator_crate: Option<String>,
}

/// A signature scheme name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Signature {
    /// HMAC-SHA1.
    V1,
    /// ACS3-HMAC-SHA256.
    V3,
}

/// The endpoint map.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointsSpec {
    /// Host without a region or for mapped regions.
    pub default_host: String,
    /// Regions served by the default host.
    #[serde(default)]
    pub default_host_regions: Vec<String>,
    /// Regions with their own host.
    #[serde(default)]
    pub regional_hosts: BTreeMap<String, String>,
    /// Template for other regions, with `{region}`.
    pub fallback: String,
}

/// One error code row.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// The code.
    pub code: String,
    /// Its HTTP status.
    pub http_status: u16,
    /// What it means.
    #[serde(default)]
    pub description: Option<String>,
}

/// `api-specs/<product>/operations/<Action>.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The Action.
    pub name: String,
    /// One sentence.
    pub summary: String,
    /// Usage rules.
    #[serde(default)]
    pub description: Option<String>,
    /// Safe to re-send.
    pub idempotent: bool,
    /// Deprecated by the service.
    #[serde(default)]
    pub deprecated: bool,
    /// Request parameters.
    pub request: Vec<FieldSpec>,
    /// Response shape.
    pub response: ResponseSpec,
    /// Error table.
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
    /// Pagination.
    #[serde(default)]
    pub pagination: Option<PaginationSpec>,
    /// Waiters.
    #[serde(default)]
    pub waiters: Vec<WaiterSpec>,
}

/// The response.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    /// Top-level fields.
    pub fields: Vec<FieldSpec>,
    /// A success body.
    #[serde(default)]
    pub example: Option<serde_json::Value>,
}

/// The wire types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
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
}

/// A named field (request parameter, response field or structure member).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Exact wire name.
    pub name: String,
    /// Wire type.
    #[serde(rename = "type")]
    pub ty: TypeName,
    /// Required (request side).
    #[serde(default)]
    pub required: Option<bool>,
    /// How it travels.
    #[serde(default)]
    pub style: Option<Style>,
    /// What it is.
    #[serde(default)]
    pub description: Option<String>,
    /// An example value.
    #[serde(default)]
    pub example: Option<String>,
    /// The service's default.
    #[serde(default)]
    pub default: Option<String>,
    /// Members, for objects.
    #[serde(default)]
    pub fields: Option<Vec<FieldSpec>>,
    /// Item type, for arrays.
    #[serde(default)]
    pub items: Option<Box<TypeSpec>>,
    /// Value type, for maps.
    #[serde(default)]
    pub values: Option<Box<TypeSpec>>,
    /// Documented value set.
    #[serde(rename = "enum", default)]
    pub enum_values: Option<Vec<String>>,
    /// Special format.
    #[serde(default)]
    pub format: Option<Format>,
    /// Deprecated.
    #[serde(default)]
    pub deprecated: bool,
}

/// An anonymous type (array items, map values).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    /// Wire type.
    #[serde(rename = "type")]
    pub ty: TypeName,
    /// Members, for objects.
    #[serde(default)]
    pub fields: Option<Vec<FieldSpec>>,
    /// Item type, for arrays.
    #[serde(default)]
    pub items: Option<Box<TypeSpec>>,
    /// Value type, for maps.
    #[serde(default)]
    pub values: Option<Box<TypeSpec>>,
    /// Documented value set.
    #[serde(rename = "enum", default)]
    pub enum_values: Option<Vec<String>>,
    /// Special format.
    #[serde(default)]
    pub format: Option<Format>,
}

/// Special string formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Format {
    /// Milliseconds since the Unix epoch.
    #[serde(rename = "epoch_millis")]
    EpochMillis,
}

/// Pagination.
#[derive(Debug, Clone, Deserialize)]
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
        #[serde(default)]
        total: Option<String>,
        /// Response field with the items.
        #[serde(default)]
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
        #[serde(default)]
        page_size: Option<String>,
        /// Response field with the total count.
        #[serde(default)]
        total: Option<String>,
        /// Response field with the items.
        #[serde(default)]
        items: Option<String>,
    },
}

/// A waiter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterSpec {
    /// UpperCamel name.
    pub name: String,
    /// What it waits for.
    #[serde(default)]
    pub description: Option<String>,
    /// Polled top-level response field.
    pub field: String,
    /// Values that end the wait successfully.
    pub success: Vec<String>,
    /// Values that end the wait with a failure.
    pub failure: Vec<String>,
    /// First delay.
    #[serde(default)]
    pub min_delay_ms: Option<u64>,
    /// Longest delay.
    #[serde(default)]
    pub max_delay_ms: Option<u64>,
    /// Default total wait.
    #[serde(default)]
    pub max_wait_ms: Option<u64>,
}
