//! Finding 4: no retry budget. At 100 % throttling, 64 concurrent callers sent exactly 3
//! requests per logical call, forever; and every `x-acs-retry-after` wait ended at the same
//! instant.

use std::collections::BTreeMap;
use std::time::Duration;

use alibabacloud_cas::runtime::RetryQuota;
use alibabacloud_cas::runtime::retry_quota::{DEFAULT_RETRY_COST, DEFAULT_RETRY_QUOTA_CAPACITY};
use alibabacloud_cas::{Client, SignatureVersion};
use alibabacloud_cas_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, EmulatorConfig, Fault, FaultRule,
    FaultTrigger,
};

use crate::support::{BOTH, Hostile, Reply, client, http};

const CALLERS: usize = 64;
const CALLS_EACH: usize = 4;
const CALLS: usize = CALLERS * CALLS_EACH;

fn emulator_client(emu: &Emulator, version: SignatureVersion, quota: RetryQuota) -> Client {
    Client::new(
        Client::config()
            .endpoint(emu.endpoint())
            .credentials(alibabacloud_cas::Credentials::new(
                DEFAULT_ACCESS_KEY_ID,
                DEFAULT_ACCESS_KEY_SECRET,
            ))
            .signature_version(version)
            .retry_quota(quota)
            .build()
            .expect("config"),
    )
    .expect("client")
}

/// 64 concurrent callers make 4 calls each under 100 % throttling. Returns the requests the
/// emulator counted and how many calls failed fast on an empty quota.
async fn storm(emu: &Emulator, c: &Client) -> (u64, usize) {
    let before = emu.authenticated_requests();
    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move {
                let mut failed_fast = 0;
                for _ in 0..CALLS_EACH {
                    let err = c
                        .list_user_certificate_order()
                        .send()
                        .await
                        .expect_err("always throttled");
                    assert_eq!(err.code(), Some("Throttling.User"), "{err}");
                    if err.retry_quota_exhausted() {
                        assert!(err.to_string().contains("retry quota is used up"), "{err}");
                        assert!(err.attempts() < 3, "{err}");
                        failed_fast += 1;
                    }
                }
                failed_fast
            })
        })
        .collect();
    let mut failed_fast = 0;
    for caller in callers {
        failed_fast += caller.await.expect("caller");
    }
    (emu.authenticated_requests() - before, failed_fast)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_retry_quota_bounds_requests_under_full_throttling() {
    let emu = Emulator::start(
        EmulatorConfig::default(),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await
    .expect("emulator");
    emu.inject(FaultRule::new(
        Fault::Throttling { retry_after: None },
        FaultTrigger::Fraction {
            fraction: 1.0,
            seed: 14,
        },
    ));
    // The stated bound: every call sends its first attempt, and the bucket pays for at most
    // capacity / cost retries in all (nothing succeeds, so nothing refills it).
    let bound = (CALLS + (DEFAULT_RETRY_QUOTA_CAPACITY / DEFAULT_RETRY_COST) as usize) as u64;
    for version in BOTH {
        let c = emulator_client(&emu, version, RetryQuota::standard());
        let (requests, failed_fast) = storm(&emu, &c).await;
        println!(
            "{version:?}: {CALLS} calls under 100% throttling sent {requests} requests ({:.2} per call), {failed_fast} failed fast",
            requests as f64 / CALLS as f64
        );
        assert!(requests <= bound, "{requests} > {bound}");
        assert!(requests as f64 / CALLS as f64 <= 1.4);
        assert!(failed_fast >= CALLS - 100, "{failed_fast}");
        assert_eq!(c.runtime().retry_tokens(), Some(0));

        // Successes refill the bucket.
        emu.clear_faults();
        for _ in 0..10 {
            c.list_user_certificate_order().send().await.expect("ok");
        }
        assert_eq!(c.runtime().retry_tokens(), Some(10));
        emu.inject(FaultRule::new(
            Fault::Throttling { retry_after: None },
            FaultTrigger::NextN(u32::MAX),
        ));
    }
    // Without the quota: 3 requests for every call, the storm the finding describes.
    let c = emulator_client(&emu, SignatureVersion::V3, RetryQuota::unlimited());
    let (requests, failed_fast) = storm(&emu, &c).await;
    println!("unlimited quota: {CALLS} calls sent {requests} requests");
    assert_eq!(requests, 3 * CALLS as u64);
    assert_eq!(failed_fast, 0);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_waits_are_jittered() {
    const THROTTLE_MS: u64 = 200;
    let server = Hostile::start(|_| {
        let retry_after = THROTTLE_MS.to_string();
        Reply::Raw(http(
            400,
            &[
                ("content-type", "application/json"),
                ("x-acs-retry-after", &retry_after),
            ],
            br#"{"RequestId":"R","Code":"Throttling.User","Message":"slow down"}"#,
        ))
    })
    .await;
    let c = client(&server.endpoint(), SignatureVersion::V1, |b| {
        b.retry(alibabacloud_cas::RetryConfig::standard().with_max_attempts(2))
    });
    let calls: Vec<_> = (0..CALLERS as i64)
        .map(|id| {
            let c = c.clone();
            tokio::spawn(async move {
                let _ = c.describe_certificate_state().order_id(id).send().await;
            })
        })
        .collect();
    for call in calls {
        call.await.expect("call");
    }
    // Per call (told apart by its OrderId): the gap between the throttled request and its retry.
    let mut arrivals: BTreeMap<String, Vec<std::time::Instant>> = BTreeMap::new();
    for seen in server.seen() {
        let id = seen.param("OrderId").unwrap_or_default();
        arrivals.entry(id).or_default().push(seen.at);
    }
    let gaps: Vec<Duration> = arrivals
        .values()
        .filter_map(|at| Some(*at.get(1)? - *at.first()?))
        .collect();
    assert_eq!(gaps.len(), CALLERS, "every call retried once");
    let (Some(min), Some(max)) = (gaps.iter().min(), gaps.iter().max()) else {
        panic!("no gaps")
    };
    println!("x-acs-retry-after {THROTTLE_MS} ms: retries came {min:?} to {max:?} later");
    assert!(
        *min >= Duration::from_millis(THROTTLE_MS),
        "never sooner than asked: {min:?}"
    );
    assert!(
        *max - *min >= Duration::from_millis(40),
        "the waits are spread, not synchronised: {min:?}..{max:?}"
    );
}
