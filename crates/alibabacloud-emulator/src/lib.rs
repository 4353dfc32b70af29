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
mod error;
mod fault;
mod fault_stage;
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

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{
    API_VERSION, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_ACCOUNT_ID,
    DEFAULT_AUDIT_LOG_LIMIT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_CLOCK_SKEW, DEFAULT_QUOTA,
    DEFAULT_STS_DURATION, EmulatorConfig, HOST_ID, ReviewOutcome, ReviewPolicy,
};
pub use fault::{Fault, FaultRule, FaultTiming, FaultTrigger};
pub use in_process::InProcessEmulator;
pub use state::{AuditEntry, OrderState};

use context::{Context, Settings};

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

/// How long [`Emulator::shutdown`] waits for in-flight requests before it stops the server.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The shared state of a fresh emulator configured with `config`. Fails on an unknown product.
fn context(config: &EmulatorConfig) -> std::io::Result<Context> {
    let catalog = route::Catalog::load(&config.products)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    Ok(context_with(config, catalog))
}

/// [`context`] for callers that cannot fail: a configuration that does not load gives an
/// emulator answering every request with `InternalError` naming the problem.
fn context_or_broken(config: &EmulatorConfig) -> Context {
    let catalog = route::Catalog::load(&config.products).unwrap_or_else(|problem| {
        tracing::error!(%problem, "the emulator cannot serve its configuration");
        route::Catalog::broken(problem)
    });
    context_with(config, catalog)
}

fn context_with(config: &EmulatorConfig, catalog: route::Catalog) -> Context {
    let settings = Settings {
        keys: config.key_pairs.iter().cloned().collect(),
        max_clock_skew: config.max_clock_skew,
        catalog,
        account_id: config.account_id.clone(),
    };
    Context {
        settings: Arc::new(settings),
        state: Arc::new(Mutex::new(state::State::new(
            config.quota,
            config.review,
            config.audit_log_limit,
        ))),
        stopping: Arc::new(tokio::sync::watch::Sender::new(false)),
    }
}

/// Inspects and steers an emulator, socket-served ([`Emulator`] dereferences to it) or
/// in-process ([`InProcessEmulator::handle`]).
#[derive(Clone)]
pub struct EmulatorHandle {
    ctx: Context,
}

impl fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorHandle").finish_non_exhaustive()
    }
}

/// A running emulator, serving on a spawned task until [`Emulator::shutdown`] (or drop).
pub struct Emulator {
    addr: SocketAddr,
    handle: EmulatorHandle,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Binds `listen` (use `127.0.0.1:0` for a free port) and serves on a spawned task.
    ///
    /// Must be called inside a Tokio runtime. Fails with `InvalidInput` when
    /// [`EmulatorConfig::products`] names a product the emulator does not know.
    pub async fn start(config: EmulatorConfig, listen: SocketAddr) -> std::io::Result<Emulator> {
        let ctx = context(&config)?;
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let envelope = Arc::new(ctx.settings.catalog.default_envelope(None));
        let app = server::router(ctx.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        // Either an explicit stop or the handle being dropped stops the loop.
        let task = tokio::spawn(listener::serve(
            listener,
            app,
            config.header_read_timeout,
            envelope,
            stopped,
        ));
        tracing::info!(%addr, products = ?ctx.settings.catalog.codes(), "emulator listening");
        Ok(Emulator {
            addr,
            handle: EmulatorHandle { ctx: ctx.clone() },
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The address the emulator is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The endpoint to configure a client with, such as `http://127.0.0.1:41234`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections, lets in-flight requests finish (for a few seconds at most)
    /// and waits for the server task. Answers held back by [`Fault::Delay`] go out at once.
    pub async fn shutdown(mut self) {
        self.handle.ctx.stopping.send_replace(true);
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(e))) => {
                    tracing::warn!(error = %e, "emulator server stopped with an error")
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "emulator server task failed"),
                Err(_) => {
                    tracing::warn!("in-flight requests did not finish in time; aborting");
                    task.abort();
                    let _ = task.await;
                }
            }
        }
        tracing::info!(addr = %self.addr, "emulator stopped");
    }
}

impl std::ops::Deref for Emulator {
    type Target = EmulatorHandle;

    fn deref(&self) -> &EmulatorHandle {
        &self.handle
    }
}

impl EmulatorHandle {
    /// The product codes served, in the order configured.
    pub fn products(&self) -> Vec<String> {
        self.ctx
            .settings
            .catalog
            .codes()
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    /// Puts an order into the state (replacing any order with that id), as if it had been
    /// applied for and had reached `state`: for tests whose inputs name an order id, such as
    /// the specs' examples. An order put in [`OrderState::Certificate`] has a certificate.
    pub fn put_order(&self, order_id: i64, domain: &str, state: OrderState) {
        self.ctx.lock().put_order(order_id, domain, state);
    }

    /// Makes every STS credential handed out so far expired, as if their time had passed:
    /// calls signed with them are refused with `InvalidSecurityToken.Expired`.
    pub fn expire_sts_sessions(&self) {
        self.ctx
            .lock()
            .sessions
            .expire_all(std::time::SystemTime::now());
    }

    /// How many STS sessions (assumed-role credentials) were handed out and are remembered.
    pub fn sts_sessions(&self) -> usize {
        self.ctx.lock().sessions.len()
    }

    /// Replaces the review policy; pending orders follow the new one from their next describe.
    pub fn set_review_policy(&self, policy: ReviewPolicy) {
        self.ctx.lock().review = policy;
    }

    /// Sets how many applications the resource plan still allows; `None` removes the plan.
    pub fn set_quota(&self, quota: Option<u32>) {
        self.ctx.lock().quota = quota;
    }

    /// Moves an order from `domain_verify` to `process`, as if its DNS record or file had been
    /// found. Returns `false` when the order is unknown or not in `domain_verify`.
    pub fn complete_domain_verification(&self, order_id: i64) -> bool {
        self.ctx.lock().complete_domain_verification(order_id)
    }

    /// Ends the review of an order in `process` (or still in `domain_verify`): `certificate`
    /// when approved, `verify_fail` when rejected. Returns `false` when the order is unknown or
    /// not under review.
    pub fn finish_review(&self, order_id: i64, outcome: ReviewOutcome) -> bool {
        self.ctx
            .lock()
            .finish_review(order_id, outcome == ReviewOutcome::Approve)
    }

    /// The state of an order, `None` when there is no such order (or it was deleted).
    pub fn order_state(&self, order_id: i64) -> Option<OrderState> {
        self.ctx.lock().orders.get(&order_id).map(|o| o.state)
    }

    /// One entry per operation the emulator executed, oldest first (the most recent
    /// [`EmulatorConfig::audit_log_limit`] of them).
    ///
    /// Requests that failed authentication, named an unknown version or action, or were struck
    /// by a fault before execution never reach an operation and are not listed. A fault after
    /// execution leaves its entry: the operation ran.
    pub fn audit_log(&self) -> Vec<AuditEntry> {
        self.ctx.lock().audit.iter().cloned().collect()
    }

    /// How many audit log entries were dropped because the log was full.
    pub fn audit_log_dropped(&self) -> u64 {
        self.ctx.lock().audit_dropped
    }

    /// How many nonces the emulator remembers right now (each is forgotten once its request's
    /// timestamp has left the accepted window).
    pub fn remembered_nonces(&self) -> usize {
        self.ctx.lock().nonces.len()
    }

    /// How many applications the resource plan still allows; `None` when there is no plan.
    pub fn quota(&self) -> Option<u32> {
        self.ctx.lock().quota
    }

    /// The tags bound to an order, key → value (empty when none, or no such order).
    pub fn order_tags(&self, order_id: i64) -> std::collections::BTreeMap<String, String> {
        self.ctx
            .lock()
            .tags
            .get(&order_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Adds a fault rule after the ones already injected. For each authenticated request, the
    /// rules are consulted in injection order and the first that matches the action and fires
    /// decides the fault (see [`Fault`], [`FaultTiming`] and [`FaultTrigger`]).
    pub fn inject(&self, rule: FaultRule) {
        tracing::debug!(?rule, "fault rule injected");
        self.ctx.lock().faults.inject(rule);
    }

    /// Removes every fault rule; requests are answered normally again.
    pub fn clear_faults(&self) {
        self.ctx.lock().faults.clear();
    }

    /// How many requests passed authentication so far: every attempt of a call counts, whether
    /// a fault struck it or not, and whether or not it named a known operation. Requests that
    /// failed authentication, and unsigned calls of anonymous operations, are not counted.
    pub fn authenticated_requests(&self) -> u64 {
        self.ctx.lock().authenticated_requests
    }

    /// How many requests were answered with an injected fault so far.
    pub fn faults_injected(&self) -> u64 {
        self.ctx.lock().faults_injected
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // A handle dropped without `shutdown` still stops its server.
        self.handle.ctx.stopping.send_replace(true);
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
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
