//! The HTTP server and the request pipeline: parse → authenticate → dispatch → respond.
//!
//! Each stage is its own function, so another stage (such as fault injection) can be slotted in
//! before dispatch without touching the others.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::any;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::state;

/// The largest request body read, in bytes.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// What never changes while the emulator runs.
#[derive(Debug)]
pub(crate) struct Settings {
    /// Access key id → secret.
    pub keys: HashMap<String, String>,
    pub max_clock_skew: Duration,
}

/// Shared by every request handler and the [`crate::Emulator`] handle.
#[derive(Clone)]
pub(crate) struct Context {
    pub settings: Arc<Settings>,
    pub state: Arc<Mutex<state::State>>,
}

impl Context {
    /// Locks the state. Never hold the guard across an `.await`.
    pub fn lock(&self) -> MutexGuard<'_, state::State> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub(crate) fn router(ctx: Context) -> Router {
    Router::new()
        .route("/", any(handle))
        .fallback(unknown_path)
        .with_state(ctx)
}

async fn handle(State(ctx): State<Context>, request: Request) -> Response {
    let request_id = crate::response::new_request_id();
    let (parts, body) = request.into_parts();
    let outcome = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => process(&ctx, &parts, body, SystemTime::now()),
        Err(_) => Err(ApiError::new(
            413,
            "RequestEntityTooLarge",
            format!("The request body could not be read or is larger than {MAX_BODY} bytes."),
        )),
    };
    crate::response::respond(&request_id, outcome)
}

/// The synchronous part of the pipeline.
fn process(
    ctx: &Context,
    parts: &Parts,
    body: Bytes,
    now: SystemTime,
) -> Result<Map<String, Value>, ApiError> {
    let incoming = crate::request::parse(&parts.method, &parts.uri, &parts.headers, body)?;
    let caller = crate::auth::authenticate(ctx, &incoming, now)?;
    crate::handlers::dispatch(ctx, &caller)
}

async fn unknown_path() -> Response {
    let request_id = crate::response::new_request_id();
    crate::response::respond(&request_id, Err(ApiError::action_not_found()))
}
