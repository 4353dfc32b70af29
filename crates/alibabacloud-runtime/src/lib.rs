//! Runtime for the generated Alibaba Cloud Rust SDK.
//!
//! Everything that is the same for every Alibaba Cloud RPC-style operation lives here:
//!
//! * [`params`]: the one value model every generated request flattens itself into
//!   (`Name.1`, `Name.1.Key`, JSON-string parameters);
//! * [`signing`]: the V1 (`HMAC-SHA1`) and V3 (`ACS3-HMAC-SHA256`) signature schemes behind the
//!   [`signing::Signer`] trait;
//! * [`credentials`]: async, refreshable credential providers (static, STS, environment, chain);
//! * [`shared_config`]: the settings every product shares ([`SharedConfig`]: credentials,
//!   region, retries, time limits, HTTP), apart from each product's own (signature scheme,
//!   endpoint) in [`Config`];
//! * [`endpoint`]: explicit endpoints, per-product endpoint maps and the regional fallback;
//! * [`client`]: the attempt pipeline (credentials → build → sign → send → classify → decode),
//!   retries, timeouts and tracing;
//! * [`transport`]: the seam the pipeline sends through (reqwest by default, one pooled
//!   connection set per client; an in-process emulator or a test double otherwise);
//! * [`interceptor`]: hooks before signing, after signing and after the response;
//! * [`stub`]: the seam typed mocks (the `alibabacloud-mock` crate) answer calls through;
//! * [`error`]: the error model that generated per-operation error enums plug into;
//! * [`idempotency`]: fresh `ClientToken` values ([`idempotency_token`]), one per logical call;
//! * [`roa`]: resource-oriented (ROA) operations: method, path template, JSON body.
//!
//! Generated product crates (such as `alibabacloud-cas`) contain only declarative code: request
//! and response types, error enums and thin client methods that call [`client::Client::invoke`].
//!
//! # TLS features
//!
//! * `rustls-ring` (default): rustls with the `ring` crypto provider, configured per client;
//!   nothing is installed process-wide (see [`tls`]).
//! * `rustls-aws-lc-rs`: rustls with the `aws-lc-rs` crypto provider.
//! * `native-tls`: the platform's TLS library (OpenSSL on Linux).
//!
//! Without any of them the client speaks plain HTTP only (for a local emulator).
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
pub mod builder;
pub mod client;
pub mod config;
pub mod credentials;
pub mod de;
pub mod encode;
pub mod endpoint;
pub mod enums;
pub mod error;
pub mod idempotency;
pub mod interceptor;
pub mod operation;
pub mod paginate;
pub mod params;
pub mod redact;
pub mod retry;
pub mod retry_quota;
pub mod roa;
pub mod shared_config;
pub mod signing;
pub mod stub;
pub mod text;
pub mod time;
pub mod tls;
pub mod transport;
pub mod waiter;
mod wire;

pub use builder::{Missing, Set};
pub use client::Client;
pub use config::{CallOptions, Config, ConfigBuilder};
pub use credentials::{Credentials, ProvideCredentials};
pub use endpoint::{Endpoint, EndpointRules, ServiceInfo};
pub use error::{ErrorMetadata, OperationError, SdkError};
pub use idempotency::idempotency_token;
pub use interceptor::Interceptor;
pub use operation::{Auth, Operation};
pub use params::{Params, ToParam};
pub use retry::RetryConfig;
pub use retry_quota::RetryQuota;
/// serde, for the `macro_rules!` generated crates expand.
#[doc(hidden)]
pub use serde as __serde;
pub use shared_config::{SharedConfig, SharedConfigBuilder};
pub use signing::SignatureVersion;
pub use transport::HttpTransport;

/// The version of this runtime, as sent in the `User-Agent` header.
pub const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");
