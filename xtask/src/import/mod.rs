//! `cargo xtask import [--check] [--prune] [--folder NAME] <api-docs.json>...`: the official
//! API metadata becomes specs under `api-specs/<code>/`.
//!
//! * [`node`] walks the metadata as JSON with paths; [`map`] maps one operation's facts;
//!   [`paging`] is the pagination rule; [`service`] maps the product; [`merge`] keeps what
//!   we wrote by hand.
//! * Writing is deterministic: the same metadata and specs give byte-identical files, and a
//!   second import changes nothing.

pub mod map;
pub mod merge;
pub mod node;
pub mod paging;
pub mod roa;
pub mod schema;
pub mod service;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::codegen::parse_json;
use crate::spec::{OperationSpec, ServiceSpec};
use node::{Node, Problem};

/// Command-line options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Compare only; write nothing.
    pub check: bool,
    /// Delete operation specs the metadata does not have.
    pub prune: bool,
    /// Target folder (and crate `alibabacloud-<folder>`) instead of the product code.
    pub folder: Option<String>,
    /// The metadata files.
    pub files: Vec<PathBuf>,
}

/// The usage text.
pub const USAGE: &str =
    "usage: cargo xtask import [--check] [--prune] [--folder NAME] <api-docs.json>...

  import FILE...          write or update api-specs/<code>/ from official API metadata
  import --check FILE...  write nothing; list every difference and fail if one is not deliberate
  --prune                 also delete operation specs that the metadata does not have
  --folder NAME           import into api-specs/NAME (crate alibabacloud-NAME), e.g. to keep a
                          second API version of a product beside the first";

/// Parses the arguments after `import`.
pub fn parse_args(args: &[&str]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "--check" => o.check = true,
            "--prune" => o.prune = true,
            "--folder" => {
                let name = it.next().ok_or("--folder needs a folder name")?;
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    return Err(format!(
                        "--folder `{name}`: use lower-case letters, digits and `-`"
                    ));
                }
                o.folder = Some(name.to_string());
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`")),
            file => o.files.push(PathBuf::from(file)),
        }
    }
    if o.files.is_empty() {
        return Err("no metadata file given".into());
    }
    if o.folder.is_some() && o.files.len() > 1 {
        return Err("--folder applies to one metadata file at a time".into());
    }
    Ok(o)
}

/// What one run printed: lines for standard output, and whether it failed.
#[derive(Debug, Default)]
pub struct Report {
    /// Lines to print.
    pub lines: Vec<String>,
    /// Whether the command must exit non-zero.
    pub failed: bool,
}

/// Runs the importer for every file in `options`.
pub fn run(root: &Path, options: &Options) -> Report {
    let mut report = Report::default();
    for file in &options.files {
        let shown = file.to_string_lossy().replace('\\', "/");
        match import_file(root, file, &shown, options) {
            Ok(r) => {
                report.failed |= r.failed;
                report.lines.extend(r.lines);
            }
            Err(p) => {
                report.failed = true;
                report.lines.push(problem_line(&shown, &p));
            }
        }
    }
    report
}

fn problem_line(file: &str, p: &Problem) -> String {
    if p.path.is_empty() {
        format!("error: {file}: {}", p.message)
    } else {
        format!("error: {file}: at `{}`: {}", p.path, p.message)
    }
}

/// A product read from one metadata file.
pub struct Imported {
    /// The service facts.
    pub service: ServiceSpec,
    /// Operations that map, by action.
    pub operations: BTreeMap<String, OperationSpec>,
    /// Operations refused, with the reason.
    pub refused: BTreeMap<String, Problem>,
    /// Notes on facts that could not be used (never silent).
    pub notes: Vec<Problem>,
}

/// Reads and maps one metadata text (no file system access besides nothing): the whole
/// product, or the problem that stops it.
pub fn read_metadata(text: &str, folder: Option<&str>) -> Result<Imported, Problem> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Problem::new(
            "",
            format!(
                "not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    let root = Node::root(&value);
    root.object()?;
    let info = root.need("info")?;
    let style = info.node().need_str("style")?;
    let roa = match style {
        "RPC" => false,
        "ROA" => true,
        _ => {
            return Err(Problem::new(
                format!("{}.style", info.path),
                format!(
                    "unsupported API style `{style}`: only RPC and ROA products can be imported"
                ),
            ));
        }
    };
    let product = info.node().need_str("product")?;
    let version = info.node().need_str("version")?;
    let mut service = service::service(product, version, root, folder)?;
    if roa {
        service.style = Some(crate::spec::ApiStyle::Roa);
    }
    let components = root.get("components");
    let schemas = schema::Schemas {
        by_name: match &components {
            Some(c) => c.node().entries("schemas")?.into_iter().collect(),
            None => BTreeMap::new(),
        },
        notes: Default::default(),
    };
    let mut operations = BTreeMap::new();
    let mut refused = BTreeMap::new();
    let mut notes = Vec::new();
    let apis = root.need("apis")?;
    for (action, op) in apis.node().entries_of()? {
        let mapped = map::operation(action, op.node(), &schemas, roa);
        // Notes are kept for refused operations too: they explain what was seen on the way.
        notes.extend(std::mem::take(&mut *schemas.notes.borrow_mut()));
        match mapped {
            Ok(mut spec) => {
                if op.node().get("responseDemo").is_some() && spec.response.example.is_none() {
                    notes.push(Problem::new(
                        format!("{}.responseDemo", op.path),
                        "no JSON example could be read from it; the spec has no response example",
                    ));
                }
                if let Some(example) = &spec.response.example
                    && let Some(wrong) = match &spec.response.payload {
                        // An ROA answer whose top level is an array or a scalar.
                        Some(ty) => value_misfit(
                            ty.ty,
                            ty.fields.as_deref(),
                            ty.items.as_deref(),
                            example,
                            "",
                        ),
                        None => example_misfit(&spec.response.fields, example, ""),
                    }
                {
                    notes.push(Problem::new(
                        format!("{}.responseDemo", op.path),
                        format!("{wrong}: the spec has no response example"),
                    ));
                    spec.response.example = None;
                }
                spec.pagination = paging::detect(&spec);
                operations.insert(action.to_string(), spec);
            }
            Err(p) => {
                refused.insert(action.to_string(), p);
            }
        }
    }
    Ok(Imported {
        service,
        operations,
        refused,
        notes,
    })
}

impl<'a> Node<'a> {
    /// The entries of this node, which must be an object.
    fn entries_of(&self) -> Result<Vec<(&'a str, node::Child<'a>)>, Problem> {
        Ok(self
            .object()?
            .iter()
            .map(|(k, value)| {
                (
                    k.as_str(),
                    node::Child {
                        value,
                        path: node::join(self.path(), k),
                    },
                )
            })
            .collect())
    }
}

/// Pretty JSON with a final newline: the one way spec files are written.
pub fn to_json_text<T: serde::Serialize>(v: &T) -> Result<String, String> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| format!("cannot serialize: {e}"))
}

/// A spec as the importer would write it: the fresh facts plus the hand-written parts and
/// deliberate values of `existing`. Also returns deliberate paths that lead nowhere.
pub fn merged_operation(
    fresh: &OperationSpec,
    existing: Option<&OperationSpec>,
) -> Result<(OperationSpec, Vec<String>), String> {
    let mut value = serde_json::to_value(fresh).map_err(|e| e.to_string())?;
    let mut stale = Vec::new();
    if let Some(existing) = existing {
        let old = serde_json::to_value(existing).map_err(|e| e.to_string())?;
        merge::merge_hand_written(&mut value, &old);
        for d in &existing.deliberate {
            if !merge::keep_deliberate(&mut value, &old, &d.path) {
                stale.push(d.path.clone());
            }
        }
    }
    let merged: OperationSpec =
        serde_json::from_value(value).map_err(|e| format!("merged spec is invalid: {e}"))?;
    Ok((merged, stale))
}

fn import_file(
    root: &Path,
    file: &Path,
    shown: &str,
    options: &Options,
) -> Result<Report, Problem> {
    let text = fs::read_to_string(file)
        .map_err(|e| Problem::new("", format!("cannot read the metadata file: {e}")))?;
    let imported = read_metadata(&text, options.folder.as_deref())?;
    let mut report = Report::default();
    let folder = options
        .folder
        .clone()
        .unwrap_or_else(|| imported.service.product.clone());
    let dir = root.join("api-specs").join(&folder);
    let rel_dir = format!("api-specs/{folder}");
    let service_path = dir.join("service.json");
    let existing_service: Option<ServiceSpec> = match fs::read_to_string(&service_path) {
        Ok(t) => Some(
            parse_json(&t, &format!("{rel_dir}/service.json"))
                .map_err(|e| Problem::new("", e.to_string()))?,
        ),
        Err(_) => None,
    };
    let other_version = existing_service
        .as_ref()
        .filter(|old| old.version != imported.service.version && options.folder.is_none());
    if let Some(old) = other_version {
        return Err(Problem::new(
            "info.version",
            format!(
                "{rel_dir} holds API version {}, the metadata is version {}: one version per folder. To keep both, import into another folder with `--folder {}-{}` (crate alibabacloud-{}-{})",
                old.version,
                imported.service.version,
                folder,
                imported.service.version.replace('-', ""),
                folder,
                imported.service.version.replace('-', ""),
            ),
        ));
    }
    let service = service::merged_service(imported.service.clone(), existing_service.as_ref());
    let mut outputs: BTreeMap<PathBuf, String> = BTreeMap::new();
    let service_text = to_json_text(&service).map_err(|m| Problem::new("", m))?;
    let mut differences = 0usize;
    let mut deliberate_listed = 0usize;
    if let Some(old) = &existing_service {
        let (a, b) = (
            serde_json::to_value(old).unwrap_or(Value::Null),
            serde_json::to_value(&service).unwrap_or(Value::Null),
        );
        for d in merge::differences(&a, &b) {
            differences += 1;
            if options.check {
                report
                    .lines
                    .push(difference_line(&format!("{rel_dir}/service.json"), &d));
            }
        }
    } else if options.check {
        differences += 1;
        report
            .lines
            .push(format!("{rel_dir}/service.json: missing"));
    }
    outputs.insert(service_path, service_text);

    let ops_dir = dir.join("operations");
    let mut on_disk: BTreeMap<String, PathBuf> = BTreeMap::new();
    if let Ok(rd) = fs::read_dir(&ops_dir) {
        for e in rd.flatten() {
            let p = e.path();
            if let Some(stem) = p
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".json"))
            {
                on_disk.insert(stem.to_string(), p);
            }
        }
    }
    let (mut added, mut changed, mut unchanged) = (0usize, 0usize, 0usize);
    for (action, fresh) in &imported.operations {
        let path = ops_dir.join(format!("{action}.json"));
        let rel = format!("{rel_dir}/operations/{action}.json");
        let existing_text = fs::read_to_string(&path).ok();
        let existing: Option<OperationSpec> = match &existing_text {
            Some(t) => Some(parse_json(t, &rel).map_err(|e| Problem::new("", e.to_string()))?),
            None => None,
        };
        let (merged, stale) =
            merged_operation(fresh, existing.as_ref()).map_err(|m| Problem::new("", m))?;
        for s in stale {
            report.failed = true;
            report.lines.push(format!(
                "{rel}: deliberate difference at `{s}` no longer matches anything in the metadata; remove it or fix its path"
            ));
        }
        let text = to_json_text(&merged).map_err(|m| Problem::new("", m))?;
        match &existing {
            None => {
                added += 1;
                if options.check {
                    differences += 1;
                    report
                        .lines
                        .push(format!("{rel}: missing (the metadata has `{action}`)"));
                }
            }
            Some(old) => {
                let a = serde_json::to_value(old).unwrap_or(Value::Null);
                let b = serde_json::to_value(&merged).unwrap_or(Value::Null);
                let diffs = merge::differences(&a, &b);
                if existing_text.as_deref() == Some(text.as_str()) {
                    unchanged += 1;
                } else {
                    changed += 1;
                }
                if options.check {
                    for d in diffs {
                        differences += 1;
                        report.lines.push(difference_line(&rel, &d));
                    }
                    // Deliberate differences: listed, never failing.
                    let fresh_value = serde_json::to_value(fresh).unwrap_or(Value::Null);
                    let fresh_flat = merge::flatten(&fresh_value);
                    let spec_flat = merge::flatten(&a);
                    for d in &old.deliberate {
                        let mut paths: Vec<&String> = fresh_flat
                            .keys()
                            .chain(spec_flat.keys())
                            .filter(|p| merge::covered_by(p, &d.path))
                            .collect();
                        paths.sort();
                        paths.dedup();
                        for p in paths {
                            if fresh_flat.get(p) != spec_flat.get(p) {
                                deliberate_listed += 1;
                                report.lines.push(format!(
                                    "{rel}: at `{p}`: deliberate: the spec has {}, the metadata {} ({})",
                                    show(spec_flat.get(p)),
                                    show(fresh_flat.get(p)),
                                    d.reason
                                ));
                            }
                        }
                    }
                }
            }
        }
        outputs.insert(path, text);
    }
    let mut kept = 0usize;
    let mut removed = 0usize;
    for (action, path) in &on_disk {
        if imported.operations.contains_key(action) || imported.refused.contains_key(action) {
            continue;
        }
        if options.prune {
            removed += 1;
            if !options.check {
                fs::remove_file(path).map_err(|e| {
                    Problem::new("", format!("cannot delete {}: {e}", path.display()))
                })?;
            }
        } else {
            kept += 1;
        }
        if options.check {
            report.lines.push(format!(
                "{rel_dir}/operations/{action}.json: not in the metadata (kept{})",
                if options.prune {
                    "; --prune deletes it"
                } else {
                    ""
                }
            ));
        }
    }
    for (action, p) in &imported.refused {
        report.lines.push(format!(
            "refused {action}: {}",
            problem_line(shown, p).trim_start_matches("error: ")
        ));
    }
    for n in &imported.notes {
        report.lines.push(format!(
            "note: {}",
            problem_line(shown, n).trim_start_matches("error: ")
        ));
    }
    if options.check {
        if differences > 0 {
            report.failed = true;
        }
        report.lines.push(format!(
            "{folder}: {differences} difference(s), {deliberate_listed} deliberate; {} operation(s) in the metadata, {} refused, {kept} only in the specs",
            imported.operations.len(),
            imported.refused.len()
        ));
    } else {
        fs::create_dir_all(&ops_dir)
            .map_err(|e| Problem::new("", format!("cannot create {}: {e}", ops_dir.display())))?;
        for (path, text) in &outputs {
            if fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
                fs::write(path, text).map_err(|e| {
                    Problem::new("", format!("cannot write {}: {e}", path.display()))
                })?;
            }
        }
        report.lines.push(format!(
            "{folder}: {added} added, {changed} changed, {unchanged} unchanged, {removed} removed; {} refused, {kept} kept without metadata",
            imported.refused.len()
        ));
    }
    Ok(report)
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "nothing".into(),
        Some(v) => format!("`{v}`"),
    }
}

fn difference_line(file: &str, d: &merge::Difference) -> String {
    format!(
        "{file}: at `{}`: the spec has {}, the metadata gives {}",
        d.path,
        show(d.spec.as_ref()),
        show(d.metadata.as_ref())
    )
}

/// Where a response example contradicts the response schema's shape (an object where it has
/// an array, and so on), if anywhere. Scalars are not compared: the client decodes numbers and
/// booleans sent as strings. KMS `GetKmsInstance`'s demo has `"VswitchIds": {"": [""]}` for an
/// array: such a demo is a placeholder, not a body the service sends, and a test answering
/// with it would test nothing true.
fn example_misfit(
    fields: &[crate::spec::FieldSpec],
    example: &serde_json::Value,
    prefix: &str,
) -> Option<String> {
    let serde_json::Value::Object(map) = example else {
        return Some(format!("the example{prefix} is not an object"));
    };
    for f in fields {
        let Some(value) = map.get(&f.name) else {
            continue;
        };
        let path = format!("{prefix}.{}", f.name);
        if let Some(wrong) =
            value_misfit(f.ty, f.fields.as_deref(), f.items.as_deref(), value, &path)
        {
            return Some(wrong);
        }
    }
    None
}

fn value_misfit(
    ty: crate::spec::TypeName,
    fields: Option<&[crate::spec::FieldSpec]>,
    items: Option<&crate::spec::TypeSpec>,
    value: &serde_json::Value,
    path: &str,
) -> Option<String> {
    use crate::spec::TypeName;
    use serde_json::Value;
    match (ty, value) {
        (_, Value::Null) => None,
        (TypeName::Object, Value::Object(_)) => {
            example_misfit(fields.unwrap_or_default(), value, path)
        }
        (TypeName::Array, Value::Array(list)) => {
            let item = items?;
            list.iter().enumerate().find_map(|(i, v)| {
                value_misfit(
                    item.ty,
                    item.fields.as_deref(),
                    item.items.as_deref(),
                    v,
                    &format!("{path}[{i}]"),
                )
            })
        }
        (TypeName::Map, Value::Object(_)) => None,
        (TypeName::Object | TypeName::Map, _) => Some(misfit(path, "an object")),
        (TypeName::Array, _) => Some(misfit(path, "an array")),
        _ => None,
    }
}

/// The note for an example whose value at `path` (empty: the whole example) is not `shape`.
fn misfit(path: &str, shape: &str) -> String {
    match path.strip_prefix('.') {
        Some(inner) => format!("the example's `{inner}` is not {shape}"),
        None if path.is_empty() => format!("the example is not {shape}"),
        None => format!("the example's `{path}` is not {shape}"),
    }
}

#[cfg(test)]
mod example_tests {
    use super::example_misfit;
    use crate::spec::FieldSpec;

    #[test]
    fn an_example_whose_shape_contradicts_the_schema_is_found() {
        let fields: Vec<FieldSpec> = serde_json::from_value(serde_json::json!([
            {"name": "Instance", "type": "object", "fields": [
                {"name": "Ids", "type": "array", "items": {"type": "string"}},
                {"name": "Count", "type": "long"}
            ]}
        ]))
        .unwrap_or_else(|e| panic!("{e}"));
        let fits = serde_json::json!({"Instance": {"Ids": ["a"], "Count": "3"}, "Extra": 1});
        assert_eq!(example_misfit(&fields, &fits, ""), None);
        let nulls = serde_json::json!({"Instance": {"Ids": null}});
        assert_eq!(example_misfit(&fields, &nulls, ""), None);
        let placeholder = serde_json::json!({"Instance": {"Ids": {"": [""]}}});
        assert_eq!(
            example_misfit(&fields, &placeholder, "").as_deref(),
            Some("the example's `Instance.Ids` is not an array")
        );
        let flat = serde_json::json!({"Instance": "x"});
        assert_eq!(
            example_misfit(&fields, &flat, "").as_deref(),
            Some("the example's `Instance` is not an object")
        );
    }
}
