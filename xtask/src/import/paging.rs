//! The pagination rule, applied at import time to operations whose spec declares none.
//!
//! * **Token paging**: the request has a string `NextToken` and the response has a string
//!   `NextToken`. The page size is `MaxResults` when the request has it.
//! * **Page numbers**: otherwise, the request has an integer page number (`PageNumber`, or
//!   `CurrentPage`) and an integer page size (`PageSize`, or `ShowSize`).
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
    if find(req, "NextToken", STRING).is_some() && find(resp, "NextToken", STRING).is_some() {
        return Some(PaginationSpec::Token {
            input_token: "NextToken".into(),
            output_token: "NextToken".into(),
            page_size: find(req, "MaxResults", INTEGERS).map(|f| f.name.clone()),
            total,
            items,
        });
    }
    let page_number = ["PageNumber", "CurrentPage"]
        .iter()
        .find_map(|n| find(req, n, INTEGERS))?;
    let page_size = ["PageSize", "ShowSize"]
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
