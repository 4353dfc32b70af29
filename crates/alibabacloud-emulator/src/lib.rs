//! A local emulator of Alibaba Cloud services for tests: every operation of every product the
//! SDK covers, in one process.
//!
//! It speaks the real wire protocol: RPC requests (`POST /` or `GET /`) and ROA requests (each
//! operation its own method and path, with a JSON body), signed with V1 (`HMAC-SHA1`) or V3
//! (`ACS3-HMAC-SHA256`) and verified with the very signing functions of
//! [`alibabacloud_runtime::signing`], or unsigned for the anonymous operations; JSON answers in
//! each product's success and error envelopes (`Code`/`Message`/`RequestId`/`HostId` for RPC,
//! `code`/`message`/`requestId` for ROA). Official SDKs of other languages can talk to it by
//! pointing their endpoint at [`Emulator::endpoint`].
//!
//! Every operation is served from a table generated from the specs (`cargo xtask codegen`):
//! the request is validated as the service would (a required parameter missing, a value of the
//! wrong type or outside its set, a malformed list, answered with `MissingParameter`,
//! `InvalidParameter` or the operation's own more specific code), then answered with the
//! spec's example response, or a body built from the response schema.
//!
//! Stateful handlers override the generic ones:
//! - `cas`: the DV certificate order lifecycle (`CreateCertificateRequest`,
//!   `CreateCertificateWithCsrRequest`, `CreateCertificateForPackageRequest`,
//!   `DescribeCertificateState`, `CancelOrderRequest`, `DeleteCertificateRequest`,
//!   `ListUserCertificateOrder`) and tags on orders (`TagResources`, `ListTagResources`);
//! - `sts`: `AssumeRole` and `AssumeRoleWithOIDC` hand out expiring credentials (an `STS.`
//!   access key id, its secret and a security token) that the emulator then accepts for every
//!   product's calls, checking the token and refusing it once expired
//!   (`InvalidSecurityToken.Expired`); `GetCallerIdentity` says who signed.
//!
//! One emulator serves several products ([`EmulatorConfig::products`], every product by
//! default): a request is routed by its version and action (and for ROA by method and path),
//! by the first label of `Host` where several served products would match.
//!
//! Every request goes through separate stages (see `server.rs`):
//! parse → route → authenticate → inject faults → dispatch → respond.
//!
//! # Fault injection
//!
//! Tests make the emulator misbehave with [`EmulatorHandle::inject`]: throttling, 5xx errors,
//! delays, dropped connections, truncated or malformed bodies, before or after the operation
//! runs, for the next N requests or a seeded random fraction of them. Faults only strike
//! requests that passed authentication (or unsigned calls of anonymous operations) and name an
//! operation, so each retry (signed afresh) is judged afresh. The
//! [`EmulatorHandle::audit_log`] lists only operations that were actually executed.
//!
//! ```no_run
//! # async fn demo(emulator: &alibabacloud_emulator::Emulator) {
//! use alibabacloud_emulator::{Fault, FaultRule, FaultTiming};
//! // The next create runs, but its answer is lost with the connection.
//! emulator.inject(
//!     FaultRule::next_n(1, Fault::CloseBeforeAnswer)
//!         .for_action("CreateCertificateRequest")
//!         .timing(FaultTiming::AfterExecution),
//! );
//! # }
//! ```
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use alibabacloud_emulator::{Emulator, EmulatorConfig};
//! // ECS and STS only; `EmulatorConfig::default()` serves every product.
//! let config = EmulatorConfig {
//!     products: vec!["ecs".into(), "sts".into()],
//!     ..EmulatorConfig::default()
//! };
//! let emulator = Emulator::start(config, "127.0.0.1:0".parse().unwrap()).await?;
//! println!("listening on {}", emulator.endpoint());
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod auth;
mod cas;
mod config;
mod context;
mod dispatch;
mod emulator;
mod error;
mod fault;
mod fault_stage;
mod handle;
mod in_process;
mod listener;
mod request;
mod response;
mod route;
mod server;
mod state;
mod sts;
mod table;
mod validate;

pub use config::{
    API_VERSION, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_ACCOUNT_ID,
    DEFAULT_AUDIT_LOG_LIMIT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_CLOCK_SKEW, DEFAULT_QUOTA,
    DEFAULT_STS_DURATION, EmulatorConfig, HOST_ID, ReviewOutcome, ReviewPolicy,
};
pub use emulator::Emulator;
pub use fault::{Fault, FaultRule, FaultTiming, FaultTrigger};
pub use handle::EmulatorHandle;
pub use in_process::InProcessEmulator;
pub use state::{AuditEntry, OrderState};

/// Every product the emulator can serve: `(product code, API version)`, sorted by code.
pub fn products() -> Vec<(&'static str, &'static str)> {
    table::products().collect()
}

/// The operations answered by stateful handlers rather than from the table, as
/// `(product code, action)`: their answers depend on what earlier calls did (orders, tags,
/// STS sessions) and on who signed.
pub fn stateful_operations() -> &'static [(&'static str, &'static str)] {
    &[
        ("cas", "CancelOrderRequest"),
        ("cas", "CreateCertificateForPackageRequest"),
        ("cas", "CreateCertificateRequest"),
        ("cas", "CreateCertificateWithCsrRequest"),
        ("cas", "DeleteCertificateRequest"),
        ("cas", "DescribeCertificateState"),
        ("cas", "ListTagResources"),
        ("cas", "ListUserCertificateOrder"),
        ("cas", "TagResources"),
        ("sts", "AssumeRole"),
        ("sts", "AssumeRoleWithOIDC"),
        ("sts", "GetCallerIdentity"),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_stateful_list_names_what_the_handlers_take() {
        let cas: Vec<&str> = super::stateful_operations()
            .iter()
            .filter(|(p, _)| *p == "cas")
            .map(|(_, a)| *a)
            .collect();
        assert_eq!(cas.len(), 9);
        assert!(cas.iter().all(|a| super::cas::handles(a)));
        for (product, action) in super::stateful_operations() {
            let table = super::table::load(product).and_then(Result::ok);
            assert!(
                table.is_some_and(|t| t.operations.contains_key(*action)),
                "{product} {action} is not in the table"
            );
        }
    }
}
