//! [`Emulator`]: the emulator served on a socket, on a spawned task.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::EmulatorConfig;
use crate::handle::EmulatorHandle;

/// How long [`Emulator::shutdown`] waits for in-flight requests before it stops the server.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

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
        let ctx = crate::context::new(&config)?;
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let envelope = Arc::new(ctx.settings.catalog.default_envelope(None));
        let app = crate::server::router(ctx.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        // Either an explicit stop or the handle being dropped stops the loop.
        let task = tokio::spawn(crate::listener::serve(
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
    /// and waits for the server task. Answers held back by [`Fault::Delay`](crate::Fault::Delay) go out at once.
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

impl Drop for Emulator {
    fn drop(&mut self) {
        // A handle dropped without `shutdown` still stops its server.
        self.handle.ctx.stopping.send_replace(true);
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
