//! Finding 8: a code or message with CR/LF or ANSI escapes went out verbatim in `Display`, so
//! logging `{err}` forged log lines.

use std::time::Duration;

use alibabacloud_cas::SdkErrorKind;
use alibabacloud_runtime::ProvideCredentials as _;
use alibabacloud_runtime::credentials::EcsRamRoleProvider;

use crate::support::{BOTH, Hostile, Reply, client, http, json};

const FORGED: &str =
    "Throttling\r\n2026-12-07T05:00:00Z INFO login ok user=admin\u{1b}[2J\u{1b}[31m";

fn assert_one_safe_line(shown: &str, what: &str) {
    assert!(
        !shown.chars().any(|c| c.is_control()),
        "{what} has a raw control character: {shown:?}"
    );
    assert!(
        shown.contains("\\r\\n") || shown.contains("\\u{1b}"),
        "{what} escaped: {shown}"
    );
}

#[tokio::test]
async fn service_text_is_escaped_in_display() {
    let envelope = serde_json::json!({
        "RequestId": format!("R\n{FORGED}"), "Code": FORGED, "Message": FORGED,
    })
    .to_string();
    for version in BOTH {
        let body = envelope.clone();
        let server = Hostile::start(move |_| json(400, &body)).await;
        let c = client(&server.endpoint(), version, |b| b);
        let err = c
            .delete_certificate_request()
            .order_id(1)
            .send()
            .await
            .expect_err("error");
        assert_eq!(err.code(), Some(FORGED), "the code itself is kept as sent");
        assert_one_safe_line(&err.to_string(), "a service error");
        let meta = err
            .service_error()
            .map(|e| e.metadata().to_string())
            .unwrap_or_default();
        assert_one_safe_line(&meta, "ErrorMetadata");
    }
}

#[tokio::test]
async fn malformed_answers_and_redirects_are_escaped() {
    // (Header values with control characters are refused by the HTTP parser itself.)
    let cases: Vec<fn() -> Reply> = vec![
        || {
            Reply::Raw(http(
                400,
                &[("content-type", "text/plain")],
                FORGED.as_bytes(),
            ))
        },
        || {
            let body = serde_json::json!({ "RequestId": FORGED, "OrderId": FORGED }).to_string();
            Reply::Raw(http(200, &[], body.as_bytes()))
        },
    ];
    for case in cases {
        let server = Hostile::start(move |_| case()).await;
        let c = client(&server.endpoint(), BOTH[1], |b| b);
        let err = c
            .create_certificate_request()
            .domain("www.example.com")
            .email("admin@example.com")
            .phone("13800000000")
            .username("Admin")
            .validate_type("DNS")
            .send()
            .await
            .expect_err("error");
        assert!(matches!(err.kind(), SdkErrorKind::Response(_)), "{err:?}");
        assert_one_safe_line(&err.to_string(), "a malformed answer");
    }
}

#[tokio::test]
async fn credentials_errors_are_escaped() {
    // A metadata service whose refusal code forges a log line.
    let server = Hostile::start(|seen| {
        if seen.target.ends_with("/api/token") {
            Reply::Raw(http(200, &[], b"session"))
        } else {
            let body = serde_json::json!({ "Code": FORGED }).to_string();
            Reply::Raw(http(200, &[], body.as_bytes()))
        }
    })
    .await;
    let err = EcsRamRoleProvider::new(Some("role".into()))
        .with_endpoint(server.endpoint())
        .with_timeout(Duration::from_secs(2))
        .provide_credentials()
        .await
        .expect_err("refused");
    assert_one_safe_line(&err.to_string(), "a credentials error");
}
