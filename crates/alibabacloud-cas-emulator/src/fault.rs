//! Fault injection: the stage between authenticate and dispatch.
//!
//! Tests register [`FaultRule`]s with [`crate::Emulator::inject`]. Every request that passed
//! authentication (so a retry, signed afresh, is judged afresh) is matched against the rules in
//! the order they were injected; the first rule that matches its action *and* fires decides the
//! fault. A request no rule fires for is answered normally.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use futures::StreamExt as _;
use serde_json::{Map, Value, json};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::listener::ConnHandle;
use crate::server::Context;

/// What goes wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// HTTP 400 `Throttling.User`. With `retry_after`, the answer carries
    /// `x-acs-retry-after` in milliseconds.
    ///
    /// Always answered **before** execution, whatever the rule's [`FaultTiming`]: throttling
    /// tells the caller that the request was not executed, so the emulator keeps that promise.
    Throttling {
        /// How long the caller is asked to wait before retrying.
        retry_after: Option<Duration>,
    },
    /// HTTP 503 `ServiceUnavailable` (in the real error envelope).
    ServiceUnavailable,
    /// HTTP 500 `InternalError` (in the real error envelope).
    InternalError,
    /// The normal answer, after this delay. Before execution, the delay comes first and the
    /// operation runs after it; if the client gives up and closes the connection meanwhile,
    /// the server drops the request and the operation never runs, and if the emulator shuts
    /// down meanwhile it answers 503 without executing. After execution, the operation runs
    /// first and its answer is held back (shutdown releases it). Use a long delay for a server
    /// that hangs.
    Delay(Duration),
    /// The connection is dropped without a single response byte.
    CloseBeforeAnswer,
    /// The status line, the headers (with the full `content-length`) and the first half of the
    /// body are sent, then the connection is dropped.
    CloseMidBody,
    /// A complete HTTP answer whose JSON body is cut in half; its `content-length` is that of
    /// the half actually sent.
    TruncatedBody,
    /// HTTP 200 with a plain-text body.
    NonJsonBody,
    /// HTTP 502 with an HTML error page, as a gateway in front of the service would send.
    HtmlErrorPage,
    /// HTTP 200 with JSON whose fields have the wrong types: every field of the real answer is
    /// replaced by a value of another type, `RequestId` becomes an object, and `OrderId` and
    /// `TotalCount` are always present (`{"x":1}` and `"many"`).
    WrongTypes,
}

/// When a fault strikes, relative to the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FaultTiming {
    /// The operation is not executed: no state change, no audit log entry.
    #[default]
    BeforeExecution,
    /// The operation **is** executed (state changes, audit log entry), then its answer is
    /// replaced by the fault. [`Fault::Throttling`] ignores this and strikes before.
    AfterExecution,
}

/// Which matching requests a rule strikes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FaultTrigger {
    /// The next `n` matching requests; the rule is then used up and removed.
    NextN(u32),
    /// Each matching request with probability `fraction` (0.0 to 1.0), drawn from a random
    /// generator seeded with `seed` (`fastrand::Rng::with_seed`), so a sequence of requests is
    /// struck the same way on every run.
    Fraction {
        /// The probability of striking one request.
        fraction: f64,
        /// The seed of the rule's own random generator.
        seed: u64,
    },
}

/// One fault rule: which action, what fault, when, and how often.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// The action the rule applies to, such as `CreateCertificateRequest`; `None` for all.
    pub action: Option<String>,
    /// What goes wrong.
    pub fault: Fault,
    /// Before or after the operation is executed.
    pub timing: FaultTiming,
    /// Which matching requests are struck.
    pub trigger: FaultTrigger,
}

impl FaultRule {
    /// A rule for every action, striking before execution, with `trigger`.
    pub fn new(fault: Fault, trigger: FaultTrigger) -> Self {
        Self {
            action: None,
            fault,
            timing: FaultTiming::BeforeExecution,
            trigger,
        }
    }

    /// The next `n` requests (of any action), before execution.
    pub fn next_n(n: u32, fault: Fault) -> Self {
        Self::new(fault, FaultTrigger::NextN(n))
    }

    /// Restricts the rule to one action.
    pub fn for_action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// Sets when the fault strikes.
    pub fn timing(mut self, timing: FaultTiming) -> Self {
        self.timing = timing;
        self
    }
}

/// A rule with its trigger's running state.
#[derive(Debug)]
struct ActiveRule {
    rule: FaultRule,
    /// `NextN`: how many strikes are left.
    remaining: u32,
    /// `Fraction`: the rule's own generator.
    rng: fastrand::Rng,
}

/// The injected rules, in injection order.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Vec<ActiveRule>,
}

/// The fault chosen for one request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Planned {
    pub fault: Fault,
    pub timing: FaultTiming,
}

impl Faults {
    pub fn inject(&mut self, rule: FaultRule) {
        let (remaining, seed) = match rule.trigger {
            FaultTrigger::NextN(n) => (n, 0),
            FaultTrigger::Fraction { seed, .. } => (0, seed),
        };
        if matches!(rule.trigger, FaultTrigger::NextN(0)) {
            return;
        }
        self.rules.push(ActiveRule {
            rule,
            remaining,
            rng: fastrand::Rng::with_seed(seed),
        });
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// Picks the fault for a request of `action`, advancing the triggers it consults.
    pub fn pick(&mut self, action: Option<&str>) -> Option<Planned> {
        let mut chosen = None;
        for (index, active) in self.rules.iter_mut().enumerate() {
            if let Some(wanted) = &active.rule.action
                && action != Some(wanted.as_str())
            {
                continue;
            }
            let fires = match active.rule.trigger {
                FaultTrigger::NextN(_) => {
                    active.remaining = active.remaining.saturating_sub(1);
                    true
                }
                FaultTrigger::Fraction { fraction, .. } => active.rng.f64() < fraction,
            };
            if fires {
                chosen = Some(index);
                break;
            }
        }
        let index = chosen?;
        let rule = &self.rules[index].rule;
        let timing = match rule.fault {
            Fault::Throttling { .. } => FaultTiming::BeforeExecution,
            _ => rule.timing,
        };
        let planned = Planned {
            fault: rule.fault.clone(),
            timing,
        };
        if matches!(rule.trigger, FaultTrigger::NextN(_)) && self.rules[index].remaining == 0 {
            self.rules.remove(index);
        }
        Some(planned)
    }
}

/// Answers an authenticated request with the planned fault.
pub(crate) async fn apply(
    ctx: &Context,
    conn: &ConnHandle,
    caller: &Caller,
    request_id: &str,
    planned: Planned,
) -> Response {
    tracing::info!(request_id, fault = ?planned.fault, timing = ?planned.timing, "injecting a fault");
    // Run the operation first when the fault comes after it.
    let executed = match planned.timing {
        FaultTiming::AfterExecution => Some(crate::handlers::dispatch(ctx, caller)),
        FaultTiming::BeforeExecution => None,
    };
    match planned.fault {
        Fault::Throttling { retry_after } => {
            let mut response = crate::response::respond(request_id, Err(throttled()));
            let header = retry_after
                .and_then(|after| HeaderValue::from_str(&after.as_millis().to_string()).ok());
            if let Some(value) = header {
                response.headers_mut().insert("x-acs-retry-after", value);
            }
            response
        }
        Fault::ServiceUnavailable => {
            crate::response::respond(request_id, Err(service_unavailable()))
        }
        Fault::InternalError => crate::response::respond(
            request_id,
            Err(ApiError::new(
                500,
                "InternalError",
                "The request processing has failed due to some unknown error, exception or failure.",
            )),
        ),
        Fault::Delay(delay) => match executed {
            Some(outcome) => {
                ctx.pause(delay).await;
                crate::response::respond(request_id, outcome)
            }
            None => {
                if !ctx.pause(delay).await {
                    return crate::response::respond(request_id, Err(service_unavailable()));
                }
                crate::response::respond(request_id, crate::handlers::dispatch(ctx, caller))
            }
        },
        Fault::CloseBeforeAnswer => {
            // Every write on this connection now fails, so hyper drops it before the status line.
            conn.break_connection();
            Response::new(Body::empty())
        }
        Fault::CloseMidBody => {
            let (status, bytes) = answer_bytes(request_id, executed);
            let half = Bytes::from(bytes[..bytes.len() / 2].to_vec());
            let mut response = Response::new(Body::from_stream(then_fail(half)));
            *response.status_mut() = status;
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, crate::response::json_content_type());
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            crate::response::set_request_id(&mut response, request_id);
            response
        }
        Fault::TruncatedBody => {
            let (status, mut bytes) = answer_bytes(request_id, executed);
            bytes.truncate(bytes.len() / 2);
            raw(status, "application/json;charset=utf-8", bytes, request_id)
        }
        Fault::NonJsonBody => raw(
            StatusCode::OK,
            "text/plain;charset=utf-8",
            b"OK: the request was received (this body is not JSON)".to_vec(),
            request_id,
        ),
        Fault::HtmlErrorPage => raw(
            StatusCode::BAD_GATEWAY,
            "text/html",
            HTML_502.as_bytes().to_vec(),
            request_id,
        ),
        Fault::WrongTypes => {
            let fields = match executed {
                Some(Ok(fields)) => fields,
                _ => Map::new(),
            };
            let body = wrong_types(fields);
            raw(
                StatusCode::OK,
                "application/json;charset=utf-8",
                serde_json::to_vec(&body).unwrap_or_default(),
                request_id,
            )
        }
    }
}

const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n";

fn throttled() -> ApiError {
    ApiError::new(
        400,
        "Throttling.User",
        "Request was denied due to user flow control.",
    )
}

fn service_unavailable() -> ApiError {
    ApiError::new(
        503,
        "ServiceUnavailable",
        "The request has failed due to a temporary failure of the server.",
    )
}

/// The status and JSON body the request would have been answered with: the operation's own
/// answer when it ran, else an empty success envelope.
fn answer_bytes(
    request_id: &str,
    executed: Option<Result<Map<String, Value>, ApiError>>,
) -> (StatusCode, Vec<u8>) {
    let outcome = executed.unwrap_or_else(|| Ok(Map::new()));
    let (status, bytes) = crate::response::envelope(request_id, outcome);
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        bytes,
    )
}

fn raw(
    status: StatusCode,
    content_type: &'static str,
    body: Vec<u8>,
    request_id: &str,
) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    crate::response::set_request_id(&mut response, request_id);
    response
}

/// Every field replaced by a value of another type.
fn wrong_types(fields: Map<String, Value>) -> Value {
    let mut out = Map::new();
    for (name, value) in fields {
        let wrong = match value {
            Value::String(_) => json!({ "x": 1 }),
            Value::Number(_) => json!("many"),
            Value::Bool(_) => json!([true]),
            Value::Array(_) => json!("not a list"),
            Value::Object(_) => json!(7),
            Value::Null => json!({ "x": 1 }),
        };
        out.insert(name, wrong);
    }
    out.insert("RequestId".into(), json!({ "x": 1 }));
    out.entry("OrderId").or_insert(json!({ "x": 1 }));
    out.entry("TotalCount").or_insert(json!("many"));
    Value::Object(out)
}

/// A body stream that yields `first`, then (after a pause that lets the server flush it) fails,
/// which makes hyper abort the connection.
fn then_fail(
    first: Bytes,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    let failure = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "injected fault: connection dropped mid-body",
        ))
    };
    futures::stream::once(async move { Ok(first) }).chain(futures::stream::once(failure))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_consulted_in_order_and_used_up() {
        let mut faults = Faults::default();
        faults.inject(FaultRule::next_n(0, Fault::InternalError));
        faults.inject(FaultRule::next_n(1, Fault::InternalError).for_action("A"));
        faults.inject(
            FaultRule::next_n(2, Fault::Throttling { retry_after: None })
                .timing(FaultTiming::AfterExecution),
        );
        let a = faults.pick(Some("A")).unwrap();
        assert_eq!(a.fault, Fault::InternalError);
        let b = faults.pick(Some("B")).unwrap();
        assert_eq!(
            b.timing,
            FaultTiming::BeforeExecution,
            "throttling is always before"
        );
        assert!(matches!(
            faults.pick(Some("A")).unwrap().fault,
            Fault::Throttling { .. }
        ));
        assert_eq!(faults.pick(Some("A")), None);
        assert_eq!(faults.pick(None), None);
    }

    #[test]
    fn fractions_are_seeded() {
        let draws = |seed| {
            let mut faults = Faults::default();
            faults.inject(FaultRule::new(
                Fault::ServiceUnavailable,
                FaultTrigger::Fraction {
                    fraction: 0.3,
                    seed,
                },
            ));
            (0..200)
                .map(|_| faults.pick(Some("X")).is_some())
                .collect::<Vec<_>>()
        };
        let a = draws(7);
        assert_eq!(a, draws(7));
        assert_ne!(a, draws(8));
        let hits = a.iter().filter(|h| **h).count();
        assert!((30..=90).contains(&hits), "{hits}");
    }

    #[test]
    fn wrong_types_change_every_type() {
        let mut fields = Map::new();
        fields.insert("OrderId".into(), json!(5));
        fields.insert("Domain".into(), json!("a.example"));
        fields.insert("List".into(), json!([1]));
        let body = wrong_types(fields);
        assert_eq!(body["OrderId"], json!("many"));
        assert_eq!(body["Domain"], json!({ "x": 1 }));
        assert_eq!(body["List"], json!("not a list"));
        assert_eq!(body["TotalCount"], json!("many"));
        assert!(body["RequestId"].is_object());
    }
}
