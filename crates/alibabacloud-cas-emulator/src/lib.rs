//! A local, in-memory emulator of Alibaba Cloud's SSL Certificates Service (`cas`, API version
//! `2020-04-07`): the multi-product [`alibabacloud_emulator`] serving `cas` alone.
//!
//! It speaks the real wire protocol: RPC-style `POST /` (or `GET /`) requests signed with V1
//! (`HMAC-SHA1`, `SignatureVersion=1.0`) or V3 (`ACS3-HMAC-SHA256`), verified with the very
//! signing functions of [`alibabacloud_runtime::signing`], and JSON answers in the real success
//! and error envelopes. Official SDKs can talk to it by pointing their endpoint at
//! [`Emulator::endpoint`].
//!
//! It keeps the DV certificate application lifecycle in memory:
//! `CreateCertificateRequest`, `CreateCertificateWithCsrRequest`,
//! `CreateCertificateForPackageRequest`, `DescribeCertificateState`, `CancelOrderRequest`,
//! `DeleteCertificateRequest` and `ListUserCertificateOrder`; and tags on orders:
//! `TagResources` and `ListTagResources` (resource type `ORDER`, resource ids are order ids,
//! paged with opaque `NextToken`s, `MaxResults` 20 by default). Every other `cas` operation is
//! validated and answered from the operation table generated from the specs.
//!
//! To serve several products in one process (STS credentials included), use
//! [`alibabacloud_emulator`] directly; the types here are its own, configured for `cas`.
//!
//! # Fault injection
//!
//! Tests make the emulator misbehave with [`EmulatorHandle::inject`]: throttling, 5xx errors,
//! delays, dropped connections, truncated or malformed bodies, before or after the operation
//! runs, for the next N requests or a seeded random fraction of them. Faults only strike
//! requests that passed authentication, so each retry (signed afresh) is judged afresh. The
//! [`EmulatorHandle::audit_log`] lists only operations that were actually executed, so a test
//! can count how many times a create ran whatever the client saw.
//!
//! ```no_run
//! # async fn demo(emulator: &alibabacloud_cas_emulator::Emulator) {
//! use alibabacloud_cas_emulator::{Fault, FaultRule, FaultTiming};
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
//! use alibabacloud_cas_emulator::{Emulator, EmulatorConfig};
//! let emulator = Emulator::start(EmulatorConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! println!("listening on {}", emulator.endpoint());
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod config;
mod in_process;

use std::fmt;
use std::net::SocketAddr;

pub use alibabacloud_emulator::{
    API_VERSION, AuditEntry, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET,
    DEFAULT_AUDIT_LOG_LIMIT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_CLOCK_SKEW, DEFAULT_QUOTA,
    EmulatorHandle, Fault, FaultRule, FaultTiming, FaultTrigger, HOST_ID, OrderState,
    ReviewOutcome, ReviewPolicy,
};
pub use config::EmulatorConfig;
pub use in_process::InProcessEmulator;

/// A running emulator, serving on a spawned task until [`Emulator::shutdown`] (or drop).
///
/// It dereferences to [`EmulatorHandle`], which inspects and steers it.
pub struct Emulator {
    inner: alibabacloud_emulator::Emulator,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.inner.local_addr())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Binds `listen` (use `127.0.0.1:0` for a free port) and serves on a spawned task.
    ///
    /// Must be called inside a Tokio runtime.
    pub async fn start(config: EmulatorConfig, listen: SocketAddr) -> std::io::Result<Emulator> {
        let inner = alibabacloud_emulator::Emulator::start(config.into_core(), listen).await?;
        Ok(Emulator { inner })
    }

    /// The address the emulator is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.local_addr()
    }

    /// The endpoint to configure a client with, such as `http://127.0.0.1:41234`.
    pub fn endpoint(&self) -> String {
        self.inner.endpoint()
    }

    /// Stops accepting connections, lets in-flight requests finish (for a few seconds at most)
    /// and waits for the server task. Answers held back by [`Fault::Delay`] go out at once.
    pub async fn shutdown(self) {
        self.inner.shutdown().await;
    }
}

impl std::ops::Deref for Emulator {
    type Target = EmulatorHandle;

    fn deref(&self) -> &EmulatorHandle {
        &self.inner
    }
}
