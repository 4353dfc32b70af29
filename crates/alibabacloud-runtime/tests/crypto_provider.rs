//! The runtime installs nothing process-wide: an application that creates an SDK client and then
//! installs its own rustls crypto provider with `install_default().unwrap()` (as rustls'
//! documentation shows) does not panic, and the client keeps working. One test in its own
//! process, because the default provider is process-wide state.

#![cfg(feature = "rustls-ring")]

use std::sync::Arc;

use alibabacloud_runtime::config::Config;
use alibabacloud_runtime::error::ConstructionError;
use alibabacloud_runtime::{
    CallOptions, Client, Credentials, EndpointRules, ErrorMetadata, Operation, OperationError,
    Params, RetryConfig, ServiceInfo,
};
use rustls::crypto::CryptoProvider;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Debug)]
struct AnyError(ErrorMetadata);
impl std::fmt::Display for AnyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
impl std::error::Error for AnyError {}
impl OperationError for AnyError {
    fn from_metadata(metadata: ErrorMetadata) -> Self {
        Self(metadata)
    }
    fn metadata(&self) -> &ErrorMetadata {
        &self.0
    }
}

struct Ping;
impl Operation for Ping {
    const ACTION: &'static str = "Ping";
    const IDEMPOTENT: bool = true;
    type Output = serde_json::Value;
    type Error = AnyError;
    fn write_params(&self, _out: &mut Params) -> Result<(), ConstructionError> {
        Ok(())
    }
}

const SERVICE: ServiceInfo = ServiceInfo {
    product: "cas",
    version: "2020-04-07",
    sdk_name: "crypto-provider-test",
    sdk_version: "0",
    endpoints: EndpointRules {
        default_host: "cas.aliyuncs.com",
        default_host_regions: &[],
        regional_hosts: &[],
        fallback_template: "cas.{region}.aliyuncs.com",
    },
};

/// Answers every connection on 127.0.0.1 with one fixed JSON success, then closes it.
async fn answering_server() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut seen = Vec::new();
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let body = r#"{"RequestId":"R-1"}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = conn.write_all(answer.as_bytes()).await;
            });
        }
    });
    addr
}

/// Another provider than the runtime's: ring with only one TLS 1.3 cipher suite.
fn application_provider() -> CryptoProvider {
    let ring = rustls::crypto::ring::default_provider();
    CryptoProvider {
        cipher_suites: vec![rustls::crypto::ring::cipher_suite::TLS13_AES_256_GCM_SHA384],
        ..ring
    }
}

#[tokio::test]
async fn an_application_installs_its_own_provider_after_creating_a_client() {
    assert!(
        CryptoProvider::get_default().is_none(),
        "nothing installs a provider before the test"
    );
    let server = answering_server().await;
    let config = Config::builder()
        .endpoint(format!("http://{server}"))
        .credentials(Credentials::new("id", "secret"))
        .retry(RetryConfig::disabled())
        .build()
        .expect("config");
    // With the rustls-ring feature, reqwest has no provider of its own: building its client
    // without one installed would panic, so this proves the client carries its own config.
    let client = Client::new(SERVICE, config).expect("client");
    assert!(
        CryptoProvider::get_default().is_none(),
        "Client::new installed a process-wide provider"
    );

    // What an application does at start-up; it panics when a provider is installed already.
    application_provider()
        .install_default()
        .expect("the application's provider installs");
    let installed = CryptoProvider::get_default().expect("installed");
    assert_eq!(
        installed.cipher_suites.len(),
        1,
        "the application's, not ring's"
    );

    let out = client
        .invoke(&Ping, &CallOptions::new())
        .await
        .expect("the client still works");
    assert_eq!(out["RequestId"], "R-1");
    assert!(Arc::ptr_eq(
        installed,
        CryptoProvider::get_default().expect("still installed")
    ));
}
