//! The spec tree covers the reference catalog exactly: every operation, and every request and
//! response field (recursively) with the catalog's wire name, type and required flag. And the
//! generated crate has one module per spec.
//!
//! Examples and endpoints are not compared: since the importer landed, CAS takes them from the
//! newer official metadata (`cargo xtask import --check` lists what differs from it), while
//! the names, types, flags, styles and error tables below still match this catalog.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use xtask::ir::{Field, Operation, Ty};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn catalog() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/cas-2020-04-07.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("catalog copy")).expect("JSON")
}

fn product() -> xtask::ir::Product {
    let root = root();
    match xtask::codegen::load_product(&root, &root.join("api-specs/cas")) {
        Ok(p) => p,
        Err(errors) => panic!("specs do not load: {errors:?}"),
    }
}

/// Checks `ty` against a catalog type string (plus `items`/`fields`), recursing into structures.
fn check_type(
    op: &Operation,
    path: &str,
    ty: &Ty,
    cat: &Value,
    type_name: &str,
    errors: &mut Vec<String>,
) {
    let has_values = cat
        .get("values")
        .is_some_and(|v| v.as_array().is_some_and(|a| !a.is_empty()));
    let ok = match (type_name, ty) {
        ("string", Ty::String) => !has_values,
        ("string", Ty::Enum(_)) => has_values,
        ("integer", Ty::I32) | ("long", Ty::I64) | ("boolean", Ty::Bool) => true,
        ("float", Ty::F32) | ("double", Ty::F64) | ("any", Ty::Any) => true,
        ("object", Ty::Struct(name)) => {
            check_struct(op, path, name, cat.get("fields"), errors);
            true
        }
        (t, Ty::List(inner)) if t.starts_with("array<") => {
            let item = &t["array<".len()..t.len() - 1];
            let item_cat = cat.get("items").cloned().unwrap_or(Value::Null);
            check_type(op, &format!("{path}[]"), inner, &item_cat, item, errors);
            true
        }
        (t, Ty::Map(inner)) if t.starts_with("map<string,") => {
            let item = &t["map<string,".len()..t.len() - 1];
            check_type(
                op,
                &format!("{path}{{}}"),
                inner,
                &Value::Null,
                item,
                errors,
            );
            true
        }
        _ => false,
    };
    if !ok {
        errors.push(format!("{}: {path}: catalog type `{type_name}` (values: {has_values}) but the spec gives {ty:?}", op.name));
    }
}

fn check_struct(
    op: &Operation,
    path: &str,
    name: &str,
    cat_fields: Option<&Value>,
    errors: &mut Vec<String>,
) {
    let Some(def) = op.structs.iter().find(|s| s.name == name) else {
        errors.push(format!("{}: {path}: no structure `{name}`", op.name));
        return;
    };
    let cat_fields = cat_fields
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    check_fields(op, path, &def.fields, &cat_fields, false, errors);
}

fn check_fields(
    op: &Operation,
    path: &str,
    ours: &[Field],
    cat: &[Value],
    request: bool,
    errors: &mut Vec<String>,
) {
    // The order of parameters is not a fact of the API: imported specs keep the metadata's.
    let mut wanted: Vec<&str> = cat.iter().filter_map(|f| f["name"].as_str()).collect();
    let mut have: Vec<&str> = ours.iter().map(|f| f.wire.as_str()).collect();
    wanted.sort_unstable();
    have.sort_unstable();
    if wanted != have {
        errors.push(format!(
            "{}: {path}: catalog fields {wanted:?}, spec fields {have:?}",
            op.name
        ));
        return;
    }
    for f in ours {
        let Some(c) = cat
            .iter()
            .find(|c| c["name"].as_str() == Some(f.wire.as_str()))
        else {
            continue;
        };
        let p = format!("{path}.{}", f.wire);
        let type_name = c["type"].as_str().unwrap_or("?");
        if request && c.get("required").and_then(Value::as_bool).unwrap_or(false) != f.required {
            errors.push(format!("{}: {p}: required flag differs", op.name));
        }
        let json_style = c.get("style").and_then(Value::as_str) == Some("json");
        if request && json_style != f.json {
            errors.push(format!("{}: {p}: json style differs", op.name));
        }
        check_type(op, &p, &f.ty, c, type_name, errors);
    }
}

#[test]
fn specs_match_the_reference_catalog_field_by_field() {
    let catalog = catalog();
    let product = product();
    let cat_ops = catalog["operations"].as_array().expect("operations");
    assert_eq!(cat_ops.len(), 87);
    let cat_names: BTreeSet<&str> = cat_ops.iter().filter_map(|o| o["name"].as_str()).collect();
    let spec_names: BTreeSet<&str> = product.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        cat_names, spec_names,
        "the spec tree holds exactly the catalog's operations"
    );

    let mut errors = Vec::new();
    let mut paginated = 0;
    for cat in cat_ops {
        let name = cat["name"].as_str().expect("name");
        let op = product
            .operations
            .iter()
            .find(|o| o.name == name)
            .expect("op");
        let req = cat["request"].as_array().cloned().unwrap_or_default();
        check_fields(op, "request", &op.input, &req, true, &mut errors);
        let resp = cat["response"]["fields"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        check_fields(op, "response", &op.output, &resp, false, &mut errors);
        if !cat["pagination"].is_null() {
            paginated += 1;
            if op.pagination.is_none() {
                errors.push(format!(
                    "{name}: the catalog pages it, the spec has no pagination"
                ));
            }
        }
        let cat_errors: Vec<&str> = cat["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|r| r["code"].as_str()).collect())
            .unwrap_or_default();
        let ours: Vec<&str> = op.errors.iter().map(|e| e.code.as_str()).collect();
        if cat_errors != ours {
            errors.push(format!("{name}: error table {cat_errors:?} vs {ours:?}"));
        }
    }
    assert_eq!(paginated, 18, "the catalog has 18 paginated operations");
    assert!(
        errors.is_empty(),
        "{} mismatches:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn one_generated_module_per_spec() {
    let product = product();
    let dir = root().join("crates/alibabacloud-cas/src/operation");
    let modules: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("operation dir")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".rs"))
                .map(String::from)
        })
        .collect();
    let specs: BTreeSet<String> = product.operations.iter().map(|o| o.snake.clone()).collect();
    assert_eq!(modules, specs);
    assert_eq!(modules.len(), 87);
}
