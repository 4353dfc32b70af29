//! The operation table generated from the specs (`table/<product>.jsonl`, written by
//! `cargo xtask codegen`): for every operation, its route, parameters, success body and error
//! codes. Parsed once per process and product, on first use.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use serde_json::Value;

#[path = "../table/index.rs"]
mod index;

/// Every product the table covers: `(product code, API version)`, sorted by code.
pub fn products() -> impl Iterator<Item = (&'static str, &'static str)> {
    index::TABLES
        .iter()
        .map(|(code, version, _)| (*code, *version))
}

/// One product's table.
#[derive(Debug)]
pub(crate) struct ProductTable {
    /// Product code (`ecs`).
    pub product: String,
    /// API version.
    pub version: String,
    /// Resource-oriented (`cs`): each operation has its own method and path.
    pub roa: bool,
    /// Operations by action.
    pub operations: HashMap<String, Arc<OperationSpec>>,
}

/// The first data line of a table file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    product: String,
    version: String,
    style: String,
}

/// One operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OperationSpec {
    /// The action.
    pub action: String,
    /// `POST` for RPC operations.
    pub method: String,
    /// `/` for RPC operations, else the template (`/clusters/{ClusterId}`).
    pub path: String,
    /// Sent without a signature.
    pub anonymous: bool,
    /// Request parameters.
    pub params: Vec<ParamSpec>,
    /// The success body: the spec's example, or one built from the response schema.
    pub response: Value,
    /// Whether `response` is the spec's example.
    pub from_example: bool,
    /// The operation's own error codes, each with the HTTP status it is answered with.
    pub errors: Vec<(String, u16)>,
}

impl OperationSpec {
    /// The HTTP status the operation's error table gives `code`.
    pub fn error_status(&self, code: &str) -> Option<u16> {
        self.errors.iter().find(|(c, _)| c == code).map(|(_, s)| *s)
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Location {
    /// The query string.
    Query,
    /// The form body.
    Form,
    /// A header.
    Header,
    /// A `{Name}` segment of the path.
    Path,
    /// A key of the JSON body.
    Body,
    /// The whole JSON body.
    Payload,
}

/// How a list or object parameter is spelled on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Style {
    /// One JSON text.
    Json,
    /// One comma-joined value.
    Simple,
}

/// One request parameter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ParamSpec {
    /// The wire name.
    pub name: String,
    /// Where it travels.
    #[serde(rename = "in")]
    pub location: Location,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: TypeSpec,
    /// Whether the service requires it.
    #[serde(default)]
    pub required: bool,
    /// `json` or `simple`; absent for the flat `Name.N` / `Name.Key` spelling.
    #[serde(default)]
    pub style: Option<Style>,
}

/// A scalar type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Scalar {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Anything.
    Any,
}

/// A parameter's type.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum TypeSpec {
    /// A scalar.
    Scalar(Scalar),
    /// One of a set of strings.
    Enum {
        /// The values the service takes.
        #[serde(rename = "enum")]
        values: Vec<String>,
    },
    /// A list.
    List {
        /// The item type.
        list: Box<TypeSpec>,
    },
    /// A map with string keys.
    Map {
        /// The value type.
        map: Box<TypeSpec>,
    },
    /// An object.
    Object {
        /// The members.
        object: Vec<MemberSpec>,
    },
}

/// A member of an object type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MemberSpec {
    /// The wire name.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: TypeSpec,
    /// Whether it is required when the object is sent.
    #[serde(default)]
    pub required: bool,
}

/// Parses one table file. Errors name the product and the line.
fn parse(code: &str, text: &str) -> Result<ProductTable, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty());
    let (n, first) = lines
        .next()
        .ok_or_else(|| format!("table/{code}.jsonl: empty"))?;
    let header: Header = serde_json::from_str(first)
        .map_err(|e| format!("table/{code}.jsonl line {}: {e}", n + 1))?;
    let mut operations = HashMap::new();
    for (n, line) in lines {
        let op: OperationSpec = serde_json::from_str(line)
            .map_err(|e| format!("table/{code}.jsonl line {}: {e}", n + 1))?;
        operations.insert(op.action.clone(), Arc::new(op));
    }
    Ok(ProductTable {
        product: header.product,
        version: header.version,
        roa: header.style == "ROA",
        operations,
    })
}

type Loaded = Result<Arc<ProductTable>, String>;

/// The table of `code`, parsed on first use; `None` for a product the table does not cover.
pub(crate) fn load(code: &str) -> Option<Loaded> {
    static LOADED: OnceLock<Vec<OnceLock<Loaded>>> = OnceLock::new();
    let slots = LOADED.get_or_init(|| index::TABLES.iter().map(|_| OnceLock::new()).collect());
    let position = index::TABLES.iter().position(|(c, _, _)| *c == code)?;
    let (_, _, text) = index::TABLES[position];
    let slot = slots.get(position)?;
    Some(slot.get_or_init(|| parse(code, text).map(Arc::new)).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_parses() {
        let mut operations = 0;
        for (code, version) in products() {
            let table = load(code)
                .unwrap_or_else(|| Err(format!("{code} missing")))
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(table.product, code);
            assert_eq!(table.version, version);
            assert!(!table.operations.is_empty(), "{code}");
            operations += table.operations.len();
        }
        assert!(operations > 800, "{operations}");
        let cs = load("cs").and_then(Result::ok);
        assert!(cs.is_some_and(|t| t.roa));
    }

    #[test]
    fn a_malformed_table_names_its_line() {
        let e = parse(
            "x",
            "# c\n{\"product\":\"x\",\"version\":\"1\",\"style\":\"RPC\"}\n{]\n",
        )
        .err()
        .unwrap_or_default();
        assert!(e.contains("table/x.jsonl line 3"), "{e}");
    }
}
