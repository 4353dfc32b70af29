//! Counts heap allocations per call with a counting global allocator.
//!
//! Only the main thread is counted: the loopback server runs on its own thread and the client
//! runs on a single-threaded tokio runtime on the main thread, so the numbers are the client's
//! alone (reqwest and hyper included).
//!
//! Run with `cargo run --release -p alibabacloud-benches --example alloc_count [CALLS]`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use alibabacloud_benches::{
    DELETE_SUCCESS_BODY, ERROR_BODY, HOST, VERSION, client_runtime, credentials, fixed_context,
    list_page_body, loopback_client, offline_client, spawn_fixed_server,
};
use alibabacloud_cas::SignatureVersion;
use alibabacloud_cas::operation::create_certificate_request::TagsItem;
use alibabacloud_cas::operation::delete_certificate_request::{
    DeleteCertificateRequestError, DeleteCertificateRequestOutput,
};
use alibabacloud_cas::operation::list_user_certificate_order::{
    ListUserCertificateOrderOutput, Status,
};
use alibabacloud_runtime::signing::{
    RequestExtras, SignableRequest, SignatureOutput, SigningContext,
};
use alibabacloud_runtime::{ErrorMetadata, Operation, OperationError, Params};

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static REALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn counted() -> bool {
    COUNTED.try_with(Cell::get).unwrap_or(false)
}

// SAFETY: every method forwards to `System` unchanged; the counters are plain atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counted() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if counted() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if counted() {
            REALLOCS.fetch_add(1, Ordering::Relaxed);
            BYTES.fetch_add(
                new_size.saturating_sub(layout.size()) as u64,
                Ordering::Relaxed,
            );
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

struct Count {
    allocs: f64,
    reallocs: f64,
    bytes: f64,
}

/// Runs `f` `n` times with counting on and returns the per-run averages.
fn measure(n: u64, mut f: impl FnMut()) -> Count {
    ALLOCS.store(0, Ordering::Relaxed);
    REALLOCS.store(0, Ordering::Relaxed);
    BYTES.store(0, Ordering::Relaxed);
    COUNTED.with(|c| c.set(true));
    for _ in 0..n {
        f();
    }
    COUNTED.with(|c| c.set(false));
    let per = |a: &AtomicU64| a.load(Ordering::Relaxed) as f64 / n as f64;
    Count {
        allocs: per(&ALLOCS),
        reallocs: per(&REALLOCS),
        bytes: per(&BYTES),
    }
}

fn row(name: &str, c: &Count) {
    println!(
        "| {name} | {:.1} | {:.1} | {:.0} |",
        c.allocs, c.reallocs, c.bytes
    );
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct PlainDelete {
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
}

fn main() {
    let calls: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let addr = spawn_fixed_server(DELETE_SUCCESS_BODY);
    let rt = client_runtime();
    // reqwest is built with `rustls-no-provider`: bare clients need the provider installed.
    alibabacloud_runtime::tls::install_default_crypto_provider();
    let v3 = loopback_client(addr, SignatureVersion::V3);
    let v1 = loopback_client(addr, SignatureVersion::V1);
    let raw = reqwest::Client::new();

    // A V1 URL signed once, for the raw-reqwest floor.
    let authority = addr.to_string();
    let one = vec![("OrderId".to_string(), "1".to_string())];
    let url = {
        let signed = SignatureVersion::V1.signer().sign(
            &SignableRequest {
                method: "POST",
                path: "/",
                host: &authority,
                action: "DeleteCertificateRequest",
                version: VERSION,
                params: &Params::from_pairs(&one),
                body: &[],
            },
            &credentials(),
            &fixed_context(),
        );
        format!("http://{authority}/?{}", signed.query)
    };

    let raw_call = || {
        rt.block_on(async {
            let resp = raw
                .post(url.as_str())
                .header(reqwest::header::USER_AGENT, "alibabacloud-rust-sdk/0.1.0")
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .expect("raw call");
            let body = resp.bytes().await.expect("raw body");
            let out: PlainDelete = serde_json::from_slice(&body).expect("decode");
            std::hint::black_box(out);
        })
    };
    let sdk_call = |client: &alibabacloud_cas::Client| {
        rt.block_on(async {
            let out = client
                .delete_certificate_request()
                .order_id(1)
                .send()
                .await
                .expect("sdk call");
            std::hint::black_box(out);
        })
    };

    // Warm up: open the pooled connection, fill lazily initialised state.
    for _ in 0..100 {
        raw_call();
        sdk_call(&v3);
        sdk_call(&v1);
    }

    println!("Allocations per operation, main thread only, average over {calls} runs.");
    println!();
    println!("| operation | allocations | reallocations | bytes allocated |");
    println!("|---|---:|---:|---:|");
    row(
        "end to end: raw reqwest POST of a pre-signed URL (floor)",
        &measure(calls, raw_call),
    );
    row(
        "end to end: `delete_certificate_request().order_id(1).send()`, V3",
        &measure(calls, || sdk_call(&v3)),
    );
    row(
        "end to end: `delete_certificate_request().order_id(1).send()`, V1",
        &measure(calls, || sdk_call(&v1)),
    );

    // Signing alone, the same request the signing benchmark signs.
    let input = offline_client()
        .delete_certificate_request()
        .order_id(123_451_222)
        .build();
    let mut params = Params::new();
    input.write_params(&mut params).expect("flattens");
    let request = SignableRequest {
        method: "POST",
        path: "/",
        host: HOST,
        action: "DeleteCertificateRequest",
        version: VERSION,
        params: &params,
        body: &[],
    };
    let creds = credentials();
    let ctx = fixed_context();
    for (name, version) in [("V1", SignatureVersion::V1), ("V3", SignatureVersion::V3)] {
        let signer = version.signer();
        row(
            &format!("signing alone: {name} `sign` (fixed context)"),
            &measure(calls, || {
                std::hint::black_box(signer.sign(&request, &creds, &ctx));
            }),
        );
    }
    for (name, version) in [("V1", SignatureVersion::V1), ("V3", SignatureVersion::V3)] {
        let signer = version.signer();
        let extras = RequestExtras::default();
        row(
            &format!(
                "signing alone: {name} `sign_into` (what the client calls; query buffer and header text)"
            ),
            &measure(calls, || {
                let mut out = SignatureOutput::with_prefix(String::with_capacity(256));
                signer.sign_into(
                    &request,
                    &extras,
                    Some(&creds),
                    &ctx.timestamp,
                    &ctx.nonce,
                    &mut out,
                );
                std::hint::black_box(out);
            }),
        );
    }
    row(
        "signing alone: `SigningContext::fresh()`",
        &measure(calls, || {
            std::hint::black_box(SigningContext::fresh());
        }),
    );
    row(
        "flatten: `DeleteCertificateRequestInput::write_params`",
        &measure(calls, || {
            let mut p = Params::new();
            input.write_params(&mut p).expect("flattens");
            std::hint::black_box(p);
        }),
    );

    // Request building: the request_building benchmark's input (10 tags + a JSON parameter).
    let tags: Vec<TagsItem> = (1..=10)
        .map(|i| TagsItem {
            key: Some(format!("team-{i}")),
            value: Some(format!("payments & billing/{i}")),
        })
        .collect();
    let create = offline_client()
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
    let flatten = || {
        let mut p = Params::new();
        create.write_params(&mut p).expect("flattens");
        p.push_json("CertIds", Some(&ids)).expect("json");
        p
    };
    row(
        "flatten: CreateCertificateRequest, 10 tags + JSON `CertIds` (27 parameters)",
        &measure(calls, || {
            std::hint::black_box(flatten());
        }),
    );
    let flat = flatten();
    let create_request = SignableRequest {
        action: "CreateCertificateRequest",
        params: &flat,
        ..request
    };
    row(
        "signing alone: V1 `sign` of those 27 parameters",
        &measure(calls, || {
            std::hint::black_box(
                SignatureVersion::V1
                    .signer()
                    .sign(&create_request, &creds, &ctx),
            );
        }),
    );

    // Decoding alone.
    let success = DELETE_SUCCESS_BODY.as_bytes();
    row(
        "decode: DeleteCertificateRequest success, generated",
        &measure(calls, || {
            std::hint::black_box(
                serde_json::from_slice::<DeleteCertificateRequestOutput>(success).expect("ok"),
            );
        }),
    );
    row(
        "decode: DeleteCertificateRequest success, plain serde (floor)",
        &measure(calls, || {
            std::hint::black_box(serde_json::from_slice::<PlainDelete>(success).expect("ok"));
        }),
    );
    let error = ERROR_BODY.as_bytes();
    row(
        "decode: error body, `ErrorMetadata::from_response` + `from_metadata`",
        &measure(calls, || {
            let meta = ErrorMetadata::from_response(404, None, error).expect("envelope");
            std::hint::black_box(DeleteCertificateRequestError::from_metadata(meta));
        }),
    );
    let page = list_page_body(100);
    let page = page.as_bytes();
    let page_runs = (calls / 10).max(10);
    row(
        "decode: 100-item ListUserCertificateOrder page, generated",
        &measure(page_runs, || {
            std::hint::black_box(
                serde_json::from_slice::<ListUserCertificateOrderOutput>(page).expect("ok"),
            );
        }),
    );
    row(
        "decode: one known enum value (`Status` from `\"ISSUED\"`)",
        &measure(calls, || {
            std::hint::black_box(serde_json::from_str::<Status>("\"ISSUED\"").expect("ok"));
        }),
    );
}
