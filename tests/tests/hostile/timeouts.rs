//! Finding 3: a drip-fed body never ended with the default configuration: the 10 s read
//! timeout applies to each read, and there was no default limit on a whole attempt.

use std::time::Duration;

use alibabacloud_cas::runtime::config::{DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_READ_TIMEOUT};
use alibabacloud_cas::runtime::error::TimeoutKind;
use alibabacloud_cas::{Client, RetryConfig, SdkErrorKind};

use crate::support::{BOTH, Hostile, Reply, client};

/// A 200 announcing 1,000 bytes, then one byte every `interval`.
fn drip(interval: Duration) -> Reply {
    Reply::Stream {
        head: b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n".to_vec(),
        chunk: b" ".to_vec(),
        total: Some(1000),
        interval,
    }
}

fn attempt_timeout<E: std::fmt::Debug>(err: &alibabacloud_cas::SdkError<E>) -> Duration {
    match err.kind() {
        SdkErrorKind::Timeout(t) if t.kind() == TimeoutKind::Attempt => t.limit(),
        other => panic!("not an attempt timeout: {other:?}"),
    }
}

#[test]
fn the_default_configuration_bounds_every_call() {
    let config = Client::config().build().expect("config");
    assert_eq!(config.attempt_timeout(), Some(DEFAULT_ATTEMPT_TIMEOUT));
    assert_eq!(config.read_timeout(), DEFAULT_READ_TIMEOUT);
    // Every attempt ends within the attempt limit and every wait within the backoff cap, so
    // a call with the defaults ends within this bound, whatever the server does.
    let retry = config.retry();
    let bound = DEFAULT_ATTEMPT_TIMEOUT * retry.max_attempts()
        + retry.max_backoff() * (retry.max_attempts() - 1);
    assert_eq!(bound, Duration::from_secs(130));
}

#[tokio::test]
async fn a_drip_fed_body_ends_at_the_attempt_limit() {
    for version in BOTH {
        let server = Hostile::start(|_| drip(Duration::from_millis(50))).await;
        let c = client(&server.endpoint(), version, |b| {
            b.attempt_timeout(Duration::from_millis(600))
                .retry(RetryConfig::standard().with_max_attempts(2))
        });
        let err = c
            .describe_certificate_state()
            .order_id(1)
            .send()
            .await
            .expect_err("never completes");
        assert_eq!(attempt_timeout(&err), Duration::from_millis(600));
        assert_eq!(err.attempts(), 2, "a read is retried after a timeout");
        assert!(err.outcome_unknown());
        assert_eq!(server.count(), 2);
    }
}

/// The finding exactly: one byte per second, nothing configured. The create is not retried
/// (its outcome is unknown), so the call ends at the default attempt limit, 30 s.
#[tokio::test]
async fn one_byte_per_second_ends_under_the_defaults() {
    let server = Hostile::start(|_| drip(Duration::from_secs(1))).await;
    let c = client(&server.endpoint(), BOTH[1], |b| b);
    let started = std::time::Instant::now();
    let err = c
        .create_certificate_request()
        .domain("www.example.com")
        .email("admin@example.com")
        .phone("13800000000")
        .username("Admin")
        .validate_type("DNS")
        .send()
        .await
        .expect_err("never completes");
    assert_eq!(attempt_timeout(&err), DEFAULT_ATTEMPT_TIMEOUT);
    assert!(err.outcome_unknown(), "{err}");
    assert_eq!(err.attempts(), 1);
    println!(
        "1 byte/s with the defaults ended after {:?}",
        started.elapsed()
    );
}
