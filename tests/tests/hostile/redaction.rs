//! Finding 5: redaction gaps. In non-envelope errors (a 400 that is not JSON, a 200 that does
//! not decode) the token and the signature appeared in `Display`, `Debug` and the source
//! chain; lower-case percent-encoded echoes were missed, and the echoed `Signature` and V3
//! `Authorization` never were redacted.

use alibabacloud_cas::SdkError;

use crate::support::{
    BOTH, Hostile, Reply, SECRET, Seen, TOKEN, assert_no_secret, client, encodings, error_texts,
    http,
};

/// Everything secret the server can see or knows, in every encoding, as one text.
fn echo(seen: &Seen) -> String {
    let mut parts = vec![
        format!("target={}", seen.target),
        format!(
            "authorization={}",
            seen.header("authorization").unwrap_or("")
        ),
    ];
    for value in [
        seen.token().unwrap_or_default(),
        seen.signature().unwrap_or_default(),
        SECRET.to_string(),
    ] {
        for form in encodings(&value) {
            parts.push(form);
        }
        parts.push(value.replace('/', "\\/"));
    }
    parts.join(" | ")
}

type Answer = fn(&Seen) -> Reply;

/// The ways a server can put the echo into an answer, on different error paths.
fn answers() -> Vec<(&'static str, Answer)> {
    vec![
        ("400 that is not JSON", |s| {
            Reply::Raw(http(
                400,
                &[("content-type", "text/plain")],
                echo(s).as_bytes(),
            ))
        }),
        ("200 that does not decode", |s| {
            // `RequestId` is a string in every output: a list fails every decoder.
            let body = serde_json::json!({ "RequestId": [echo(s)], "OrderId": echo(s) });
            Reply::Raw(http(200, &[], body.to_string().as_bytes()))
        }),
        ("error envelope echoing everywhere", |s| {
            let e = echo(s);
            let body = serde_json::json!({
                "RequestId": e, "Code": e, "Message": e, "HostId": e, "Recommend": e,
            });
            Reply::Raw(http(400, &[], body.to_string().as_bytes()))
        }),
        ("envelope without a code", |s| {
            let body = serde_json::json!({ "RequestId": echo(s), "Message": echo(s) });
            Reply::Raw(http(403, &[], body.to_string().as_bytes()))
        }),
        ("HTML 502 with the echo in a header", |s| {
            let token = s.token().unwrap_or_default();
            Reply::Raw(http(
                502,
                &[("x-acs-request-id", &token)],
                format!("<html>{}</html>", echo(s)).as_bytes(),
            ))
        }),
        ("redirect with the token in the request id", |s| {
            let token = s.token().unwrap_or_default();
            Reply::Raw(http(
                302,
                &[
                    ("x-acs-request-id", &token),
                    ("location", "http://elsewhere.example/"),
                ],
                b"",
            ))
        }),
    ]
}

fn check<E: std::error::Error + 'static>(
    case: &str,
    result: Result<impl std::fmt::Debug, SdkError<E>>,
    server: &Hostile,
) {
    let err = result.expect_err(case);
    let texts = error_texts(&err);
    let seen = server.seen();
    assert!(!seen.is_empty());
    assert!(
        seen.iter().all(|s| s.token().as_deref() == Some(TOKEN)),
        "{case}: the server saw the token, so the echo carried it"
    );
    let signatures: Vec<String> = seen.iter().filter_map(Seen::signature).collect();
    assert_no_secret(&texts, &signatures, case);
    assert!(texts.contains("** redacted **"), "{case}: {texts}");
}

#[tokio::test]
async fn no_secret_token_or_signature_on_any_error_path() {
    for version in BOTH {
        for (case, answer) in answers() {
            let server = Hostile::start(answer).await;
            let c = client(&server.endpoint(), version, |b| b);
            let case = format!("{version:?}, {case}");
            // A read (retried on 5xx) and a create.
            let read = c.describe_certificate_state().order_id(7).send().await;
            check(&format!("{case}, describe"), read, &server);
            let create = c
                .create_certificate_request()
                .domain("www.example.com")
                .email("admin@example.com")
                .phone("13800000000")
                .username("Admin")
                .validate_type("DNS")
                .send()
                .await;
            check(&format!("{case}, create"), create, &server);
        }
    }
}
