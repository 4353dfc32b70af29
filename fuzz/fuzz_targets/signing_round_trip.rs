//! Arbitrary parameters signed with V1 and V3, then decoded from the wire form and verified
//! again from scratch, as a server would.
#![no_main]

use alibabacloud_runtime::Credentials;
use alibabacloud_runtime::encode::percent_decode;
use alibabacloud_runtime::signing::{
    SignableRequest, SignatureVersion, SigningContext, canonical_query, v1, v3,
};
use libfuzzer_sys::fuzz_target;

fn decode(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(k).unwrap_or_default(),
                percent_decode(v).unwrap_or_default(),
            )
        })
        .collect()
}

fuzz_target!(|input: (Vec<(String, String)>, String)| {
    let (mut params, secret) = input;
    // Business parameters never take the names of V1's common parameters.
    const COMMON: &[&str] = &[
        "Action",
        "Version",
        "Format",
        "AccessKeyId",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "Timestamp",
        "SecurityToken",
        "Signature",
    ];
    params.retain(|(k, _)| !COMMON.contains(&k.as_str()));
    let creds = Credentials::new("id", secret.clone());
    let request = SignableRequest {
        method: "POST",
        path: "/",
        host: "cas.aliyuncs.com",
        action: "DeleteCertificateRequest",
        version: "2020-04-07",
        params: &alibabacloud_runtime::Params::from_pairs(&params),
        body: &[],
    };
    let context = SigningContext {
        timestamp: "2024-01-01T00:00:00Z".into(),
        nonce: "n".into(),
    };

    let signed = SignatureVersion::V1
        .signer()
        .sign(&request, &creds, &context);
    let mut received = decode(&signed.query);
    let sig_at = received
        .iter()
        .position(|(k, _)| k == "Signature")
        .expect("signature");
    let (_, sig) = received.remove(sig_at);
    assert_eq!(
        v1::signature(
            &secret,
            &v1::string_to_sign("POST", &canonical_query(&received))
        ),
        sig
    );

    let signed = SignatureVersion::V3
        .signer()
        .sign(&request, &creds, &context);
    let received = decode(&signed.query);
    let headers: Vec<(&str, &str)> = signed
        .headers
        .iter()
        .filter(|(n, _)| *n != "authorization")
        .map(|(n, v)| (*n, v.as_str()))
        .collect();
    let (canonical, signed_headers) = v3::canonical_request(
        "POST",
        "/",
        &canonical_query(&received),
        &headers,
        v3::EMPTY_BODY_SHA256,
    );
    let expected = v3::authorization(
        "id",
        &signed_headers,
        &v3::signature(&secret, &v3::string_to_sign(&canonical)),
    );
    let auth = signed
        .headers
        .iter()
        .find(|(n, _)| *n == "authorization")
        .map(|(_, v)| v.clone());
    assert_eq!(auth, Some(expected));
});
