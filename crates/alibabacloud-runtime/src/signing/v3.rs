//! V3: `ACS3-HMAC-SHA256`.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::{
    Chunked, RequestExtras, SignableRequest, SignatureOutput, SignatureVersion, Signer, hex_into,
    hex_lower,
};
use crate::credentials::Credentials;

/// The algorithm name that starts the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The SHA-256 of an empty body, lowercase hex.
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The V3 signer.
#[derive(Debug, Clone, Copy, Default)]
pub struct V3Signer;

/// Lowercase hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    if data.is_empty() {
        return EMPTY_BODY_SHA256.to_string();
    }
    hex_lower(&Sha256::digest(data))
}

/// Builds the canonical request and the signed-header list.
///
/// `headers` are the headers to sign (any case, any order); names are lowercased and sorted,
/// values trimmed.
pub fn canonical_request(
    method: &str,
    path: &str,
    canonical_query: &str,
    headers: &[(&str, &str)],
    hashed_payload: &str,
) -> (String, String) {
    // Names are usually lowercase already (the signer's are): borrow them then.
    let mut sorted: Vec<(std::borrow::Cow<'_, str>, &str)> = headers
        .iter()
        .map(|(n, v)| {
            let name = if n.bytes().any(|b| b.is_ascii_uppercase()) {
                std::borrow::Cow::Owned(n.to_ascii_lowercase())
            } else {
                std::borrow::Cow::Borrowed(*n)
            };
            (name, v.trim())
        })
        .collect();
    sorted.sort_unstable();
    let mut signed_headers = String::with_capacity(sorted.iter().map(|(n, _)| n.len() + 1).sum());
    for (i, (name, _)) in sorted.iter().enumerate() {
        if i > 0 {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
    }
    let mut out = String::with_capacity(256 + canonical_query.len());
    out.push_str(method);
    out.push('\n');
    out.push_str(path);
    out.push('\n');
    out.push_str(canonical_query);
    out.push('\n');
    for (name, value) in &sorted {
        out.push_str(name);
        out.push(':');
        out.push_str(value);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers);
    out.push('\n');
    out.push_str(hashed_payload);
    (out, signed_headers)
}

/// `ACS3-HMAC-SHA256\n` + hex(SHA-256(canonical request)).
pub fn string_to_sign(canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{}", sha256_hex(canonical_request.as_bytes()))
}

/// hex(HMAC-SHA256(secret, string to sign)).
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(access_key_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(string_to_sign.as_bytes());
    hex_lower(&mac.finalize().into_bytes())
}

/// The `Authorization` header value.
pub fn authorization(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}"
    )
}

/// The signed headers of a request without `x-acs-*` header parameters, in canonical (sorted)
/// order, without and with a body `content-type` and a security token.
macro_rules! signed_headers {
    ($($token:literal)?) => {
        concat!(
            "host;x-acs-action;x-acs-content-sha256;x-acs-date;",
            $($token,)?
            "x-acs-signature-nonce;x-acs-version"
        )
    };
}
const SIGNED_HEADERS: [&str; 4] = [
    signed_headers!(),
    signed_headers!("x-acs-security-token;"),
    concat!("content-type;", signed_headers!()),
    concat!("content-type;", signed_headers!("x-acs-security-token;")),
];

impl Signer for V3Signer {
    fn version(&self) -> SignatureVersion {
        SignatureVersion::V3
    }

    /// Writes the canonical query into `out`'s query buffer and the headers (`host`,
    /// `x-acs-action`, `x-acs-version`, `x-acs-date`, `x-acs-signature-nonce`,
    /// `x-acs-content-sha256`, the body's `content-type`, `x-acs-security-token` for STS
    /// credentials, `authorization`) into its header text. Without `x-acs-*` header parameters
    /// the canonical request is hashed as it is produced, through a stack buffer, never
    /// assembled; the hashes and the signature are hex-encoded on the stack. An anonymous
    /// request (no credentials) gets no token and no `authorization`.
    fn sign_into(
        &self,
        request: &SignableRequest<'_>,
        extras: &RequestExtras<'_>,
        credentials: Option<&Credentials>,
        timestamp: &str,
        nonce: &str,
        out: &mut SignatureOutput,
    ) {
        super::write_canonical_query(out.query_buf(), request.params, &[]);

        let mut payload_hash = [0u8; 64];
        if request.body.is_empty() {
            payload_hash.copy_from_slice(EMPTY_BODY_SHA256.as_bytes());
        } else {
            hex_into(&Sha256::digest(request.body), &mut payload_hash);
        }
        let payload_hash = std::str::from_utf8(&payload_hash).unwrap_or_default();
        let token = credentials
            .and_then(|c| c.security_token())
            .map(|t| t.expose());
        let id = credentials.map_or("", |c| c.access_key_id());

        out.reserve_values(
            request.host.len()
                + request.action.len()
                + request.version.len()
                + timestamp.len()
                + nonce.len()
                + payload_hash.len()
                + extras.content_type.map_or(0, str::len)
                + token.map_or(0, str::len)
                + ALGORITHM.len()
                + id.len()
                + SIGNED_HEADERS[3].len()
                + 64
                + 40,
        );
        out.push_header("host", request.host);
        out.push_header("x-acs-action", request.action);
        out.push_header("x-acs-version", request.version);
        out.push_header("x-acs-date", timestamp);
        out.push_header("x-acs-signature-nonce", nonce);
        out.push_header("x-acs-content-sha256", payload_hash);
        if let Some(content_type) = extras.content_type {
            out.push_header("content-type", content_type);
        }
        let Some(credentials) = credentials else {
            return;
        };
        if let Some(token) = token {
            out.push_header("x-acs-security-token", token);
        }

        let mut hasher = Sha256::new();
        let signed_headers: std::borrow::Cow<'static, str> =
            if extras.headers.entries().any(|(n, _)| is_acs_header(n)) {
                // `x-acs-*` header parameters are signed too: the general (allocating) path.
                let mut to_sign: Vec<(&str, &str)> = out.headers().collect();
                to_sign.extend(extras.headers.entries().filter(|(n, _)| is_acs_header(n)));
                let (canonical, signed_headers) = canonical_request(
                    request.method,
                    request.path,
                    out.query(),
                    &to_sign,
                    payload_hash,
                );
                hasher.update(canonical.as_bytes());
                signed_headers.into()
            } else {
                let signed_headers = SIGNED_HEADERS
                    [usize::from(token.is_some()) + 2 * usize::from(extras.content_type.is_some())];
                let query = out.query();
                let mut canonical = Chunked::new(|data: &[u8]| hasher.update(data));
                for piece in [request.method, "\n", request.path, "\n", query, "\n"] {
                    canonical.push(piece.as_bytes());
                }
                // Names in sorted order; values trimmed (the hash has no spaces).
                let mut line = |name: &str, value: &str| {
                    for piece in [name, ":", value, "\n"] {
                        canonical.push(piece.as_bytes());
                    }
                };
                if let Some(content_type) = extras.content_type {
                    line("content-type", content_type.trim());
                }
                line("host", request.host.trim());
                line("x-acs-action", request.action.trim());
                line("x-acs-content-sha256", payload_hash);
                line("x-acs-date", timestamp.trim());
                if let Some(token) = token {
                    line("x-acs-security-token", token.trim());
                }
                line("x-acs-signature-nonce", nonce.trim());
                line("x-acs-version", request.version.trim());
                for piece in ["\n", signed_headers, "\n", payload_hash] {
                    canonical.push(piece.as_bytes());
                }
                canonical.flush();
                signed_headers.into()
            };

        // The string to sign, `ACS3-HMAC-SHA256\n` + hex(SHA-256(canonical request)).
        let mut to_sign = [0u8; ALGORITHM.len() + 1 + 64];
        to_sign[..ALGORITHM.len()].copy_from_slice(ALGORITHM.as_bytes());
        to_sign[ALGORITHM.len()] = b'\n';
        hex_into(&hasher.finalize(), &mut to_sign[ALGORITHM.len() + 1..]);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(
            credentials.access_key_secret().expose().as_bytes(),
        )
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(&to_sign);
        let mut signature = [0u8; 64];
        hex_into(&mac.finalize().into_bytes(), &mut signature);
        let signature = std::str::from_utf8(&signature).unwrap_or_default();

        out.push_header_with("authorization", |text| {
            for piece in [
                ALGORITHM,
                " Credential=",
                id,
                ",SignedHeaders=",
                &signed_headers,
                ",Signature=",
                signature,
            ] {
                text.push_str(piece);
            }
        });
    }
}

/// Whether `name` starts with `x-acs-`, in any case: those headers are always signed.
pub fn is_acs_header(name: &str) -> bool {
    name.len() >= 6 && name.as_bytes()[..6].eq_ignore_ascii_case(b"x-acs-")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body hash of a form body is the SHA-256 of exactly the encoded bytes sent.
    #[test]
    fn form_body_hash_known_answer() {
        let form = vec![
            (
                "RoleArn".to_string(),
                "acs:ram::123456789012****:role/a b".to_string(),
            ),
            ("DurationSeconds".to_string(), "3600".to_string()),
        ];
        let body = crate::encode::form_urlencode(&form);
        assert_eq!(
            body,
            "DurationSeconds=3600&RoleArn=acs%3Aram%3A%3A123456789012%2A%2A%2A%2A%3Arole%2Fa+b"
        );
        // sha256sum of the line above, computed independently (printf '%s' BODY | sha256sum).
        assert_eq!(sha256_hex(body.as_bytes()), FORM_BODY_SHA256);
        assert_eq!(sha256_hex(b""), EMPTY_BODY_SHA256);
    }

    const FORM_BODY_SHA256: &str =
        "32f186364c84b297ae0b320d1a9f9173cebcb9407b43f527b6ed72f1d440599f";

    #[test]
    fn acs_headers() {
        assert!(is_acs_header("x-acs-foo"));
        assert!(is_acs_header("X-Acs-Foo"));
        assert!(!is_acs_header("x-acs"));
        assert!(!is_acs_header("content-type"));
        assert!(!is_acs_header("é-acs-foo"));
    }
}
