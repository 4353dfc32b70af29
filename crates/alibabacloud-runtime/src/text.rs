//! Safe handling of text that came from a server: bounding its length and escaping control
//! characters before it is printed.
//!
//! A server (or anything pretending to be one) chooses the bytes of an error code, message or
//! body. Printed raw, a CR/LF forges a log line and an ANSI escape rewrites a terminal; kept
//! whole, a 256 MB message is 256 MB of memory. Errors keep at most a bounded prefix
//! ([`bounded`]) and print it through [`Escaped`].

use std::fmt;

/// Displays a string with control characters (C0, DEL, C1) and the Unicode bidirectional
/// overrides escaped as `\n`, `\r`, `\t` or `\u{..}`, so printing it can neither start a new
/// log line nor send a terminal escape sequence. Everything else is written as is.
#[derive(Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

/// Whether `c` must not reach a log or terminal raw.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let mut start = 0;
        for (i, c) in s.char_indices() {
            if needs_escape(c) {
                f.write_str(&s[start..i])?;
                match c {
                    '\n' => f.write_str("\\n")?,
                    '\r' => f.write_str("\\r")?,
                    '\t' => f.write_str("\\t")?,
                    other => write!(f, "\\u{{{:x}}}", other as u32)?,
                }
                start = i + c.len_utf8();
            }
        }
        f.write_str(&s[start..])
    }
}

impl fmt::Debug for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

/// The longest prefix of `s` that is at most `limit` bytes and ends on a character boundary.
#[inline]
pub fn prefix(s: &str, limit: usize) -> &str {
    if s.len() <= limit {
        return s;
    }
    let mut cut = limit;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    &s[..cut]
}

/// An owned copy of at most `limit` bytes of `s` (cut on a character boundary), with `…`
/// appended when something was cut. Never copies more than `limit` bytes.
#[inline]
pub fn bounded(s: &str, limit: usize) -> String {
    let kept = prefix(s, limit);
    if kept.len() == s.len() {
        return s.to_owned();
    }
    let mut out = String::with_capacity(kept.len() + '…'.len_utf8());
    out.push_str(kept);
    out.push('…');
    out
}

/// Like [`bounded`] for bytes that may not be UTF-8: invalid sequences become U+FFFD.
pub fn bounded_lossy(bytes: &[u8], limit: usize) -> String {
    let head = &bytes[..bytes.len().min(limit)];
    let mut out = match std::str::from_utf8(head) {
        // The usual case, valid UTF-8: validated word by word, copied once.
        Ok(text) => text.to_owned(),
        // Valid but for a character the limit cut in two: keep the whole characters before it.
        Err(e) if e.error_len().is_none() => {
            String::from_utf8_lossy(&head[..e.valid_up_to()]).into_owned()
        }
        Err(_) => match String::from_utf8_lossy(head) {
            std::borrow::Cow::Owned(owned) if owned.len() <= limit => owned,
            text => bounded(&text, limit),
        },
    };
    if bytes.len() > limit && !out.ends_with('…') {
        out.push('…');
    }
    out
}

/// A JSON scalar read as bounded text: a string keeps at most `LIMIT` bytes (see [`bounded`]),
/// a number or boolean its JSON spelling; `null`, objects and arrays read as `None` (and are
/// skipped without being kept). Lets an error envelope be decoded without copying a huge field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BoundedText<const LIMIT: usize>(pub Option<String>);

impl<'de, const LIMIT: usize> serde::Deserialize<'de> for BoundedText<LIMIT> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<const L: usize>;
        impl<'de, const L: usize> serde::de::Visitor<'de> for Visitor<L> {
            type Value = BoundedText<L>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(BoundedText(Some(bounded(v, L))))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(BoundedText(Some(v.to_string())))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(BoundedText(Some(v.to_string())))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(BoundedText(Some(v.to_string())))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(BoundedText(Some(v.to_string())))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(BoundedText(None))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(BoundedText(None))
            }
            fn visit_some<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(BoundedText(None))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(BoundedText(None))
            }
        }
        deserializer.deserialize_any(Visitor::<LIMIT>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_line_breaks_and_terminal_sequences() {
        let forged = "Throttling\r\n2026-01-01 INFO fake line\u{1b}[31mred\u{7f}\u{202e}";
        let shown = Escaped(forged).to_string();
        assert_eq!(
            shown,
            "Throttling\\r\\n2026-01-01 INFO fake line\\u{1b}[31mred\\u{7f}\\u{202e}"
        );
        assert!(!shown.chars().any(needs_escape));
        assert_eq!(Escaped("plain é 😀").to_string(), "plain é 😀");
    }

    #[test]
    fn bounds_on_character_boundaries() {
        assert_eq!(bounded("abc", 3), "abc");
        assert_eq!(bounded("abcd", 3), "abc…");
        assert_eq!(bounded("ééé", 3), "é…");
        assert_eq!(prefix("ééé", 1), "");
        assert_eq!(bounded_lossy(&[b'a', 0xff, b'b'], 10), "a\u{fffd}b");
        assert_eq!(bounded_lossy(&[b'a'; 10], 4), "aaaa…");
        // A multi-byte character cut by the byte limit is dropped, not split.
        let e = "é".as_bytes();
        assert_eq!(bounded_lossy(&[b'a', e[0], e[1]], 2), "a…");
        assert_eq!(bounded_lossy("aé".as_bytes(), 3), "aé");
        // Invalid bytes before the limit are replaced; the text still ends at the limit.
        assert_eq!(bounded_lossy(&[0xff, b'b', b'c', b'd'], 3), "\u{fffd}…");
    }

    #[test]
    fn bounded_text_reads_scalars_and_skips_the_rest() {
        let read = |json: &str| serde_json::from_str::<BoundedText<4>>(json).map(|t| t.0);
        assert_eq!(read(r#""abcdef""#).ok(), Some(Some("abcd…".to_string())));
        assert_eq!(read(r#""a\nb""#).ok(), Some(Some("a\nb".to_string())));
        assert_eq!(read("12").ok(), Some(Some("12".to_string())));
        assert_eq!(read("null").ok(), Some(None));
        assert_eq!(read(r#"{"a":[1,{"b":2}]}"#).ok(), Some(None));
        assert_eq!(read("[1,2]").ok(), Some(None));
    }
}
