//! DeleteCertificateRequest through the generated client against a loopback server that
//! recomputes the signature of what it received: the exact parameters sent, the typed
//! response, and every row of the published error table as a typed variant.

use crate::support::loopback::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, LoopbackServer};
use alibabacloud_cas::operation::delete_certificate_request::DeleteCertificateRequestError as E;
use alibabacloud_cas::{Client, Credentials, RetryConfig, SdkErrorKind, SignatureVersion};

fn client(server: &LoopbackServer, version: SignatureVersion) -> Client {
    let config = Client::config()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
        .signature_version(version)
        .retry(RetryConfig::disabled())
        .build()
        .expect("config");
    Client::new(config).expect("client")
}

#[tokio::test]
async fn sends_exactly_order_id_and_decodes_the_response_v1_and_v3() {
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let server = LoopbackServer::start().await;
        server.respond(
            200,
            r#"{"RequestId":"082FAB35-6AB9-4FD5-8750-D36673548E76"}"#,
        );
        let out = client(&server, version)
            .delete_certificate_request()
            .order_id(123451222)
            .send()
            .await
            .expect("success");
        assert_eq!(
            out.request_id.as_deref(),
            Some("082FAB35-6AB9-4FD5-8750-D36673548E76")
        );
        let got = server.received();
        assert_eq!(got.len(), 1);
        let r = &got[0];
        assert!(r.signature_ok, "{version:?}: signature must verify");
        assert_eq!(r.action, "DeleteCertificateRequest");
        assert_eq!(
            r.params,
            vec![("OrderId".to_string(), "123451222".to_string())]
        );
        let ua = r
            .headers
            .iter()
            .find(|(n, _)| n == "user-agent")
            .map(|(_, v)| v.as_str());
        assert!(
            ua.is_some_and(
                |ua| ua.starts_with("alibabacloud-rust-sdk/") && ua.contains("alibabacloud-cas/")
            ),
            "{ua:?}"
        );
        if version == SignatureVersion::V3 {
            for h in [
                "x-acs-action",
                "x-acs-version",
                "x-acs-date",
                "x-acs-signature-nonce",
                "x-acs-content-sha256",
                "authorization",
            ] {
                assert!(r.headers.iter().any(|(n, _)| n == h), "missing {h}");
            }
        }
        server.stop().await;
    }
}

#[tokio::test]
async fn every_published_error_code_becomes_its_variant() {
    type Row = (u16, &'static str, fn(&E) -> bool);
    let table: [Row; 7] = [
        (404, "NotFoundPackage", |e| {
            matches!(e, E::NotFoundPackage(_))
        }),
        (404, "NotRemainCount", |e| matches!(e, E::NotRemainCount(_))),
        (403, "CreateCertificateRequestFailed", |e| {
            matches!(e, E::CreateCertificateRequestFailed(_))
        }),
        (404, "NotFoundOrder", |e| matches!(e, E::NotFoundOrder(_))),
        (403, "OrderStateError", |e| {
            matches!(e, E::OrderStateError(_))
        }),
        (403, "DeleteFail", |e| matches!(e, E::DeleteFail(_))),
        (500, "Error", |e| matches!(e, E::Error(_))),
    ];
    let server = LoopbackServer::start().await;
    let client = client(&server, SignatureVersion::V3);
    for (status, code, is_variant) in table {
        let body = format!(
            r#"{{"RequestId":"RID-{code}","HostId":"cas.aliyuncs.com","Code":"{code}","Message":"message for {code}","Recommend":"https://api.aliyun.com/troubleshoot?q={code}"}}"#
        );
        server.respond(status, &body);
        let err = client
            .delete_certificate_request()
            .order_id(7)
            .send()
            .await
            .expect_err(code);
        assert_eq!(err.code(), Some(code));
        assert_eq!(err.http_status(), Some(status));
        assert_eq!(err.request_id(), Some(format!("RID-{code}").as_str()));
        assert_eq!(err.attempts(), 1);
        let typed = err.service_error().expect("service error");
        assert!(is_variant(typed), "{code} became {typed:?}");
        assert_eq!(typed.code(), code);
        assert_eq!(typed.message(), format!("message for {code}"));
        assert_eq!(typed.metadata().host_id(), Some("cas.aliyuncs.com"));
        assert!(
            typed
                .metadata()
                .recommend()
                .is_some_and(|r| r.contains(code))
        );
        assert_eq!(typed.metadata().body(), body);
        let shown = err.to_string();
        assert!(
            shown.contains(code) && shown.contains(&format!("message for {code}")),
            "{shown}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn unknown_and_platform_codes_reach_the_catch_all_with_nothing_lost() {
    let server = LoopbackServer::start().await;
    let client = client(&server, SignatureVersion::V1);
    for (status, code) in [
        (400, "Throttling.User"),
        (418, "BrandNewCode"),
        (400, "InvalidTimeStamp.Expired"),
    ] {
        server.respond(
            status,
            &format!(r#"{{"RequestId":"R-{code}","Code":"{code}","Message":"m {code}"}}"#),
        );
        let err = client
            .delete_certificate_request()
            .order_id(1)
            .send()
            .await
            .expect_err(code);
        match err.service_error() {
            Some(E::Unhandled(meta)) => {
                assert_eq!(meta.code(), code);
                assert_eq!(meta.message(), format!("m {code}"));
                assert_eq!(meta.http_status(), status);
                assert_eq!(meta.request_id(), Some(format!("R-{code}").as_str()));
            }
            other => panic!("{code}: expected Unhandled, got {other:?}"),
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn malformed_bodies_become_response_errors_with_status_and_snippet() {
    let server = LoopbackServer::start().await;
    let client = client(&server, SignatureVersion::V3);
    let cases: [(u16, &str); 5] = [
        (200, ""),
        (200, r#"{"RequestId":"R-trunc","#),
        (502, "<html><body>Bad Gateway</body></html>"),
        (200, r#"{"RequestId":12}"#),
        (404, r#"{"RequestId":"R-nocode","Message":"no code here"}"#),
    ];
    for (status, body) in cases {
        server.respond(status, body);
        let err = client
            .delete_certificate_request()
            .order_id(1)
            .send()
            .await
            .expect_err(body);
        match err.kind() {
            SdkErrorKind::Response(r) => {
                assert_eq!(r.http_status(), status);
                assert!(
                    body.starts_with(r.snippet().trim_end_matches('…')),
                    "{body:?} vs {:?}",
                    r.snippet()
                );
            }
            other => panic!("{body:?}: expected a response error, got {other:?}"),
        }
        assert_eq!(err.http_status(), Some(status));
    }
    server.respond(404, r#"{"RequestId":"R-nocode","Message":"no code here"}"#);
    let err = client
        .delete_certificate_request()
        .order_id(1)
        .send()
        .await
        .expect_err("no code");
    assert_eq!(err.request_id(), Some("R-nocode"));
    server.stop().await;
}

#[tokio::test]
async fn a_wrong_secret_is_rejected_by_the_recomputing_server() {
    let server = LoopbackServer::start().await;
    let config = Client::config()
        .endpoint(server.endpoint())
        .credentials(Credentials::new(ACCESS_KEY_ID, "not-the-secret"))
        .build()
        .expect("config");
    let err = Client::new(config)
        .expect("client")
        .delete_certificate_request()
        .order_id(1)
        .send()
        .await
        .expect_err("bad signature");
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert!(matches!(err.service_error(), Some(E::Unhandled(_))));
    assert!(!server.received()[0].signature_ok);
    server.stop().await;
}
