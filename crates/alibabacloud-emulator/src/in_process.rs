//! The emulator behind the runtime's transport trait, with no socket: a client configured with
//! [`InProcessEmulator`] as its transport calls the emulator's request pipeline directly.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;

use alibabacloud_runtime::transport::{
    BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportFailure, TransportLimits,
};
use axum::extract::ConnectInfo;

use crate::config::EmulatorConfig;
use crate::context::Context;
use crate::handle::EmulatorHandle;
use crate::listener::ConnHandle;

/// An emulator that answers through the transport trait instead of a socket.
///
/// Cloning shares the emulator's state; [`InProcessEmulator::handle`] gives the same
/// inspection and fault-injection methods as a socket-served [`crate::Emulator`].
#[derive(Clone)]
pub struct InProcessEmulator {
    ctx: Context,
    router: axum::Router,
}

impl fmt::Debug for InProcessEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InProcessEmulator").finish_non_exhaustive()
    }
}

impl InProcessEmulator {
    /// An emulator configured with `config`, serving no socket.
    ///
    /// A configuration that cannot be served (an unknown product in
    /// [`EmulatorConfig::products`]) gives an emulator that answers every request with
    /// `InternalError` naming the problem; [`InProcessEmulator::try_new`] reports it instead.
    pub fn new(config: EmulatorConfig) -> Self {
        let ctx = crate::context::new_or_broken(&config);
        let router = crate::server::router(ctx.clone());
        Self { ctx, router }
    }

    /// An emulator configured with `config`, serving no socket; `InvalidInput` when
    /// [`EmulatorConfig::products`] names a product the emulator does not know.
    pub fn try_new(config: EmulatorConfig) -> std::io::Result<Self> {
        let ctx = crate::context::new(&config)?;
        let router = crate::server::router(ctx.clone());
        Ok(Self { ctx, router })
    }

    /// The endpoint to configure a client of `product` with (`http://ecs.emulator.invalid`):
    /// no request leaves the process, and the host names the product, which settles the rare
    /// request that two served products would both take.
    pub fn endpoint_for(&self, product: &str) -> String {
        format!("http://{product}.emulator.invalid")
    }

    /// The endpoint of the first product served, such as `http://cas.emulator.invalid`.
    pub fn endpoint(&self) -> String {
        let first = self
            .ctx
            .settings
            .catalog
            .codes()
            .first()
            .copied()
            .unwrap_or("emulator");
        self.endpoint_for(first)
    }

    /// Inspects and steers the emulator (faults, orders, the audit log).
    pub fn handle(&self) -> EmulatorHandle {
        EmulatorHandle {
            ctx: self.ctx.clone(),
        }
    }
}

impl HttpTransport for InProcessEmulator {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
        limits: TransportLimits,
    ) -> BoxFuture<'a, Result<HttpResponse, TransportFailure>> {
        Box::pin(async move {
            let broken = Arc::new(AtomicBool::new(false));
            let mut builder = axum::http::Request::builder()
                .method(request.method)
                .uri(request.url.as_str());
            if let Some(headers) = builder.headers_mut() {
                *headers = request.headers;
            }
            let mut incoming = builder
                .body(axum::body::Body::from(request.body))
                .map_err(|e| TransportFailure::Construction(e.to_string()))?;
            incoming
                .extensions_mut()
                .insert(ConnectInfo(ConnHandle::detached(broken.clone())));
            let mut router = self.router.clone();
            let response = match tower_service::Service::call(&mut router, incoming).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            let (parts, body) = response.into_parts();
            let body = axum::body::to_bytes(body, limits.max_response_body).await;
            if broken.load(Ordering::SeqCst) {
                return Err(TransportFailure::AfterSent(
                    "the emulator broke the connection before answering".into(),
                ));
            }
            let body = body.map_err(|_| TransportFailure::TooLarge {
                status: parts.status.as_u16(),
                declared: None,
                request_id: parts.headers.get("x-acs-request-id").cloned(),
            })?;
            Ok(HttpResponse {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body,
            })
        })
    }
}
