//! A property test: random bytes as the status, the headers and the body of the answer, with
//! echoes of the secret, the token and the request's signature mixed in. The client returns an
//! output or an error, never panics, and no error text shows a secret.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use alibabacloud_cas::{RetryConfig, SignatureVersion};
use proptest::prelude::*;

use crate::support::{
    Hostile, Reply, SECRET, Seen, assert_no_secret, client, encodings, error_texts,
};

/// What a random answer is made of.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
    /// How the body is framed: 0 exact `content-length`, 1 a wrong one, 2 none (the end of
    /// the connection ends it).
    framing: u8,
    /// Where echoes of secrets go: bit 0 the body, bit 1 a header, bit 2 a JSON envelope.
    echo: u8,
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("x-acs-request-id".to_string()),
        Just("x-acs-retry-after".to_string()),
        Just("content-type".to_string()),
        Just("location".to_string()),
        Just("content-encoding".to_string()),
        Just("transfer-encoding".to_string()),
        "[a-z][a-z0-9-]{0,12}",
    ]
}

/// Header values: any bytes but CR and LF (which would end the header).
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        any::<u8>().prop_filter("no line break", |b| *b != b'\r' && *b != b'\n'),
        0..40,
    )
}

fn answer() -> impl Strategy<Value = Answer> {
    (
        prop_oneof![
            100u16..600,
            600u16..1000,
            Just(200u16),
            Just(400u16),
            Just(302u16)
        ],
        prop::collection::vec((header_name(), header_value()), 0..6),
        prop::collection::vec(any::<u8>(), 0..300),
        0u8..3,
        0u8..8,
    )
        .prop_map(|(status, headers, body, framing, echo)| Answer {
            status,
            headers,
            body,
            framing,
            echo,
        })
}

fn echo_of(seen: &Seen) -> String {
    let mut parts = Vec::new();
    for value in [
        seen.token().unwrap_or_default(),
        seen.signature().unwrap_or_default(),
        SECRET.to_string(),
    ] {
        parts.extend(encodings(&value));
    }
    parts.join(" ")
}

fn render(answer: &Answer, seen: &Seen) -> Vec<u8> {
    let echo = echo_of(seen);
    let mut out = format!("HTTP/1.1 {} Random\r\n", answer.status).into_bytes();
    for (name, value) in &answer.headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    if answer.echo & 2 != 0 {
        out.extend_from_slice(format!("x-acs-request-id: {echo}\r\n").as_bytes());
    }
    let mut body = answer.body.clone();
    if answer.echo & 1 != 0 {
        body.extend_from_slice(echo.as_bytes());
    }
    if answer.echo & 4 != 0 {
        let envelope = serde_json::json!({
            "RequestId": echo, "Code": echo, "Message": echo, "HostId": echo,
        });
        body = envelope.to_string().into_bytes();
    }
    match answer.framing {
        0 => out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes()),
        1 => out.extend_from_slice(format!("content-length: {}\r\n", body.len() + 7).as_bytes()),
        _ => {}
    }
    out.extend_from_slice(b"connection: close\r\n\r\n");
    out.extend_from_slice(&body);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_answer_is_an_output_or_a_clean_error(answer in answer(), v3 in any::<bool>()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let version = if v3 { SignatureVersion::V3 } else { SignatureVersion::V1 };
        rt.block_on(async {
            let shared = Arc::new(Mutex::new(answer.clone()));
            let script = shared.clone();
            let server = Hostile::start(move |seen| {
                let answer = script.lock().expect("lock").clone();
                Reply::Raw(render(&answer, seen))
            })
            .await;
            let c = client(&server.endpoint(), version, |b| {
                b.retry(RetryConfig::standard().with_max_backoff(Duration::from_millis(20)))
                    .attempt_timeout(Duration::from_secs(5))
            });
            let result = c.describe_certificate_state().order_id(1).send().await;
            if let Err(err) = result {
                let texts = error_texts(&err);
                let signatures: Vec<String> = server.seen().iter().filter_map(Seen::signature).collect();
                assert_no_secret(&texts, &signatures, &format!("{answer:?}"));
                prop_assert!(err.attempts() <= 3);
            }
            Ok(())
        })?;
    }
}
