//! The `cas` emulator behind the runtime's transport trait, with no socket.

use alibabacloud_runtime::transport::{
    BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportFailure, TransportLimits,
};

/// An emulator that answers through the transport trait instead of a socket.
///
/// Cloning shares the emulator's state; [`InProcessEmulator::handle`] gives the same
/// inspection and fault-injection methods as a socket-served [`crate::Emulator`].
#[derive(Clone, Debug)]
pub struct InProcessEmulator {
    inner: alibabacloud_emulator::InProcessEmulator,
}

impl InProcessEmulator {
    /// An emulator configured with `config`, serving no socket.
    pub fn new(config: crate::EmulatorConfig) -> Self {
        Self {
            inner: alibabacloud_emulator::InProcessEmulator::new(config.into_core()),
        }
    }

    /// The endpoint to configure a client with: any host works; this one names the product.
    pub fn endpoint(&self) -> &'static str {
        "http://cas.emulator.invalid"
    }

    /// Inspects and steers the emulator (faults, orders, the audit log).
    pub fn handle(&self) -> crate::EmulatorHandle {
        self.inner.handle()
    }
}

impl HttpTransport for InProcessEmulator {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
        limits: TransportLimits,
    ) -> BoxFuture<'a, Result<HttpResponse, TransportFailure>> {
        self.inner.send(request, limits)
    }
}
