//! V1: `HMAC-SHA1`, `SignatureVersion=1.0`.

use base64::Engine as _;
use hmac::{Hmac, Mac};

use super::{SignableRequest, SignatureVersion, SignedRequest, Signer, SigningContext};
use crate::credentials::Credentials;

/// The V1 signer.
#[derive(Debug, Clone, Copy, Default)]
pub struct V1Signer;

/// `METHOD&%2F&encode(canonicalized query)`.
pub fn string_to_sign(method: &str, canonicalized_query: &str) -> String {
    let mut out = String::with_capacity(method.len() + 5 + canonicalized_query.len() * 3 / 2);
    out.push_str(method);
    out.push_str("&%2F&");
    crate::encode::percent_encode_into(&mut out, canonicalized_query);
    out
}

/// Base64(HMAC-SHA1(secret + "&", string to sign)).
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    let mut key = String::with_capacity(access_key_secret.len() + 1);
    key.push_str(access_key_secret);
    key.push('&');
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The common parameters V1 adds to the business parameters (everything but `Signature`).
pub fn common_params(
    request: &SignableRequest<'_>,
    credentials: &Credentials,
    context: &SigningContext,
) -> Vec<(String, String)> {
    let mut all = Vec::with_capacity(request.params.len() + 10);
    all.extend(request.params.iter().cloned());
    all.push(("Action".into(), request.action.into()));
    all.push(("Version".into(), request.version.into()));
    all.push(("Format".into(), "JSON".into()));
    all.push(("AccessKeyId".into(), credentials.access_key_id().into()));
    all.push(("SignatureMethod".into(), "HMAC-SHA1".into()));
    all.push(("SignatureVersion".into(), "1.0".into()));
    all.push(("SignatureNonce".into(), context.nonce.clone()));
    all.push(("Timestamp".into(), context.timestamp.clone()));
    if let Some(token) = credentials.security_token() {
        all.push(("SecurityToken".into(), token.expose().into()));
    }
    all
}

impl Signer for V1Signer {
    fn version(&self) -> SignatureVersion {
        SignatureVersion::V1
    }

    fn sign(
        &self,
        request: &SignableRequest<'_>,
        credentials: &Credentials,
        context: &SigningContext,
    ) -> SignedRequest {
        let all = common_params(request, credentials, context);
        let mut query = super::canonical_query(&all);
        let to_sign = string_to_sign(request.method, &query);
        let sig = signature(credentials.access_key_secret().expose(), &to_sign);
        query.push_str("&Signature=");
        crate::encode::percent_encode_into(&mut query, &sig);
        SignedRequest {
            query,
            headers: Vec::new(),
        }
    }
}
