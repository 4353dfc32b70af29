//! What every stage of the request pipeline shares: the fixed settings, the state and the
//! shutdown signal.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::config::EmulatorConfig;
use crate::route::Catalog;
use crate::state;

/// What never changes while the emulator runs.
#[derive(Debug)]
pub(crate) struct Settings {
    /// Access key id → secret.
    pub keys: HashMap<String, String>,
    pub max_clock_skew: Duration,
    /// The products served.
    pub catalog: Catalog,
    /// The account every identity belongs to.
    pub account_id: String,
}

/// Shared by every request handler and the [`crate::Emulator`] handle.
#[derive(Clone)]
pub(crate) struct Context {
    pub settings: Arc<Settings>,
    pub state: Arc<Mutex<state::State>>,
    /// Turns `true` when the emulator starts shutting down, so delayed answers stop waiting.
    pub stopping: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Context {
    /// Locks the state. Never hold the guard across an `.await`.
    pub fn lock(&self) -> MutexGuard<'_, state::State> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits `delay`; returns `false` when cut short because the emulator is shutting down.
    pub async fn pause(&self, delay: Duration) -> bool {
        let mut stopping = self.stopping.subscribe();
        tokio::select! {
            () = tokio::time::sleep(delay) => true,
            _ = stopping.wait_for(|stop| *stop) => false,
        }
    }
}

/// The shared state of a fresh emulator configured with `config`. Fails on an unknown product.
pub(crate) fn new(config: &EmulatorConfig) -> std::io::Result<Context> {
    let catalog = Catalog::load(&config.products)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    Ok(with_catalog(config, catalog))
}

/// [`new`] for callers that cannot fail: a configuration that does not load gives an
/// emulator answering every request with `InternalError` naming the problem.
pub(crate) fn new_or_broken(config: &EmulatorConfig) -> Context {
    let catalog = Catalog::load(&config.products).unwrap_or_else(|problem| {
        tracing::error!(%problem, "the emulator cannot serve its configuration");
        Catalog::broken(problem)
    });
    with_catalog(config, catalog)
}

fn with_catalog(config: &EmulatorConfig, catalog: Catalog) -> Context {
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
