//! Whole calls against a loopback HTTP/1.1 server that answers every request with the
//! `DeleteCertificateRequest` success body.
//!
//! The server is hyper 1 (HTTP/1.1, keep-alive); the client side runs on a single-threaded tokio
//! runtime. Two set-ups:
//!
//! * `sequential` / `in_flight_64`: the server is a task on the client's runtime, so client and
//!   server share one thread: a call costs the CPU time of both sides, with no cross-thread
//!   wake-ups. This is the stable measure of how much CPU the SDK adds per call.
//! * `server_thread_*`: the server has its own thread and runtime, so each side can have one of
//!   the two cores; sequential calls then also pay two cross-thread wake-ups per call, which on
//!   this VM are slow and load-dependent (bimodal: about 20 µs or about 80 µs per call).
//!
//! * `floor_raw_reqwest`: one default `reqwest::Client` POSTing a V1 URL signed once up front,
//!   with the same `User-Agent` and `Accept` headers, reading the body and decoding it into a
//!   plain struct: everything a call needs except signing and the SDK's own code.
//! * `raw_reqwest_runtime_timeouts`: the same with the reqwest settings the runtime uses
//!   (connect 5 s, read 10 s, pool idle 90 s), to separate transport settings from SDK code.
//! * `cas_client_v3` / `cas_client_v1`: `client.delete_certificate_request().order_id(1).send()`
//!   with the default (V3) and the V1 signature.
//!
//! `in_flight_64` runs 64 calls at once with `futures::future::join_all`; its throughput is in
//! calls (elements) per second.

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::Duration;

use alibabacloud_benches::{
    DELETE_SUCCESS_BODY, VERSION, client_runtime, credentials, criterion_config, fixed_context,
    loopback_client, spawn_fixed_server, spawn_fixed_server_on,
};
use alibabacloud_cas::Credentials;
use alibabacloud_cas::{Client, SignatureVersion};
use alibabacloud_runtime::Params;
use alibabacloud_runtime::signing::{SignableRequest, SignedRequest, SigningContext};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures::future::join_all;
use serde::Deserialize;

const USER_AGENT: &str = "alibabacloud-rust-sdk/0.1.0 alibabacloud-cas/0.1.0 (linux; x86_64)";
const IN_FLIGHT: usize = 64;

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainDelete {
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
}

fn signed_url(addr: SocketAddr) -> String {
    let params = vec![("OrderId".to_string(), "1".to_string())];
    let authority = addr.to_string();
    let signed = SignatureVersion::V1.signer().sign(
        &SignableRequest {
            method: "POST",
            path: "/",
            host: &authority,
            action: "DeleteCertificateRequest",
            version: VERSION,
            params: &Params::from_pairs(&params),
            body: &[],
        },
        &credentials(),
        &fixed_context(),
    );
    format!("http://{authority}/?{}", signed.query)
}

async fn raw_call(http: &reqwest::Client, url: &str) -> PlainDelete {
    let response = http
        .post(url)
        .header(reqwest::header::USER_AGENT, USER_AGENT)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .expect("raw call");
    assert!(response.status().is_success());
    let body = response.bytes().await.expect("raw body");
    serde_json::from_slice(&body).expect("raw decode")
}

/// The runtime's attempt without the SDK around it: the V3 headers of `signed` (signed per
/// call when `signed` is `None`), added the way `Client::attempt` adds them, over `http`.
async fn v3_by_hand(
    http: &reqwest::Client,
    authority: &str,
    base_url: &str,
    creds: &Credentials,
    params: &Params,
    presigned: Option<&SignedRequest>,
) -> PlainDelete {
    let fresh;
    let signed = match presigned {
        Some(s) => s,
        None => {
            let ctx = SigningContext::fresh();
            fresh = SignatureVersion::V3.signer().sign(
                &SignableRequest {
                    method: "POST",
                    path: "/",
                    host: authority,
                    action: "DeleteCertificateRequest",
                    version: VERSION,
                    params,
                    body: &[],
                },
                creds,
                &ctx,
            );
            &fresh
        }
    };
    let mut url = String::with_capacity(base_url.len() + 1 + signed.query.len());
    url.push_str(base_url);
    url.push('?');
    url.push_str(&signed.query);
    let mut request = http
        .post(url)
        .header(reqwest::header::USER_AGENT, USER_AGENT)
        .header(reqwest::header::ACCEPT, "application/json");
    for (name, value) in &signed.headers {
        if *name != "host" {
            request = request.header(*name, value);
        }
    }
    let response = request.send().await.expect("by-hand call");
    assert!(response.status().is_success());
    let body = response.bytes().await.expect("by-hand body");
    serde_json::from_slice(&body).expect("by-hand decode")
}

async fn sdk_call(client: &Client) {
    let out = client
        .delete_certificate_request()
        .order_id(1)
        .send()
        .await
        .expect("sdk call");
    black_box(out);
}

struct Clients {
    url: String,
    raw: reqwest::Client,
    raw_timeouts: reqwest::Client,
    v3: Client,
    v1: Client,
}

fn clients(rt: &tokio::runtime::Runtime, addr: SocketAddr) -> Clients {
    // reqwest is built with `rustls-no-provider` by the runtime's feature: bare reqwest clients
    // need the provider installed first.
    alibabacloud_runtime::tls::install_default_crypto_provider();
    let v3 = loopback_client(addr, SignatureVersion::V3);
    let v1 = loopback_client(addr, SignatureVersion::V1);
    let raw = reqwest::Client::new();
    let raw_timeouts = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(90))
        .build()
        .expect("reqwest client");
    let url = signed_url(addr);
    // Check every variant once (and open the first connections) before measuring.
    rt.block_on(async {
        raw_call(&raw, &url).await;
        raw_call(&raw_timeouts, &url).await;
        sdk_call(&v3).await;
        sdk_call(&v1).await;
    });
    Clients {
        url,
        raw,
        raw_timeouts,
        v3,
        v1,
    }
}

/// Client and server on one thread: each call costs the CPU time of both sides.
fn bench_one_thread(c: &mut Criterion) {
    let rt = client_runtime();
    let addr = spawn_fixed_server_on(&rt, DELETE_SUCCESS_BODY);
    let cl = clients(&rt, addr);
    let url = cl.url.as_str();

    let mut g = c.benchmark_group("end_to_end/sequential");
    g.throughput(Throughput::Elements(1));
    g.bench_function("floor_raw_reqwest", |b| {
        b.to_async(&rt).iter(|| raw_call(&cl.raw, url))
    });
    g.bench_function("raw_reqwest_runtime_timeouts", |b| {
        b.to_async(&rt).iter(|| raw_call(&cl.raw_timeouts, url))
    });
    g.bench_function("cas_client_v3", |b| {
        b.to_async(&rt).iter(|| sdk_call(&cl.v3))
    });
    g.bench_function("cas_client_v1", |b| {
        b.to_async(&rt).iter(|| sdk_call(&cl.v1))
    });
    g.finish();

    let mut g = c.benchmark_group("end_to_end/in_flight_64");
    g.throughput(Throughput::Elements(IN_FLIGHT as u64));
    g.bench_function("floor_raw_reqwest", |b| {
        b.to_async(&rt)
            .iter(|| join_all((0..IN_FLIGHT).map(|_| raw_call(&cl.raw, url))))
    });
    g.bench_function("raw_reqwest_runtime_timeouts", |b| {
        b.to_async(&rt)
            .iter(|| join_all((0..IN_FLIGHT).map(|_| raw_call(&cl.raw_timeouts, url))))
    });
    g.bench_function("cas_client_v3", |b| {
        b.to_async(&rt)
            .iter(|| join_all((0..IN_FLIGHT).map(|_| sdk_call(&cl.v3))))
    });
    g.bench_function("cas_client_v1", |b| {
        b.to_async(&rt)
            .iter(|| join_all((0..IN_FLIGHT).map(|_| sdk_call(&cl.v1))))
    });
    g.finish();
}

/// From the floor to the SDK's V3 call one step at a time (client and server on one thread).
fn bench_v3_breakdown(c: &mut Criterion) {
    let rt = client_runtime();
    let addr = spawn_fixed_server_on(&rt, DELETE_SUCCESS_BODY);
    let cl = clients(&rt, addr);
    let authority = addr.to_string();
    let base_url = format!("http://{authority}/");
    let creds = credentials();
    let params = Params::from_pairs(&[("OrderId", "1")]);
    let presigned = SignatureVersion::V3.signer().sign(
        &SignableRequest {
            method: "POST",
            path: "/",
            host: &authority,
            action: "DeleteCertificateRequest",
            version: VERSION,
            params: &params,
            body: &[],
        },
        &creds,
        &fixed_context(),
    );
    let http = &cl.raw_timeouts;
    let presigned = &presigned;
    let by_hand = |use_presigned: bool| {
        v3_by_hand(
            http,
            &authority,
            &base_url,
            &creds,
            &params,
            use_presigned.then_some(presigned),
        )
    };

    for (group, n) in [
        ("end_to_end/v3_breakdown_sequential", 1),
        ("end_to_end/v3_breakdown_in_flight_64", IN_FLIGHT),
    ] {
        let mut g = c.benchmark_group(group);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function("1_floor_raw_reqwest", |b| {
            b.to_async(&rt)
                .iter(|| join_all((0..n).map(|_| raw_call(&cl.raw, &cl.url))))
        });
        g.bench_function("2_plus_runtime_timeouts", |b| {
            b.to_async(&rt)
                .iter(|| join_all((0..n).map(|_| raw_call(http, &cl.url))))
        });
        g.bench_function("3_plus_presigned_v3_headers", |b| {
            b.to_async(&rt)
                .iter(|| join_all((0..n).map(|_| by_hand(true))))
        });
        g.bench_function("4_plus_v3_signing_per_call", |b| {
            b.to_async(&rt)
                .iter(|| join_all((0..n).map(|_| by_hand(false))))
        });
        g.bench_function("5_cas_client_v3", |b| {
            b.to_async(&rt)
                .iter(|| join_all((0..n).map(|_| sdk_call(&cl.v3))))
        });
        g.finish();
    }
}

/// Server on its own thread: each side can have a core, and sequential calls pay the
/// cross-thread wake-ups (latency-bound, sensitive to the machine's load).
fn bench_server_thread(c: &mut Criterion) {
    let rt = client_runtime();
    let addr = spawn_fixed_server(DELETE_SUCCESS_BODY);
    let cl = clients(&rt, addr);
    let url = cl.url.as_str();

    let mut g = c.benchmark_group("end_to_end/server_thread_sequential");
    g.throughput(Throughput::Elements(1));
    g.bench_function("floor_raw_reqwest", |b| {
        b.to_async(&rt).iter(|| raw_call(&cl.raw, url))
    });
    g.bench_function("cas_client_v3", |b| {
        b.to_async(&rt).iter(|| sdk_call(&cl.v3))
    });
    g.finish();

    let mut g = c.benchmark_group("end_to_end/server_thread_in_flight_64");
    g.throughput(Throughput::Elements(IN_FLIGHT as u64));
    g.bench_function("floor_raw_reqwest", |b| {
        b.to_async(&rt)
            .iter(|| join_all((0..IN_FLIGHT).map(|_| raw_call(&cl.raw, url))))
    });
    g.bench_function("cas_client_v3", |b| {
        b.to_async(&rt)
            .iter(|| join_all((0..IN_FLIGHT).map(|_| sdk_call(&cl.v3))))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = criterion_config();
    targets = bench_one_thread, bench_v3_breakdown, bench_server_thread
}
criterion_main!(benches);
