//! `cargo xtask import`: golden output on a small fixture, idempotence, hand-written parts that
//! survive a re-import, `--check`, version clashes, a corpus of malformed and unsupported
//! metadata with exact messages, the committed metadata copies against the committed specs,
//! and field-by-field coverage of every imported product against its metadata.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use xtask::import::{self, Options};
use xtask::ir::{Operation, Product, Ty};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

/// A fresh empty folder under the system temp dir, removed on drop.
struct TempRoot(PathBuf);
impl TempRoot {
    fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "alibabacloud-import-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("api-specs")).expect("temp root");
        TempRoot(dir)
    }
}
impl Drop for TempRoot {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn run(root: &Path, args: &[&str], file: &Path) -> import::Report {
    let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    all.push(file.to_string_lossy().into_owned());
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let options: Options = import::parse_args(&refs).expect("arguments");
    import::run(root, &options)
}

/// Report lines with the metadata path shown as its file name.
fn lines(report: &import::Report, file: &Path) -> Vec<String> {
    let shown = file.to_string_lossy().into_owned();
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    report
        .lines
        .iter()
        .map(|l| l.replace(&shown, &name))
        .collect()
}

fn files_under(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("prefix").to_path_buf();
                out.insert(rel, fs::read_to_string(&p).expect("read"));
            }
        }
    }
    out
}

fn update_golden() -> bool {
    std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1")
}

#[test]
fn golden_import_of_the_fixture_and_a_second_import_changes_nothing() {
    let case = data().join("import/golden/demo");
    let metadata = case.join("api-docs.json");
    let root = TempRoot::new("golden");
    let report = run(&root.0, &[], &metadata);
    assert!(!report.failed, "{:?}", report.lines);
    let produced = files_under(&root.0.join("api-specs"));
    let expected_dir = case.join("expected/api-specs");
    let report_path = case.join("expected/report.txt");
    let report_text = lines(&report, &metadata).join("\n") + "\n";
    if update_golden() {
        let _ = fs::remove_dir_all(&expected_dir);
        for (rel, text) in &produced {
            let p = expected_dir.join(rel);
            fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            fs::write(p, text).expect("write");
        }
        fs::write(&report_path, &report_text).expect("write report");
    }
    assert_eq!(
        produced,
        files_under(&expected_dir),
        "import output differs (UPDATE_GOLDEN=1 accepts a deliberate change)"
    );
    assert_eq!(
        report_text,
        fs::read_to_string(&report_path).expect("report")
    );
    // The specs it wrote are valid input for the generator.
    let product = xtask::codegen::load_product(&root.0, &root.0.join("api-specs/demo"))
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(product.operations.len(), 3);
    // A code listed under `4003` (not an HTTP status) is imported without a status: alone it
    // is a variant with no known status, beside a real status it joins that code's variant.
    let describe = product
        .operations
        .iter()
        .find(|o| o.name == "DescribeWidgets")
        .expect("DescribeWidgets");
    let code = |c: &str| {
        describe
            .errors
            .iter()
            .find(|e| e.code == c)
            .unwrap_or_else(|| panic!("{c}"))
    };
    assert!(code("Widget.Malformed").http_statuses.is_empty());
    assert!(code("Widget.Malformed").listed_without_status);
    assert_eq!(code("Widget.NotFound").http_statuses, vec![404]);
    assert!(code("Widget.NotFound").listed_without_status);
    // Importing twice changes nothing, byte for byte.
    let again = run(&root.0, &[], &metadata);
    assert!(
        again
            .lines
            .iter()
            .any(|l| l == "demo: 0 added, 0 changed, 3 unchanged, 0 removed; 1 refused, 0 kept without metadata"),
        "{:?}",
        again.lines
    );
    assert_eq!(produced, files_under(&root.0.join("api-specs")));
    // And --check on its own output is clean.
    let check = run(&root.0, &["--check"], &metadata);
    assert!(!check.failed, "{:?}", check.lines);
}

/// An ROA product: methods and path templates, path parameters (required even when the
/// metadata forgets), an object body whose keys become `in: body` parameters (one of them
/// sharing its name with the path parameter), an array body (`in: payload`), a comma-joined
/// query list, a header, whole-array and empty answers, the first of two methods, paging by
/// snake_case names, and refusals (a form body, a malformed template).
#[test]
fn golden_import_of_an_roa_fixture() {
    let case = data().join("import/golden/roa");
    let metadata = case.join("api-docs.json");
    let root = TempRoot::new("golden-roa");
    let report = run(&root.0, &[], &metadata);
    assert!(!report.failed, "{:?}", report.lines);
    let produced = files_under(&root.0.join("api-specs"));
    let expected_dir = case.join("expected/api-specs");
    let report_path = case.join("expected/report.txt");
    let report_text = lines(&report, &metadata).join("\n") + "\n";
    if update_golden() {
        let _ = fs::remove_dir_all(&expected_dir);
        for (rel, text) in &produced {
            let p = expected_dir.join(rel);
            fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            fs::write(p, text).expect("write");
        }
        fs::write(&report_path, &report_text).expect("write report");
    }
    assert_eq!(
        produced,
        files_under(&expected_dir),
        "import output differs (UPDATE_GOLDEN=1 accepts a deliberate change)"
    );
    assert_eq!(
        report_text,
        fs::read_to_string(&report_path).expect("report")
    );
    let product = xtask::codegen::load_product(&root.0, &root.0.join("api-specs/kube"))
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(product.operations.len(), 5);
    let op = |name: &str| {
        product
            .operations
            .iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let route = |name: &str| {
        let r = op(name).route.clone().expect("an ROA route");
        (r.method.as_str(), r.path)
    };
    assert_eq!(route("CreateWidgets"), ("POST", "/widgets".to_string()));
    assert!(!op("CreateWidgets").idempotent);
    assert!(op("UpdateWidget").idempotent && op("DeleteWidget").idempotent);
    assert!(op("DeleteWidget").input[0].required);
    assert!(op("CreateWidgets").output_payload.is_some());
    assert!(op("ListWidgets").pagination.is_some());
    let again = run(&root.0, &["--check"], &metadata);
    assert!(!again.failed, "{:?}", again.lines);
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(p).expect("read")).expect("json")
}

fn write_json(p: &Path, v: &Value) {
    fs::write(p, serde_json::to_string_pretty(v).expect("json") + "\n").expect("write");
}

fn field<'a>(list: &'a mut Value, name: &str) -> &'a mut Value {
    list.as_array_mut()
        .expect("array")
        .iter_mut()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

#[test]
fn hand_written_parts_survive_a_re_import_and_changed_facts_are_updated() {
    let root = TempRoot::new("reimport");
    let mut metadata = read_json(&data().join("import/golden/demo/api-docs.json"));
    let meta_path = root.0.join("api-docs.json");
    write_json(&meta_path, &metadata);
    assert!(!run(&root.0, &[], &meta_path).failed);

    // Hand-written additions.
    let spec_path = root
        .0
        .join("api-specs/demo/operations/DescribeWidgets.json");
    let mut spec = read_json(&spec_path);
    spec["summary"] = json!("Lists the widgets of a region.");
    spec["description"] = json!("Our own usage notes.");
    spec["idempotent"] = json!(false);
    spec["waiters"] = json!([{
        "name": "WidgetsListed", "field": "RequestId", "success": ["REQ-1"], "failure": []
    }]);
    spec["pagination"] =
        json!({"style": "page", "page_number": "PageNumber", "page_size": "PageSize"});
    spec["deliberate"] = json!([{"path": "request[RegionId].example", "reason": "ours is better"}]);
    {
        let region = field(&mut spec["request"], "RegionId");
        region["description"] = json!("Where the widgets are.");
        region["example"] = json!("cn-beijing");
    }
    field(&mut spec["request"], "Tag")["type_name"] = json!("WidgetTag");
    field(&mut spec["request"], "Type")["sensitive"] = json!(true);
    spec["errors"][0]["description"] = json!("Our words on a bad region.");
    write_json(&spec_path, &spec);

    // The metadata changes: a new parameter, a wider type, a new example.
    let op = &mut metadata["apis"]["DescribeWidgets"];
    op["parameters"]
        .as_array_mut()
        .expect("parameters")
        .push(json!({"name": "Owner", "in": "query", "schema": {"type": "string"}}));
    op["parameters"][1]["schema"]["format"] = json!("int64");
    op["parameters"][0]["schema"]["example"] = json!("cn-shanghai");
    write_json(&meta_path, &metadata);

    let report = run(&root.0, &[], &meta_path);
    assert!(!report.failed, "{:?}", report.lines);
    let mut after = read_json(&spec_path);
    assert_eq!(after["summary"], "Lists the widgets of a region.");
    assert_eq!(after["description"], "Our own usage notes.");
    assert_eq!(after["idempotent"], false);
    assert_eq!(after["waiters"], spec["waiters"]);
    assert_eq!(
        after["pagination"], spec["pagination"],
        "a hand-written paginator wins"
    );
    assert_eq!(after["deliberate"], spec["deliberate"]);
    assert_eq!(
        after["errors"][0]["description"],
        "Our words on a bad region."
    );
    {
        let region = field(&mut after["request"], "RegionId");
        assert_eq!(region["description"], "Where the widgets are.");
        assert_eq!(region["example"], "cn-beijing", "a deliberate value stays");
    }
    assert_eq!(
        field(&mut after["request"], "Tag")["type_name"],
        "WidgetTag"
    );
    assert_eq!(field(&mut after["request"], "Type")["sensitive"], true);
    // Changed facts are updated.
    assert_eq!(field(&mut after["request"], "PageNumber")["type"], "long");
    assert_eq!(field(&mut after["request"], "Owner")["type"], "string");
    // --check lists the deliberate difference without failing.
    let check = run(&root.0, &["--check"], &meta_path);
    assert!(!check.failed, "{:?}", check.lines);
    assert!(
        check.lines.iter().any(|l| l.contains(
            "DescribeWidgets.json: at `request[RegionId].example`: deliberate: the spec has `\"cn-beijing\"`, the metadata `\"cn-shanghai\"` (ours is better)"
        )),
        "{:?}",
        check.lines
    );
    // A fact edited by hand without `deliberate` is a difference that fails --check.
    field(&mut after["request"], "Owner")["type"] = json!("long");
    write_json(&spec_path, &after);
    let check = run(&root.0, &["--check"], &meta_path);
    assert!(check.failed);
    assert!(
        check.lines.iter().any(|l| l.ends_with(
            "DescribeWidgets.json: at `request[Owner].type`: the spec has `\"long\"`, the metadata gives `\"string\"`"
        )),
        "{:?}",
        check.lines
    );
}

#[test]
fn operations_only_in_the_specs_are_kept_unless_pruned_and_versions_never_mix() {
    let root = TempRoot::new("prune");
    let metadata = data().join("import/golden/demo/api-docs.json");
    assert!(!run(&root.0, &[], &metadata).failed);
    let ops = root.0.join("api-specs/demo/operations");
    fs::copy(ops.join("CreateWidget.json"), ops.join("OldWidget.json")).expect("copy");
    let mut old = read_json(&ops.join("OldWidget.json"));
    old["name"] = json!("OldWidget");
    write_json(&ops.join("OldWidget.json"), &old);
    let check = run(&root.0, &["--check"], &metadata);
    assert!(
        check
            .lines
            .iter()
            .any(|l| l.ends_with("operations/OldWidget.json: not in the metadata (kept)")),
        "{:?}",
        check.lines
    );
    let kept = run(&root.0, &[], &metadata);
    assert!(ops.join("OldWidget.json").is_file());
    assert!(
        kept.lines
            .iter()
            .any(|l| l.contains("1 kept without metadata"))
    );
    let pruned = run(&root.0, &["--prune"], &metadata);
    assert!(!ops.join("OldWidget.json").exists());
    assert!(
        pruned
            .lines
            .iter()
            .any(|l| l.contains("0 changed, 3 unchanged, 1 removed"))
    );

    // Another version of the same product is refused, unless a folder is named.
    let mut newer = read_json(&metadata);
    newer["info"]["version"] = json!("2025-06-30");
    let newer_path = root.0.join("newer.json");
    write_json(&newer_path, &newer);
    let refused = run(&root.0, &[], &newer_path);
    assert!(refused.failed);
    assert_eq!(
        lines(&refused, &newer_path),
        [
            "error: newer.json: at `info.version`: api-specs/demo holds API version 2024-01-01, the metadata is version 2025-06-30: one version per folder. To keep both, import into another folder with `--folder demo-20250630` (crate alibabacloud-demo-20250630)"
        ]
    );
    let beside = run(&root.0, &["--folder", "demo-20250630"], &newer_path);
    assert!(!beside.failed, "{:?}", beside.lines);
    let service = read_json(&root.0.join("api-specs/demo-20250630/service.json"));
    assert_eq!(service["crate"], "alibabacloud-demo-20250630");
    assert_eq!(service["version"], "2025-06-30");
}

/// Every malformed or unsupported metadata file in `tests/data/import/bad/` gives exactly the
/// lines in its `.expected` file (refusals name the file, the JSON path and the construct).
#[test]
fn malformed_and_unsupported_metadata_is_refused_with_exact_messages() {
    let dir = data().join("import/bad");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("bad dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let root = TempRoot::new("bad");
        let report = std::panic::catch_unwind(|| run(&root.0, &[], &case));
        let Ok(report) = report else {
            failures.push(format!("{}: the importer panicked", case.display()));
            continue;
        };
        let actual = lines(&report, &case).join("\n") + "\n";
        let expected_path = case.with_extension("expected");
        if update_golden() {
            fs::write(&expected_path, &actual).expect("write");
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- actual\n{actual}",
                case.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The metadata each committed product was imported from, and its spec folder.
fn imported_products() -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    let meta = data().join("metadata");
    for product in fs::read_dir(&meta).expect("metadata").flatten() {
        for version in fs::read_dir(product.path()).expect("versions").flatten() {
            let file = version.path().join("api-docs.json");
            let specs = workspace().join("api-specs").join(product.file_name());
            if file.is_file() && specs.join("service.json").is_file() {
                out.push((file, specs));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn committed_specs_match_their_committed_metadata() {
    let products = imported_products();
    assert!(products.len() >= 2, "{products:?}");
    for (file, _) in products {
        let report = run(&workspace(), &["--check"], &file);
        assert!(
            !report.failed,
            "{}:\n{}",
            file.display(),
            report.lines.join("\n")
        );
    }
}

/// The generated IR against the metadata, independently of the importer's own mapping: wire
/// names, type widths, required flags, styles, locations, value sets, error codes and their
/// statuses. Differences the spec records as deliberate are exempt.
#[test]
fn every_imported_product_matches_its_metadata_field_by_field() {
    let mut checked = 0usize;
    let mut errors = Vec::new();
    for (file, specs) in imported_products() {
        let metadata = read_json(&file);
        let product =
            xtask::codegen::load_product(&workspace(), &specs).unwrap_or_else(|e| panic!("{e:?}"));
        let schemas = metadata["components"]["schemas"].clone();
        for (action, op_meta) in metadata["apis"].as_object().expect("apis") {
            let Some(op) = product.operations.iter().find(|o| o.name == *action) else {
                errors.push(format!("{action}: imported but not generated"));
                continue;
            };
            let deliberate = deliberate_paths(&specs, action);
            let mut ctx = Check {
                op,
                schemas: &schemas,
                deliberate: &deliberate,
                errors: &mut errors,
                checked: &mut checked,
            };
            let params: Vec<&Value> = op_meta["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .collect();
            for p in &params {
                if op.route.is_some() && p["in"] == "body" {
                    ctx.roa_body(p);
                    continue;
                }
                // A parameter listed twice is imported once, required when any listing is.
                let required = params.iter().filter(|q| q["name"] == p["name"]).any(|q| {
                    q["schema"]["required"].as_bool().unwrap_or(false)
                        || q["schema"]["docRequired"].as_bool().unwrap_or(false)
                });
                ctx.parameter(p, required);
            }
            let success = &op_meta["responses"]["200"]["schema"];
            match &op.output_payload {
                // An ROA answer whose top level is not an object.
                Some(ty) => ctx.ty("response.payload", ty, success),
                None => ctx.members("response.fields", &op.output, success),
            }
            ctx.error_codes(action, op_meta);
        }
        check_product_auth(&product, &metadata, &mut errors);
    }
    assert!(checked > 100, "only {checked} facts checked");
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

fn deliberate_paths(specs: &Path, action: &str) -> Vec<String> {
    let spec = read_json(&specs.join("operations").join(format!("{action}.json")));
    spec["deliberate"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["path"].as_str().map(str::to_string))
        .collect()
}

fn check_product_auth(product: &Product, metadata: &Value, errors: &mut Vec<String>) {
    for op in &product.operations {
        let Some(m) = metadata["apis"].get(&op.name) else {
            continue;
        };
        let names: BTreeSet<&str> = m["security"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|o| o.keys().map(String::as_str))
            .collect();
        let anonymous =
            !names.contains("AK") && (names.contains("Anonymous") || names.contains("ARS_OIDC"));
        if anonymous != (op.auth == xtask::spec::Auth::Anonymous) {
            errors.push(format!("{}: auth differs from {names:?}", op.name));
        }
        let deprecated = m["deprecated"].as_bool().unwrap_or(false);
        if deprecated != op.deprecated {
            errors.push(format!("{}: deprecated flag differs", op.name));
        }
    }
}

struct Check<'a> {
    op: &'a Operation,
    schemas: &'a Value,
    deliberate: &'a [String],
    errors: &'a mut Vec<String>,
    checked: &'a mut usize,
}

impl Check<'_> {
    fn exempt(&self, path: &str) -> bool {
        self.deliberate.iter().any(|d| {
            path == d
                || path
                    .strip_prefix(d.as_str())
                    .is_some_and(|r| r.starts_with('.') || r.starts_with('['))
        })
    }

    fn fail(&mut self, path: &str, what: String) {
        if !self.exempt(path) {
            self.errors
                .push(format!("{}: {path}: {what}", self.op.name));
        }
    }

    fn resolve<'v>(&'v self, schema: &'v Value) -> &'v Value {
        match schema["$ref"].as_str() {
            Some(r) => {
                let name = r.trim_start_matches("#/components/schemas/");
                let target = &self.schemas[name];
                if target.is_null() { schema } else { target }
            }
            None => schema,
        }
    }

    /// An ROA `in: body` parameter: an object's properties are `in: body` parameters named by
    /// their keys; any other body is one `in: payload` parameter.
    fn roa_body(&mut self, p: &Value) {
        use xtask::spec::Location;
        let schema = self.resolve(&p["schema"]).clone();
        let props = schema["properties"].as_object().filter(|m| !m.is_empty());
        let Some(props) = props.filter(|_| schema["type"] == "object") else {
            let name = p["name"].as_str().unwrap_or_default();
            let path = format!("request[{name}]");
            match self
                .op
                .input
                .iter()
                .find(|f| f.wire == name && f.location == Location::Payload)
            {
                None => self.fail(&path, "missing from the generated input".into()),
                Some(f) => {
                    *self.checked += 1;
                    let f = f.clone();
                    self.ty(&path, &f.ty, &schema);
                }
            }
            return;
        };
        for (name, member) in props {
            let path = format!("request[body:{name}]");
            let Some(f) = self
                .op
                .input
                .iter()
                .find(|f| f.wire == *name && f.location == Location::Body)
                .cloned()
            else {
                self.fail(&path, "missing from the generated input".into());
                continue;
            };
            *self.checked += 1;
            let member = self.resolve(member).clone();
            let required = member["required"].as_bool().unwrap_or(false)
                || member["docRequired"].as_bool().unwrap_or(false);
            if required != f.required {
                self.fail(
                    &format!("{path}.required"),
                    format!("required {required} vs {}", f.required),
                );
            }
            self.ty(&path, &f.ty, &member);
        }
    }

    fn parameter(&mut self, p: &Value, required: bool) {
        use xtask::spec::Location;
        let name = p["name"].as_str().unwrap_or_default();
        let path = format!("request[{name}]");
        let Some(f) = self
            .op
            .input
            .iter()
            .find(|f| f.wire == name && f.location != Location::Body)
        else {
            self.fail(&path, "missing from the generated input".into());
            return;
        };
        let schema = self.resolve(&p["schema"]).clone();
        // A path parameter is required even where the metadata forgets to say so.
        let required = required || p["in"] == "path";
        *self.checked += 1;
        if required != f.required {
            self.fail(
                &format!("{path}.required"),
                format!("required {required} vs {}", f.required),
            );
        }
        let json_style = p["style"].as_str() == Some("json")
            && matches!(schema["type"].as_str(), Some("object" | "array" | "any"));
        if json_style != f.json {
            self.fail(&format!("{path}.style"), "json style differs".into());
        }
        let expected = match p["in"].as_str() {
            Some("formData" | "body") if self.op.route.is_none() => Some(Location::Form),
            Some("query") => Some(Location::Query),
            Some("header") => Some(Location::Header),
            Some("path") => Some(Location::Path),
            _ => None,
        };
        if expected != Some(f.location) {
            self.fail(&format!("{path}.in"), "location differs".into());
        }
        let simple = p["style"].as_str() == Some("simple") && schema["type"] == "array";
        if simple != f.simple {
            self.fail(&format!("{path}.style"), "simple style differs".into());
        }
        self.ty(&path, &f.ty, &schema);
    }

    fn members(&mut self, path: &str, fields: &[xtask::ir::Field], schema: &Value) {
        let schema = self.resolve(schema).clone();
        for (name, member) in schema["properties"].as_object().into_iter().flatten() {
            let p = format!("{path}[{name}]");
            match fields.iter().find(|f| f.wire == *name) {
                None => self.fail(&p, "missing from the generated type".into()),
                Some(f) => {
                    *self.checked += 1;
                    let member = self.resolve(member).clone();
                    self.ty(&p, &f.ty, &member);
                }
            }
        }
    }

    fn ty(&mut self, path: &str, ty: &Ty, schema: &Value) {
        let schema = self.resolve(schema).clone();
        let t = schema["type"].as_str().unwrap_or_default();
        let format = schema["format"].as_str();
        let ok = match (t, format, ty) {
            // An empty value set is no value set.
            ("string", _, Ty::String) => schema["enum"].as_array().is_none_or(|e| e.is_empty()),
            ("string", _, Ty::Enum(name)) => {
                let wanted: Vec<String> = schema["enum"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                let have: Vec<String> = self
                    .op
                    .enums
                    .iter()
                    .find(|e| &e.name == name)
                    .map(|e| e.variants.iter().map(|(_, w)| w.clone()).collect())
                    .unwrap_or_default();
                if wanted != have {
                    self.fail(&format!("{path}.enum"), format!("{wanted:?} vs {have:?}"));
                }
                true
            }
            ("integer", None | Some("int32"), Ty::I32) => true,
            ("integer", Some("int64"), Ty::I64) => true,
            ("number", Some("float"), Ty::F32) => true,
            ("number", None | Some("double"), Ty::F64) => true,
            ("boolean", _, Ty::Bool) => true,
            ("any", _, Ty::Any) => true,
            // A `$ref` to a schema the file does not define, and the items of an array without
            // `items` (no declared type), are imported as `any`.
            ("", _, Ty::Any) => {
                schema["$ref"].is_string()
                    || schema.as_object().is_none_or(|o| !o.contains_key("type"))
            }
            ("array", _, Ty::List(inner)) => {
                let items = schema["items"].clone();
                self.ty(&format!("{path}.items"), inner, &items);
                true
            }
            ("object", _, Ty::Map(inner)) => {
                let values = schema["additionalProperties"].clone();
                self.ty(&format!("{path}.values"), inner, &values);
                true
            }
            ("object", _, Ty::Any) => schema["properties"]
                .as_object()
                .is_none_or(|p| p.is_empty()),
            ("object", _, Ty::Struct(name)) => {
                let fields = self
                    .op
                    .structs
                    .iter()
                    .find(|s| &s.name == name)
                    .map(|s| s.fields.clone())
                    .unwrap_or_default();
                self.members(&format!("{path}.fields"), &fields, &schema);
                true
            }
            _ => false,
        };
        if !ok {
            self.fail(
                &format!("{path}.type"),
                format!("metadata {t}/{format:?} vs generated {ty:?}"),
            );
        }
    }

    fn error_codes(&mut self, action: &str, op_meta: &Value) {
        for (status, rows) in op_meta["errorCodes"].as_object().into_iter().flatten() {
            // A key that is not an HTTP status (ECS's `4003`) is imported as "no known status".
            let status: Option<u16> = status.parse().ok().filter(|s| (100..=599).contains(s));
            for row in rows.as_array().into_iter().flatten() {
                let code = row["errorCode"].as_str().unwrap_or_default().trim();
                *self.checked += 1;
                let found = self.op.errors.iter().any(|e| {
                    e.code == code
                        && match status {
                            Some(s) => e.http_statuses.contains(&s),
                            None => e.listed_without_status,
                        }
                });
                if !found {
                    self.fail(
                        "errors",
                        format!("{action}: code {code} with status {status:?} has no variant"),
                    );
                }
            }
        }
    }
}
