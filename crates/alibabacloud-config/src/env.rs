//! Where the loader reads environment variables: the process, or a map given by a test.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// The environment the loader reads: the process's variables ([`Env::process`], the default)
/// or a fixed map ([`Env::from_vars`]), so tests never change the process environment and can
/// run in parallel.
///
/// An empty value counts as unset, as in the official libraries. `Debug` prints the variable
/// names only, never their values.
#[derive(Clone, Default)]
pub struct Env {
    vars: Option<Arc<HashMap<String, String>>>,
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.vars {
            None => f.write_str("Env(process)"),
            Some(vars) => {
                let mut names: Vec<&str> = vars.keys().map(String::as_str).collect();
                names.sort_unstable();
                f.debug_tuple("Env").field(&names).finish()
            }
        }
    }
}

impl Env {
    /// The process's environment variables, read when needed.
    pub fn process() -> Self {
        Self { vars: None }
    }

    /// Exactly these variables and no others (`HOME` included: set it to a temporary
    /// directory in tests).
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            vars: Some(Arc::new(
                vars.into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            )),
        }
    }

    /// The variable's value, `None` when unset or empty.
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.vars {
            None => std::env::var(name).ok(),
            Some(vars) => vars.get(name).cloned(),
        };
        value.filter(|v| !v.is_empty())
    }

    /// Whether the variable is `true` (any case), as the official libraries test switches.
    pub fn is_true(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    /// The home directory: `HOME`, else `USERPROFILE` (Windows).
    pub fn home_dir(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .map(PathBuf::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_are_unset_and_debug_shows_names_only() {
        let env = Env::from_vars([("A", ""), ("B", "s3cr3t"), ("SWITCH", "TRUE")]);
        assert_eq!(env.get("A"), None);
        assert_eq!(env.get("B").as_deref(), Some("s3cr3t"));
        assert_eq!(env.get("C"), None);
        assert!(env.is_true("SWITCH"));
        assert!(!env.is_true("B"));
        let dbg = format!("{env:?}");
        assert!(dbg.contains("\"B\"") && !dbg.contains("s3cr3t"), "{dbg}");
    }
}
