//! A loopback test server that recomputes the signature of exactly what it received (V1 or
//! V3, form body included), records the decoded parameters, and answers with queued responses.
//! Unsigned requests are answered only for the actions declared anonymous.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use alibabacloud_runtime::encode::percent_decode;
use alibabacloud_runtime::signing::{canonical_query, v1, v3};
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

pub const ACCESS_KEY_ID: &str = "loopback-id";
pub const ACCESS_KEY_SECRET: &str = "loop+back/secret=&%";

/// What the server saw in one request.
#[derive(Debug, Clone)]
pub struct Received {
    /// `V1` or `V3`.
    pub scheme: &'static str,
    /// Whether the recomputed signature matched.
    pub signature_ok: bool,
    /// The action (from `Action` or `x-acs-action`).
    pub action: String,
    /// Decoded business parameters from the query (common V1 parameters removed), sorted.
    pub params: Vec<(String, String)>,
    /// Decoded parameters from an `application/x-www-form-urlencoded` body, sorted.
    pub form: Vec<(String, String)>,
    /// Whether the request carried no credential material at all: no `AccessKeyId`,
    /// `Signature`, `SignatureMethod`, `SecurityToken`, `authorization`,
    /// `x-acs-security-token` or `x-acs-accesskey-id`.
    pub anonymous: bool,
    /// Lowercase header names.
    pub headers: Vec<(String, String)>,
    /// The nonce.
    pub nonce: String,
    /// The STS token: `SecurityToken` (V1) or `x-acs-security-token` (V3).
    pub security_token: Option<String>,
    /// The HTTP method.
    pub method: String,
    /// The path as received (percent-encoded).
    pub path: String,
    /// The body as received.
    pub body: Vec<u8>,
}

#[derive(Default)]
struct Shared {
    received: Vec<Received>,
    responses: VecDeque<(u16, String)>,
    anonymous_actions: Vec<String>,
}

pub struct LoopbackServer {
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

const V1_COMMON: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "AccessKeyId",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
    "SecurityToken",
    "Signature",
];

fn decode_query(raw: &str) -> Vec<(String, String)> {
    decode_pairs(raw, false)
}

/// Splits `a=1&b=2` and percent-decodes both sides; `plus_is_space` for form bodies.
fn decode_pairs(raw: &str, plus_is_space: bool) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let s = if plus_is_space {
            s.replace('+', " ")
        } else {
            s.to_string()
        };
        percent_decode(&s).expect("utf-8")
    };
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// The parameters of an `application/x-www-form-urlencoded` body, sorted.
fn decode_form(headers: &HeaderMap, body: &[u8]) -> Vec<(String, String)> {
    let is_form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Vec::new();
    }
    let mut form = decode_pairs(std::str::from_utf8(body).expect("utf-8 form body"), true);
    form.sort();
    form
}

fn verify(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Received {
    let mut received = verify_signature(method, uri, headers, body);
    received.method = method.as_str().to_string();
    received.path = uri.path().to_string();
    received.body = body.to_vec();
    received
}

/// Recomputes the signature of what arrived. V3 signs the path as received, so an ROA
/// request's encoded path is checked too.
fn verify_signature(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Received {
    let all = decode_query(uri.query().unwrap_or(""));
    let form = decode_form(headers, body);
    let header_pairs: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let get = |k: &str| all.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let anonymous = [
        "AccessKeyId",
        "Signature",
        "SignatureMethod",
        "SecurityToken",
    ]
    .iter()
    .all(|k| get(k).is_none())
        && [
            "authorization",
            "x-acs-security-token",
            "x-acs-accesskey-id",
        ]
        .iter()
        .all(|h| headers.get(*h).is_none());
    if let Some(sig) = get("Signature") {
        // Form parameters are signed together with the query ones.
        let unsigned: Vec<(String, String)> = all
            .iter()
            .filter(|(k, _)| k != "Signature")
            .chain(form.iter())
            .cloned()
            .collect();
        let sts = v1::string_to_sign(method.as_str(), &canonical_query(&unsigned));
        let ok = v1::signature(ACCESS_KEY_SECRET, &sts) == sig
            && get("AccessKeyId").as_deref() == Some(ACCESS_KEY_ID);
        let mut params: Vec<(String, String)> = all
            .iter()
            .filter(|(k, _)| !V1_COMMON.contains(&k.as_str()))
            .cloned()
            .collect();
        params.sort();
        return Received {
            scheme: "V1",
            signature_ok: ok,
            action: get("Action").unwrap_or_default(),
            params,
            form,
            anonymous,
            headers: header_pairs,
            nonce: get("SignatureNonce").unwrap_or_default(),
            security_token: get("SecurityToken"),
            method: String::new(),
            path: String::new(),
            body: Vec::new(),
        };
    }
    if anonymous {
        let v3 = headers.contains_key("x-acs-action");
        let h = |k: &str| {
            headers
                .get(k)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let mut params: Vec<(String, String)> = all
            .iter()
            .filter(|(k, _)| v3 || !V1_COMMON.contains(&k.as_str()))
            .cloned()
            .collect();
        params.sort();
        return Received {
            scheme: if v3 { "V3" } else { "V1" },
            signature_ok: false,
            action: if v3 { h("x-acs-action") } else { get("Action") }.unwrap_or_default(),
            params,
            form,
            anonymous,
            headers: header_pairs,
            nonce: if v3 {
                h("x-acs-signature-nonce")
            } else {
                get("SignatureNonce")
            }
            .unwrap_or_default(),
            security_token: None,
            method: String::new(),
            path: String::new(),
            body: Vec::new(),
        };
    }
    let h = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let auth = h("authorization");
    let rest = auth.strip_prefix("ACS3-HMAC-SHA256 ").unwrap_or("");
    let mut credential = "";
    let mut signed_headers = "";
    let mut signature = "";
    for part in rest.split(',') {
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = v;
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed_headers = v;
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = v;
        }
    }
    let names: Vec<&str> = signed_headers.split(';').collect();
    let values: Vec<(String, String)> = names.iter().map(|n| (n.to_string(), h(n))).collect();
    let refs: Vec<(&str, &str)> = values
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let (canonical, _) = v3::canonical_request(
        method.as_str(),
        uri.path(),
        &canonical_query(&all),
        &refs,
        &v3::sha256_hex(body),
    );
    let ok = credential == ACCESS_KEY_ID
        && v3::signature(ACCESS_KEY_SECRET, &v3::string_to_sign(&canonical)) == signature
        && h("x-acs-content-sha256") == v3::sha256_hex(body)
        && names.contains(&"host")
        && names.contains(&"x-acs-signature-nonce")
        // The server requires every x-acs-* header, and content-type with a body, to be signed.
        && headers
            .keys()
            .filter(|n| n.as_str().starts_with("x-acs-"))
            .all(|n| names.contains(&n.as_str()))
        && (body.is_empty() || names.contains(&"content-type"));
    let mut params = all;
    params.sort();
    Received {
        scheme: "V3",
        signature_ok: ok,
        action: h("x-acs-action"),
        params,
        form,
        anonymous,
        headers: header_pairs,
        nonce: h("x-acs-signature-nonce"),
        security_token: Some(h("x-acs-security-token")).filter(|t| !t.is_empty()),
        method: String::new(),
        path: String::new(),
        body: Vec::new(),
    }
}

impl LoopbackServer {
    /// Starts on 127.0.0.1:0.
    pub async fn start() -> Self {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let state = shared.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = state.clone();
                async move {
                    let received = verify(&method, &uri, &headers, &body);
                    let mut shared = state.lock().expect("lock");
                    let ok = received.signature_ok
                        || (received.anonymous
                            && shared.anonymous_actions.contains(&received.action));
                    shared.received.push(received);
                    let (status, body) = if ok {
                        shared
                            .responses
                            .pop_front()
                            .unwrap_or((200, r#"{"RequestId":"DEFAULT-ID"}"#.to_string()))
                    } else {
                        (
                            400,
                            r#"{"RequestId":"SIG-ID","HostId":"cas.aliyuncs.com","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation."}"#.to_string(),
                        )
                    };
                    let status = StatusCode::from_u16(status).expect("status");
                    let resp: Response = (status, [("content-type", "application/json;charset=utf-8")], body).into_response();
                    resp
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        Self {
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues an answer for the next correctly signed request.
    pub fn respond(&self, status: u16, body: &str) {
        self.shared
            .lock()
            .expect("lock")
            .responses
            .push_back((status, body.to_string()));
    }

    /// Answers unsigned requests for `action`, as the service does for its anonymous
    /// operations; any other unsigned request gets `SignatureDoesNotMatch`.
    pub fn allow_anonymous(&self, action: &str) {
        self.shared
            .lock()
            .expect("lock")
            .anonymous_actions
            .push(action.to_string());
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().expect("lock").received.clone()
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}
