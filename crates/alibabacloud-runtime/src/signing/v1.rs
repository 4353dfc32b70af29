//! V1: `HMAC-SHA1`, `SignatureVersion=1.0`.

use base64::Engine as _;
use hmac::{Hmac, Mac};

use super::{
    Chunked, RequestExtras, SignableRequest, SignatureOutput, SignatureVersion, Signer,
    SigningContext,
};
use crate::credentials::Credentials;
use crate::params::Params;

/// The V1 signer.
#[derive(Debug, Clone, Copy, Default)]
pub struct V1Signer;

/// `METHOD&%2F&encode(canonicalized query)`.
///
/// The canonicalized query is already percent-encoded, so encoding it again only has to escape
/// `%`, `=` and `&`; this is done in one pass without the general encoder.
pub fn string_to_sign(method: &str, canonicalized_query: &str) -> String {
    let mut out = String::with_capacity(method.len() + 5 + canonicalized_query.len() * 5 / 4);
    out.push_str(method);
    out.push_str("&%2F&");
    let prefix = out.len();
    let mut copied = 0;
    for (i, b) in canonicalized_query.bytes().enumerate() {
        let escaped = match b {
            b'%' => "%25",
            b'=' => "%3D",
            b'&' => "%26",
            b if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') => continue,
            _ => {
                // Not an encoded query (a caller passed raw text): use the general encoder.
                out.truncate(prefix);
                crate::encode::percent_encode_into(&mut out, canonicalized_query);
                return out;
            }
        };
        out.push_str(&canonicalized_query[copied..i]);
        out.push_str(escaped);
        copied = i + 1;
    }
    out.push_str(&canonicalized_query[copied..]);
    out
}

/// Base64(HMAC-SHA1(secret + "&", string to sign)).
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    let mut out = [0u8; SIGNATURE_LEN];
    let len = signature_into(access_key_secret, string_to_sign, &mut out);
    out[..len].iter().map(|&b| b as char).collect()
}

/// Base64 of a 20-byte HMAC-SHA1 is 28 characters.
const SIGNATURE_LEN: usize = 28;

/// Writes the Base64 signature into `out` and returns its length, without allocating when the
/// secret is of a usual length.
fn signature_into(
    access_key_secret: &str,
    string_to_sign: &str,
    out: &mut [u8; SIGNATURE_LEN],
) -> usize {
    let mut mac = keyed_mac(access_key_secret);
    mac.update(string_to_sign.as_bytes());
    finish_into(mac, out)
}

/// HMAC-SHA1 keyed with the secret plus `&`; short secrets are assembled on the stack.
fn keyed_mac(access_key_secret: &str) -> Hmac<sha1::Sha1> {
    let mut stack = [0u8; 128];
    let heap;
    let key: &[u8] = if access_key_secret.len() < stack.len() {
        stack[..access_key_secret.len()].copy_from_slice(access_key_secret.as_bytes());
        stack[access_key_secret.len()] = b'&';
        &stack[..=access_key_secret.len()]
    } else {
        heap = [access_key_secret.as_bytes(), b"&"].concat();
        &heap
    };
    // HMAC accepts keys of any length, so this cannot fail.
    <Hmac<sha1::Sha1> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
}

/// Base64 of the MAC into `out`; returns the length.
fn finish_into(mac: Hmac<sha1::Sha1>, out: &mut [u8; SIGNATURE_LEN]) -> usize {
    base64::engine::general_purpose::STANDARD
        .encode_slice(mac.finalize().into_bytes(), out)
        .unwrap_or(0)
}

/// The common parameters V1 adds to the business parameters (everything but `Signature`).
pub fn common_params<'a>(
    request: &SignableRequest<'a>,
    credentials: &'a Credentials,
    context: &'a SigningContext,
) -> Vec<(&'a str, &'a str)> {
    let mut all: Vec<(&str, &str)> = Vec::with_capacity(request.params.len() + 10);
    all.extend(request.params.entries());
    push_common(&mut all, request, Some(credentials), context);
    all
}

/// Appends the common parameters; without credentials (an anonymous operation) only `Action`,
/// `Version`, `Format`, `SignatureNonce` and `Timestamp`, as the official SDKs send them.
fn push_common<'a>(
    all: &mut Vec<(&'a str, &'a str)>,
    request: &SignableRequest<'a>,
    credentials: Option<&'a Credentials>,
    context: &'a SigningContext,
) {
    all.push(("Action", request.action));
    all.push(("Version", request.version));
    all.push(("Format", "JSON"));
    all.push(("SignatureNonce", context.nonce.as_str()));
    all.push(("Timestamp", context.timestamp.as_str()));
    if let Some(credentials) = credentials {
        all.push(("AccessKeyId", credentials.access_key_id()));
        all.push(("SignatureMethod", "HMAC-SHA1"));
        all.push(("SignatureVersion", "1.0"));
        if let Some(token) = credentials.security_token() {
            all.push(("SecurityToken", token.expose()));
        }
    }
}

/// The common parameters in sorted order (key, then value), borrowed, on the stack. Without
/// credentials (an anonymous operation) only `Action`, `Format`, `SignatureNonce`,
/// `Timestamp` and `Version`.
fn sorted_common_params<'a>(
    request: &SignableRequest<'a>,
    credentials: Option<&'a Credentials>,
    timestamp: &'a str,
    nonce: &'a str,
) -> ([(&'a str, &'a str); 9], usize) {
    let mut all = [("", ""); 9];
    let mut n = 0;
    let mut push = |k: &'a str, v: &'a str| {
        all[n] = (k, v);
        n += 1;
    };
    // Byte order of the keys: `AccessKeyId` < `Action` < `Format` < `SecurityToken` <
    // `SignatureMethod` < `SignatureNonce` < `SignatureVersion` < `Timestamp` < `Version`.
    let token = credentials.and_then(|c| c.security_token());
    if let Some(credentials) = credentials {
        push("AccessKeyId", credentials.access_key_id());
    }
    push("Action", request.action);
    push("Format", "JSON");
    if let Some(token) = token {
        push("SecurityToken", token.expose());
    }
    if credentials.is_some() {
        push("SignatureMethod", "HMAC-SHA1");
    }
    push("SignatureNonce", nonce);
    if credentials.is_some() {
        push("SignatureVersion", "1.0");
    }
    push("Timestamp", timestamp);
    push("Version", request.version);
    (all, n)
}

/// Appends the canonical query of `params` and `common` to `query` and, in the same pass, its
/// percent-encoding (what the string to sign holds after `METHOD&%2F&`) to `to_sign`.
fn write_query_and_string_to_sign<F: FnMut(&[u8])>(
    query: &mut String,
    to_sign: &mut Chunked<F>,
    params: &Params,
    common: &[(&str, &str)],
) {
    let extra_len: usize = common.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    query.reserve(params.text_len() * 5 / 4 + params.len() * 2 + extra_len * 5 / 4);
    let mut first = true;
    super::for_each_sorted(params, common, |k, v| {
        if !first {
            query.push('&');
            to_sign.push(b"%26");
        }
        first = false;
        encode_twice(query, to_sign, k);
        query.push('=');
        to_sign.push(b"%3D");
        encode_twice(query, to_sign, v);
    });
}

/// Percent-encodes `input` into `query` and encodes that once more into `to_sign`: a literal
/// byte is the same in both, any other byte is `%XX` in the query and `%25XX` in the string to
/// sign.
fn encode_twice<F: FnMut(&[u8])>(query: &mut String, to_sign: &mut Chunked<F>, input: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = input.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if crate::encode::is_unreserved(b) {
            continue;
        }
        if run < i {
            // A run of unreserved bytes is ASCII, so it starts and ends on character
            // boundaries: `get` checks two bytes instead of decoding the run.
            let literal = input.get(run..i).unwrap_or_default();
            query.push_str(literal);
            to_sign.push(literal.as_bytes());
        }
        let hi = HEX[(b >> 4) as usize];
        let lo = HEX[(b & 0xf) as usize];
        query.push('%');
        query.push(hi as char);
        query.push(lo as char);
        to_sign.push(&[b'%', b'2', b'5', hi, lo]);
        run = i + 1;
    }
    if run < bytes.len() {
        let literal = input.get(run..).unwrap_or_default();
        query.push_str(literal);
        to_sign.push(literal.as_bytes());
    }
}

impl Signer for V1Signer {
    fn version(&self) -> SignatureVersion {
        SignatureVersion::V1
    }

    /// Writes the canonical query (business and common parameters, sorted) and then
    /// `&Signature=…` into `out`'s query buffer; V1 sends no headers but the body's
    /// `content-type`. The string to sign is escaped straight into the HMAC through a stack
    /// buffer, never assembled. Form parameters are signed with the query (an extra buffer);
    /// an anonymous request gets neither key nor signature.
    fn sign_into(
        &self,
        request: &SignableRequest<'_>,
        extras: &RequestExtras<'_>,
        credentials: Option<&Credentials>,
        timestamp: &str,
        nonce: &str,
        out: &mut SignatureOutput,
    ) {
        let (common, n) = sorted_common_params(request, credentials, timestamp, nonce);
        let common = &common[..n];
        if let Some(content_type) = extras.content_type {
            out.push_header("content-type", content_type);
        }
        let Some(credentials) = credentials else {
            super::write_canonical_query(out.query_buf(), request.params, common);
            return;
        };

        let mut mac = keyed_mac(credentials.access_key_secret().expose());
        {
            let mut to_sign = Chunked::new(|data: &[u8]| mac.update(data));
            to_sign.push(request.method.as_bytes());
            to_sign.push(b"&%2F&");
            if extras.form.is_empty() {
                // One pass writes the query and its encoding again into the string to sign.
                write_query_and_string_to_sign(
                    out.query_buf(),
                    &mut to_sign,
                    request.params,
                    common,
                );
            } else {
                super::write_canonical_query(out.query_buf(), request.params, common);
                // Form parameters travel in the body but are signed together with the query.
                let mut all: Vec<(&str, &str)> = request.params.entries().collect();
                all.extend(extras.form.entries());
                let all = Params::from_pairs(&all);
                let mut signed_query = String::new();
                super::write_canonical_query(&mut signed_query, &all, common);
                // The query is encoded already: encoding it again only escapes `%`, `=` and `&`.
                to_sign.push_reencoded_query(signed_query.as_bytes());
            }
            to_sign.flush();
        }
        let mut sig = [0u8; SIGNATURE_LEN];
        let len = finish_into(mac, &mut sig);

        let query = out.query_buf();
        query.reserve(11 + 3 * SIGNATURE_LEN);
        query.push_str("&Signature=");
        for &b in &sig[..len] {
            // Base64 uses `+`, `/` and `=` besides letters and digits.
            match b {
                b'+' => query.push_str("%2B"),
                b'/' => query.push_str("%2F"),
                b'=' => query.push_str("%3D"),
                _ => query.push(b as char),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_matches_the_general_encoder() {
        for q in ["", "A=1", "A=a%20b&B=%2A~&C=", "Tag.10.Key=x%26y"] {
            let mut general = String::from("POST&%2F&");
            crate::encode::percent_encode_into(&mut general, q);
            assert_eq!(string_to_sign("POST", q), general, "{q}");
        }
        assert_eq!(string_to_sign("GET", "a b"), "GET&%2F&a%20b");
    }
}
