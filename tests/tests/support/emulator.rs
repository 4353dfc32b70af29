//! The emulator on loopback, clients for it, and the order create that most tests start with.

use alibabacloud_cas::operation::create_certificate_request::{
    CreateCertificateRequestError, CreateCertificateRequestOutput,
};
use alibabacloud_cas::{Client, ConfigBuilder, Credentials, SdkError};
use alibabacloud_cas_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, EmulatorConfig,
};

/// Starts an emulator with `config` on 127.0.0.1:0.
pub async fn start(config: EmulatorConfig) -> Emulator {
    Emulator::start(config, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("emulator starts")
}

/// Starts an emulator with the default keys whose resource plan allows `quota` applications.
pub async fn with_quota(quota: u32) -> Emulator {
    start(EmulatorConfig {
        quota: Some(quota),
        ..EmulatorConfig::default()
    })
    .await
}

/// A configuration for `emu` with its default access key and the default retry policy.
pub fn config(emu: &Emulator) -> ConfigBuilder {
    Client::config()
        .endpoint(emu.endpoint())
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        ))
}

/// A client for `emu` with its default access key, the configuration adjusted by `tune`.
pub fn client(emu: &Emulator, tune: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> Client {
    Client::new(tune(config(emu)).build().expect("config")).expect("client")
}

/// What a `CreateCertificateRequest` call returns.
pub type CreateResult =
    Result<CreateCertificateRequestOutput, SdkError<CreateCertificateRequestError>>;

/// Applies for a DNS-validated certificate for `domain`.
pub async fn create(c: &Client, domain: &str) -> CreateResult {
    c.create_certificate_request()
        .domain(domain)
        .email("admin@example.com")
        .phone("13800000000")
        .username("Admin")
        .validate_type("DNS")
        .send()
        .await
}

/// Applies for a certificate for `domain` and returns the new order's id; panics on failure.
pub async fn order(c: &Client, domain: &str) -> i64 {
    create(c, domain)
        .await
        .unwrap_or_else(|e| panic!("create {domain}: {e}"))
        .order_id
        .expect("order id")
}
