//! Removing secrets from text a server sent back.
//!
//! A server may echo what it received: the real service quotes its string to sign in
//! `SignatureDoesNotMatch` (under V1 that string carries the STS token, percent-encoded twice),
//! and a proxy or a hostile endpoint may echo the URL, the `Authorization` header or anything
//! else. Before such text is kept in an error, every occurrence of the access key secret, the
//! security token and the request's signature is replaced by `** redacted **`, whatever the
//! encoding: raw, percent-encoded any number of times with upper- or lower-case hex, JSON
//! escapes (`\/`, `\u00XX`) and `+` for a space.

use crate::credentials::Credentials;

/// What a secret is replaced with.
pub const REDACTED: &str = "** redacted **";

/// How far past a length limit text is redacted before it is cut, so that a secret that
/// straddles the limit is redacted whole instead of leaving its first characters behind.
/// Covers an encoded secret of this many bytes (an STS token, percent-encoded twice).
pub const REDACTION_MARGIN: usize = 16 * 1024;

/// [`bounded_redacted`] for text already owned: returned as is (no copy) when it is short
/// enough and holds no secret.
#[inline]
pub fn keep_redacted(text: String, limit: usize, redactor: Option<&Redactor<'_>>) -> String {
    let clean = redactor.is_none_or(|r| !r.finds_secret_in(crate::text::prefix(&text, limit)));
    if text.len() <= limit && clean {
        return text;
    }
    bounded_redacted(&text, limit, redactor)
}

/// At most `limit` bytes of `text` (see [`crate::text::bounded`]), with every secret
/// `redactor` knows redacted first.
pub fn bounded_redacted(text: &str, limit: usize, redactor: Option<&Redactor<'_>>) -> String {
    match redactor {
        None => crate::text::bounded(text, limit),
        Some(r) => {
            let window = crate::text::prefix(text, limit.saturating_add(REDACTION_MARGIN));
            let mut kept = window.to_owned();
            r.redact(&mut kept);
            let mut out = crate::text::bounded(&kept, limit);
            if window.len() < text.len() && !out.ends_with('…') {
                out.push('…');
            }
            out
        }
    }
}

/// The signature of one request, copied without a heap allocation so that it can be redacted
/// from the answer after the request itself was handed to the transport.
#[derive(Clone, Copy)]
pub struct SignatureCopy {
    bytes: [u8; 128],
    len: usize,
}

impl std::fmt::Debug for SignatureCopy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignatureCopy(** redacted **)")
    }
}

impl SignatureCopy {
    /// No signature.
    pub const fn empty() -> Self {
        Self {
            bytes: [0; 128],
            len: 0,
        }
    }

    /// The signature of a signed request: the `Signature=` part of a V3 `Authorization` header,
    /// or the percent-decoded `Signature` parameter of a V1 query.
    pub fn of(query: &str, headers: &[(&'static str, String)]) -> Self {
        let authorization = headers
            .iter()
            .find(|(name, _)| *name == "authorization")
            .map(|(_, value)| value.as_str());
        Self::of_parts(query, authorization)
    }

    /// The same from the query and the `Authorization` header value, if any.
    ///
    /// Both are searched from the end, where the signers put the signature: one step instead
    /// of a walk over every parameter, and a business parameter that happens to be called
    /// `Signature` is never taken for it.
    pub fn of_parts(query: &str, authorization: Option<&str>) -> Self {
        let mut copy = Self::empty();
        if let Some(auth) = authorization {
            if let Some(at) = auth.rfind("Signature=") {
                let value = &auth[at + "Signature=".len()..];
                let value = value.split(',').next().unwrap_or(value);
                copy.push_decoded(value.as_bytes());
            }
            return copy;
        }
        for pair in query.rsplit('&') {
            if let Some(value) = pair.strip_prefix("Signature=") {
                copy.push_decoded(value.as_bytes());
                break;
            }
        }
        copy
    }

    fn push_decoded(&mut self, encoded: &[u8]) {
        let mut i = 0;
        while i < encoded.len() && self.len < self.bytes.len() {
            let b = match (encoded[i], encoded.get(i + 1..i + 3)) {
                (b'%', Some(&[h, l])) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
                    i += 2;
                    (hex_value(h) << 4) | hex_value(l)
                }
                (b, _) => b,
            };
            self.bytes[self.len] = b;
            self.len += 1;
            i += 1;
        }
    }

    /// The signature's bytes (empty when there is none).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

fn hex_value(h: u8) -> u8 {
    match h {
        b'0'..=b'9' => h - b'0',
        b'a'..=b'f' => h - b'a' + 10,
        b'A'..=b'F' => h - b'A' + 10,
        _ => 0,
    }
}

/// Replaces the secrets of one request in text that came back from the server.
#[derive(Clone, Copy)]
pub struct Redactor<'a> {
    secrets: [&'a [u8]; 3],
}

impl std::fmt::Debug for Redactor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor(** redacted **)")
    }
}

impl<'a> Redactor<'a> {
    /// Redacts the access key secret and security token of `credentials` (none for an
    /// anonymous request) and `signature`.
    pub fn new(credentials: Option<&'a Credentials>, signature: &'a [u8]) -> Self {
        Self {
            secrets: [
                credentials
                    .map(|c| c.access_key_secret().expose().as_bytes())
                    .unwrap_or_default(),
                credentials
                    .and_then(|c| c.security_token())
                    .map(|t| t.expose().as_bytes())
                    .unwrap_or_default(),
                signature,
            ],
        }
    }

    /// Redacts exactly these strings (for tests and callers that build their own errors).
    pub fn of_strings(secrets: [&'a str; 3]) -> Self {
        Self {
            secrets: secrets.map(str::as_bytes),
        }
    }

    /// Whether `text` contains one of the secrets in any encoding.
    pub fn finds_secret_in(&self, text: &str) -> bool {
        let t = text.as_bytes();
        (0..t.len()).any(|i| self.longest_match_at(t, i).is_some())
    }

    /// Replaces every occurrence of a secret in `text` by [`REDACTED`].
    pub fn redact(&self, text: &mut String) {
        if self.secrets.iter().all(|s| s.is_empty()) || !self.finds_secret_in(text) {
            return;
        }
        let t = text.as_bytes();
        let mut out = Vec::with_capacity(t.len());
        let mut i = 0;
        while i < t.len() {
            match self.longest_match_at(t, i) {
                Some(end) => {
                    out.extend_from_slice(REDACTED.as_bytes());
                    i = end;
                }
                None => {
                    out.push(t[i]);
                    i += 1;
                }
            }
        }
        // A match may have started or ended inside a multi-byte character of an encoded form.
        *text = String::from_utf8_lossy(&out).into_owned();
    }

    /// [`Redactor::redact`] on an optional string.
    pub fn redact_option(&self, text: &mut Option<String>) {
        if let Some(t) = text {
            self.redact(t);
        }
    }

    fn longest_match_at(&self, text: &[u8], start: usize) -> Option<usize> {
        self.secrets
            .iter()
            .filter(|s| !s.is_empty())
            .filter_map(|s| match_encoded(text, start, s))
            .max()
    }
}

/// Where an encoded copy of `secret` starting at `start` in `text` ends, if there is one.
///
/// Each byte of the secret may appear literally, as `%XX` behind any number of `25`s
/// (percent-encoded once, twice, ...; hex in either case), as a JSON escape, or (a space) as
/// `+`. The possible positions are tracked as a set, so a literal `%` in a secret and an
/// encoded byte never need backtracking.
fn match_encoded(text: &[u8], start: usize, secret: &[u8]) -> Option<usize> {
    // Most positions cannot even start the secret: decide those without allocating.
    encodings_of(text, start, *secret.first()?).next()?;
    let mut positions = vec![start];
    let mut next = Vec::new();
    for &b in secret {
        next.clear();
        for &p in &positions {
            for end in encodings_of(text, p, b) {
                if !next.contains(&end) {
                    next.push(end);
                }
            }
        }
        if next.is_empty() {
            return None;
        }
        std::mem::swap(&mut positions, &mut next);
    }
    positions.into_iter().max()
}

/// The positions after each way `b` can be written at `p` in `text`.
fn encodings_of(text: &[u8], p: usize, b: u8) -> impl Iterator<Item = usize> {
    let at = |i: usize| text.get(i).copied();
    let literal = (at(p) == Some(b)).then_some(p + 1);
    let plus = (b == b' ' && at(p) == Some(b'+')).then_some(p + 1);
    let percent = (at(p) == Some(b'%'))
        .then(|| {
            let mut q = p + 1;
            while at(q) == Some(b'2') && at(q + 1) == Some(b'5') && is_hex_pair(text, q + 2) {
                q += 2;
            }
            (is_hex_pair(text, q) && hex_value(text[q]) << 4 | hex_value(text[q + 1]) == b)
                .then_some(q + 2)
        })
        .flatten();
    let json = (at(p) == Some(b'\\'))
        .then(|| match at(p + 1) {
            Some(c) if c == b && matches!(c, b'/' | b'\\' | b'"') => Some(p + 2),
            Some(b'u') if b.is_ascii() => {
                let hex = text.get(p + 2..p + 6)?;
                let all_hex = hex.iter().all(u8::is_ascii_hexdigit);
                let value = hex
                    .iter()
                    .fold(0u32, |v, &h| v << 4 | u32::from(hex_value(h)));
                (all_hex && value == u32::from(b)).then_some(p + 6)
            }
            _ => None,
        })
        .flatten();
    [literal, plus, percent, json].into_iter().flatten()
}

fn is_hex_pair(text: &[u8], at: usize) -> bool {
    matches!(text.get(at..at + 2), Some(&[h, l]) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr+t/K=y";
    const TOKEN: &str = "STS.tok%en";

    fn redactor() -> Redactor<'static> {
        Redactor::of_strings([SECRET, TOKEN, "c2lnbmF0dXJl+/="])
    }

    #[test]
    fn every_encoding_is_redacted() {
        let forms = [
            SECRET.to_string(),
            "s3cr%2Bt%2FK%3Dy".to_string(),
            "s3cr%2bt%2fK%3dy".to_string(),
            "s3cr%252Bt%252FK%253Dy".to_string(),
            "s3cr%252bt%252fK%253dy".to_string(),
            "s3cr%25252Bt%2FK%3Dy".to_string(),
            "s3cr+t\\/K=y".to_string(),
            "s3cr\\u002bt\\u002FK\\u003dy".to_string(),
            "STS.tok%en".to_string(),
            "STS.tok%25en".to_string(),
            "STS.tok%2525en".to_string(),
            "c2lnbmF0dXJl%2B%2F%3D".to_string(),
        ];
        let r = redactor();
        for form in forms {
            let mut text = format!("before {form} after");
            assert!(r.finds_secret_in(&text), "{form}");
            r.redact(&mut text);
            assert_eq!(text, format!("before {REDACTED} after"), "{form}");
            assert!(!r.finds_secret_in(&text));
        }
    }

    #[test]
    fn near_misses_are_kept() {
        let r = redactor();
        let mut text = "s3cr+t/K=Y and STS.tok and %GG".to_string();
        r.redact(&mut text);
        assert_eq!(text, "s3cr+t/K=Y and STS.tok and %GG");
    }

    #[test]
    fn signature_copies_from_v1_and_v3() {
        let v1 = SignatureCopy::of("A=1&Signature=ab%2Bc%3D&Z=2", &[]);
        assert_eq!(v1.as_bytes(), b"ab+c=");
        let v3 = SignatureCopy::of(
            "A=1",
            &[(
                "authorization",
                "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=abcdef".to_string(),
            )],
        );
        assert_eq!(v3.as_bytes(), b"abcdef");
        assert!(SignatureCopy::of("A=1", &[]).as_bytes().is_empty());
        // A business parameter named `Signature` sorts before the one the signer appends.
        let v1 = SignatureCopy::of("Signature=mine&Z=2&Signature=ab%2Bc%3D", &[]);
        assert_eq!(v1.as_bytes(), b"ab+c=");
    }
}
