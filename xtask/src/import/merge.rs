//! How imported facts and hand-written additions live in one spec file.
//!
//! The importer owns the facts (names, types, required flags, styles, locations, value sets,
//! examples, defaults, formats, error codes and statuses, `auth`, `deprecated`, the response
//! shape and example). Everything else is hand-written and survives every re-import:
//! [`HAND_WRITTEN_KEYS`] at any level, a hand-written `epoch_millis` format, and the spec's
//! value at every path listed in `deliberate`. Fields, members and error rows are matched by
//! name (error rows by code and status), so hand-written parts follow their field.
//!
//! Paths name array elements by identity rather than position: `request[OrderId].type`,
//! `response.fields[Data].fields[Items].items.fields[Id].type`, `errors[NotFound:404]`.

use std::collections::BTreeMap;

use serde_json::Value;

/// Keys that are never facts: the importer keeps whatever the spec has there.
pub const HAND_WRITTEN_KEYS: &[&str] = &[
    "$schema",
    "summary",
    "description",
    "idempotent",
    "waiters",
    "deliberate",
    "pagination",
    "sensitive",
    "type_name",
    "rust_name",
    "variant",
];

/// Keys whose values are arrays of named elements or nested shapes to merge into.
const NESTED_KEYS: &[&str] = &["request", "response", "fields", "errors", "items", "values"];

/// The identity of an array element in paths.
fn identity(v: &Value, index: usize) -> String {
    if let Some(n) = v.get("name").and_then(Value::as_str) {
        // A key of an ROA JSON body may share its name with a path or query parameter
        // (`cs` CreateTrigger has `cluster_id` in both): they are different parameters.
        if v.get("in").and_then(Value::as_str) == Some("body") {
            return format!("body:{n}");
        }
        return n.to_string();
    }
    if let Some(c) = v.get("code").and_then(Value::as_str) {
        // A row without a known HTTP status is named by its code alone.
        return match v.get("http_status").and_then(Value::as_u64) {
            Some(s) => format!("{c}:{s}"),
            None => c.to_string(),
        };
    }
    if let Some(p) = v.get("path").and_then(Value::as_str) {
        return p.to_string();
    }
    index.to_string()
}

/// Puts the hand-written parts of `existing` into `fresh` (both spec JSON values).
pub fn merge_hand_written(fresh: &mut Value, existing: &Value) {
    let (Value::Object(f), Value::Object(e)) = (fresh, existing) else {
        return;
    };
    for key in HAND_WRITTEN_KEYS {
        if let Some(v) = e.get(*key) {
            f.insert((*key).to_string(), v.clone());
        }
    }
    if e.get("format").and_then(Value::as_str) == Some("epoch_millis") {
        f.insert("format".into(), Value::String("epoch_millis".into()));
    }
    for key in NESTED_KEYS {
        let (Some(fv), Some(ev)) = (f.get_mut(*key), e.get(*key)) else {
            continue;
        };
        match (fv, ev) {
            (Value::Array(fa), Value::Array(ea)) => {
                for (i, item) in fa.iter_mut().enumerate() {
                    let id = identity(item, i);
                    if let Some(old) = ea
                        .iter()
                        .enumerate()
                        .find(|(j, old)| identity(old, *j) == id)
                        .map(|(_, old)| old)
                    {
                        merge_hand_written(item, old);
                    }
                }
            }
            (fv @ Value::Object(_), ev @ Value::Object(_)) => merge_hand_written(fv, ev),
            _ => {}
        }
    }
}

/// Every leaf of a spec value by path. Arrays of scalars (value sets, region lists) are
/// leaves; arrays of objects are walked by element identity.
pub fn flatten(v: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    walk(v, "", &mut out);
    out
}

fn walk(v: &Value, path: &str, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(child, &p, out);
            }
        }
        Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
            for (i, child) in items.iter().enumerate() {
                walk(child, &format!("{path}[{}]", identity(child, i)), out);
            }
        }
        leaf => {
            out.insert(path.to_string(), leaf.clone());
        }
    }
}

/// One segment of a path.
#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Key(String),
    Id(String),
}

fn parse_path(path: &str) -> Option<Vec<Segment>> {
    let mut segments = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            segments.push(Segment::Id(after[..end].to_string()));
            rest = &after[end + 1..];
        } else {
            let rest2 = rest.strip_prefix('.').unwrap_or(rest);
            let end = rest2.find(['.', '[']).unwrap_or(rest2.len());
            if end == 0 {
                return None;
            }
            segments.push(Segment::Key(rest2[..end].to_string()));
            rest = &rest2[end..];
        }
    }
    Some(segments)
}

fn get_path<'a>(v: &'a Value, segments: &[Segment]) -> Option<&'a Value> {
    let mut cur = v;
    for s in segments {
        cur = match (s, cur) {
            (Segment::Key(k), Value::Object(m)) => m.get(k)?,
            (Segment::Id(id), Value::Array(items)) => items
                .iter()
                .enumerate()
                .find(|(i, item)| identity(item, *i) == *id)
                .map(|(_, item)| item)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn node_mut<'a>(v: &'a mut Value, segments: &[Segment]) -> Option<&'a mut Value> {
    let mut cur = v;
    for s in segments {
        cur = match (s, cur) {
            (Segment::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (Segment::Id(id), Value::Array(items)) => {
                let pos = items
                    .iter()
                    .enumerate()
                    .position(|(i, item)| identity(item, i) == *id)?;
                &mut items[pos]
            }
            _ => return None,
        };
    }
    Some(cur)
}

/// Keeps the spec's value at `path` in `merged` (or its absence): a key's value, or a whole
/// named element (a field the metadata lacks is put back where the spec has it). `false`
/// when the path does not lead anywhere in either spec.
pub fn keep_deliberate(merged: &mut Value, existing: &Value, path: &str) -> bool {
    let Some(segments) = parse_path(path) else {
        return false;
    };
    let Some((last, parents)) = segments.split_last() else {
        return false;
    };
    let keep = get_path(existing, &segments).cloned();
    let Some(parent) = node_mut(merged, parents) else {
        return false;
    };
    match (last, parent) {
        (Segment::Key(k), Value::Object(map)) => {
            match keep {
                Some(v) => {
                    map.insert(k.clone(), v);
                }
                None => {
                    map.remove(k);
                }
            }
            true
        }
        (Segment::Id(id), Value::Array(items)) => {
            let present = items
                .iter()
                .enumerate()
                .position(|(i, item)| identity(item, i) == *id);
            match (keep, present) {
                (None, None) => false,
                (None, Some(pos)) => {
                    items.remove(pos);
                    true
                }
                (Some(v), Some(pos)) => {
                    items[pos] = v;
                    true
                }
                (Some(v), None) => {
                    // Where the spec has it, so the order of fields stays the spec's.
                    let at = get_path(existing, parents)
                        .and_then(Value::as_array)
                        .and_then(|old| {
                            old.iter()
                                .enumerate()
                                .position(|(i, item)| identity(item, i) == *id)
                        })
                        .unwrap_or(items.len())
                        .min(items.len());
                    items.insert(at, v);
                    true
                }
            }
        }
        _ => false,
    }
}

/// One difference between a committed spec and what the metadata gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The path.
    pub path: String,
    /// The committed value (`None`: absent).
    pub spec: Option<Value>,
    /// What the metadata gives (`None`: absent).
    pub metadata: Option<Value>,
}

/// Every leaf that differs between `spec` and `metadata`, by path.
pub fn differences(spec: &Value, metadata: &Value) -> Vec<Difference> {
    let a = flatten(spec);
    let b = flatten(metadata);
    let mut paths: Vec<&String> = a.keys().chain(b.keys()).collect();
    paths.sort();
    paths.dedup();
    // An absent `required` means `false`.
    let same = |p: &str, x: Option<&Value>, y: Option<&Value>| {
        x == y
            || (p.ends_with(".required")
                && x.is_none_or(|v| *v == Value::Bool(false))
                && y.is_none_or(|v| *v == Value::Bool(false)))
    };
    paths
        .into_iter()
        .filter(|p| !same(p, a.get(*p), b.get(*p)))
        .map(|p| Difference {
            path: p.clone(),
            spec: a.get(p).cloned(),
            metadata: b.get(p).cloned(),
        })
        .collect()
}

/// Whether `path` lies at or under the deliberate path `deliberate`.
pub fn covered_by(path: &str, deliberate: &str) -> bool {
    path == deliberate
        || path
            .strip_prefix(deliberate)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hand_written_parts_follow_their_field() {
        let mut fresh = json!({
            "name": "Op",
            "request": [
                {"name": "B", "type": "long", "required": true},
                {"name": "A", "type": "string", "required": false}
            ],
            "errors": [{"code": "X", "http_status": 400}]
        });
        let existing = json!({
            "name": "Op",
            "summary": "Ours.",
            "idempotent": true,
            "request": [
                {"name": "A", "type": "integer", "description": "About A.", "sensitive": true},
                {"name": "Gone", "type": "string", "description": "Dropped with its field."}
            ],
            "errors": [{"code": "X", "http_status": 400, "description": "Why X."}]
        });
        merge_hand_written(&mut fresh, &existing);
        assert_eq!(
            fresh,
            json!({
                "name": "Op",
                "summary": "Ours.",
                "idempotent": true,
                "request": [
                    {"name": "B", "type": "long", "required": true},
                    {"name": "A", "type": "string", "required": false, "description": "About A.", "sensitive": true}
                ],
                "errors": [{"code": "X", "http_status": 400, "description": "Why X."}]
            })
        );
    }

    #[test]
    fn paths_name_elements_and_deliberate_values_stay() {
        let existing = json!({"request": [{"name": "OrderId", "type": "long"}]});
        let mut merged = json!({"request": [{"name": "OrderId", "type": "integer"}]});
        let diffs = differences(&existing, &merged);
        assert_eq!(diffs.len(), 1);
        assert_eq!(diffs[0].path, "request[OrderId].type");
        assert!(keep_deliberate(
            &mut merged,
            &existing,
            "request[OrderId].type"
        ));
        assert_eq!(merged, existing);
        assert!(!keep_deliberate(
            &mut merged,
            &existing,
            "request[Nope].type"
        ));
        // A field the metadata lacks comes back at its place.
        let existing = json!({"request": [{"name": "A"}, {"name": "Ours"}, {"name": "B"}]});
        let mut merged = json!({"request": [{"name": "A"}, {"name": "B"}]});
        assert!(keep_deliberate(&mut merged, &existing, "request[Ours]"));
        assert_eq!(merged, existing);
        assert!(covered_by("request[A].fields[B].type", "request[A]"));
        assert!(!covered_by("request[AB].type", "request[A]"));
    }

    #[test]
    fn dotted_names_parse_inside_brackets() {
        assert_eq!(
            parse_path("request[TaskOption.HttpURI].type"),
            Some(vec![
                Segment::Key("request".into()),
                Segment::Id("TaskOption.HttpURI".into()),
                Segment::Key("type".into()),
            ])
        );
    }
}
