//! Finding the workspace the xtask works on, at run time.
//!
//! The root is never baked in at build time (`env!("CARGO_MANIFEST_DIR")`): with a target
//! directory shared by two checkouts, one checkout's binary would then read and write the other
//! checkout's files. `cargo xtask` is `cargo run -p xtask`, and `cargo run` sets
//! `CARGO_MANIFEST_DIR` for the process to the manifest folder of the checkout it was invoked
//! in; without it (the binary run by hand), `cargo locate-project --workspace` answers.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root of the checkout this xtask was invoked in.
///
/// Reads `CARGO_MANIFEST_DIR` at run time (the xtask's own folder, one level below the root);
/// when it is not set, asks `cargo locate-project --workspace`. The answer must contain an
/// `api-specs` folder.
pub fn root() -> Result<PathBuf, String> {
    let root = match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => root_from_manifest_dir(dir)?,
        None => locate_project()?,
    };
    check_root(&root)?;
    Ok(root)
}

/// The workspace root for the xtask manifest folder `dir` (its parent).
pub fn root_from_manifest_dir(dir: OsString) -> Result<PathBuf, String> {
    let dir = PathBuf::from(dir);
    dir.parent().map(Path::to_path_buf).ok_or_else(|| {
        format!(
            "CARGO_MANIFEST_DIR is `{}`, which has no parent folder",
            dir.display()
        )
    })
}

/// Asks cargo for the workspace manifest of the current folder.
fn locate_project() -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let output = Command::new(&cargo)
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .map_err(|e| {
            format!("CARGO_MANIFEST_DIR is not set and `cargo locate-project` could not run: {e}")
        })?;
    if !output.status.success() {
        return Err(format!(
            "CARGO_MANIFEST_DIR is not set and `cargo locate-project --workspace` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    manifest.parent().map(Path::to_path_buf).ok_or_else(|| {
        format!(
            "`cargo locate-project` answered `{}`, which has no parent folder",
            manifest.display()
        )
    })
}

/// Fails unless `root` has the `api-specs` folder the generator reads.
pub fn check_root(root: &Path) -> Result<(), String> {
    if root.join("api-specs").is_dir() {
        Ok(())
    } else {
        Err(format!(
            "{} is not the SDK workspace: it has no `api-specs` folder",
            root.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_the_parent_of_the_manifest_dir() {
        assert_eq!(
            root_from_manifest_dir(OsString::from("/a/checkout/xtask")).unwrap(),
            PathBuf::from("/a/checkout")
        );
        assert!(root_from_manifest_dir(OsString::from("/")).is_err());
    }

    #[test]
    fn a_folder_without_specs_is_refused_by_name() {
        let err = check_root(Path::new("/nonexistent/checkout")).unwrap_err();
        assert!(err.contains("/nonexistent/checkout"), "{err}");
        assert!(err.contains("api-specs"), "{err}");
    }
}
