//! The xtask binary works on the checkout it is invoked in, found at run time: run with
//! `CARGO_MANIFEST_DIR` naming another checkout's `xtask` folder (as `cargo run` does there), it
//! reads and writes that checkout, not the one it was built from.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

struct TempCheckout(PathBuf);

impl Drop for TempCheckout {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// A checkout with one small product (the `minimal` golden fixture) and an empty `xtask/`.
fn temp_checkout() -> TempCheckout {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    let root = std::env::temp_dir().join(format!("xtask-root-{}-{nanos}", std::process::id()));
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/golden/minimal/spec");
    copy_tree(&fixture, &root.join("api-specs/mini"));
    fs::create_dir_all(root.join("xtask")).expect("xtask folder");
    TempCheckout(root)
}

fn xtask(checkout: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("CARGO_MANIFEST_DIR", checkout.join("xtask"))
        .current_dir(checkout)
        .output()
        .expect("run xtask");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn codegen_works_on_the_checkout_named_at_run_time() {
    let checkout = temp_checkout();
    let root = &checkout.0;

    let (ok, text) = xtask(root, &["codegen", "--check"]);
    assert!(!ok, "nothing is generated yet, so --check fails: {text}");
    assert!(
        text.contains("crates/mini-sdk/src/lib.rs is stale"),
        "{text}"
    );
    assert!(
        !text.contains("alibabacloud-cas"),
        "read the build-time checkout: {text}"
    );

    let (ok, text) = xtask(root, &["codegen"]);
    assert!(ok, "{text}");
    assert!(root.join("crates/mini-sdk/src/lib.rs").is_file(), "{text}");
    assert!(root.join("crates/mini-sdk/Cargo.toml").is_file(), "{text}");

    let (ok, text) = xtask(root, &["codegen", "--check"]);
    assert!(ok, "{text}");
}

#[test]
fn a_folder_that_is_not_the_workspace_is_refused() {
    let checkout = temp_checkout();
    let elsewhere = checkout.0.join("xtask");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check"])
        .env("CARGO_MANIFEST_DIR", elsewhere.join("nested"))
        .output()
        .expect("run xtask");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("has no `api-specs` folder"), "{stderr}");
}
