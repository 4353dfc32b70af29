//! Reading configuration files with errors that name the file.

use std::path::Path;

/// The largest configuration or token file read (1 MiB): real ones are a few KiB.
const MAX_FILE: u64 = 1024 * 1024;

/// Whether something exists at `path` (a broken link does not).
pub(crate) fn exists(path: &Path) -> bool {
    path.metadata().is_ok()
}

/// The file's text. Errors start with the path: `<path> is a directory`, `<path>: cannot
/// read: <reason>`, `<path>: not UTF-8`.
pub(crate) fn read_text(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let meta = path
        .metadata()
        .map_err(|e| format!("{shown}: cannot read: {}", io_reason(&e)))?;
    if meta.is_dir() {
        return Err(format!("{shown} is a directory, not a file"));
    }
    if meta.len() > MAX_FILE {
        return Err(format!(
            "{shown} is larger than {MAX_FILE} bytes; it is not a configuration file"
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| format!("{shown}: cannot read: {}", io_reason(&e)))?;
    String::from_utf8(bytes).map_err(|_| format!("{shown}: not UTF-8 text"))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}
