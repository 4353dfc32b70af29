//! The committed generated crates must match what `api-specs/` gives, so `cargo test` fails
//! when someone edits a spec (or the generator) without running `cargo xtask codegen`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A scratch workspace under the system temp dir, removed on drop (also when a test fails).
struct TempRoot(PathBuf);

impl TempRoot {
    fn new(tag: &str) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir = std::env::temp_dir().join(format!(
            "alibabacloud-codegen-{tag}-{}-{nanos}",
            std::process::id()
        ));
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        TempRoot(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("readable entry");
        let src = entry.path();
        let dst = to.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            copy_tree(&src, &dst);
        } else if kind.is_symlink() {
            // The crates' LICENSE links: copied as links, as the check expects them.
            let target = fs::read_link(&src).expect("link target");
            #[cfg(unix)]
            std::os::unix::fs::symlink(&target, &dst)
                .unwrap_or_else(|e| panic!("{}: {e}", dst.display()));
            #[cfg(not(unix))]
            fs::copy(src.parent().expect("parent").join(&target), &dst)
                .unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        } else {
            fs::copy(&src, &dst).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        }
    }
}

/// Copies `api-specs/` and every generated product crate it names into `tmp`.
fn copy_workspace_specs(tmp: &Path) {
    let root = workspace_root();
    copy_tree(&root.join("api-specs"), &tmp.join("api-specs"));
    let mut product_dirs: Vec<PathBuf> = fs::read_dir(root.join("api-specs"))
        .expect("api-specs exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.join("service.json").is_file())
        .collect();
    product_dirs.sort();
    assert!(!product_dirs.is_empty(), "api-specs has no product");
    for dir in product_dirs {
        let product = xtask::codegen::load_product(&root, &dir)
            .unwrap_or_else(|e| panic!("{} does not load: {e:?}", dir.display()));
        let krate = Path::new("crates").join(&product.service.crate_name);
        copy_tree(&root.join(&krate), &tmp.join(&krate));
    }
    // The shared every-operation harness is generated from all products.
    let harness = Path::new(xtask::emit::every_operation::CRATE_DIR);
    copy_tree(&root.join(harness), &tmp.join(harness));
    // So is the emulator's operation table.
    let table = Path::new(xtask::emit::emulator_table::TABLE_DIR);
    copy_tree(&root.join(table), &tmp.join(table));
}

/// Replaces the `summary` of one operation spec, keeping the rest of the file as it is.
fn change_summary(spec: &Path, new_summary: &str) {
    let text = fs::read_to_string(spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let value: serde_json::Value = serde_json::from_str(&text).expect("the spec is JSON");
    let old = value["summary"].as_str().expect("the spec has a summary");
    let old_json = serde_json::to_string(old).expect("a string serializes");
    let new_json = serde_json::to_string(new_summary).expect("a string serializes");
    assert!(
        text.contains(&old_json),
        "cannot find the summary text in {}",
        spec.display()
    );
    fs::write(spec, text.replacen(&old_json, &new_json, 1))
        .unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
}

#[test]
fn committed_generated_code_is_fresh() {
    let root = workspace_root();
    if let Err(lines) = xtask::codegen::run(&root, true) {
        panic!(
            "the generated crates are stale; run `cargo xtask codegen`:\n{}",
            lines.join("\n")
        );
    }
}

#[test]
fn check_reports_a_stale_file_after_a_spec_edit() {
    let tmp = TempRoot::new("fresh");
    copy_workspace_specs(tmp.path());

    // The untouched copy is fresh.
    let before = xtask::codegen::run(tmp.path(), true);
    assert!(
        before.is_ok(),
        "the untouched copy is not fresh: {before:?}"
    );

    change_summary(
        &tmp.path()
            .join("api-specs/cas/operations/DeleteCertificateRequest.json"),
        "Deletes a certificate order (summary edited by codegen_fresh.rs).",
    );
    let lines = match xtask::codegen::run(tmp.path(), true) {
        Ok(lines) => panic!("check passed after a spec edit: {lines:?}"),
        Err(lines) => lines,
    };
    let text = lines.join("\n");
    for stale in [
        "crates/alibabacloud-cas/src/operation/delete_certificate_request.rs is stale",
        // The crate root lists every operation with its summary.
        "crates/alibabacloud-cas/src/lib.rs is stale",
    ] {
        assert!(lines.iter().any(|l| l == stale), "no `{stale}` in:\n{text}");
    }
    assert!(
        text.contains("run `cargo xtask codegen`"),
        "the check does not say how to fix it:\n{text}"
    );
    // Nothing else changed, so nothing else is reported.
    assert_eq!(lines.len(), 3, "unexpected lines:\n{text}");
    // Check mode must not write.
    assert!(xtask::codegen::run(tmp.path(), true).is_err());

    // Regenerating fixes it.
    let wrote = xtask::codegen::run(tmp.path(), false).expect("codegen writes");
    assert!(
        wrote
            .iter()
            .any(|l| l
                == "wrote crates/alibabacloud-cas/src/operation/delete_certificate_request.rs"),
        "{wrote:?}"
    );
    let after = xtask::codegen::run(tmp.path(), true);
    assert!(after.is_ok(), "still stale after regenerating: {after:?}");
}

#[test]
fn check_reports_a_file_whose_spec_was_removed() {
    let tmp = TempRoot::new("removed");
    copy_workspace_specs(tmp.path());
    fs::remove_file(
        tmp.path()
            .join("api-specs/cas/operations/DeleteCertificateRequest.json"),
    )
    .expect("the spec exists");
    let lines = match xtask::codegen::run(tmp.path(), true) {
        Ok(lines) => panic!("check passed after removing a spec: {lines:?}"),
        Err(lines) => lines,
    };
    let gone = "crates/alibabacloud-cas/src/operation/delete_certificate_request.rs is no longer generated by any spec";
    assert!(
        lines.iter().any(|l| l == gone),
        "no `{gone}` in:\n{}",
        lines.join("\n")
    );
}
