//! Stage 2, authenticate: checks a V1 or V3 signature with the runtime's own signing
//! functions, the timestamp and the nonce, and for STS credentials the security token and its
//! expiry. Anonymous operations skip it (see `server.rs`).

use std::time::{Duration, SystemTime};

use alibabacloud_runtime::signing::{self, SignatureVersion, v1, v3};
use alibabacloud_runtime::time::parse_timestamp;

use crate::context::Context;
use crate::error::ApiError;
use crate::request::{Incoming, Pairs};
use crate::sts::Identity;

/// What a request without any signature carries, for an anonymous operation: the literal
/// query reading and the form body.
pub(crate) fn anonymous(req: &Incoming) -> Caller {
    let params: Pairs = req
        .query_readings
        .first()
        .into_iter()
        .flatten()
        .chain(req.form.iter())
        .cloned()
        .collect();
    Caller {
        scheme: None,
        access_key_id: String::new(),
        identity: None,
        params,
    }
}

/// Whether the request carries any signature material (so it is not anonymous).
pub(crate) fn is_signed(req: &Incoming) -> bool {
    req.header("authorization").is_some()
        || req.param("Signature").is_some()
        || req.param("SignatureMethod").is_some()
        || req.param("AccessKeyId").is_some()
}

/// The secret of an access key, and for STS credentials the session they belong to.
/// `InvalidAccessKeyId.NotFound` for a key nobody handed out, `InvalidSecurityToken.Expired`
/// for STS credentials past their expiry.
fn secret_of(
    ctx: &Context,
    access_key_id: &str,
    now: SystemTime,
) -> Result<(String, Option<crate::sts::Session>), ApiError> {
    if let Some(secret) = ctx.settings.keys.get(access_key_id) {
        return Ok((secret.clone(), None));
    }
    let session = ctx
        .lock()
        .sessions
        .get(access_key_id)
        .cloned()
        .ok_or_else(ApiError::access_key_not_found)?;
    if now >= session.expires {
        return Err(ApiError::new(
            400,
            "InvalidSecurityToken.Expired",
            "Specified SecurityToken is expired.",
        ));
    }
    Ok((session.secret.clone(), Some(session)))
}

/// After the signature verified: STS credentials must come with their own security token.
fn check_token(
    ctx: &Context,
    session: Option<crate::sts::Session>,
    access_key_id: &str,
    presented: Option<&str>,
) -> Result<Identity, ApiError> {
    let Some(session) = session else {
        return Ok(Identity::User {
            access_key_id: access_key_id.to_string(),
        });
    };
    match presented.map(str::trim).filter(|t| !t.is_empty()) {
        Some(token) if constant_time_eq(token.as_bytes(), session.token.as_bytes()) => {
            Ok(Identity::Role(session))
        }
        Some(token) if ctx.lock().sessions.knows_token(token) => Err(ApiError::new(
            400,
            "InvalidSecurityToken.MismatchWithAccessKey",
            "Specified SecurityToken mismatch with the AccessKey.",
        )),
        _ => Err(ApiError::new(
            400,
            "InvalidSecurityToken.Malformed",
            "Specified SecurityToken is malformed.",
        )),
    }
}

/// An authenticated request, ready for dispatch.
#[derive(Debug)]
pub(crate) struct Caller {
    /// The scheme the request was signed with; `None` for an anonymous request.
    pub scheme: Option<SignatureVersion>,
    /// The access key that signed it (empty for an anonymous request).
    pub access_key_id: String,
    /// Who signed it (`None` for an anonymous request).
    pub identity: Option<Identity>,
    /// Every parameter received: the query (in the reading the signature covered), then the
    /// form body.
    pub params: Pairs,
}

/// Picks the scheme and verifies the request.
pub(crate) fn authenticate(
    ctx: &Context,
    req: &Incoming,
    now: SystemTime,
) -> Result<Caller, ApiError> {
    if let Some(authorization) = req.header("authorization") {
        let trimmed = authorization.trim_start();
        if trimmed.starts_with(v3::ALGORITHM) {
            return verify_v3(ctx, req, trimmed, now);
        }
        if req.param("Signature").is_none() && req.param("SignatureMethod").is_none() {
            return Err(ApiError::incomplete_signature(
                "The Authorization header is not an ACS3-HMAC-SHA256 authorization.",
            ));
        }
    }
    if req.param("Signature").is_some() || req.param("SignatureMethod").is_some() {
        return verify_v1(ctx, req, now);
    }
    Err(ApiError::incomplete_signature(
        "The request carries no signature.",
    ))
}

fn verify_v1(ctx: &Context, req: &Incoming, now: SystemTime) -> Result<Caller, ApiError> {
    let present = |name: &str| req.param(name).filter(|v| !v.is_empty());
    let signature = present("Signature")
        .ok_or_else(|| ApiError::incomplete_signature("The Signature parameter is missing."))?;
    let method = present("SignatureMethod").ok_or_else(|| {
        ApiError::incomplete_signature("The SignatureMethod parameter is missing.")
    })?;
    if method != "HMAC-SHA1" {
        return Err(ApiError::new(
            400,
            "InvalidSignatureMethod",
            format!("Specified signature method {method} is not supported; use HMAC-SHA1."),
        ));
    }
    let version = present("SignatureVersion").ok_or_else(|| {
        ApiError::incomplete_signature("The SignatureVersion parameter is missing.")
    })?;
    if version != "1.0" {
        return Err(ApiError::new(
            400,
            "InvalidSignatureVersion",
            format!("Specified signature version {version} is not supported; use 1.0."),
        ));
    }
    let access_key_id = present("AccessKeyId")
        .ok_or_else(|| ApiError::incomplete_signature("The AccessKeyId parameter is missing."))?;
    let nonce = present("SignatureNonce").ok_or_else(|| {
        ApiError::incomplete_signature("The SignatureNonce parameter is missing.")
    })?;
    let stamped = check_timestamp(ctx, present("Timestamp"), "Timestamp", now)?;
    let (secret, session) = secret_of(ctx, access_key_id, now)?;
    let secret = secret.as_str();

    let mut first_string_to_sign = None;
    let mut verified = None;
    for reading in &req.query_readings {
        let signed: Vec<(&str, &str)> = reading
            .iter()
            .chain(req.form.iter())
            .filter(|(k, _)| k != "Signature")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let canonical = signing::canonical_query(&signed);
        let string_to_sign = v1::string_to_sign(&req.method, &canonical);
        let expected = v1::signature(secret, &string_to_sign);
        if constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
            verified = Some(reading);
            break;
        }
        first_string_to_sign.get_or_insert(string_to_sign);
    }
    let Some(reading) = verified else {
        return Err(ApiError::signature_mismatch(
            first_string_to_sign.as_deref().unwrap_or(""),
        ));
    };
    let identity = check_token(ctx, session, access_key_id, present("SecurityToken"))?;
    check_nonce(ctx, access_key_id, nonce, stamped, now)?;
    let params: Pairs = reading.iter().chain(req.form.iter()).cloned().collect();
    Ok(Caller {
        scheme: Some(SignatureVersion::V1),
        access_key_id: access_key_id.to_string(),
        identity: Some(identity),
        params,
    })
}

/// The three parts of an `ACS3-HMAC-SHA256` authorization.
struct V3Authorization {
    credential: String,
    signed_headers: Vec<String>,
    signature: String,
}

fn parse_authorization(value: &str) -> Result<V3Authorization, ApiError> {
    let malformed = || {
        ApiError::incomplete_signature(
            "The Authorization header must be `ACS3-HMAC-SHA256 Credential=...,SignedHeaders=...,Signature=...`.",
        )
    };
    let rest = value.strip_prefix(v3::ALGORITHM).ok_or_else(malformed)?;
    if !rest.starts_with(' ') {
        return Err(malformed());
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (name, val) = part.trim().split_once('=').ok_or_else(malformed)?;
        let val = val.trim();
        match name.trim() {
            "Credential" => credential = Some(val.to_string()),
            "SignedHeaders" => signed_headers = Some(val.to_string()),
            "Signature" => signature = Some(val.to_string()),
            _ => return Err(malformed()),
        }
    }
    let credential = credential.filter(|v| !v.is_empty()).ok_or_else(malformed)?;
    let signature = signature.filter(|v| !v.is_empty()).ok_or_else(malformed)?;
    let signed_headers = signed_headers
        .filter(|v| !v.is_empty())
        .ok_or_else(malformed)?;
    let signed_headers: Vec<String> = signed_headers
        .split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if signed_headers.iter().any(String::is_empty) {
        return Err(malformed());
    }
    Ok(V3Authorization {
        credential,
        signed_headers,
        signature,
    })
}

fn verify_v3(
    ctx: &Context,
    req: &Incoming,
    authorization: &str,
    now: SystemTime,
) -> Result<Caller, ApiError> {
    let auth = parse_authorization(authorization.trim_end())?;
    let is_signed = |name: &str| auth.signed_headers.iter().any(|h| h == name);
    if !is_signed("host") {
        return Err(ApiError::incomplete_signature(
            "The host header must be signed.",
        ));
    }
    for name in req.headers.keys() {
        let name = name.as_str();
        if name.starts_with("x-acs-") && !is_signed(name) {
            return Err(ApiError::incomplete_signature(&format!(
                "The {name} header must be signed."
            )));
        }
    }
    if !req.body.is_empty() && !is_signed("content-type") {
        return Err(ApiError::incomplete_signature(
            "The content-type header must be signed when there is a body.",
        ));
    }
    let nonce = req
        .header("x-acs-signature-nonce")
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| {
            ApiError::incomplete_signature("The x-acs-signature-nonce header is missing.")
        })?;
    let date = req.header("x-acs-date");
    let stamped = check_timestamp(
        ctx,
        date.as_deref().filter(|v| !v.is_empty()),
        "x-acs-date",
        now,
    )?;
    let (secret, session) = secret_of(ctx, &auth.credential, now)?;
    let secret = secret.as_str();

    let hashed_payload = v3::sha256_hex(&req.body);
    let claimed = req.header("x-acs-content-sha256");
    if claimed.is_some_and(|sent| !sent.trim().eq_ignore_ascii_case(&hashed_payload)) {
        return Err(ApiError::new(
            400,
            "SignatureDoesNotMatch",
            format!(
                "The x-acs-content-sha256 header does not match the body: the server computed {hashed_payload}."
            ),
        ));
    }
    let mut header_values = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let value = match req.header(name) {
            Some(v) => v,
            None if name == "host" => req.authority.clone().ok_or_else(|| {
                ApiError::incomplete_signature("The signed header host is missing.")
            })?,
            None => {
                return Err(ApiError::incomplete_signature(&format!(
                    "The signed header {name} is missing."
                )));
            }
        };
        header_values.push((name.as_str(), value));
    }
    let headers: Vec<(&str, &str)> = header_values
        .iter()
        .map(|(n, v)| (*n, v.as_str()))
        .collect();

    let mut first_string_to_sign = None;
    let mut verified = None;
    for reading in &req.query_readings {
        let canonical_query = signing::canonical_query(reading);
        let (canonical, _) = v3::canonical_request(
            &req.method,
            &req.path,
            &canonical_query,
            &headers,
            &hashed_payload,
        );
        let string_to_sign = v3::string_to_sign(&canonical);
        let expected = v3::signature(secret, &string_to_sign);
        if constant_time_eq(
            expected.as_bytes(),
            auth.signature.to_ascii_lowercase().as_bytes(),
        ) {
            verified = Some(reading);
            break;
        }
        first_string_to_sign.get_or_insert(string_to_sign);
    }
    let Some(reading) = verified else {
        return Err(ApiError::signature_mismatch(
            first_string_to_sign.as_deref().unwrap_or(""),
        ));
    };
    let token = req.header("x-acs-security-token");
    let identity = check_token(ctx, session, &auth.credential, token.as_deref())?;
    check_nonce(ctx, &auth.credential, nonce.trim(), stamped, now)?;
    Ok(Caller {
        scheme: Some(SignatureVersion::V3),
        identity: Some(identity),
        access_key_id: auth.credential,
        params: reading.iter().chain(req.form.iter()).cloned().collect(),
    })
}

/// Missing → `MissingParameter`, unparseable or an impossible date (`2024-02-31`) →
/// `InvalidTimeStamp.Format`, too far from the clock either way → `InvalidTimeStamp.Expired`.
/// Returns the instant the request is stamped with.
fn check_timestamp(
    ctx: &Context,
    value: Option<&str>,
    name: &str,
    now: SystemTime,
) -> Result<SystemTime, ApiError> {
    let value = value.ok_or_else(|| ApiError::missing(name))?;
    let at = parse_timestamp(value.trim()).ok_or_else(|| ApiError::timestamp_format(name))?;
    let skew = match now.duration_since(at) {
        Ok(behind) => behind,
        Err(ahead) => ahead.duration(),
    };
    if skew > ctx.settings.max_clock_skew {
        return Err(ApiError::timestamp_expired());
    }
    Ok(at)
}

/// Records the nonce; `SignatureNonceUsed` when this access key used it recently.
fn check_nonce(
    ctx: &Context,
    access_key_id: &str,
    nonce: &str,
    stamped: SystemTime,
    now: SystemTime,
) -> Result<(), ApiError> {
    // A replay carries the same timestamp, and is refused as expired once that timestamp is
    // more than the skew behind the clock: the nonce is needed until then, not longer.
    let forget_at = stamped + ctx.settings.max_clock_skew + Duration::from_secs(1);
    let fresh = ctx
        .lock()
        .nonces
        .check_and_record(access_key_id, nonce, now, forget_at);
    if fresh {
        Ok(())
    } else {
        Err(ApiError::nonce_used())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_authorization() {
        let a = parse_authorization(
            "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;x-acs-date,Signature=abc",
        )
        .unwrap();
        assert_eq!(a.credential, "ak");
        assert_eq!(a.signed_headers, ["host", "x-acs-date"]);
        assert_eq!(a.signature, "abc");
        for bad in [
            "ACS3-HMAC-SHA256",
            "ACS3-HMAC-SHA256 Credential=ak,Signature=abc",
            "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;;x,Signature=abc",
            "ACS3-HMAC-SHA256 Credential=ak;SignedHeaders=host;Signature=abc",
            "ACS3-HMAC-SHA256Credential=ak,SignedHeaders=host,Signature=abc",
        ] {
            let e = parse_authorization(bad).err().unwrap();
            assert_eq!(e.code, "IncompleteSignature", "{bad}");
        }
    }

    #[test]
    fn constant_time() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
