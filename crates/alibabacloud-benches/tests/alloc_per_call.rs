//! Allocation counts per call, asserted: they are deterministic, so unlike timings they can be
//! tested. The figures are recorded in BENCHMARKS.md; a change that adds allocations to the hot
//! path fails here, and a change that removes some must lower the expected figure (so the
//! recorded numbers stay true).
//!
//! The client runs on a current-thread runtime on the test's own thread, the loopback server on
//! another thread; only the test thread's allocations are counted.

#![cfg(target_os = "linux")]

use alibabacloud_benches::counting::{self, CountingAllocator, Counts};
use alibabacloud_benches::{
    DELETE_SUCCESS_BODY, client_runtime, loopback_client, offline_client, spawn_fixed_server,
};
use alibabacloud_cas::SignatureVersion;
use alibabacloud_cas::operation::create_certificate_request::CreateCertificateRequestTag;
use alibabacloud_runtime::{Operation, Params};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// `delete_certificate_request().order_id(1).send()` with V3: the client's own share is the
/// parameter text and list, the query buffer and the clone of the parsed endpoint URL, and one
/// shared text for the six header values (plus its reference count); the rest is reqwest,
/// hyper and tokio. (45 before the attempt pipeline: its header map is sized once instead of
/// growing as reqwest's builder adds headers, one allocation less.)
const V3_ALLOCATIONS: f64 = 44.0;
/// The same with V1: parameters, query and URL; V1 sends no signed headers.
const V1_ALLOCATIONS: f64 = 42.0;
/// Unoptimised builds (plain `cargo test`) make one more allocation per call (inside the
/// dependencies; the optimiser removes it), for both schemes.
const UNOPTIMISED_EXTRA: f64 = if cfg!(debug_assertions) { 1.0 } else { 0.0 };
/// The counts are whole numbers per call; a pool or timer structure growing once during the
/// run adds a fraction.
const MARGIN: f64 = 0.5;

fn per_call(calls: u32, mut call: impl FnMut()) -> f64 {
    counting::start();
    for _ in 0..calls {
        call();
    }
    let Counts { allocations, .. } = counting::stop();
    allocations as f64 / f64::from(calls)
}

#[test]
fn allocations_per_call_v3_and_v1() {
    let addr = spawn_fixed_server(DELETE_SUCCESS_BODY);
    let rt = client_runtime();
    for (version, expected) in [
        (SignatureVersion::V3, V3_ALLOCATIONS),
        (SignatureVersion::V1, V1_ALLOCATIONS),
    ] {
        let client = loopback_client(addr, version);
        let call = || {
            rt.block_on(async {
                let out = client
                    .delete_certificate_request()
                    .order_id(1)
                    .send()
                    .await
                    .expect("the loopback call succeeds");
                assert!(out.request_id.is_some());
            })
        };
        // Open the pooled connection and fill lazily initialised state first.
        for _ in 0..50 {
            call();
        }
        let expected = expected + UNOPTIMISED_EXTRA;
        let measured = per_call(300, call);
        eprintln!("{version:?}: {measured:.2} allocations per call");
        assert!(
            (measured - expected).abs() <= MARGIN,
            "{version:?}: {measured:.2} allocations per call, expected {expected} ± {MARGIN} \
             (update the figure here and in BENCHMARKS.md if the change is deliberate)"
        );
    }
}

#[test]
fn flattening_27_parameters_allocates_two_buffers() {
    // The request_building benchmark's input: 6 scalars, 10 tags (20 parameters) and a JSON
    // string parameter of 20 ids.
    let tags: Vec<CreateCertificateRequestTag> = (1..=10)
        .map(|i| CreateCertificateRequestTag {
            key: Some(format!("team-{i}")),
            value: Some(format!("payments & billing/{i}")),
        })
        .collect();
    let input = offline_client()
        .create_certificate_request()
        .domain("www.example.com")
        .email("admin@example.com")
        .phone("13800000000")
        .username("Zhang San")
        .validate_type("DNS")
        .product_code("digicert-free-1-free")
        .tags(tags)
        .build();
    let ids: Vec<i64> = (0..20).map(|i| 14_000_000 + i).collect();
    counting::start();
    let mut params = Params::with_capacity(16);
    input.write_params(&mut params).expect("flattens");
    params.push_json("CertIds", Some(&ids)).expect("json");
    let counts = counting::stop();
    assert_eq!(params.len(), 27);
    assert_eq!(params.get("Tags.10.Value"), Some("payments & billing/10"));
    // The text buffer and the entry list; growing them is reallocation, not allocation.
    assert_eq!(counts.allocations, 2, "{counts:?}");
}
