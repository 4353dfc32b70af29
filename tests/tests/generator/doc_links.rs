//! Generated rustdoc links are intra-doc links rustdoc resolves. A destination written as an
//! absolute path (`[x](::alibabacloud_runtime::…)`) is not resolved: rustdoc renders it as the
//! URL `href="::alibabacloud_runtime::…"`, a broken link that `-D warnings` does not catch. CI
//! also checks the built HTML (`.ci/run`).

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `(line number, destination)` of every Markdown link in a doc comment whose destination
/// starts with `::`.
fn absolute_path_links(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let doc = line.trim_start();
        if !(doc.starts_with("///") || doc.starts_with("//!") || doc.starts_with("#[doc")) {
            continue;
        }
        let mut rest = doc;
        while let Some(at) = rest.find("](") {
            let dest = &rest[at + 2..];
            let end = dest.find(')').unwrap_or(dest.len());
            if dest.starts_with("::") {
                found.push((n + 1, dest[..end].to_string()));
            }
            rest = &dest[end..];
        }
    }
    found
}

#[test]
fn the_scan_finds_an_absolute_path_link() {
    let bad = "/// stops with [`Failed`](::alibabacloud_runtime::waiter::WaiterError::Failed).";
    assert_eq!(
        absolute_path_links(bad),
        vec![(
            1,
            "::alibabacloud_runtime::waiter::WaiterError::Failed".to_string()
        )]
    );
    assert!(absolute_path_links("/// [`Failed`](crate::runtime::waiter::WaiterError)").is_empty());
    assert!(absolute_path_links("let x = f(::std::mem::take(y));").is_empty());
}

#[test]
fn doc_links_are_not_absolute_paths() {
    let tests_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(
        &tests_dir.join("../crates/alibabacloud-cas/src"),
        &mut files,
    );
    rust_files(&tests_dir.join("data/golden"), &mut files);
    assert!(files.len() > 80, "found only {} files", files.len());
    let mut bad = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).expect("readable");
        for (line, dest) in absolute_path_links(&text) {
            bad.push(format!("{}:{line}: {dest}", file.display()));
        }
    }
    assert!(
        bad.is_empty(),
        "links rustdoc cannot resolve:\n{}",
        bad.join("\n")
    );
}
