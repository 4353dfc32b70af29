//! The one value model for request parameters.
//!
//! Every generated request writes itself into a [`Params`] list through [`ToParam`]:
//!
//! * scalars become one `Name=value` pair (integers in decimal, booleans as `true`/`false`);
//! * lists become `Name.1`, `Name.2`, … (1-based); an empty list sends nothing;
//! * objects inside lists become `Name.1.Key`; nesting composes (`A.2.B.1.C`);
//! * unset optional values (`None`) send nothing;
//! * parameters the service takes as one JSON string go through [`Params::push_json`].

use crate::error::ConstructionError;

/// The flattened business parameters of one request, in the order they were written.
///
/// Keys and values are kept unencoded; the signer sorts and percent-encodes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    entries: Vec<(String, String)>,
}

impl Params {
    /// An empty parameter list.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty parameter list with room for `n` entries.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            entries: Vec::with_capacity(n),
        }
    }

    /// Appends one `key=value` pair.
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.entries.push((key.into(), value.into()));
    }

    /// Writes `value` under `key` with the flattening rules of [`ToParam`].
    pub fn write<T: ToParam + ?Sized>(&mut self, key: &str, value: &T) {
        value.write_param(key, self);
    }

    /// Writes `value` as one compact JSON string under `key` (the catalog's `style: json`).
    ///
    /// `None` sends nothing.
    pub fn push_json<T: serde::Serialize>(
        &mut self,
        key: &str,
        value: Option<&T>,
    ) -> Result<(), ConstructionError> {
        if let Some(value) = value {
            let text = serde_json::to_string(value).map_err(|e| {
                ConstructionError::new(format!("parameter `{key}` cannot be encoded as JSON: {e}"))
            })?;
            self.push(key, text);
        }
        Ok(())
    }

    /// Writes a list of scalars as one comma-joined value under `key` (the catalog's
    /// `style: simple`, as in `ClusterIds=c1,c2`). `None` and an empty list send nothing.
    pub fn push_joined<T: ToParam>(&mut self, key: &str, items: Option<&[T]>) {
        let Some(items) = items.filter(|i| !i.is_empty()) else {
            return;
        };
        let mut scratch = Params::with_capacity(items.len());
        for item in items {
            item.write_param(key, &mut scratch);
        }
        let joined: Vec<String> = scratch.into_entries().into_iter().map(|(_, v)| v).collect();
        self.push(key, joined.join(","));
    }

    /// The pairs written so far.
    pub fn entries(&self) -> &[(String, String)] {
        &self.entries
    }

    /// Looks up the first value written under `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The number of pairs.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no pair was written.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Consumes the list, returning its pairs.
    pub fn into_entries(self) -> Vec<(String, String)> {
        self.entries
    }
}

/// A value that can be flattened into request parameters under a key.
///
/// Generated structures that travel as `Name.N.Field` implement this by writing each field
/// under `"{key}.{WireName}"`.
pub trait ToParam {
    /// Writes `self` under `key` into `out`.
    fn write_param(&self, key: &str, out: &mut Params);
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn write_param(&self, key: &str, out: &mut Params) {
                out.push(key, self.to_string());
            }
        }
    )*};
}
display_param!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, bool);

impl ToParam for str {
    fn write_param(&self, key: &str, out: &mut Params) {
        out.push(key, self);
    }
}

impl ToParam for String {
    fn write_param(&self, key: &str, out: &mut Params) {
        out.push(key, self.as_str());
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn write_param(&self, key: &str, out: &mut Params) {
        (**self).write_param(key, out);
    }
}

impl<T: ToParam> ToParam for Option<T> {
    fn write_param(&self, key: &str, out: &mut Params) {
        if let Some(v) = self {
            v.write_param(key, out);
        }
    }
}

impl<T: ToParam> ToParam for [T] {
    fn write_param(&self, key: &str, out: &mut Params) {
        for (i, item) in self.iter().enumerate() {
            item.write_param(&format!("{key}.{}", i + 1), out);
        }
    }
}

impl<T: ToParam> ToParam for Vec<T> {
    fn write_param(&self, key: &str, out: &mut Params) {
        self.as_slice().write_param(key, out);
    }
}

impl<V: ToParam> ToParam for std::collections::BTreeMap<String, V> {
    fn write_param(&self, key: &str, out: &mut Params) {
        for (k, v) in self {
            v.write_param(&format!("{key}.{k}"), out);
        }
    }
}

impl ToParam for serde_json::Value {
    fn write_param(&self, key: &str, out: &mut Params) {
        match self {
            serde_json::Value::Null => {}
            serde_json::Value::String(s) => out.push(key, s.as_str()),
            serde_json::Value::Array(items) => items.write_param(key, out),
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    v.write_param(&format!("{key}.{k}"), out);
                }
            }
            other => out.push(key, other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_lists_are_comma_joined() {
        let mut p = Params::new();
        p.push_joined(
            "ClusterIds",
            Some(&["c1".to_string(), "c2".to_string()][..]),
        );
        p.push_joined::<i64>("Empty", Some(&[]));
        p.push_joined::<i64>("Unset", None);
        p.push_joined("Numbers", Some(&[1i64, 2][..]));
        assert_eq!(
            p.entries(),
            &[
                ("ClusterIds".to_string(), "c1,c2".to_string()),
                ("Numbers".to_string(), "1,2".to_string())
            ]
        );
    }

    struct Tag {
        key: Option<String>,
        value: Option<String>,
    }
    impl ToParam for Tag {
        fn write_param(&self, key: &str, out: &mut Params) {
            out.write(&format!("{key}.Key"), &self.key);
            out.write(&format!("{key}.Value"), &self.value);
        }
    }
    struct Outer {
        inner: Vec<Tag>,
    }
    impl ToParam for Outer {
        fn write_param(&self, key: &str, out: &mut Params) {
            out.write(&format!("{key}.B"), &self.inner);
        }
    }

    #[test]
    fn scalars_lists_and_nesting() {
        let mut p = Params::new();
        p.write("OrderId", &123451222_i64);
        p.write("Flag", &true);
        p.write("Unset", &None::<String>);
        p.write("Empty", &Vec::<String>::new());
        p.write("Ids", &vec![1_i32, 2]);
        p.write(
            "Tag",
            &vec![
                Tag {
                    key: Some("k".into()),
                    value: None,
                },
                Tag {
                    key: None,
                    value: Some("v".into()),
                },
            ],
        );
        p.write(
            "A",
            &vec![
                Outer { inner: vec![] },
                Outer {
                    inner: vec![Tag {
                        key: Some("x".into()),
                        value: None,
                    }],
                },
            ],
        );
        let got: Vec<(&str, &str)> = p
            .entries()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("OrderId", "123451222"),
                ("Flag", "true"),
                ("Ids.1", "1"),
                ("Ids.2", "2"),
                ("Tag.1.Key", "k"),
                ("Tag.2.Value", "v"),
                ("A.2.B.1.Key", "x"),
            ]
        );
    }

    #[test]
    fn json_parameters_are_compact() {
        let mut p = Params::new();
        p.push_json("CertIds", Some(&vec![1_i64, 2, 3])).unwrap();
        p.push_json("Config", Some(&serde_json::json!({"a": [1, "b c"]})))
            .unwrap();
        p.push_json::<Vec<i64>>("Unset", None).unwrap();
        assert_eq!(p.get("CertIds"), Some("[1,2,3]"));
        assert_eq!(p.get("Config"), Some(r#"{"a":[1,"b c"]}"#));
        assert_eq!(p.len(), 2);
    }
}
