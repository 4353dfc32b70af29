//! V3: `ACS3-HMAC-SHA256`.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::{
    Chunked, SignableRequest, SignatureOutput, SignatureVersion, Signer, hex_into, hex_lower,
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

/// The signed headers without and with a security token, in canonical (sorted) order.
const SIGNED_HEADERS: &str =
    "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version";
const SIGNED_HEADERS_WITH_TOKEN: &str = "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version";

impl Signer for V3Signer {
    fn version(&self) -> SignatureVersion {
        SignatureVersion::V3
    }

    /// Writes the canonical query into `out`'s query buffer and the headers (`host`,
    /// `x-acs-action`, `x-acs-version`, `x-acs-date`, `x-acs-signature-nonce`,
    /// `x-acs-content-sha256`, `x-acs-security-token` for STS credentials, `authorization`) into
    /// its header text. The canonical request is hashed as it is produced, through a stack
    /// buffer, never assembled; the hashes and the signature are hex-encoded on the stack.
    fn sign_into(
        &self,
        request: &SignableRequest<'_>,
        credentials: &Credentials,
        timestamp: &str,
        nonce: &str,
        out: &mut SignatureOutput,
    ) {
        let query_start = out.query_buf().len();
        super::write_canonical_query(out.query_buf(), request.params, &[]);

        let mut payload_hash = [0u8; 64];
        if request.body.is_empty() {
            payload_hash.copy_from_slice(EMPTY_BODY_SHA256.as_bytes());
        } else {
            hex_into(&Sha256::digest(request.body), &mut payload_hash);
        }
        let payload_hash = std::str::from_utf8(&payload_hash).unwrap_or_default();
        let token = credentials.security_token().map(|t| t.expose());
        let id = credentials.access_key_id();
        let signed_headers = if token.is_some() {
            SIGNED_HEADERS_WITH_TOKEN
        } else {
            SIGNED_HEADERS
        };

        out.reserve_values(
            request.host.len()
                + request.action.len()
                + request.version.len()
                + timestamp.len()
                + nonce.len()
                + payload_hash.len()
                + token.map_or(0, str::len)
                + ALGORITHM.len()
                + id.len()
                + signed_headers.len()
                + 64
                + 40,
        );
        out.push_header("host", request.host);
        out.push_header("x-acs-action", request.action);
        out.push_header("x-acs-version", request.version);
        out.push_header("x-acs-date", timestamp);
        out.push_header("x-acs-signature-nonce", nonce);
        out.push_header("x-acs-content-sha256", payload_hash);
        if let Some(token) = token {
            out.push_header("x-acs-security-token", token);
        }

        let mut hasher = Sha256::new();
        {
            let query = out.query_buf().get(query_start..).unwrap_or_default();
            let mut canonical = Chunked::new(|data: &[u8]| hasher.update(data));
            for piece in [request.method, "\n", request.path, "\n", query, "\n"] {
                canonical.push(piece.as_bytes());
            }
            // Names in sorted order; values trimmed (the hash, date and nonce have no spaces).
            let mut line = |name: &str, value: &str| {
                for piece in [name, ":", value, "\n"] {
                    canonical.push(piece.as_bytes());
                }
            };
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
        }

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
                signed_headers,
                ",Signature=",
                signature,
            ] {
                text.push_str(piece);
            }
        });
    }
}
