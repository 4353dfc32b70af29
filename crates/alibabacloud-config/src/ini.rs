//! A small INI reader for the credentials file: `[section]`, `key = value`, `#`/`;` comments.
//!
//! Errors name the file and the line, never the line's content (it may hold a secret).

use std::collections::BTreeMap;
use std::path::Path;

/// The sections of an INI file, each a map of keys to values.
#[derive(Default)]
pub(crate) struct Ini {
    sections: BTreeMap<String, BTreeMap<String, String>>,
}

/// Section and key names only: values hold secrets.
impl std::fmt::Debug for Ini {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: BTreeMap<&str, Vec<&str>> = self
            .sections
            .iter()
            .map(|(name, keys)| (name.as_str(), keys.keys().map(String::as_str).collect()))
            .collect();
        f.debug_tuple("Ini").field(&keys).finish()
    }
}

impl Ini {
    /// Parses `text` read from `path`.
    pub(crate) fn parse(path: &Path, text: &str) -> Result<Self, String> {
        let mut ini = Ini::default();
        let mut current: Option<String> = None;
        for (index, raw) in text.lines().enumerate() {
            let line_no = index + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(rest) = line.strip_prefix('[') {
                let name = rest.strip_suffix(']').map(str::trim).ok_or_else(|| {
                    format!(
                        "{}:{line_no}: a section header must end with `]`",
                        path.display()
                    )
                })?;
                if name.is_empty() {
                    return Err(format!("{}:{line_no}: empty section name", path.display()));
                }
                ini.sections.entry(name.to_string()).or_default();
                current = Some(name.to_string());
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(format!(
                    "{}:{line_no}: expected `key = value` or `[section]`",
                    path.display()
                ));
            };
            let key = key.trim();
            if key.is_empty() {
                return Err(format!("{}:{line_no}: a key is empty", path.display()));
            }
            let Some(section) = &current else {
                return Err(format!(
                    "{}:{line_no}: key `{key}` before any `[section]`",
                    path.display()
                ));
            };
            ini.sections
                .entry(section.clone())
                .or_default()
                .insert(key.to_string(), unquote(value.trim()).to_string());
        }
        Ok(ini)
    }

    /// The keys of a section.
    pub(crate) fn section(&self, name: &str) -> Option<&BTreeMap<String, String>> {
        self.sections.get(name)
    }
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keys_comments_and_quotes() {
        let text = "# top\n[default]\nenable = true\n type=access_key \naccess_key_id = \"id\"\n; c\n[other]\nx='y'\n";
        let ini = Ini::parse(Path::new("f"), text).unwrap();
        let d = ini.section("default").unwrap();
        assert_eq!(d["enable"], "true");
        assert_eq!(d["type"], "access_key");
        assert_eq!(d["access_key_id"], "id");
        assert_eq!(ini.section("other").unwrap()["x"], "y");
        let dbg = format!("{ini:?}");
        assert!(
            dbg.contains("access_key_id") && !dbg.contains("\"id\""),
            "{dbg}"
        );
    }

    #[test]
    fn errors_name_the_line_but_never_its_content() {
        let err =
            Ini::parse(Path::new("/h/creds"), "[default]\nsecret-without-equals\n").unwrap_err();
        assert_eq!(err, "/h/creds:2: expected `key = value` or `[section]`");
        let err = Ini::parse(Path::new("/h/creds"), "k = v\n").unwrap_err();
        assert_eq!(err, "/h/creds:1: key `k` before any `[section]`");
        let err = Ini::parse(Path::new("/h/creds"), "[default\n").unwrap_err();
        assert!(err.starts_with("/h/creds:1:"), "{err}");
    }
}
