//! Finding 7: with a slow metadata service, 16 concurrent calls made 16 metadata requests one
//! after another (the median call took 9 s); an already-expired credential was fetched again
//! on every call (150 requests for 50 calls).

use std::time::{Duration, Instant, SystemTime};

use alibabacloud_cas::{Client, SdkErrorKind, SignatureVersion};
use alibabacloud_cas_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, EmulatorConfig,
};
use alibabacloud_runtime::credentials::{CachingProvider, EcsRamRoleProvider};
use alibabacloud_runtime::time::format_timestamp;

use crate::support::{Hostile, Reply, http};

/// A metadata service whose credentials answer takes `pause` and expires at `expiry()`.
async fn metadata(pause: Duration, expiry: fn() -> SystemTime) -> Hostile {
    Hostile::start(move |seen| {
        if seen.target.ends_with("/latest/api/token") {
            return Reply::Raw(http(200, &[], b"session-token"));
        }
        let body = serde_json::json!({
            "Code": "Success",
            "AccessKeyId": DEFAULT_ACCESS_KEY_ID,
            "AccessKeySecret": DEFAULT_ACCESS_KEY_SECRET,
            "SecurityToken": "STS.role-token",
            "Expiration": format_timestamp(expiry()),
        })
        .to_string();
        Reply::After(pause, http(200, &[], body.as_bytes()))
    })
    .await
}

fn fetches(md: &Hostile) -> usize {
    md.seen()
        .iter()
        .filter(|s| s.target.contains("/security-credentials/my-role"))
        .count()
}

fn role_client(endpoint: &str, md: &Hostile, version: SignatureVersion) -> Client {
    Client::new(
        Client::config()
            .endpoint(endpoint)
            .credentials_provider(CachingProvider::new(
                EcsRamRoleProvider::new(Some("my-role".into()))
                    .with_endpoint(md.endpoint())
                    .with_timeout(Duration::from_secs(5)),
            ))
            .signature_version(version)
            .build()
            .expect("config"),
    )
    .expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_concurrent_calls_share_one_slow_fetch() {
    let emu = Emulator::start(
        EmulatorConfig::default(),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await
    .expect("emulator");
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let md = metadata(Duration::from_millis(800), || {
            SystemTime::now() + Duration::from_secs(3600)
        })
        .await;
        let c = role_client(&emu.endpoint(), &md, version);
        let started = Instant::now();
        let calls: Vec<_> = (0..16)
            .map(|_| {
                let c = c.clone();
                tokio::spawn(async move {
                    let t = Instant::now();
                    c.list_user_certificate_order()
                        .send()
                        .await
                        .map(|_| t.elapsed())
                })
            })
            .collect();
        let mut took = Vec::new();
        for call in calls {
            took.push(
                call.await
                    .expect("task")
                    .expect("signed with the role's credentials"),
            );
        }
        took.sort();
        println!(
            "{version:?}: 16 calls, {} metadata fetch(es), median call {:?}, all done in {:?}",
            fetches(&md),
            took[8],
            started.elapsed()
        );
        assert_eq!(fetches(&md), 1, "one fetch for all sixteen");
        // One slow fetch, not sixteen in a row (which took 16 × 0.8 s).
        assert!(took[8] < Duration::from_secs(4), "median {:?}", took[8]);
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn an_expired_answer_is_an_error_and_is_not_fetched_on_every_call() {
    let md = metadata(Duration::ZERO, || {
        SystemTime::now() - Duration::from_secs(60)
    })
    .await;
    // The calls never reach a server: credentials come first.
    let c = role_client("http://127.0.0.1:1", &md, SignatureVersion::V3);
    for _ in 0..50 {
        let err = c
            .list_user_certificate_order()
            .send()
            .await
            .expect_err("expired");
        assert!(
            matches!(err.kind(), SdkErrorKind::Credentials(_)),
            "{err:?}"
        );
        assert!(err.to_string().contains("already expired"), "{err}");
        assert_eq!(err.attempts(), 0);
    }
    println!(
        "50 calls with an expired answer: {} metadata fetch(es)",
        fetches(&md)
    );
    assert_eq!(fetches(&md), 1, "backoff: not asked again within a second");
}
