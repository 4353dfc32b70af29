//! Finding 6: a token with a trailing `\n`, or an app name with CR/LF, failed while the request
//! was being built, yet was reported as a transport error "after the request was sent" with
//! `outcome_unknown() == true`, and a read was retried 3 times. Nothing was sent.

use alibabacloud_cas::runtime::config::ConfigError;
use alibabacloud_cas::{Client, Credentials, SdkErrorKind, SignatureVersion};

use crate::support::{ACCESS_KEY_ID, BOTH, Hostile, SECRET, client, json};

#[tokio::test]
async fn a_token_that_cannot_be_a_header_is_a_construction_error() {
    let server = Hostile::start(|_| json(200, r#"{"RequestId":"R"}"#)).await;
    for (id, token, field) in [
        (ACCESS_KEY_ID, "STS.token-with-newline\n", "security token"),
        (
            ACCESS_KEY_ID,
            "STS.token\r\nX-Injected: 1",
            "security token",
        ),
        ("id-with-newline\n", "STS.fine", "access key id"),
    ] {
        let c = Client::new(
            Client::config()
                .endpoint(server.endpoint())
                .credentials(Credentials::with_security_token(id, SECRET, token))
                .signature_version(SignatureVersion::V3)
                .build()
                .expect("config"),
        )
        .expect("client");
        let err = c
            .describe_certificate_state()
            .order_id(1)
            .send()
            .await
            .expect_err("cannot be sent");
        assert!(
            matches!(err.kind(), SdkErrorKind::Construction(_)),
            "{err:?}"
        );
        assert_eq!(err.attempts(), 0, "nothing was sent");
        assert!(!err.outcome_unknown(), "{err}");
        let shown = format!("{err} {err:?}");
        assert!(shown.contains(field), "names the field: {shown}");
        assert!(!shown.contains("STS.token") && !shown.contains("id-with-newline"));
        assert!(!shown.contains(SECRET));
    }
    assert_eq!(server.count(), 0, "not a byte was sent");
}

#[tokio::test]
async fn under_v1_the_token_travels_encoded_in_the_query() {
    // V1 puts the token in the query, percent-encoded: a newline is `%0A`, a valid request.
    let server = Hostile::start(|_| json(200, r#"{"RequestId":"R"}"#)).await;
    let c = Client::new(
        Client::config()
            .endpoint(server.endpoint())
            .credentials(Credentials::with_security_token(
                ACCESS_KEY_ID,
                SECRET,
                "tok\n",
            ))
            .signature_version(SignatureVersion::V1)
            .build()
            .expect("config"),
    )
    .expect("client");
    c.describe_certificate_state()
        .order_id(1)
        .send()
        .await
        .expect("sent");
    assert_eq!(server.seen()[0].token().as_deref(), Some("tok\n"));
}

#[test]
fn an_app_name_with_a_line_break_is_refused_when_configuring() {
    for version in BOTH {
        for app in ["my-app\r\nX-Injected: 1", "my-app\n", "bell\u{7}"] {
            let err = Client::config()
                .endpoint("http://127.0.0.1:1")
                .signature_version(version)
                .app_name(app)
                .build()
                .expect_err("refused");
            assert_eq!(err, ConfigError::InvalidHeaderValue { field: "app_name" });
            let shown = err.to_string();
            assert!(
                shown.contains("app_name") && !shown.contains("my-app"),
                "{shown}"
            );
        }
        // A plain name (non-ASCII included) is fine.
        let c = client("http://127.0.0.1:1", version, |b| {
            b.app_name("mon-appli/1.0 é")
        });
        assert_eq!(c.runtime().config().signature_version(), version);
    }
}
