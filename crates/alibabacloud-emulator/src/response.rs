//! Stage 4, respond: the success and error envelopes and the request id.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// The content type of every answer, spelled as the real service spells it.
const CONTENT_TYPE: &str = "application/json;charset=utf-8";

/// A request id shaped like the service's: `082FAB35-6AB9-4FD5-8750-D36673548E76`.
pub(crate) fn new_request_id() -> String {
    let hi = fastrand::u64(..);
    let lo = fastrand::u64(..);
    format!(
        "{:08X}-{:04X}-4{:03X}-{:04X}-{:012X}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0x0fff,
        (lo >> 48 & 0x3fff) | 0x8000,
        lo & 0xffff_ffff_ffff
    )
}

/// Which product answers, and so how its bodies are shaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Envelope {
    /// The product code (`ecs`), which names the `HostId`.
    pub product: String,
    /// Resource-oriented (`cs`): errors in lower camel case (`code`, `message`, `requestId`).
    pub roa: bool,
}

impl Envelope {
    /// The `HostId` of the product's error bodies.
    pub fn host_id(&self) -> String {
        format!("{}.aliyuncs.com", self.product)
    }
}

/// Builds the HTTP answer; every answer carries `x-acs-request-id`.
pub(crate) fn respond(
    env: &Envelope,
    request_id: &str,
    outcome: Result<Value, ApiError>,
) -> Response {
    let (status, bytes) = envelope(env, request_id, outcome);
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, json_content_type());
    set_request_id(&mut response, request_id);
    response
}

/// The HTTP status and the JSON body of the success or error envelope.
///
/// An RPC success body gets the request's `RequestId`. An ROA body is the operation's own: an
/// object that carries a request id (`requestId`, `RequestId` or `request_id`) gets this
/// request's; any other body goes out as it is (an object may be a map whose every value has
/// one type), and the `x-acs-request-id` header carries the id.
pub(crate) fn envelope(
    env: &Envelope,
    request_id: &str,
    outcome: Result<Value, ApiError>,
) -> (u16, Vec<u8>) {
    let (status, body) = match outcome {
        Ok(Value::Object(mut fields)) => {
            let key = if env.roa {
                ["requestId", "RequestId", "request_id"]
                    .into_iter()
                    .find(|k| fields.contains_key(*k))
            } else {
                Some("RequestId")
            };
            if let Some(key) = key {
                fields.insert(key.into(), Value::String(request_id.into()));
            }
            tracing::debug!(request_id, status = 200, "answered");
            (200, Value::Object(fields))
        }
        Ok(other) => {
            tracing::debug!(request_id, status = 200, "answered");
            (200, other)
        }
        Err(e) => {
            // The message is not logged: a SignatureDoesNotMatch message echoes the string to sign, which carries the STS token under V1.
            tracing::info!(request_id, status = e.status, code = %e.code, "answered with an error");
            let mut fields = Map::new();
            if env.roa {
                fields.insert("code".into(), Value::String(e.code.clone()));
                fields.insert("message".into(), Value::String(e.message));
                fields.insert("requestId".into(), Value::String(request_id.into()));
                fields.insert("status".into(), Value::from(e.status));
            } else {
                fields.insert("RequestId".into(), Value::String(request_id.into()));
                fields.insert("HostId".into(), Value::String(env.host_id()));
                fields.insert("Code".into(), Value::String(e.code.clone()));
                fields.insert("Message".into(), Value::String(e.message));
                fields.insert(
                    "Recommend".into(),
                    Value::String(format!(
                        "https://api.aliyun.com/troubleshoot?q={}&product={}&requestId={request_id}",
                        e.code, env.product
                    )),
                );
            }
            (e.status, Value::Object(fields))
        }
    };
    (status, serde_json::to_vec(&body).unwrap_or_default())
}

/// The JSON error envelope (as a complete HTTP/1.1 answer that closes the connection) that
/// replaces hyper's own bare answer to a request head it refused: 414 for a URI over its
/// limit, 431 for headers over its buffer. `None` when `head` is anything else, in particular
/// every answer of ours (they all carry `x-acs-request-id`).
pub(crate) fn envelope_for_bare_error(env: &Envelope, head: &[u8]) -> Option<Vec<u8>> {
    let error = if head.starts_with(b"HTTP/1.1 414 ") {
        ApiError::new(
            414,
            "RequestURITooLong",
            "The request URI is too long; send the parameters in a form body.",
        )
    } else if head.starts_with(b"HTTP/1.1 431 ") {
        ApiError::new(
            431,
            "RequestHeaderFieldsTooLarge",
            "The request headers are too large.",
        )
    } else {
        return None;
    };
    let ours = head
        .windows(b"x-acs-request-id".len())
        .any(|w| w.eq_ignore_ascii_case(b"x-acs-request-id"));
    if ours {
        return None;
    }
    let status = error.status;
    let reason = if status == 414 {
        "URI Too Long"
    } else {
        "Request Header Fields Too Large"
    };
    let request_id = new_request_id();
    let (_, body) = envelope(env, &request_id, Err(error));
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: {CONTENT_TYPE}\r\nx-acs-request-id: {request_id}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    Some(out)
}

/// The content type of JSON answers.
pub(crate) fn json_content_type() -> HeaderValue {
    HeaderValue::from_static(CONTENT_TYPE)
}

/// Sets `x-acs-request-id`.
pub(crate) fn set_request_id(response: &mut Response, request_id: &str) {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-acs-request-id", value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_look_like_the_service_ones() {
        let id = new_request_id();
        let groups: Vec<&str> = id.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(
            id.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        assert_ne!(id, new_request_id());
    }

    #[test]
    fn bare_414_and_431_become_envelopes() {
        for (head, code) in [
            (
                &b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n"[..],
                "RequestURITooLong",
            ),
            (
                b"HTTP/1.1 431 Request Header Fields Too Large\r\n\r\n",
                "RequestHeaderFieldsTooLarge",
            ),
        ] {
            let out = envelope_for_bare_error(&cas(), head).unwrap_or_default();
            let text = String::from_utf8_lossy(&out);
            let (headers, body) = text.split_once("\r\n\r\n").unwrap_or_default();
            assert!(
                headers.contains(&format!("content-length: {}", body.len())),
                "{headers}"
            );
            let json: Value = serde_json::from_str(body).unwrap_or_default();
            assert_eq!(json["Code"], code);
            assert!(json["RequestId"].is_string());
        }
        assert!(envelope_for_bare_error(&cas(), b"HTTP/1.1 200 OK\r\n\r\n").is_none());
        assert!(
            envelope_for_bare_error(&cas(), b"HTTP/1.1 414 X\r\nx-acs-request-id: 1\r\n\r\n")
                .is_none()
        );
    }

    fn cas() -> Envelope {
        Envelope {
            product: "cas".into(),
            roa: false,
        }
    }

    #[test]
    fn roa_errors_are_lower_camel_and_bodies_keep_their_spelling() {
        let roa = Envelope {
            product: "cs".into(),
            roa: true,
        };
        let (status, body) = envelope(&roa, "R1", Err(ApiError::missing("ClusterId")));
        let json: Value = serde_json::from_slice(&body).unwrap_or_default();
        assert_eq!(status, 400);
        assert_eq!(json["code"], "MissingParameter");
        assert_eq!(json["requestId"], "R1");
        assert!(json["message"].is_string() && json.get("Code").is_none());
        let (_, body) = envelope(
            &roa,
            "R2",
            Ok(serde_json::json!({"request_id": "x", "a": 1})),
        );
        let json: Value = serde_json::from_slice(&body).unwrap_or_default();
        assert_eq!(json["request_id"], "R2");
        assert!(json.get("requestId").is_none());
        let (_, body) = envelope(&roa, "R3", Ok(serde_json::json!([1, 2])));
        assert_eq!(body, b"[1,2]");
    }
}
