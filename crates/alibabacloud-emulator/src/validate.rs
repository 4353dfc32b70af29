//! Request validation as the services do it, driven by the operation table: a required
//! parameter missing, a value of the wrong type, a value outside its set, a malformed list.
//!
//! The codes are the platform-wide `MissingParameter` and `InvalidParameter` (HTTP 400) unless
//! the operation's own error table lists a more specific one for the parameter:
//! `Missing<Name>`, `MissingParameter.<Name>`, `MissingParam.<Name>` for a missing one;
//! `InvalidParameter.<Name>`, `Invalid<Name>.Malformed`, `Invalid<Name>`, `InvalidParam.<Name>`
//! for a bad one. A code found there is answered with the status its table gives it.

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use serde_json::Value;

use crate::error::ApiError;
use crate::table::{Location, MemberSpec, OperationSpec, ParamSpec, Scalar, Style, TypeSpec};

/// What a request carries, as validation reads it.
pub(crate) struct Received<'a> {
    /// Query and form parameters (the ones the signature covered).
    pub params: &'a [(String, String)],
    /// The headers.
    pub headers: &'a HeaderMap,
    /// The path placeholders' values (ROA).
    pub path_values: &'a [(String, String)],
    /// The request body.
    pub body: &'a [u8],
}

/// Checks every parameter of `op`, in table order; the first problem is the answer.
pub(crate) fn check(op: &OperationSpec, got: &Received<'_>) -> Result<(), ApiError> {
    let mut json_body: Option<Value> = None;
    let needs_json = op
        .params
        .iter()
        .any(|p| matches!(p.location, Location::Body | Location::Payload));
    if needs_json && !got.body.is_empty() {
        json_body = Some(
            serde_json::from_slice(got.body)
                .map_err(|_| invalid(op, "body", "The request body is not valid JSON."))?,
        );
    }
    for p in &op.params {
        match p.location {
            Location::Query | Location::Form => check_flat(op, p, got.params)?,
            Location::Header => {
                let value = got
                    .headers
                    .get(p.name.as_str())
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                    .filter(|v| !v.is_empty());
                match value {
                    None if p.required => return Err(missing(op, &p.name)),
                    None => {}
                    Some(v) => check_text(op, &p.name, &p.ty, &v)?,
                }
            }
            Location::Path => {
                let value = got.path_values.iter().find(|(k, _)| *k == p.name);
                match value {
                    None if p.required => return Err(missing(op, &p.name)),
                    None => {}
                    Some((_, v)) => check_text(op, &p.name, &p.ty, v)?,
                }
            }
            Location::Body => {
                let value = json_body
                    .as_ref()
                    .and_then(|b| b.get(&p.name))
                    .filter(|v| !v.is_null());
                match value {
                    None if p.required => return Err(missing(op, &p.name)),
                    None => {}
                    Some(v) => check_json(op, &p.name, &p.ty, v, 0)?,
                }
            }
            Location::Payload => match &json_body {
                None if p.required => return Err(missing(op, &p.name)),
                None => {}
                Some(v) => check_json(op, &p.name, &p.ty, v, 0)?,
            },
        }
    }
    Ok(())
}

/// A query or form parameter: one value (`Name`), or for lists and objects without a style
/// every key under `Name.`.
fn check_flat(
    op: &OperationSpec,
    p: &ParamSpec,
    params: &[(String, String)],
) -> Result<(), ApiError> {
    let nested = matches!(
        p.ty,
        TypeSpec::List { .. } | TypeSpec::Map { .. } | TypeSpec::Object { .. }
    ) && p.style.is_none();
    if !nested {
        let value = params
            .iter()
            .find(|(k, _)| *k == p.name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty());
        return match value {
            None if p.required => Err(missing(op, &p.name)),
            None => Ok(()),
            Some(v) => match p.style {
                Some(Style::Json) => {
                    let json: Value = serde_json::from_str(v)
                        .map_err(|_| invalid(op, &p.name, "The value is not valid JSON."))?;
                    check_json(op, &p.name, &p.ty, &json, 0)
                }
                Some(Style::Simple) => match &p.ty {
                    TypeSpec::List { list } => v
                        .split(',')
                        .try_for_each(|item| check_text(op, &p.name, list, item.trim())),
                    ty => check_text(op, &p.name, ty, v),
                },
                None => check_text(op, &p.name, &p.ty, v),
            },
        };
    }
    let prefix = format!("{}.", p.name);
    let entries: Vec<(&str, &str)> = params
        .iter()
        .filter_map(|(k, v)| k.strip_prefix(&prefix).map(|rest| (rest, v.as_str())))
        .collect();
    // A list sent as one value (`Name=a`) instead of `Name.1=a` is malformed.
    let bare = params.iter().any(|(k, v)| *k == p.name && !v.is_empty());
    if bare && matches!(p.ty, TypeSpec::List { .. }) {
        return Err(invalid(
            op,
            &p.name,
            "A list is sent as Name.1, Name.2, and so on.",
        ));
    }
    if entries.iter().all(|(_, v)| v.is_empty()) {
        return if p.required && !bare {
            Err(missing(op, &p.name))
        } else {
            Ok(())
        };
    }
    check_nested(op, &p.name, &p.ty, &entries, 0)
}

/// Checks the flattened entries (`rest` after `Name.`) of a list, map or object.
fn check_nested(
    op: &OperationSpec,
    name: &str,
    ty: &TypeSpec,
    entries: &[(&str, &str)],
    depth: usize,
) -> Result<(), ApiError> {
    if depth > 16 {
        return Ok(());
    }
    match ty {
        TypeSpec::List { list } => {
            let mut items: BTreeMap<u32, Vec<(&str, &str)>> = BTreeMap::new();
            for (rest, value) in entries {
                let (index, tail) = match rest.split_once('.') {
                    Some((i, t)) => (i, Some(t)),
                    None => (*rest, None),
                };
                let n = parse_index(index).ok_or_else(|| {
                    invalid(
                        op,
                        name,
                        &format!("`{name}.{rest}`: a list index is a whole number from 1."),
                    )
                })?;
                items
                    .entry(n)
                    .or_default()
                    .push((tail.unwrap_or(""), value));
            }
            for (n, item) in items {
                let item_name = format!("{name}.{n}");
                check_item(op, &item_name, list, &item, depth + 1)?;
            }
            Ok(())
        }
        TypeSpec::Map { map } => {
            let mut items: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
            for (rest, value) in entries {
                let (key, tail) = match rest.split_once('.') {
                    Some((k, t)) => (k, t),
                    None => (*rest, ""),
                };
                items.entry(key).or_default().push((tail, value));
            }
            for (key, item) in items {
                check_item(op, &format!("{name}.{key}"), map, &item, depth + 1)?;
            }
            Ok(())
        }
        TypeSpec::Object { object } => check_members(op, name, object, entries, depth),
        // A scalar reached through a longer key than it takes.
        _ => Err(invalid(op, name, "The value has members it cannot have.")),
    }
}

/// One item of a list or map: a scalar at `Name.N`, or nested entries under it.
fn check_item(
    op: &OperationSpec,
    name: &str,
    ty: &TypeSpec,
    entries: &[(&str, &str)],
    depth: usize,
) -> Result<(), ApiError> {
    match ty {
        TypeSpec::List { .. } | TypeSpec::Map { .. } | TypeSpec::Object { .. } => {
            let nested: Vec<(&str, &str)> = entries
                .iter()
                .filter(|(t, _)| !t.is_empty())
                .copied()
                .collect();
            check_nested(op, name, ty, &nested, depth)
        }
        scalar => {
            for (tail, value) in entries {
                if !tail.is_empty() {
                    return Err(invalid(
                        op,
                        name,
                        &format!("`{name}.{tail}`: this item takes no members."),
                    ));
                }
                if !value.is_empty() {
                    check_text(op, name, scalar, value)?;
                }
            }
            Ok(())
        }
    }
}

/// The members of an object sent flat (`Name.Member`); unknown members are ignored, as the
/// services ignore parameters they do not know.
fn check_members(
    op: &OperationSpec,
    name: &str,
    members: &[MemberSpec],
    entries: &[(&str, &str)],
    depth: usize,
) -> Result<(), ApiError> {
    for m in members {
        let prefix = format!("{}.", m.name);
        let mut mine: Vec<(&str, &str)> = Vec::new();
        let mut direct: Option<&str> = None;
        for (rest, value) in entries {
            if *rest == m.name {
                direct = Some(value);
            } else if let Some(tail) = rest.strip_prefix(&prefix) {
                mine.push((tail, value));
            }
        }
        let member_name = format!("{name}.{}", m.name);
        if m.required && direct.is_none_or(str::is_empty) && mine.iter().all(|(_, v)| v.is_empty())
        {
            return Err(missing(op, &member_name));
        }
        match &m.ty {
            TypeSpec::List { .. } | TypeSpec::Map { .. } | TypeSpec::Object { .. } => {
                if !mine.is_empty() {
                    check_nested(op, &member_name, &m.ty, &mine, depth + 1)?;
                }
            }
            scalar => {
                if let Some(v) = direct.filter(|v| !v.is_empty()) {
                    check_text(op, &member_name, scalar, v)?;
                }
            }
        }
    }
    Ok(())
}

/// One textual value against a scalar or enum type.
fn check_text(op: &OperationSpec, name: &str, ty: &TypeSpec, value: &str) -> Result<(), ApiError> {
    match ty {
        TypeSpec::Scalar(Scalar::Integer) => value
            .trim()
            .parse::<i64>()
            .map(|_| ())
            .map_err(|_| invalid(op, name, &format!("`{value}` is not a whole number."))),
        TypeSpec::Scalar(Scalar::Number) => value
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(|_| ())
            .ok_or_else(|| invalid(op, name, &format!("`{value}` is not a number."))),
        TypeSpec::Scalar(Scalar::Boolean) => {
            if value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false") {
                Ok(())
            } else {
                Err(invalid(
                    op,
                    name,
                    &format!("`{value}` is not true or false."),
                ))
            }
        }
        TypeSpec::Enum { values } => {
            if values.iter().any(|v| v == value) {
                Ok(())
            } else {
                Err(not_supported(
                    op,
                    name,
                    &format!("`{value}` is not one of {}.", values.join(", ")),
                ))
            }
        }
        // Lists and objects in a single value (ROA queries, headers): taken as sent.
        _ => Ok(()),
    }
}

/// One JSON value (a JSON-style parameter or an ROA body key) against a type. Numbers and
/// booleans may also arrive as strings, as the services accept.
fn check_json(
    op: &OperationSpec,
    name: &str,
    ty: &TypeSpec,
    value: &Value,
    depth: usize,
) -> Result<(), ApiError> {
    if depth > 16 || value.is_null() {
        return Ok(());
    }
    let wrong = |what: &str| invalid(op, name, &format!("The value is not {what}."));
    match (ty, value) {
        (TypeSpec::Scalar(Scalar::Any), _) => Ok(()),
        (TypeSpec::Scalar(Scalar::String), Value::String(_)) => Ok(()),
        // Services read numbers and booleans given for a text parameter as their text.
        (TypeSpec::Scalar(Scalar::String), Value::Number(_) | Value::Bool(_)) => Ok(()),
        (TypeSpec::Scalar(Scalar::String), _) => Err(wrong("text")),
        (TypeSpec::Scalar(Scalar::Integer), Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(()),
        (TypeSpec::Scalar(Scalar::Number), Value::Number(_)) => Ok(()),
        (TypeSpec::Scalar(Scalar::Boolean), Value::Bool(_)) => Ok(()),
        (TypeSpec::Scalar(_) | TypeSpec::Enum { .. }, Value::String(s)) => {
            check_text(op, name, ty, s)
        }
        (TypeSpec::Scalar(Scalar::Integer), _) => Err(wrong("a whole number")),
        (TypeSpec::Scalar(Scalar::Number), _) => Err(wrong("a number")),
        (TypeSpec::Scalar(Scalar::Boolean), _) => Err(wrong("true or false")),
        (TypeSpec::Enum { .. }, _) => Err(wrong("text")),
        (TypeSpec::List { list }, Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check_json(op, &format!("{name}.{}", i + 1), list, item, depth + 1)?;
            }
            Ok(())
        }
        (TypeSpec::List { .. }, _) => Err(wrong("a list")),
        (TypeSpec::Map { map }, Value::Object(entries)) => {
            for (k, v) in entries {
                check_json(op, &format!("{name}.{k}"), map, v, depth + 1)?;
            }
            Ok(())
        }
        (TypeSpec::Object { object }, Value::Object(entries)) => {
            for m in object {
                if let Some(v) = entries.get(&m.name) {
                    check_json(op, &format!("{name}.{}", m.name), &m.ty, v, depth + 1)?;
                }
            }
            Ok(())
        }
        (TypeSpec::Map { .. } | TypeSpec::Object { .. }, _) => Err(wrong("an object")),
    }
}

/// `N` of `Name.N`: 1 or more, no sign or leading zero.
fn parse_index(text: &str) -> Option<u32> {
    if text.starts_with(['0', '+', '-']) {
        return None;
    }
    text.parse::<u32>().ok().filter(|n| *n >= 1)
}

/// The operation's own code among `candidates`, with its status.
fn specific(op: &OperationSpec, candidates: &[String]) -> Option<(String, u16)> {
    candidates
        .iter()
        .find_map(|c| op.error_status(c).map(|s| (c.clone(), s)))
}

/// The top-level name of a parameter path (`Tag.1.Key` → `Tag`).
fn top(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// A required parameter is missing.
pub(crate) fn missing(op: &OperationSpec, name: &str) -> ApiError {
    let n = top(name);
    let candidates = [
        format!("Missing{n}"),
        format!("MissingParameter.{n}"),
        format!("MissingParam.{n}"),
        format!("MissingParamter.{n}"),
    ];
    match specific(op, &candidates) {
        Some((code, status)) => ApiError::new(
            status,
            &code,
            format!("The parameter \"{name}\" is required but was not supplied."),
        ),
        None => ApiError::missing(name),
    }
}

/// A value outside the parameter's set: `Invalid<Name>.ValueNotSupported` when the operation
/// lists it (ECS does), else as [`invalid`].
fn not_supported(op: &OperationSpec, name: &str, detail: &str) -> ApiError {
    let code = format!("Invalid{}.ValueNotSupported", top(name));
    match op.error_status(&code) {
        Some(status) => ApiError::new(
            status,
            &code,
            format!("The specified parameter \"{name}\" is not valid. {detail}"),
        ),
        None => invalid(op, name, detail),
    }
}

/// A parameter's value is not valid.
pub(crate) fn invalid(op: &OperationSpec, name: &str, detail: &str) -> ApiError {
    let n = top(name);
    let candidates = [
        format!("InvalidParameter.{n}"),
        format!("Invalid{n}.Malformed"),
        format!("Invalid{n}"),
        format!("InvalidParam.{n}"),
    ];
    match specific(op, &candidates) {
        Some((code, status)) => ApiError::new(
            status,
            &code,
            format!("The specified parameter \"{name}\" is not valid. {detail}"),
        ),
        None => ApiError::invalid(name, detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(json: &str) -> OperationSpec {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"))
    }

    fn run(op: &OperationSpec, params: &[(&str, &str)]) -> Result<(), ApiError> {
        let params: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        check(
            op,
            &Received {
                params: &params,
                headers: &HeaderMap::new(),
                path_values: &[],
                body: b"",
            },
        )
    }

    const OP: &str = r#"{"action":"A","method":"POST","path":"/","anonymous":false,
        "params":[
          {"name":"RegionId","in":"query","type":"string","required":true},
          {"name":"Size","in":"query","type":"integer"},
          {"name":"Force","in":"query","type":"boolean"},
          {"name":"Kind","in":"query","type":{"enum":["a","b"]}},
          {"name":"Ids","in":"query","type":{"list":"string"},"required":true},
          {"name":"Tag","in":"query","type":{"list":{"object":[{"name":"Key","type":"string"},{"name":"Count","type":"integer"}]}}},
          {"name":"Doc","in":"query","type":{"list":"integer"},"style":"json"}
        ],
        "response":{},"from_example":false,
        "errors":[["MissingParameter.Ids",403],["InvalidKind.Malformed",400]]}"#;

    #[test]
    fn a_value_outside_the_set_prefers_value_not_supported() {
        let op = op(
            r#"{"action":"A","method":"POST","path":"/","anonymous":false,
            "params":[{"name":"Category","in":"query","type":{"enum":["cloud","cloud_ssd"]}}],
            "response":{},"from_example":false,
            "errors":[["InvalidCategory.Malformed",400],["InvalidCategory.ValueNotSupported",404]]}"#,
        );
        let e = run(&op, &[("Category", "tape")]).unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str()),
            (404, "InvalidCategory.ValueNotSupported")
        );
        assert_eq!(run(&op, &[("Category", "cloud")]), Ok(()));
    }

    #[test]
    fn codes_follow_the_error_table() {
        let op = op(OP);
        let ok = [("RegionId", "cn"), ("Ids.1", "i-1"), ("Ids.2", "i-2")];
        assert_eq!(run(&op, &ok), Ok(()));
        let e = run(&op, &[("Ids.1", "x")]).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "MissingParameter"));
        let e = run(&op, &[("RegionId", "cn")]).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (403, "MissingParameter.Ids"));
        let with = |extra: (&'static str, &'static str)| {
            let mut p = ok.to_vec();
            p.push(extra);
            run(&op, &p)
        };
        assert_eq!(with(("Size", "x")).unwrap_err().code, "InvalidParameter");
        assert_eq!(with(("Force", "yes")).unwrap_err().code, "InvalidParameter");
        assert_eq!(
            with(("Kind", "c")).unwrap_err().code,
            "InvalidKind.Malformed"
        );
        assert_eq!(with(("Kind", "b")), Ok(()));
        assert_eq!(
            with(("Tag.0.Key", "k")).unwrap_err().code,
            "InvalidParameter"
        );
        assert_eq!(
            with(("Tag.x.Key", "k")).unwrap_err().code,
            "InvalidParameter"
        );
        assert_eq!(
            with(("Tag.1.Count", "two")).unwrap_err().code,
            "InvalidParameter"
        );
        assert_eq!(with(("Tag.1.Key", "k")), Ok(()));
        assert_eq!(with(("Doc", "[1,2]")), Ok(()));
        assert_eq!(with(("Doc", "[1,")).unwrap_err().code, "InvalidParameter");
        assert_eq!(
            with(("Doc", "[\"a\"]")).unwrap_err().code,
            "InvalidParameter"
        );
        let bare = run(&op, &[("RegionId", "cn"), ("Ids", "i-1")]).unwrap_err();
        assert_eq!(bare.code, "InvalidParameter");
    }
}
