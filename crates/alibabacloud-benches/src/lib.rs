//! Shared pieces of the benchmarks: the criterion settings, the fixtures (credentials, bodies,
//! requests) and a minimal loopback HTTP server that answers every request with a fixed body.
//!
//! Nothing here is part of the SDK; see `BENCHMARKS.md` at the repository root for what each
//! benchmark measures and the numbers.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use alibabacloud_cas::{Client, Credentials, SignatureVersion};
use alibabacloud_runtime::signing::SigningContext;
use bytes::Bytes;
use criterion::Criterion;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

#[cfg(target_os = "linux")]
pub mod counting;
#[cfg(target_os = "linux")]
pub mod cpu;
pub mod plain;

/// Short runs: the whole `cargo bench -p alibabacloud-benches` stays within a few minutes on a
/// 2-core machine.
pub fn criterion_config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(40)
        .noise_threshold(0.03)
}

/// A realistic access key id (24 characters, like a real `LTAI…` id).
pub const ACCESS_KEY_ID: &str = "LTAI5tBenchmarkAccessKey";
/// A realistic access key secret (30 characters).
pub const ACCESS_KEY_SECRET: &str = "BenchmarkSecretValue0123456789";
/// The host the offline benchmarks sign for.
pub const HOST: &str = "cas.aliyuncs.com";
/// The API version of `cas`.
pub const VERSION: &str = "2020-04-07";

/// The fixed credentials every benchmark signs with.
pub fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
}

/// A fixed signing context, so every iteration signs exactly the same bytes.
pub fn fixed_context() -> SigningContext {
    SigningContext {
        timestamp: "2026-05-01T12:00:00Z".to_string(),
        nonce: "3f1c9a7be2d54e0a8b6f1d2c3e4a5b6c".to_string(),
    }
}

/// A client that is never used to send: the generated builders need one to build an input.
pub fn offline_client() -> Client {
    Client::new(
        Client::config()
            .endpoint("https://cas.aliyuncs.com")
            .credentials(credentials())
            .build()
            .expect("valid config"),
    )
    .expect("client builds")
}

/// A client for the loopback server at `addr`.
pub fn loopback_client(addr: SocketAddr, version: SignatureVersion) -> Client {
    Client::new(
        Client::config()
            .endpoint(format!("http://{addr}"))
            .credentials(credentials())
            .signature_version(version)
            .build()
            .expect("valid config"),
    )
    .expect("client builds")
}

/// The success body of `DeleteCertificateRequest`, as the API reference shows it.
pub const DELETE_SUCCESS_BODY: &str = r#"{"RequestId":"082FAB35-6AB9-4FD5-8750-D36673548E76"}"#;

/// A service error body with every field of the error envelope.
pub const ERROR_BODY: &str = r#"{"RequestId":"082FAB35-6AB9-4FD5-8750-D36673548E76","HostId":"cas.aliyuncs.com","Code":"NotFoundOrder","Message":"The certificate order does not exist.","Recommend":"https://api.aliyun.com/troubleshoot?q=NotFoundOrder&product=cas&requestId=082FAB35-6AB9-4FD5-8750-D36673548E76"}"#;

/// A `ListUserCertificateOrder` page with `items` entries, every one of the 36 item fields set
/// (numbers as JSON numbers, booleans as JSON booleans, enums with documented values).
pub fn list_page_body(items: usize) -> String {
    let list: Vec<serde_json::Value> = (0..items)
        .map(|i| {
            let i = i as i64;
            serde_json::json!({
                "Algorithm": "RSA",
                "AliyunOrderId": 234_567_890_123_i64 + i,
                "BuyDate": 1_704_067_200_000_i64 + i,
                "CertEndTime": 1_767_225_600_000_i64 + i,
                "CertStartTime": 1_735_689_600_000_i64 + i,
                "CertType": "DV",
                "CertificateId": 14_000_000 + i,
                "City": "Hangzhou",
                "CommonName": format!("www{i}.example.com"),
                "Country": "CN",
                "Domain": format!("www{i}.example.com"),
                "DomainCount": 1,
                "DomainType": "ONE",
                "EndDate": "2026-01-01",
                "Expired": false,
                "Fingerprint": "F0B2B1D6A1C1E2F3A4B5C6D7E8F9A0B1C2D3E4F5",
                "InstanceId": format!("cas-ivauto-{i:08}"),
                "Issuer": "DigiCert Inc",
                "Name": format!("cert-{i}"),
                "OrderId": 123_451_222 + i,
                "OrgName": "Example Co., Ltd.",
                "PartnerOrderId": format!("P{i:010}"),
                "ProductCode": "digicert-free-1-free",
                "ProductName": "DigiCert DV Free",
                "Province": "Zhejiang",
                "ResourceGroupId": "rg-acfmzawhxxc****",
                "RootBrand": "DigiCert",
                "Sans": format!("www{i}.example.com,example{i}.com"),
                "SerialNo": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
                "Sha2": "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90",
                "SourceType": "buy",
                "StartDate": "2025-01-01",
                "Status": "ISSUED",
                "TrusteeStatus": "unTrustee",
                "Upload": false,
                "WildDomainCount": 0,
            })
        })
        .collect();
    serde_json::json!({
        "CertificateOrderList": list,
        "CurrentPage": 1,
        "RequestId": "082FAB35-6AB9-4FD5-8750-D36673548E76",
        "ShowSize": items,
        "TotalCount": items * 3,
    })
    .to_string()
}

/// Answers every connection accepted on `listener` with `200` and `body` as JSON, forever.
pub async fn serve_fixed(listener: tokio::net::TcpListener, body: &'static str) {
    let body = Bytes::from_static(body.as_bytes());
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let body = body.clone();
        tokio::spawn(async move {
            let service = service_fn(move |_req: Request<Incoming>| {
                let body = body.clone();
                async move {
                    let mut resp = Response::new(Full::new(body));
                    resp.headers_mut().insert(
                        http::header::CONTENT_TYPE,
                        http::HeaderValue::from_static("application/json;charset=utf-8"),
                    );
                    Ok::<_, Infallible>(resp)
                }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn bind_loopback() -> std::net::TcpListener {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.set_nonblocking(true).expect("nonblocking");
    listener
}

/// Starts the fixed-answer server on `127.0.0.1:0` on its own thread, with its own
/// single-threaded runtime. It lives until the process exits and only listens on loopback.
pub fn spawn_fixed_server(body: &'static str) -> SocketAddr {
    let listener = bind_loopback();
    let addr = listener.local_addr().expect("local addr");
    std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                serve_fixed(listener, body).await;
            });
        })
        .expect("spawn server thread");
    addr
}

/// Like [`spawn_fixed_server`], and also returns the server thread's CPU clock, so a benchmark
/// can tell the server's CPU time from the client's.
#[cfg(target_os = "linux")]
pub fn spawn_fixed_server_measured(body: &'static str) -> (SocketAddr, Option<cpu::ThreadClock>) {
    let listener = bind_loopback();
    let addr = listener.local_addr().expect("local addr");
    let handle = std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                serve_fixed(listener, body).await;
            });
        })
        .expect("spawn server thread");
    // The thread serves until the process exits; its clock stays valid that long.
    (addr, cpu::ThreadClock::of(&handle))
}

/// The head of one HTTP request as a server received it.
#[derive(Debug, Clone)]
pub struct CapturedRequest {
    /// The method, such as `POST`.
    pub method: http::Method,
    /// The path and query, such as `/?OrderId=1`.
    pub path_and_query: String,
    /// Every header in the order received, `host` included.
    pub headers: Vec<(http::HeaderName, http::HeaderValue)>,
}

/// Serves one loopback connection on `rt` that records the first request it gets and answers it
/// with `body`; `send` gets the server's address and must make exactly that request.
///
/// The benchmarks use it to make the raw-reqwest floor send byte for byte the request the SDK
/// sends.
pub fn capture_request<F, Fut>(
    rt: &tokio::runtime::Runtime,
    body: &'static str,
    send: F,
) -> CapturedRequest
where
    F: FnOnce(SocketAddr) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let listener = bind_loopback();
    let addr = listener.local_addr().expect("local addr");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None::<CapturedRequest>));
    let store = seen.clone();
    let _guard = rt.enter();
    let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
    let server = rt.spawn(async move {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let service = service_fn(move |req: Request<Incoming>| {
            let store = store.clone();
            async move {
                let captured = CapturedRequest {
                    method: req.method().clone(),
                    path_and_query: req
                        .uri()
                        .path_and_query()
                        .map(|p| p.as_str().to_string())
                        .unwrap_or_default(),
                    headers: req
                        .headers()
                        .iter()
                        .map(|(n, v)| (n.clone(), v.clone()))
                        .collect(),
                };
                if let Ok(mut slot) = store.lock() {
                    slot.get_or_insert(captured);
                }
                let mut resp = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
                resp.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static("application/json;charset=utf-8"),
                );
                Ok::<_, Infallible>(resp)
            }
        });
        let _ = http1::Builder::new()
            .serve_connection(TokioIo::new(stream), service)
            .await;
    });
    rt.block_on(send(addr));
    server.abort();
    let captured = seen.lock().expect("capture lock").take();
    captured.expect("the request reached the capture server")
}

/// Starts the fixed-answer server on `127.0.0.1:0` as a task of `rt`: with a single-threaded
/// `rt`, client and server then share one thread and one core, and a call costs exactly the
/// CPU time of both sides, without cross-thread wake-ups.
pub fn spawn_fixed_server_on(rt: &tokio::runtime::Runtime, body: &'static str) -> SocketAddr {
    let listener = bind_loopback();
    let addr = listener.local_addr().expect("local addr");
    let _guard = rt.enter();
    let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
    rt.spawn(serve_fixed(listener, body));
    addr
}

/// The single-threaded runtime the client side of the end-to-end benchmarks runs on.
pub fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime")
}
