//! Loading specs from disk, generating files in memory, and writing or checking them.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::emit;
use crate::ir::{self, Product, SpecError};
use crate::spec::{OperationSpec, ServiceSpec};

/// A generated file: its path relative to the workspace root, and its contents.
pub type Files = BTreeMap<PathBuf, String>;

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, shown: &str) -> Result<T, SpecError> {
    let text = fs::read_to_string(path).map_err(|e| SpecError {
        file: shown.to_string(),
        path: String::new(),
        message: format!("cannot read: {e}"),
    })?;
    parse_json(&text, shown)
}

/// Parses spec text (a `service.json` or an operation file) into its JSON shape. `shown` is
/// the file name used in error messages, which carry the JSON path of the problem.
pub fn parse_json<T: serde::de::DeserializeOwned>(text: &str, shown: &str) -> Result<T, SpecError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let p = e.path().to_string();
        SpecError {
            file: shown.to_string(),
            path: if p == "." { String::new() } else { p },
            message: e.into_inner().to_string(),
        }
    })
}

/// Reads and validates one product folder (`<root>/api-specs/<product>`).
pub fn load_product(root: &Path, product_dir: &Path) -> Result<Product, Vec<SpecError>> {
    let rel = |p: &Path| {
        p.strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let service_path = product_dir.join("service.json");
    let service: ServiceSpec =
        read_json(&service_path, &rel(&service_path)).map_err(|e| vec![e])?;
    let ops_dir = product_dir.join("operations");
    let mut entries: Vec<PathBuf> = match fs::read_dir(&ops_dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            return Err(vec![SpecError {
                file: rel(&ops_dir),
                path: String::new(),
                message: format!("cannot read the operations folder: {e}"),
            }]);
        }
    };
    entries.sort();
    let mut errors = Vec::new();
    let mut ops = Vec::new();
    for path in entries {
        let shown = rel(&path);
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            errors.push(SpecError {
                file: shown,
                path: String::new(),
                message: "only `<Action>.json` files belong in an operations folder".into(),
            });
            continue;
        }
        match read_json::<OperationSpec>(&path, &shown) {
            Ok(op) => ops.push((shown, op)),
            Err(e) => errors.push(e),
        }
    }
    let lowered = ir::lower_product(&rel(product_dir), &rel(&service_path), service, ops);
    match lowered {
        Ok(p) if errors.is_empty() => Ok(p),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            Err(errors)
        }
    }
}

/// Generates every file of one product crate, keyed by path relative to the workspace root.
pub fn generate_product(p: &Product) -> Result<Files, String> {
    let crate_dir = PathBuf::from("crates").join(&p.service.crate_name);
    let mut files = Files::new();
    files.insert(crate_dir.join("Cargo.toml"), emit::root::cargo_toml(p));
    files.insert(crate_dir.join("README.md"), emit::root::readme_md(p));
    files.insert(
        crate_dir.join("src/lib.rs"),
        emit::render(
            &format!("{}/service.json", p.spec_dir),
            emit::root::lib_rs(p),
        )?,
    );
    for op in &p.operations {
        let tokens = emit::operation::operation_module(&p.service, op);
        files.insert(
            crate_dir.join(format!("src/operation/{}.rs", op.snake)),
            emit::render(&op.source, tokens)?,
        );
    }
    Ok(files)
}

/// The shared every-operation harness crate (see [`emit::every_operation`]).
pub fn generate_every_operation(products: &[Product]) -> Result<Files, String> {
    let dir = PathBuf::from(emit::every_operation::CRATE_DIR);
    let mut files = Files::new();
    files.insert(
        dir.join("Cargo.toml"),
        emit::every_operation::cargo_toml(products),
    );
    files.insert(
        dir.join("src/lib.rs"),
        emit::render("api-specs/", emit::every_operation::lib_rs(products))?,
    );
    for p in products {
        files.insert(
            dir.join(format!("src/{}.rs", p.service.product)),
            emit::render(&p.spec_dir, emit::every_operation::product_rs(p)?)?,
        );
    }
    Ok(files)
}

/// The emulator's operation table, one file per product (see [`emit::emulator_table`]).
pub fn generate_emulator_table(products: &[Product]) -> Result<Files, String> {
    let dir = PathBuf::from(emit::emulator_table::TABLE_DIR);
    let mut files = Files::new();
    files.insert(
        dir.join("index.rs"),
        emit::emulator_table::index_rs(products),
    );
    for p in products {
        files.insert(
            dir.join(format!("{}.jsonl", p.service.product)),
            emit::emulator_table::product_table(p)?,
        );
    }
    Ok(files)
}

/// Loads every product under `<root>/api-specs` and generates all files.
pub fn generate_all(root: &Path) -> Result<(Files, Vec<PathBuf>), Vec<String>> {
    let specs = root.join("api-specs");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&specs)
        .map_err(|e| vec![format!("api-specs: cannot read: {e}")])?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("service.json").is_file())
        .collect();
    dirs.sort();
    let mut all = Files::new();
    let mut crate_dirs = Vec::new();
    let mut errors = Vec::new();
    let mut products = Vec::new();
    for dir in dirs {
        match load_product(root, &dir) {
            Ok(p) => {
                crate_dirs.push(PathBuf::from("crates").join(&p.service.crate_name));
                match generate_product(&p) {
                    Ok(files) => all.extend(files),
                    Err(e) => errors.push(e),
                }
                products.push(p);
            }
            Err(es) => errors.extend(es.iter().map(|e| e.to_string())),
        }
    }
    if errors.is_empty() && !products.is_empty() {
        match generate_every_operation(&products) {
            Ok(files) => all.extend(files),
            Err(e) => errors.push(e),
        }
        match generate_emulator_table(&products) {
            Ok(files) => all.extend(files),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok((all, crate_dirs))
    } else {
        Err(errors)
    }
}

/// Generated files that exist on disk but are no longer produced (a removed spec).
fn stale_files(root: &Path, files: &Files, crate_dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    for dir in crate_dirs {
        let ops = root.join(dir).join("src/operation");
        if let Ok(rd) = fs::read_dir(&ops) {
            for e in rd.flatten() {
                let rel = dir.join("src/operation").join(e.file_name());
                if !files.contains_key(&rel) {
                    stale.push(rel);
                }
            }
        }
    }
    // The harness crate: every `src/*.rs` is generated but the hand-written ones.
    let harness = PathBuf::from(emit::every_operation::CRATE_DIR).join("src");
    if let Ok(rd) = fs::read_dir(root.join(&harness)) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let rel = harness.join(&name);
            if !files.contains_key(&rel)
                && !emit::every_operation::HAND_WRITTEN.contains(&name.as_str())
            {
                stale.push(rel);
            }
        }
    }
    // The emulator's table: every file in its folder is generated.
    let table = PathBuf::from(emit::emulator_table::TABLE_DIR);
    if let Ok(rd) = fs::read_dir(root.join(&table)) {
        for e in rd.flatten() {
            let rel = table.join(e.file_name());
            if !files.contains_key(&rel) {
                stale.push(rel);
            }
        }
    }
    stale.sort();
    stale
}

/// Where a product crate's `LICENSE` link points: the workspace's `LICENSE`, two folders up
/// from `crates/<crate>/`. `cargo package` puts the linked file into the crate's package.
const LICENSE_TARGET: &str = "../../LICENSE";

/// Whether `link` (relative to `root`) is the crate's link to the workspace's `LICENSE` (on
/// systems without symbolic links, a copy of it).
fn license_link_ok(root: &Path, link: &Path) -> bool {
    let path = root.join(link);
    if cfg!(unix) {
        fs::read_link(&path).is_ok_and(|target| target == Path::new(LICENSE_TARGET))
    } else {
        fs::read(&path).ok() == fs::read(root.join("LICENSE")).ok()
    }
}

/// Makes `link` (relative to `root`) the crate's link to the workspace's `LICENSE`.
fn link_license(root: &Path, link: &Path) -> std::io::Result<()> {
    let path = root.join(link);
    if fs::symlink_metadata(&path).is_ok() {
        fs::remove_file(&path)?;
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(LICENSE_TARGET, &path)
    }
    #[cfg(not(unix))]
    {
        fs::copy(root.join("LICENSE"), &path).map(|_| ())
    }
}

/// Writes every generated file (or, with `check`, reports the ones that differ), and links
/// each product crate's `LICENSE` to the workspace's.
/// Returns the messages to print; `Err` means the run failed.
pub fn run(root: &Path, check: bool) -> Result<Vec<String>, Vec<String>> {
    let (files, crate_dirs) = generate_all(root)?;
    let stale = stale_files(root, &files, &crate_dirs);
    let mut out = Vec::new();
    let mut differ = Vec::new();
    for (rel, contents) in &files {
        let path = root.join(rel);
        let current = fs::read_to_string(&path).ok();
        if current.as_deref() == Some(contents.as_str()) {
            continue;
        }
        if check {
            differ.push(format!("{} is stale", rel.display()));
        } else {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)
                    .map_err(|e| vec![format!("{}: {e}", parent.display())])?;
            }
            fs::write(&path, contents).map_err(|e| vec![format!("{}: {e}", path.display())])?;
            out.push(format!("wrote {}", rel.display()));
        }
    }
    for rel in stale {
        if check {
            differ.push(format!(
                "{} is no longer generated by any spec",
                rel.display()
            ));
        } else {
            fs::remove_file(root.join(&rel))
                .map_err(|e| vec![format!("{}: {e}", rel.display())])?;
            out.push(format!("removed {}", rel.display()));
        }
    }
    for dir in &crate_dirs {
        let link = dir.join("LICENSE");
        if license_link_ok(root, &link) {
            continue;
        }
        if check {
            differ.push(format!(
                "{} is not a link to the workspace's LICENSE",
                link.display()
            ));
        } else {
            link_license(root, &link).map_err(|e| vec![format!("{}: {e}", link.display())])?;
            out.push(format!("linked {}", link.display()));
        }
    }
    if !differ.is_empty() {
        differ.push("run `cargo xtask codegen` and commit the result".into());
        return Err(differ);
    }
    out.push(format!("{} generated files are up to date", files.len()));
    Ok(out)
}
