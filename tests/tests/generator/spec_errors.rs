//! A corpus of malformed specs and the exact errors the loader reports for them.
//!
//! Each case is a complete small product under `tests/data/bad-specs/<case>/`:
//!
//! ```text
//! <case>/api-specs/demo/service.json
//! <case>/api-specs/demo/operations/*.json
//! <case>/expected.txt
//! ```
//!
//! The case folder is passed as the workspace `root` of `xtask::codegen::load_product`, so
//! the errors name files as `api-specs/demo/...`, exactly as they would read for a real
//! product. `expected.txt` holds the `Display` of every `SpecError`, one per line, in the
//! order the loader returns them (ending with one newline).
//!
//! Every case must be rejected (`Err`) with exactly those lines, and the loader must not panic
//! on any of them.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// The corpus must not shrink below this by accident.
const MIN_CASES: usize = 25;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/bad-specs")
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .expect("tests/data/bad-specs exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn case_name(dir: &Path) -> String {
    dir.file_name()
        .expect("case has a name")
        .to_string_lossy()
        .into_owned()
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// What loading one case gave: the joined error lines, or why that is not available.
fn load_case(dir: &Path) -> Result<String, String> {
    let product_dir = dir.join("api-specs/demo");
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        xtask::codegen::load_product(dir, &product_dir)
    }));
    match outcome {
        Err(payload) => Err(format!(
            "load_product panicked: {}",
            panic_message(payload.as_ref())
        )),
        Ok(Ok(product)) => Err(format!(
            "load_product accepted the spec ({} operations)",
            product.operations.len()
        )),
        Ok(Err(errors)) => Ok(errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

#[test]
fn corpus_is_large_enough_and_complete() {
    let cases = cases();
    assert!(
        cases.len() >= MIN_CASES,
        "only {} bad-spec cases, expected at least {MIN_CASES}",
        cases.len()
    );
    for dir in &cases {
        let name = case_name(dir);
        assert!(
            dir.join("expected.txt").is_file(),
            "case `{name}` has no expected.txt"
        );
        assert!(
            dir.join("api-specs/demo/service.json").is_file(),
            "case `{name}` has no api-specs/demo/service.json"
        );
    }
}

#[test]
fn every_bad_spec_is_rejected_with_the_expected_errors() {
    let mut failures = Vec::new();
    for dir in cases() {
        let name = case_name(&dir);
        let expected_path = dir.join("expected.txt");
        let Ok(expected) = fs::read_to_string(&expected_path) else {
            failures.push(format!("case `{name}`: cannot read expected.txt"));
            continue;
        };
        let expected = expected.strip_suffix('\n').unwrap_or(&expected);
        match load_case(&dir) {
            Err(why) => failures.push(format!("case `{name}`: {why}")),
            Ok(actual) if actual != expected => failures.push(format!(
                "case `{name}`: the errors differ\n--- expected.txt\n{expected}\n--- actual\n{actual}\n---"
            )),
            Ok(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} bad-spec case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_error_names_a_file_of_its_case() {
    // The loader names files relative to the root it is given; no absolute path may leak.
    for dir in cases() {
        let name = case_name(&dir);
        let Ok(actual) = load_case(&dir) else {
            continue; // reported by the test above
        };
        for line in actual.lines() {
            assert!(
                line.starts_with("api-specs/demo/"),
                "case `{name}`: the error does not name a spec file relative to the root: {line}"
            );
        }
    }
}
