//! The HTTP server and the request pipeline:
//! parse → authenticate → inject faults → dispatch → respond.
//!
//! Each stage is its own function; the fault stage (see `fault_stage.rs`) only sees requests that
//! passed authentication, and leaves them to the normal dispatch when no rule fires.

use std::time::SystemTime;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::any;

use crate::auth::Caller;
use crate::context::Context;
use crate::error::ApiError;
use crate::listener::ConnHandle;

/// The largest request body read, in bytes.
const MAX_BODY: usize = 4 * 1024 * 1024;

pub(crate) fn router(ctx: Context) -> Router {
    Router::new()
        .route("/", any(handle))
        .fallback(unknown_path)
        .with_state(ctx)
}

async fn handle(
    State(ctx): State<Context>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    request: Request,
) -> Response {
    let request_id = crate::response::new_request_id();
    let (parts, body) = request.into_parts();
    let caller = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => authenticated(&ctx, &parts, body, SystemTime::now()),
        Err(_) => Err(ApiError::new(
            413,
            "RequestEntityTooLarge",
            format!("The request body could not be read or is larger than {MAX_BODY} bytes."),
        )),
    };
    let caller = match caller {
        Ok(caller) => caller,
        Err(e) => return crate::response::respond(&request_id, Err(e)),
    };
    let planned = {
        let mut st = ctx.lock();
        st.authenticated_requests += 1;
        let planned = st.faults.pick(caller.action.as_deref());
        if planned.is_some() {
            st.faults_injected += 1;
        }
        planned
    };
    match planned {
        None => crate::response::respond(&request_id, crate::handlers::dispatch(&ctx, &caller)),
        Some(planned) => {
            crate::fault_stage::apply(&ctx, &conn, &caller, &request_id, planned).await
        }
    }
}

/// Stages 1 and 2: parse and authenticate.
fn authenticated(
    ctx: &Context,
    parts: &Parts,
    body: Bytes,
    now: SystemTime,
) -> Result<Caller, ApiError> {
    let incoming = crate::request::parse(&parts.method, &parts.uri, &parts.headers, body)?;
    crate::auth::authenticate(ctx, &incoming, now)
}

async fn unknown_path() -> Response {
    let request_id = crate::response::new_request_id();
    crate::response::respond(&request_id, Err(ApiError::action_not_found()))
}
