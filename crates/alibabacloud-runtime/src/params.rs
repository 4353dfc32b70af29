//! The one value model for request parameters.
//!
//! Every generated request writes itself into a [`Params`] list through [`ToParam`]:
//!
//! * scalars become one `Name=value` pair (integers in decimal, booleans as `true`/`false`);
//! * lists become `Name.1`, `Name.2`, … (1-based); an empty list sends nothing;
//! * objects inside lists become `Name.1.Key`; nesting composes (`A.2.B.1.C`);
//! * unset optional values (`None`) send nothing;
//! * parameters the service takes as one JSON string go through [`Params::push_json`].

use std::fmt::Write as _;

use crate::error::ConstructionError;

/// The flattened business parameters of one request, in the order they were written.
///
/// Keys and values are kept unencoded; the signer sorts and percent-encodes them. All keys and
/// values live back to back in one text buffer, so a request's parameters cost two allocations
/// (the text and the entry list) however many there are.
#[derive(Clone, Default)]
pub struct Params {
    text: String,
    entries: Vec<Entry>,
}

/// Where one pair lives in `Params::text`: the key is `start..key_end`, the value
/// `key_end..value_end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    start: usize,
    key_end: usize,
    value_end: usize,
}

impl Params {
    /// An empty parameter list.
    pub const fn new() -> Self {
        Self {
            text: String::new(),
            entries: Vec::new(),
        }
    }

    /// An empty parameter list with room for `n` entries (and their text, at a typical length).
    pub fn with_capacity(n: usize) -> Self {
        Self {
            text: String::with_capacity(n * 24),
            entries: Vec::with_capacity(n),
        }
    }

    /// The pairs of `pairs`, in order.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Self {
        let mut params = Self::with_capacity(pairs.len());
        for (k, v) in pairs {
            params.push(k.as_ref(), v.as_ref());
        }
        params
    }

    /// Appends one `key=value` pair.
    pub fn push(&mut self, key: impl AsRef<str>, value: impl AsRef<str>) {
        let start = self.text.len();
        self.text.push_str(key.as_ref());
        let key_end = self.text.len();
        self.text.push_str(value.as_ref());
        self.entries.push(Entry {
            start,
            key_end,
            value_end: self.text.len(),
        });
    }

    /// Appends `key` with `value` written by its `Display` implementation, without an
    /// intermediate `String`.
    pub fn push_display(&mut self, key: &str, value: &dyn std::fmt::Display) {
        let start = self.text.len();
        self.text.push_str(key);
        let key_end = self.text.len();
        // Writing into a `String` cannot fail.
        let _ = write!(self.text, "{value}");
        self.entries.push(Entry {
            start,
            key_end,
            value_end: self.text.len(),
        });
    }

    /// Writes `value` under `key` with the flattening rules of [`ToParam`].
    pub fn write<T: ToParam + ?Sized>(&mut self, key: &str, value: &T) {
        value.write_param(key, self);
    }

    /// Writes `value` under `"{key}.{member}"`, the key of a field of a structure inside a
    /// list. The joined key is built on the stack, not allocated.
    pub fn write_member<T: ToParam + ?Sized>(&mut self, key: &str, member: &str, value: &T) {
        let mut joined = KeyBuf::new(key);
        joined.push_str(".");
        joined.push_str(member);
        value.write_param(joined.as_str(), self);
    }

    /// Writes `value` as one compact JSON string under `key` (the catalog's `style: json`).
    ///
    /// `None` sends nothing.
    pub fn push_json<T: serde::Serialize>(
        &mut self,
        key: &str,
        value: Option<&T>,
    ) -> Result<(), ConstructionError> {
        let Some(value) = value else {
            return Ok(());
        };
        let start = self.text.len();
        self.text.push_str(key);
        let key_end = self.text.len();
        let written = serde_json::to_writer(
            TextWriter {
                text: &mut self.text,
            },
            value,
        );
        if let Err(e) = written {
            self.text.truncate(start);
            return Err(ConstructionError::new(format!(
                "parameter `{key}` cannot be encoded as JSON: {e}"
            )));
        }
        self.entries.push(Entry {
            start,
            key_end,
            value_end: self.text.len(),
        });
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
        let joined = scratch
            .entries()
            .map(|(_, v)| v)
            .collect::<Vec<_>>()
            .join(",");
        self.push(key, joined);
    }

    fn pair(&self, e: &Entry) -> (&str, &str) {
        (
            self.text.get(e.start..e.key_end).unwrap_or_default(),
            self.text.get(e.key_end..e.value_end).unwrap_or_default(),
        )
    }

    /// The pairs written so far, in order.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + Clone + '_ {
        self.entries.iter().map(|e| self.pair(e))
    }

    /// The pair at `index`, in the order written (or sorted, after [`Params::sort`]).
    pub fn get_index(&self, index: usize) -> Option<(&str, &str)> {
        self.entries.get(index).map(|e| self.pair(e))
    }

    /// Looks up the first value written under `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The number of pairs.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The total length of all keys and values.
    pub(crate) fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Whether no pair was written.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sorts the pairs by key, then value, in byte order: the order both signatures need.
    /// Signing sorted parameters needs no extra allocation.
    pub fn sort(&mut self) {
        let text = &self.text;
        let pair = |e: &Entry| {
            (
                text.get(e.start..e.key_end).unwrap_or_default(),
                text.get(e.key_end..e.value_end).unwrap_or_default(),
            )
        };
        self.entries.sort_unstable_by(|a, b| pair(a).cmp(&pair(b)));
    }

    /// Whether the pairs are in [`Params::sort`] order.
    pub fn is_sorted(&self) -> bool {
        self.entries
            .windows(2)
            .all(|w| self.pair(&w[0]) <= self.pair(&w[1]))
    }

    /// Consumes the list, returning its pairs.
    pub fn into_entries(self) -> Vec<(String, String)> {
        self.entries()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}

impl std::fmt::Debug for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.entries()).finish()
    }
}

impl PartialEq for Params {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.entries().eq(other.entries())
    }
}

impl Eq for Params {}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for Params {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut params = Self::new();
        for (k, v) in iter {
            params.push(k, v);
        }
        params
    }
}

/// Lets `serde_json` write straight into the text buffer.
struct TextWriter<'a> {
    text: &'a mut String,
}

impl std::io::Write for TextWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // serde_json writes whole UTF-8 sequences (escapes are ASCII), so each piece is text.
        let piece = std::str::from_utf8(buf)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        self.text.push_str(piece);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A parameter key assembled on the stack (`Tags.3.Key`), falling back to the heap only for
/// keys longer than any real one.
struct KeyBuf {
    inline: [u8; 120],
    len: usize,
    heap: Option<String>,
}

impl KeyBuf {
    fn new(start: &str) -> Self {
        let mut key = Self {
            inline: [0; 120],
            len: 0,
            heap: None,
        };
        key.push_str(start);
        key
    }

    fn push_str(&mut self, s: &str) {
        if let Some(heap) = &mut self.heap {
            heap.push_str(s);
            return;
        }
        let end = self.len + s.len();
        match self.inline.get_mut(self.len..end) {
            Some(slot) => {
                slot.copy_from_slice(s.as_bytes());
                self.len = end;
            }
            None => {
                let mut heap = String::with_capacity(end * 2);
                heap.push_str(self.as_str());
                heap.push_str(s);
                self.heap = Some(heap);
            }
        }
    }

    fn push_index(&mut self, n: usize) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut n = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        // ASCII digits are valid UTF-8.
        self.push_str(std::str::from_utf8(&digits[i..]).unwrap_or_default());
    }

    fn truncate(&mut self, len: usize) {
        match &mut self.heap {
            Some(heap) => heap.truncate(len),
            None => self.len = len.min(self.len),
        }
    }

    fn len(&self) -> usize {
        match &self.heap {
            Some(heap) => heap.len(),
            None => self.len,
        }
    }

    fn as_str(&self) -> &str {
        match &self.heap {
            Some(heap) => heap,
            // Only whole `&str`s are ever copied in, so the bytes are UTF-8.
            None => std::str::from_utf8(&self.inline[..self.len]).unwrap_or_default(),
        }
    }
}

/// A value that can be flattened into request parameters under a key.
///
/// Generated structures that travel as `Name.N.Field` implement this by writing each field
/// with [`Params::write_member`].
pub trait ToParam {
    /// Writes `self` under `key` into `out`.
    fn write_param(&self, key: &str, out: &mut Params);
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn write_param(&self, key: &str, out: &mut Params) {
                out.push_display(key, self);
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
        // One stack buffer for every item's key: `key.1`, `key.2`, ...
        let mut item_key = KeyBuf::new(key);
        item_key.push_str(".");
        let prefix = item_key.len();
        for (i, item) in self.iter().enumerate() {
            item_key.truncate(prefix);
            item_key.push_index(i + 1);
            item.write_param(item_key.as_str(), out);
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
            out.write_member(key, k, v);
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
                    out.write_member(key, k, v);
                }
            }
            serde_json::Value::Bool(b) => out.push_display(key, b),
            serde_json::Value::Number(n) => out.push_display(key, n),
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
            p.entries().collect::<Vec<_>>(),
            [("ClusterIds", "c1,c2"), ("Numbers", "1,2")]
        );
    }

    struct Tag {
        key: Option<String>,
        value: Option<String>,
    }
    impl ToParam for Tag {
        fn write_param(&self, key: &str, out: &mut Params) {
            out.write_member(key, "Key", &self.key);
            out.write_member(key, "Value", &self.value);
        }
    }
    struct Outer {
        inner: Vec<Tag>,
    }
    impl ToParam for Outer {
        fn write_param(&self, key: &str, out: &mut Params) {
            out.write_member(key, "B", &self.inner);
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
        let got: Vec<(&str, &str)> = p.entries().collect();
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
