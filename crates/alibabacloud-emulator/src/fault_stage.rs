//! The fault stage of the pipeline: answers an authenticated request with the fault that a
//! [`crate::FaultRule`] planned for it, running the operation first when the fault comes after it.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use futures::StreamExt as _;
use serde_json::{Map, Value, json};

use crate::context::Context;
use crate::dispatch::Call;
use crate::error::ApiError;
use crate::fault::{Fault, FaultTiming, Planned};
use crate::listener::ConnHandle;
use crate::response::Envelope;

/// Answers an authenticated request with the planned fault.
pub(crate) async fn apply(
    ctx: &Context,
    conn: &ConnHandle,
    env: &Envelope,
    call: &Call,
    request_id: &str,
    planned: Planned,
) -> Response {
    tracing::info!(request_id, fault = ?planned.fault, timing = ?planned.timing, "injecting a fault");
    // Run the operation first when the fault comes after it.
    let executed = match planned.timing {
        FaultTiming::AfterExecution => Some(crate::dispatch::dispatch(ctx, call)),
        FaultTiming::BeforeExecution => None,
    };
    match planned.fault {
        Fault::Throttling { retry_after } => {
            let mut response = crate::response::respond(env, request_id, Err(throttled()));
            let header = retry_after
                .and_then(|after| HeaderValue::from_str(&after.as_millis().to_string()).ok());
            if let Some(value) = header {
                response.headers_mut().insert("x-acs-retry-after", value);
            }
            response
        }
        Fault::ServiceUnavailable => {
            crate::response::respond(env, request_id, Err(service_unavailable()))
        }
        Fault::InternalError => crate::response::respond(
            env,
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
                crate::response::respond(env, request_id, outcome)
            }
            None => {
                if !ctx.pause(delay).await {
                    return crate::response::respond(env, request_id, Err(service_unavailable()));
                }
                crate::response::respond(env, request_id, crate::dispatch::dispatch(ctx, call))
            }
        },
        Fault::CloseBeforeAnswer => {
            // Every write on this connection now fails, so hyper drops it before the status line.
            conn.break_connection();
            Response::new(Body::empty())
        }
        Fault::CloseMidBody => {
            let (status, bytes) = answer_bytes(env, request_id, executed);
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
            let (status, mut bytes) = answer_bytes(env, request_id, executed);
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
                Some(Ok(Value::Object(fields))) => fields,
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
    env: &Envelope,
    request_id: &str,
    executed: Option<Result<Value, ApiError>>,
) -> (StatusCode, Vec<u8>) {
    let outcome = executed.unwrap_or_else(|| Ok(Value::Object(Map::new())));
    let (status, bytes) = crate::response::envelope(env, request_id, outcome);
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
