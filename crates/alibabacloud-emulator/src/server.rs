//! The HTTP server and the request pipeline:
//! parse → route → authenticate → inject faults → dispatch → respond.
//!
//! Each stage is its own function; the fault stage (see `fault_stage.rs`) only sees requests that
//! passed authentication, and leaves them to the normal dispatch when no rule fires. Routing
//! comes before authentication only to learn whose envelope answers and whether the operation
//! is anonymous; its errors (unknown version or action) are answered after authentication, as
//! the services do, except a method RPC does not take.

use std::time::SystemTime;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::Response;
use axum::routing::any;

use crate::context::Context;
use crate::dispatch::Call;
use crate::error::ApiError;
use crate::listener::ConnHandle;
use crate::response::Envelope;

/// The largest request body read, in bytes.
const MAX_BODY: usize = 4 * 1024 * 1024;

pub(crate) fn router(ctx: Context) -> Router {
    Router::new().fallback(any(handle)).with_state(ctx)
}

async fn handle(
    State(ctx): State<Context>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    request: Request,
) -> Response {
    let request_id = crate::response::new_request_id();
    let (parts, body) = request.into_parts();
    let host = parts
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| parts.uri.authority().map(|a| a.to_string()));
    let fallback = || ctx.settings.catalog.default_envelope(host.as_deref());
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(_) => {
            let e = ApiError::new(
                413,
                "RequestEntityTooLarge",
                format!("The request body could not be read or is larger than {MAX_BODY} bytes."),
            );
            return crate::response::respond(&fallback(), &request_id, Err(e));
        }
    };
    let (envelope, call) = match prepare(&ctx, &parts, body, SystemTime::now()) {
        Ok(prepared) => prepared,
        Err((envelope, e)) => {
            let envelope = envelope.unwrap_or_else(fallback);
            return crate::response::respond(&envelope, &request_id, Err(e));
        }
    };
    let planned = {
        let mut st = ctx.lock();
        if call.caller.scheme.is_some() {
            st.authenticated_requests += 1;
        }
        let planned = st.faults.pick(Some(call.target.op.action.as_str()));
        if planned.is_some() {
            st.faults_injected += 1;
        }
        planned
    };
    match planned {
        None => crate::response::respond(
            &envelope,
            &request_id,
            crate::dispatch::dispatch(&ctx, &call),
        ),
        Some(planned) => {
            crate::fault_stage::apply(&ctx, &conn, &envelope, &call, &request_id, planned).await
        }
    }
}

/// Stages 1 and 2 with routing: parse, route, authenticate (or accept an unsigned request for
/// an anonymous operation). An error comes with the envelope to answer it in, when known.
fn prepare(
    ctx: &Context,
    parts: &axum::http::request::Parts,
    body: Bytes,
    now: SystemTime,
) -> Result<(Envelope, Call), (Option<Envelope>, ApiError)> {
    let incoming = crate::request::parse(&parts.method, &parts.uri, &parts.headers, body)
        .map_err(|e| (None, e))?;
    let route = ctx.settings.catalog.route(&incoming);
    let envelope = route.envelope;
    let fail = |e| (Some(envelope.clone()), e);
    // A method RPC does not take, or a path no operation has, is refused before any check.
    if let Err(e) = &route.target
        && (e.status == 405 || incoming.path != "/")
    {
        return Err(fail(e.clone()));
    }
    let anonymous = route.target.as_ref().is_ok_and(|t| t.op.anonymous);
    let caller = if anonymous && !crate::auth::is_signed(&incoming) {
        crate::auth::anonymous(&incoming)
    } else {
        crate::auth::authenticate(ctx, &incoming, now).map_err(fail)?
    };
    let target = route.target.map_err(|e| {
        // Authenticated, but naming no operation: counted, never executed.
        ctx.lock().authenticated_requests += 1;
        fail(e)
    })?;
    Ok((
        envelope,
        Call {
            caller,
            incoming,
            target,
        },
    ))
}
