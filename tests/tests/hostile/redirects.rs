//! Finding 1: redirects were followed, handing the signed request, the STS token and every
//! `x-acs-*` header to another host (and the whole signed URL in `Referer` under V1); a 307 to
//! itself made the server receive the same signed create 11 times.

use alibabacloud_cas::SdkErrorKind;

use crate::support::{BOTH, Hostile, Reply, assert_no_secret, client, error_texts, http};

async fn create(c: &alibabacloud_cas::Client) -> Result<(), String> {
    c.create_certificate_request()
        .domain("www.example.com")
        .email("admin@example.com")
        .phone("13800000000")
        .username("Admin")
        .validate_type("DNS")
        .send()
        .await
        .map(|_| ())
        .map_err(|e| {
            let texts = error_texts(&e);
            assert_eq!(e.attempts(), 1, "one request, never re-sent: {texts}");
            assert!(!e.outcome_unknown(), "{texts}");
            match e.kind() {
                SdkErrorKind::Redirect(r) => {
                    format!(
                        "{}|{}|{e}",
                        r.http_status(),
                        r.location_host().unwrap_or("-")
                    )
                }
                other => panic!("not a redirect error: {other:?}"),
            }
        })
}

#[tokio::test]
async fn no_redirect_is_followed_and_the_error_names_status_and_host() {
    // The other host: it must never see a single request.
    let elsewhere = Hostile::start(|_| Reply::Raw(http(200, &[], b"{\"OrderId\":1}"))).await;
    let target = format!("http://{}/?stolen=1", elsewhere.addr);
    for status in [301u16, 302, 303, 307, 308] {
        for version in BOTH {
            let location = target.clone();
            let redirecting =
                Hostile::start(move |_| Reply::Raw(http(status, &[("location", &location)], b"")))
                    .await;
            let c = client(&redirecting.endpoint(), version, |b| b);
            let shown = create(&c).await.expect_err("a redirect is an error");
            let expected_host = elsewhere.addr.to_string();
            assert!(
                shown.starts_with(&format!("{status}|{expected_host}|")),
                "{version:?} {status}: {shown}"
            );
            assert!(
                shown.contains(&format!("HTTP {status}")) && shown.contains(&expected_host),
                "Display names the status and the host: {shown}"
            );
            let seen = redirecting.seen();
            assert_eq!(seen.len(), 1, "{version:?} {status}: sent once");
            assert!(seen[0].header("referer").is_none(), "no Referer header");
            let signature = seen[0].signature().unwrap_or_default();
            assert_no_secret(&shown, &[signature], "the redirect error");
        }
    }
    assert_eq!(
        elsewhere.count(),
        0,
        "the other host never received anything"
    );
}

#[tokio::test]
async fn a_redirect_to_itself_is_not_a_loop() {
    for version in BOTH {
        let me = Hostile::start(|seen| {
            let location = format!("http://{}/", seen.header("host").unwrap_or("127.0.0.1"));
            Reply::Raw(http(307, &[("location", &location)], b""))
        })
        .await;
        let c = client(&me.endpoint(), version, |b| b);
        let shown = create(&c).await.expect_err("refused");
        assert!(shown.starts_with("307|127.0.0.1:"), "{shown}");
        assert_eq!(
            me.count(),
            1,
            "{version:?}: the signed create arrived once, not 11 times"
        );
        // An idempotent read is not retried on a redirect either.
        let err = c
            .describe_certificate_state()
            .order_id(1)
            .send()
            .await
            .expect_err("refused");
        assert_eq!(err.attempts(), 1);
        assert_eq!(me.count(), 2);
    }
}

#[tokio::test]
async fn relative_missing_and_garbage_locations() {
    for (location, host) in [
        (Some("/elsewhere?x=1"), Some("127.0.0.1")),
        (None, None),
        (Some("http://[::1"), None),
        (
            Some("http://evil.example:8443/p"),
            Some("evil.example:8443"),
        ),
    ] {
        let server = Hostile::start(move |_| {
            let headers: Vec<(&str, &str)> = location.iter().map(|l| ("location", *l)).collect();
            Reply::Raw(http(302, &headers, b"<html>moved</html>"))
        })
        .await;
        let c = client(
            &server.endpoint(),
            alibabacloud_cas::SignatureVersion::V3,
            |b| b,
        );
        let err = c
            .describe_certificate_state()
            .order_id(1)
            .send()
            .await
            .expect_err("refused");
        let SdkErrorKind::Redirect(r) = err.kind() else {
            panic!("{err:?}")
        };
        assert_eq!(r.http_status(), 302);
        match host {
            Some(h) => assert!(
                r.location_host().is_some_and(|got| got.starts_with(h)),
                "{location:?}: {:?}",
                r.location_host()
            ),
            None => assert_eq!(r.location_host(), None, "{location:?}"),
        }
        assert_eq!(err.http_status(), Some(302));
    }
}
