//! The pagination rule, applied at import time to operations whose spec declares none.
//!
//! * **Token paging**: the request has a string `NextToken` and the response has a string
//!   `NextToken`. The page size is `MaxResults` when the request has it.
//! * **Page numbers**: otherwise, the request has an integer page number (`PageNumber`, or
//!   `CurrentPage`) and an integer page size (`PageSize`, or `ShowSize`).
//! * The page number or token parameter is not required: the paginator sets it (KMS's
//!   `ListKeyVersions` marks `PageNumber` required; it gets no paginator, and the caller pages
//!   by hand).
//! * ROA products spell the same names in snake case or lower camel case (`next_token`,
//!   `nextToken`, `max_results`, `maxResults`, `page_number`, `pageNumber`, `page_num`,
//!   `page_size`, `pageSize`); those count too.
//! * The total is the response's integer `TotalCount` (or `Total`), when present.
//! * The items are the one array reachable from the response's top level through objects only
//!   (`Instances.Instance`); when there is none, or more than one, the paginator yields whole
//!   pages and no item stream.

use crate::spec::{FieldSpec, OperationSpec, PaginationSpec, TypeName};

fn find<'a>(fields: &'a [FieldSpec], name: &str, types: &[TypeName]) -> Option<&'a FieldSpec> {
    fields
        .iter()
        .find(|f| f.name == name && types.contains(&f.ty))
}

const INTEGERS: &[TypeName] = &[TypeName::Integer, TypeName::Long];
const STRING: &[TypeName] = &[TypeName::String];

/// The paginator the rule gives `op`, if any.
pub fn detect(op: &OperationSpec) -> Option<PaginationSpec> {
    let req = &op.request;
    let resp = &op.response.fields;
    let total = ["TotalCount", "Total"]
        .iter()
        .find(|n| find(resp, n, INTEGERS).is_some())
        .map(|n| n.to_string());
    let items = item_path(resp);
    let settable = |f: &FieldSpec| f.required != Some(true);
    for token in ["NextToken", "next_token", "nextToken"] {
        if find(req, token, STRING).is_some_and(settable) && find(resp, token, STRING).is_some() {
            return Some(PaginationSpec::Token {
                input_token: token.into(),
                output_token: token.into(),
                page_size: ["MaxResults", "max_results", "maxResults"]
                    .iter()
                    .find_map(|n| find(req, n, INTEGERS))
                    .map(|f| f.name.clone()),
                total,
                items,
            });
        }
    }
    let page_number = [
        "PageNumber",
        "CurrentPage",
        "page_number",
        "pageNumber",
        "page_num",
    ]
    .iter()
    .find_map(|n| find(req, n, INTEGERS))
    .filter(|f| settable(f))?;
    let page_size = ["PageSize", "ShowSize", "page_size", "pageSize"]
        .iter()
        .find_map(|n| find(req, n, INTEGERS))?;
    Some(PaginationSpec::Page {
        page_number: page_number.name.clone(),
        page_size: page_size.name.clone(),
        total,
        items,
    })
}

/// The dotted path of the only array reachable through objects, if exactly one is.
fn item_path(fields: &[FieldSpec]) -> Option<String> {
    let mut found = Vec::new();
    collect_arrays(fields, "", &mut found);
    match found.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

fn collect_arrays(fields: &[FieldSpec], prefix: &str, out: &mut Vec<String>) {
    for f in fields {
        let path = if prefix.is_empty() {
            f.name.clone()
        } else {
            format!("{prefix}.{}", f.name)
        };
        match f.ty {
            TypeName::Array => out.push(path),
            TypeName::Object => {
                if let Some(inner) = &f.fields {
                    collect_arrays(inner, &path, out);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::detect;
    use crate::spec::{OperationSpec, PaginationSpec};

    fn op(request: serde_json::Value, fields: serde_json::Value) -> OperationSpec {
        serde_json::from_value(serde_json::json!({
            "name": "ListThings",
            "request": request,
            "response": {"fields": fields},
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn items() -> serde_json::Value {
        serde_json::json!([
            {"name": "TotalCount", "type": "integer"},
            {"name": "NextToken", "type": "string"},
            {"name": "Things", "type": "object", "fields": [
                {"name": "Thing", "type": "array", "items": {"type": "string"}}
            ]}
        ])
    }

    #[test]
    fn page_numbers_token_and_required_page_parameters() {
        let page = op(
            serde_json::json!([
                {"name": "PageNumber", "type": "integer", "required": false},
                {"name": "PageSize", "type": "integer", "required": false}
            ]),
            items(),
        );
        match detect(&page) {
            Some(PaginationSpec::Page {
                page_number,
                page_size,
                total,
                items,
            }) => {
                assert_eq!(page_number, "PageNumber");
                assert_eq!(page_size, "PageSize");
                assert_eq!(total.as_deref(), Some("TotalCount"));
                assert_eq!(items.as_deref(), Some("Things.Thing"));
            }
            other => panic!("{other:?}"),
        }
        let token = op(
            serde_json::json!([
                {"name": "NextToken", "type": "string", "required": false},
                {"name": "MaxResults", "type": "integer", "required": false},
                {"name": "PageNumber", "type": "integer", "required": false},
                {"name": "PageSize", "type": "integer", "required": false}
            ]),
            items(),
        );
        assert!(matches!(
            detect(&token),
            Some(PaginationSpec::Token { page_size: Some(ref s), .. }) if s == "MaxResults"
        ));
        // A required page number is the caller's to set: no paginator.
        let required = op(
            serde_json::json!([
                {"name": "PageNumber", "type": "integer", "required": true},
                {"name": "PageSize", "type": "integer", "required": false}
            ]),
            items(),
        );
        assert!(detect(&required).is_none());
        // A required token falls back to page numbers when there are any.
        let required_token = op(
            serde_json::json!([
                {"name": "NextToken", "type": "string", "required": true},
                {"name": "PageNumber", "type": "integer", "required": false},
                {"name": "PageSize", "type": "integer", "required": false}
            ]),
            items(),
        );
        assert!(matches!(
            detect(&required_token),
            Some(PaginationSpec::Page { .. })
        ));
    }
}
