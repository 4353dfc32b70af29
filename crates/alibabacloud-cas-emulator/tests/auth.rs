//! Signature verification, timestamps, nonces, the error envelope and parameter checks.

mod common;

use std::time::Duration;

use alibabacloud_cas_emulator::{AuditEntry, EmulatorConfig};
use alibabacloud_runtime::encode::percent_encode;
use alibabacloud_runtime::signing::{self, SignatureVersion, SigningContext, v1, v3};
use common::{Client, Reply, VERSION, context_at, start, start_default};

const SCHEMES: [SignatureVersion; 2] = [SignatureVersion::V1, SignatureVersion::V3];

#[tokio::test]
async fn v1_and_v3_signatures_are_accepted() {
    let em = start_default().await;
    for scheme in SCHEMES {
        let client = Client::new(&em, scheme);
        let reply = client
            .call("ListUserCertificateOrder", &[("ShowSize", "10")])
            .await
            .ok();
        assert_eq!(reply.body["TotalCount"], 0);
        assert_eq!(reply.body["ShowSize"], 10);
        assert_eq!(reply.body["CurrentPage"], 1);
        assert!(
            reply.body["CertificateOrderList"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            reply.header_request_id.as_deref(),
            Some(reply.request_id()),
            "x-acs-request-id must equal the body's RequestId"
        );
        assert_eq!(
            reply.content_type.as_deref(),
            Some("application/json;charset=utf-8")
        );
    }
    em.shutdown().await;
}

#[tokio::test]
async fn security_tokens_are_accepted_for_known_keys() {
    let em = start_default().await;
    for scheme in SCHEMES {
        let mut client = Client::new(&em, scheme);
        client.token = Some("any-sts-token".into());
        client.call("ListUserCertificateOrder", &[]).await.ok();
    }
    em.shutdown().await;
}

#[tokio::test]
async fn several_key_pairs() {
    let em = start(EmulatorConfig {
        key_pairs: vec![
            ("id-a".into(), "secret-a".into()),
            ("id-b".into(), "secret-b".into()),
        ],
        ..EmulatorConfig::default()
    })
    .await;
    for scheme in SCHEMES {
        let a = Client::new(&em, scheme).with_key("id-a", "secret-a");
        let b = Client::new(&em, scheme).with_key("id-b", "secret-b");
        a.call("ListUserCertificateOrder", &[]).await.ok();
        b.call("ListUserCertificateOrder", &[]).await.ok();
        Client::new(&em, scheme)
            .with_key("id-a", "secret-b")
            .call("ListUserCertificateOrder", &[])
            .await
            .err(400, "SignatureDoesNotMatch");
    }
    em.shutdown().await;
}

#[tokio::test]
async fn wrong_secret_is_signature_does_not_match() {
    let em = start_default().await;
    for scheme in SCHEMES {
        let client = Client::new(&em, scheme)
            .with_key(alibabacloud_cas_emulator::DEFAULT_ACCESS_KEY_ID, "wrong");
        let reply = client
            .call("ListUserCertificateOrder", &[])
            .await
            .err(400, "SignatureDoesNotMatch");
        let message = reply.message();
        assert!(
            message.starts_with(
                "Specified signature is not matched with our calculation. server string to sign is:"
            ),
            "{message}"
        );
        match scheme {
            SignatureVersion::V1 => assert!(message.contains("POST&%2F&"), "{message}"),
            SignatureVersion::V3 => assert!(message.contains("ACS3-HMAC-SHA256\n"), "{message}"),
        }
    }
    assert!(em.audit_log().is_empty(), "failed auth must not be audited");
    em.shutdown().await;
}

#[tokio::test]
async fn unknown_access_key() {
    let em = start_default().await;
    for scheme in SCHEMES {
        Client::new(&em, scheme)
            .with_key("nobody", "whatever")
            .call("ListUserCertificateOrder", &[])
            .await
            .err(404, "InvalidAccessKeyId.NotFound");
    }
    em.shutdown().await;
}

#[tokio::test]
async fn unsigned_requests_are_incomplete_and_use_the_real_envelope() {
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V1);
    let reply = client
        .send_raw(
            "POST",
            "Action=ListUserCertificateOrder&Version=2020-04-07",
            &[],
            None,
        )
        .await
        .err(400, "IncompleteSignature");
    let id = reply.request_id().to_string();
    assert_eq!(id.len(), 36);
    assert_eq!(reply.header_request_id.as_deref(), Some(id.as_str()));
    assert_eq!(reply.body["HostId"], "cas.aliyuncs.com");
    assert_eq!(
        reply.body["Recommend"],
        format!(
            "https://api.aliyun.com/troubleshoot?q=IncompleteSignature&product=cas&requestId={id}"
        )
    );
    assert_eq!(
        reply.content_type.as_deref(),
        Some("application/json;charset=utf-8")
    );
    em.shutdown().await;
}

#[tokio::test]
async fn malformed_or_partial_v3_authorization_is_incomplete() {
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V3);
    let signed = client.sign(
        "POST",
        "ListUserCertificateOrder",
        VERSION,
        &[],
        &SigningContext::fresh(),
    );
    let base: Vec<(String, String)> = signed
        .headers
        .iter()
        .filter(|(n, _)| *n != "host" && *n != "authorization")
        .map(|(n, v)| (n.to_string(), v.clone()))
        .collect();
    let authorization = signed
        .headers
        .iter()
        .find(|(n, _)| *n == "authorization")
        .map(|(_, v)| v.clone())
        .unwrap();
    for bad in [
        "ACS3-HMAC-SHA256".to_string(),
        "ACS3-HMAC-SHA256 Credential=x".to_string(),
        authorization.replace("SignedHeaders=host;", "SignedHeaders="),
        authorization.replace(";x-acs-signature-nonce", ""),
        "Bearer abc".to_string(),
    ] {
        let mut headers = base.clone();
        headers.push(("authorization".into(), bad.clone()));
        client
            .send_raw("POST", &signed.query, &headers, None)
            .await
            .err(400, "IncompleteSignature");
    }
    // An x-acs-* header that is present but not signed.
    let mut headers = base.clone();
    headers.push(("authorization".into(), authorization.clone()));
    headers.push(("x-acs-extra".into(), "1".into()));
    client
        .send_raw("POST", &signed.query, &headers, None)
        .await
        .err(400, "IncompleteSignature");
    // The untouched request goes through.
    let mut headers = base;
    headers.push(("authorization".into(), authorization));
    client
        .send_raw("POST", &signed.query, &headers, None)
        .await
        .ok();
    em.shutdown().await;
}

#[tokio::test]
async fn v1_without_signature_parts_is_incomplete() {
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V1);
    let signed = client.sign(
        "POST",
        "ListUserCertificateOrder",
        VERSION,
        &[],
        &SigningContext::fresh(),
    );
    for drop in ["Signature=", "SignatureNonce=", "AccessKeyId="] {
        let query: Vec<&str> = signed
            .query
            .split('&')
            .filter(|p| !p.starts_with(drop))
            .collect();
        client
            .send_raw("POST", &query.join("&"), &[], None)
            .await
            .err(400, "IncompleteSignature");
    }
    em.shutdown().await;
}

#[tokio::test]
async fn old_and_future_timestamps_are_expired() {
    let em = start_default().await;
    for scheme in SCHEMES {
        let client = Client::new(&em, scheme);
        for past in [true, false] {
            client
                .call_with(
                    "ListUserCertificateOrder",
                    VERSION,
                    &[],
                    &context_at(Duration::from_secs(16 * 60), past),
                )
                .await
                .err(400, "InvalidTimeStamp.Expired");
        }
        // Within the window both ways.
        for past in [true, false] {
            client
                .call_with(
                    "ListUserCertificateOrder",
                    VERSION,
                    &[],
                    &context_at(Duration::from_secs(14 * 60), past),
                )
                .await
                .ok();
        }
    }
    em.shutdown().await;
}

#[tokio::test]
async fn unparseable_or_missing_timestamp() {
    let em = start_default().await;
    for scheme in SCHEMES {
        let client = Client::new(&em, scheme);
        let context = SigningContext {
            timestamp: "2024-01-01 00:00:00".into(),
            nonce: signing::new_nonce(),
        };
        client
            .call_with("ListUserCertificateOrder", VERSION, &[], &context)
            .await
            .err(400, "InvalidTimeStamp.Format");
    }
    // V1 without Timestamp at all.
    let client = Client::new(&em, SignatureVersion::V1);
    let params = [
        (
            "AccessKeyId",
            alibabacloud_cas_emulator::DEFAULT_ACCESS_KEY_ID,
        ),
        ("Action", "ListUserCertificateOrder"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", "abc123"),
        ("SignatureVersion", "1.0"),
        ("Version", VERSION),
    ];
    let canonical = signing::canonical_query(&params);
    let sig = v1::signature(
        alibabacloud_cas_emulator::DEFAULT_ACCESS_KEY_SECRET,
        &v1::string_to_sign("POST", &canonical),
    );
    let reply = client
        .send_raw(
            "POST",
            &format!("{canonical}&Signature={}", percent_encode(&sig)),
            &[],
            None,
        )
        .await
        .err(400, "MissingParameter");
    assert!(
        reply.message().contains("\"Timestamp\""),
        "{}",
        reply.message()
    );
    em.shutdown().await;
}

#[tokio::test]
async fn replayed_nonce_is_rejected() {
    let em = start_default().await;
    for scheme in SCHEMES {
        let client = Client::new(&em, scheme);
        let context = SigningContext::fresh();
        let signed = client.sign("POST", "ListUserCertificateOrder", VERSION, &[], &context);
        client.send_signed("POST", &signed).await.ok();
        client
            .send_signed("POST", &signed)
            .await
            .err(400, "SignatureNonceUsed");
        // The same nonce under another timestamp is still a replay.
        let again = SigningContext {
            timestamp: context_at(Duration::from_secs(5), true).timestamp,
            nonce: context.nonce.clone(),
        };
        client
            .call_with("ListUserCertificateOrder", VERSION, &[], &again)
            .await
            .err(400, "SignatureNonceUsed");
    }
    em.shutdown().await;
}

#[tokio::test]
async fn a_rejected_signature_does_not_burn_the_nonce() {
    let em = start_default().await;
    let good = Client::new(&em, SignatureVersion::V3);
    let bad = good
        .clone()
        .with_key(alibabacloud_cas_emulator::DEFAULT_ACCESS_KEY_ID, "wrong");
    let context = SigningContext::fresh();
    bad.call_with("ListUserCertificateOrder", VERSION, &[], &context)
        .await
        .err(400, "SignatureDoesNotMatch");
    good.call_with("ListUserCertificateOrder", VERSION, &[], &context)
        .await
        .ok();
    em.shutdown().await;
}

#[tokio::test]
async fn unknown_action_and_version() {
    let em = start_default().await;
    for scheme in SCHEMES {
        let client = Client::new(&em, scheme);
        client
            .call("NoSuchOperation", &[])
            .await
            .err(404, "InvalidAction.NotFound");
        client
            .call_with(
                "ListUserCertificateOrder",
                "2019-01-01",
                &[],
                &SigningContext::fresh(),
            )
            .await
            .err(400, "InvalidVersion");
    }
    assert!(em.audit_log().is_empty());
    em.shutdown().await;
}

#[tokio::test]
async fn missing_and_ill_typed_order_id() {
    let em = start_default().await;
    for scheme in SCHEMES {
        let client = Client::new(&em, scheme);
        for action in [
            "DescribeCertificateState",
            "CancelOrderRequest",
            "DeleteCertificateRequest",
        ] {
            let reply = client.call(action, &[]).await.err(400, "MissingParameter");
            assert_eq!(
                reply.message(),
                "The input parameter \"OrderId\" that is mandatory for processing this request is not supplied."
            );
            let reply = client
                .call(action, &[("OrderId", "abc")])
                .await
                .err(400, "InvalidParameter");
            assert!(reply.message().contains("OrderId"), "{}", reply.message());
            client
                .call(action, &[("OrderId", "424242")])
                .await
                .err(404, "NotFoundOrder");
        }
        client
            .call("ListUserCertificateOrder", &[("ShowSize", "ten")])
            .await
            .err(400, "InvalidParameter");
        client
            .call("ListUserCertificateOrder", &[("Status", "NOPE")])
            .await
            .err(400, "InvalidParameter");
        let reply = client
            .call(
                "CreateCertificateRequest",
                &[("Domain", "example.com"), ("Email", "a@example.com")],
            )
            .await
            .err(400, "MissingParameter");
        assert!(reply.message().contains("\"Phone\""), "{}", reply.message());
    }
    let log = em.audit_log();
    assert_eq!(
        log[0],
        AuditEntry {
            product: "cas".into(),
            action: "DescribeCertificateState".into(),
            order_id: None,
            outcome: "MissingParameter".into(),
        }
    );
    assert_eq!(log[2].order_id, Some(424242));
    assert_eq!(log[2].outcome, "NotFoundOrder");
    em.shutdown().await;
}

#[tokio::test]
async fn v1_get_requests_and_form_bodies() {
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V1);
    // GET: the string to sign starts with GET.
    let signed = client.sign(
        "GET",
        "ListUserCertificateOrder",
        VERSION,
        &[("ShowSize", "5")],
        &SigningContext::fresh(),
    );
    let reply = client.send_signed("GET", &signed).await.ok();
    assert_eq!(reply.body["ShowSize"], 5);
    // A GET-signed request sent as POST does not verify.
    let signed = client.sign(
        "GET",
        "ListUserCertificateOrder",
        VERSION,
        &[],
        &SigningContext::fresh(),
    );
    client
        .send_signed("POST", &signed)
        .await
        .err(400, "SignatureDoesNotMatch");

    // Business parameters moved to a form body are still covered by the signature.
    let signed = client.sign(
        "POST",
        "CreateCertificateRequest",
        VERSION,
        &[
            ("Domain", "form.example.com"),
            ("Email", "a b@example.com"),
            ("Phone", "+86 138"),
            ("Username", "Form User"),
            ("ValidateType", "DNS"),
        ],
        &SigningContext::fresh(),
    );
    let (body, query): (Vec<&str>, Vec<&str>) = signed.query.split('&').partition(|p| {
        ["Domain=", "Email=", "Phone=", "Username="]
            .iter()
            .any(|k| p.starts_with(k))
    });
    // Form encoders write spaces as `+`.
    let body = body.join("&").replace("%20", "+");
    let reply = client
        .send_raw(
            "POST",
            &query.join("&"),
            &[(
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            Some(body.into_bytes()),
        )
        .await
        .ok();
    let id = reply.order_id();
    let reply = client.on_order("DescribeCertificateState", id).await.ok();
    assert_eq!(reply.body["Domain"], "form.example.com");
    em.shutdown().await;
}

#[tokio::test]
async fn plus_in_the_query_verifies_whichever_way_it_was_signed() {
    let em = start_default().await;
    for scheme in SCHEMES {
        let client = Client::new(&em, scheme);
        client.create("plus.example.com").await;
        // Signed over "plus example" (a space), sent with `+` for the space.
        let signed = client.sign(
            "POST",
            "ListUserCertificateOrder",
            VERSION,
            &[("Keyword", "plus example")],
            &SigningContext::fresh(),
        );
        assert!(signed.query.contains("plus%20example"));
        let mut plus = signed.clone();
        plus.query = signed.query.replace("plus%20example", "plus+example");
        let reply = client.send_signed("POST", &plus).await.ok();
        assert_eq!(reply.body["TotalCount"], 0);
        // Signed over "a+b" (a literal plus), sent with the plus unencoded.
        let signed = client.sign(
            "POST",
            "ListUserCertificateOrder",
            VERSION,
            &[("Keyword", "a+b")],
            &SigningContext::fresh(),
        );
        let mut literal = signed.clone();
        literal.query = signed.query.replace("a%2Bb", "a+b");
        client.send_signed("POST", &literal).await.ok();
    }
    em.shutdown().await;
}

/// Headers for a V3 request with a form body, signing content-type too; `claimed_hash` is what
/// `x-acs-content-sha256` says.
fn v3_form_request(
    client: &Client,
    action: &str,
    body: &[u8],
    claimed_hash: &str,
) -> Vec<(String, String)> {
    let context = SigningContext::fresh();
    let headers = [
        ("host", client.host.as_str()),
        ("content-type", "application/x-www-form-urlencoded"),
        ("x-acs-action", action),
        ("x-acs-version", VERSION),
        ("x-acs-date", context.timestamp.as_str()),
        ("x-acs-signature-nonce", context.nonce.as_str()),
        ("x-acs-content-sha256", claimed_hash),
    ];
    let (canonical, signed_headers) =
        v3::canonical_request("POST", "/", "", &headers, &v3::sha256_hex(body));
    let sig = v3::signature(&client.secret, &v3::string_to_sign(&canonical));
    let mut send: Vec<(String, String)> = headers
        .iter()
        .filter(|(n, _)| *n != "host")
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    send.push((
        "authorization".into(),
        v3::authorization(&client.key_id, &signed_headers, &sig),
    ));
    send
}

#[tokio::test]
async fn v3_with_a_signed_form_body() {
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V3);
    let body = b"Domain=v3.example.com&Email=a%40example.com&Phone=1&Username=u&ValidateType=FILE";
    let headers = v3_form_request(
        &client,
        "CreateCertificateRequest",
        body,
        &v3::sha256_hex(body),
    );
    let id = client
        .send_raw("POST", "", &headers, Some(body.to_vec()))
        .await
        .ok()
        .order_id();
    let reply = client.on_order("DescribeCertificateState", id).await.ok();
    assert_eq!(reply.body["ValidateType"], "FILE");
    assert_eq!(reply.body["Domain"], "v3.example.com");
    assert_eq!(
        reply.body["Uri"],
        "/.well-known/pki-validation/fileauth.txt"
    );
    assert!(!reply.body["Content"].as_str().unwrap().is_empty());

    // x-acs-content-sha256 that is not the body's hash.
    let headers = v3_form_request(
        &client,
        "ListUserCertificateOrder",
        b"ShowSize=1",
        v3::EMPTY_BODY_SHA256,
    );
    client
        .send_raw("POST", "", &headers, Some(b"ShowSize=1".to_vec()))
        .await
        .err(400, "SignatureDoesNotMatch");

    // The runtime's signer does not sign content-type: a body then makes the signature
    // incomplete.
    let params: Vec<(String, String)> = Vec::new();
    let signable = alibabacloud_runtime::signing::SignableRequest {
        method: "POST",
        path: "/",
        host: &client.host,
        action: "ListUserCertificateOrder",
        version: VERSION,
        params: &alibabacloud_runtime::Params::from_pairs(&params),
        body: b"ShowSize=1",
    };
    let signed = SignatureVersion::V3.signer().sign(
        &signable,
        &client.credentials(),
        &SigningContext::fresh(),
    );
    let mut send: Vec<(String, String)> = signed
        .headers
        .iter()
        .filter(|(n, _)| *n != "host")
        .map(|(n, v)| (n.to_string(), v.clone()))
        .collect();
    send.push((
        "content-type".into(),
        "application/x-www-form-urlencoded".into(),
    ));
    client
        .send_raw("POST", &signed.query, &send, Some(b"ShowSize=1".to_vec()))
        .await
        .err(400, "IncompleteSignature");
    em.shutdown().await;
}

#[tokio::test]
async fn audit_log_records_executed_operations_only() {
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V3);
    let id = client.create("audit.example.com").await;
    client
        .clone()
        .with_key("nobody", "x")
        .on_order("DescribeCertificateState", id)
        .await
        .err(404, "InvalidAccessKeyId.NotFound");
    client.on_order("CancelOrderRequest", id).await.ok();
    client
        .on_order("CancelOrderRequest", id)
        .await
        .err(403, "OrderStateError");
    assert_eq!(
        em.audit_log(),
        [
            AuditEntry {
                product: "cas".into(),
                action: "CreateCertificateRequest".into(),
                order_id: Some(id),
                outcome: "OK".into()
            },
            AuditEntry {
                product: "cas".into(),
                action: "CancelOrderRequest".into(),
                order_id: Some(id),
                outcome: "OK".into()
            },
            AuditEntry {
                product: "cas".into(),
                action: "CancelOrderRequest".into(),
                order_id: Some(id),
                outcome: "OrderStateError".into()
            },
        ]
    );
    em.shutdown().await;
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V3);
    let url = format!("http://{}/nowhere", client.host);
    Reply::read(client.http.post(url).send().await.unwrap())
        .await
        .err(404, "InvalidAction.NotFound");
    client
        .send_raw("PUT", "", &[], None)
        .await
        .err(405, "UnsupportedHTTPMethod");
    em.shutdown().await;
}
