//! Percent-encoding exactly as Alibaba Cloud's signature schemes require.
//!
//! Only `A-Z a-z 0-9 - _ . ~` stay literal; every other UTF-8 byte becomes `%XX` with
//! uppercase hex. So a space is `%20` (never `+`), `*` is `%2A` and `~` stays `~`.
//! Form bodies ([`form_urlencode`]) are the one exception: there a space is `+`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// The bytes that are encoded: everything except the RFC 3986 unreserved set.
const ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes `input` for use in a canonical query or string to sign.
pub fn percent_encode(input: &str) -> String {
    utf8_percent_encode(input, ENCODE_SET).to_string()
}

/// Which bytes stay literal (`A-Z a-z 0-9 - _ . ~`), as a table: this runs for every byte of
/// every signed request.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~');
        b += 1;
    }
    table
};

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Whether `b` stays literal (`A-Z a-z 0-9 - _ . ~`).
#[inline]
pub(crate) fn is_unreserved(b: u8) -> bool {
    UNRESERVED[b as usize]
}

/// Appends the percent-encoding of `input` to `out` without an intermediate allocation.
///
/// Runs of literal bytes are copied in one go; every other byte becomes `%XX`.
pub fn percent_encode_into(out: &mut String, input: &str) {
    let bytes = input.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if UNRESERVED[b as usize] {
            continue;
        }
        if run < i {
            // A run of unreserved bytes is ASCII, so it starts and ends on character
            // boundaries: `get` checks two bytes instead of decoding the run.
            out.push_str(input.get(run..i).unwrap_or_default());
        }
        out.push('%');
        out.push(HEX_UPPER[(b >> 4) as usize] as char);
        out.push(HEX_UPPER[(b & 0xf) as usize] as char);
        run = i + 1;
    }
    if run == 0 {
        out.push_str(input);
    } else if run < bytes.len() {
        out.push_str(input.get(run..).unwrap_or_default());
    }
}

/// The MIME type of a form body.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Encodes `pairs` as an `application/x-www-form-urlencoded` body, as the official SDKs do:
/// pairs sorted by key in byte order (the order of equal keys kept), `key=value` joined with
/// `&`, only `A-Z a-z 0-9 - _ . ~` literal, a space as `+`, every other UTF-8 byte as `%XX`
/// with uppercase hex. Empty when there are no pairs.
pub fn form_urlencode(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::with_capacity(
        sorted
            .iter()
            .map(|(k, v)| (k.len() + v.len()) * 5 / 4 + 2)
            .sum(),
    );
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        form_encode_into(&mut out, k);
        out.push('=');
        form_encode_into(&mut out, v);
    }
    out
}

/// Appends the form encoding of `input` (a space becomes `+`) to `out`.
fn form_encode_into(out: &mut String, input: &str) {
    if input.bytes().all(|b| UNRESERVED[b as usize]) {
        out.push_str(input);
        return;
    }
    // The encoder yields runs of literal text or one `%XX` per encoded byte.
    for chunk in utf8_percent_encode(input, ENCODE_SET) {
        out.push_str(if chunk == "%20" { "+" } else { chunk });
    }
}

/// Decodes a percent-encoded string; `None` when the bytes are not valid UTF-8.
///
/// A `+` is kept as a literal `+`: Alibaba Cloud never encodes a space as `+`.
pub fn percent_decode(input: &str) -> Option<String> {
    percent_encoding::percent_decode_str(input)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_and_unreserved_characters() {
        assert_eq!(percent_encode("a b"), "a%20b");
        assert_eq!(percent_encode("*"), "%2A");
        assert_eq!(percent_encode("~"), "~");
        assert_eq!(percent_encode("+/%=&"), "%2B%2F%25%3D%26");
        assert_eq!(percent_encode("-_.AZaz09"), "-_.AZaz09");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_encode("😀"), "%F0%9F%98%80");
        assert_eq!(percent_encode(""), "");
    }

    #[test]
    fn the_fast_encoder_matches_the_general_one() {
        for s in [
            "",
            "plain",
            "a b",
            "2026-05-01T12:00:00Z",
            "é😀x",
            "~*+/%=&",
            "x\u{7f}\u{80}y",
        ] {
            let mut fast = String::from("pre");
            percent_encode_into(&mut fast, s);
            assert_eq!(
                fast,
                format!("pre{}", utf8_percent_encode(s, ENCODE_SET)),
                "{s}"
            );
        }
    }

    #[test]
    fn form_bodies_sort_and_use_plus_for_space() {
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(form_urlencode(&[]), "");
        assert_eq!(
            form_urlencode(&pairs(&[
                ("Tag.2.Key", "b"),
                ("Name", "a b+c*d~e/f=g&h"),
                ("Tag.10.Key", "é"),
                ("A", ""),
            ])),
            "A=&Name=a+b%2Bc%2Ad~e%2Ff%3Dg%26h&Tag.10.Key=%C3%A9&Tag.2.Key=b"
        );
        // The order of equal keys is kept.
        assert_eq!(
            form_urlencode(&pairs(&[("K", "2"), ("J", "x"), ("K", "1")])),
            "J=x&K=2&K=1"
        );
    }

    #[test]
    fn decode_round_trips() {
        for s in ["a b", "*~+/%=&", "é😀", ""] {
            assert_eq!(percent_decode(&percent_encode(s)).as_deref(), Some(s));
        }
        assert_eq!(percent_decode("a+b").as_deref(), Some("a+b"));
        assert_eq!(percent_decode("%FF"), None);
    }
}
