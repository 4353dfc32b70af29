//! Loopback fakes for the chain's services (STS, ECS metadata, credentials URI), a temporary
//! HOME, and an environment that never lets a test reach the real metadata address.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use alibabacloud_config::{ConfigLoader, Env};
use alibabacloud_runtime::signing::{self, v3};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// A temporary directory used as `HOME`, removed on drop.
pub struct TempHome {
    dir: PathBuf,
}

impl TempHome {
    pub fn new() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir = std::env::temp_dir().join(format!(
            "alibabacloud-config-test-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        Self { dir }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }

    pub fn home(&self) -> &Path {
        &self.dir
    }

    /// Writes `text` to `relative`, creating directories.
    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent directory");
        }
        std::fs::write(&path, text).expect("write test file");
        path
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The variables a test gives the loader: `HOME` plus `vars`. Unless a test sets
/// `ALIBABA_CLOUD_ECS_METADATA_DISABLED` itself or points the ECS step at a fake (see
/// [`loader`]), the ECS step is disabled here, so no test can reach the ECS metadata address.
pub fn env(home: &TempHome, vars: &[(&str, &str)]) -> Env {
    let mut map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    map.insert("HOME".into(), home.home().display().to_string());
    map.entry("ALIBABA_CLOUD_ECS_METADATA_DISABLED".into())
        .or_insert_with(|| "true".into());
    Env::from_vars(map)
}

/// A loader reading `env`, with the ECS step pointed at a closed loopback port when enabled
/// (so a forgotten fake fails fast on loopback instead of reaching the real address).
pub fn loader(env: Env) -> ConfigLoader {
    ConfigLoader::default()
        .env(env)
        .ecs_metadata_endpoint("http://127.0.0.1:9")
}

/// A running loopback server, stopped on drop.
pub struct Server {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub async fn start(router: axum::Router) -> Self {
        alibabacloud_runtime::tls::install_default_crypto_provider();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { addr, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One call the fake STS received.
#[derive(Debug, Clone)]
pub struct StsCall {
    pub action: String,
    /// The key that signed it (`None`: unsigned).
    pub access_key_id: Option<String>,
    pub security_token: Option<String>,
    pub params: HashMap<String, String>,
}

/// What the fake STS hands out.
#[derive(Clone)]
pub enum Handout {
    /// `STS.assumed-<n>` / `assumed-secret-<n>` / `assumed-token-<n>`, n counting calls.
    Numbered,
    /// Always this key, secret and token.
    Fixed(String, String, String),
}

pub struct StsState {
    /// Known signing keys: id → secret.
    pub keys: Mutex<HashMap<String, String>>,
    /// The OIDC token `AssumeRoleWithOIDC` must carry.
    pub oidc_token: Mutex<Option<String>>,
    /// How long handed-out credentials last.
    pub lifetime: Mutex<Duration>,
    pub handout: Mutex<Handout>,
    /// Delay before answering, so concurrent callers overlap.
    pub delay: Mutex<Duration>,
    pub calls: Mutex<Vec<StsCall>>,
    pub count: AtomicU32,
    /// Every request received, answered or refused.
    pub requests: AtomicU32,
}

/// A fake STS on loopback: verifies `AssumeRole`'s V3 signature against the known keys,
/// checks the OIDC token of `AssumeRoleWithOIDC` (which must be unsigned), and hands out
/// expiring credentials.
pub struct FakeSts {
    pub server: Server,
    pub state: Arc<StsState>,
}

impl FakeSts {
    pub async fn start(keys: &[(&str, &str)]) -> Self {
        let state = Arc::new(StsState {
            keys: Mutex::new(
                keys.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            oidc_token: Mutex::new(None),
            lifetime: Mutex::new(Duration::from_secs(3600)),
            handout: Mutex::new(Handout::Numbered),
            delay: Mutex::new(Duration::ZERO),
            calls: Mutex::new(Vec::new()),
            count: AtomicU32::new(0),
            requests: AtomicU32::new(0),
        });
        let router = axum::Router::new()
            .fallback(sts_handler)
            .with_state(state.clone());
        Self {
            server: Server::start(router).await,
            state,
        }
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn calls(&self) -> Vec<StsCall> {
        self.state.calls.lock().unwrap().clone()
    }

    /// Requests received so far, refused ones included.
    pub fn requests(&self) -> u32 {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// Successful answers so far.
    pub fn answered(&self) -> u32 {
        self.state.count.load(Ordering::SeqCst)
    }

    pub fn set_lifetime(&self, lifetime: Duration) {
        *self.state.lifetime.lock().unwrap() = lifetime;
    }

    pub fn set_delay(&self, delay: Duration) {
        *self.state.delay.lock().unwrap() = delay;
    }

    pub fn set_handout(&self, handout: Handout) {
        *self.state.handout.lock().unwrap() = handout;
    }

    pub fn expect_oidc_token(&self, token: &str) {
        *self.state.oidc_token.lock().unwrap() = Some(token.to_string());
    }

    pub fn add_key(&self, id: &str, secret: &str) {
        self.state
            .keys
            .lock()
            .unwrap()
            .insert(id.to_string(), secret.to_string());
    }
}

fn sts_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({
        "RequestId": "FAKE-STS-ERROR",
        "Code": code,
        "Message": message,
    });
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

/// Verifies an `ACS3-HMAC-SHA256` request; returns the signing key id.
fn verify_v3(
    state: &StsState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<String, String> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .ok_or("no Authorization header")?;
    let rest = auth
        .strip_prefix("ACS3-HMAC-SHA256 ")
        .ok_or("not ACS3-HMAC-SHA256")?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("Credential", v)) => credential = Some(v.to_string()),
            Some(("SignedHeaders", v)) => signed = Some(v.to_string()),
            Some(("Signature", v)) => signature = Some(v.to_string()),
            _ => return Err("malformed Authorization".into()),
        }
    }
    let (credential, signed, signature) = (
        credential.ok_or("no Credential")?,
        signed.ok_or("no SignedHeaders")?,
        signature.ok_or("no Signature")?,
    );
    let secret = state
        .keys
        .lock()
        .unwrap()
        .get(&credential)
        .cloned()
        .ok_or_else(|| format!("unknown access key {credential}"))?;
    let mut header_values = Vec::new();
    for name in signed.split(';') {
        let value = headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| format!("signed header {name} missing"))?;
        header_values.push((name.to_string(), value.to_string()));
    }
    let header_refs: Vec<(&str, &str)> = header_values
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let pairs = query_pairs(uri.query().unwrap_or(""));
    let canonical_query = signing::canonical_query(&pairs);
    let (canonical, _) = v3::canonical_request(
        method.as_str(),
        uri.path(),
        &canonical_query,
        &header_refs,
        &v3::sha256_hex(body),
    );
    let expected = v3::signature(&secret, &v3::string_to_sign(&canonical));
    if expected != signature {
        return Err("signature does not match".into());
    }
    Ok(credential)
}

async fn sts_handler(
    State(state): State<Arc<StsState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    let delay = *state.delay.lock().unwrap();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let action = headers
        .get("x-acs-action")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let params: HashMap<String, String> =
        query_pairs(uri.query().unwrap_or("")).into_iter().collect();
    let security_token = headers
        .get("x-acs-security-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let access_key_id = match action.as_str() {
        "AssumeRole" => match verify_v3(&state, &method, &uri, &headers, &body) {
            Ok(id) => Some(id),
            Err(why) => return sts_error(StatusCode::BAD_REQUEST, "SignatureDoesNotMatch", &why),
        },
        "AssumeRoleWithOIDC" => {
            if headers.contains_key("authorization") || params.contains_key("AccessKeyId") {
                return sts_error(
                    StatusCode::BAD_REQUEST,
                    "InvalidParameter",
                    "must be anonymous",
                );
            }
            let expected = state.oidc_token.lock().unwrap().clone();
            if expected.as_deref() != params.get("OIDCToken").map(String::as_str) {
                return sts_error(
                    StatusCode::BAD_REQUEST,
                    "AuthenticationFail.OIDCToken.Invalid",
                    "wrong OIDC token",
                );
            }
            None
        }
        _ => {
            return sts_error(
                StatusCode::NOT_FOUND,
                "InvalidAction.NotFound",
                "unknown action",
            );
        }
    };
    state.calls.lock().unwrap().push(StsCall {
        action: action.clone(),
        access_key_id,
        security_token,
        params: params.clone(),
    });
    let n = state.count.fetch_add(1, Ordering::SeqCst) + 1;
    let (id, secret, token) = match state.handout.lock().unwrap().clone() {
        Handout::Numbered => (
            format!("STS.assumed-{n}"),
            format!("assumed-secret-{n}"),
            format!("assumed-token-{n}"),
        ),
        Handout::Fixed(id, secret, token) => (id, secret, token),
    };
    // Assumed keys may sign the next hop of a chained role.
    state
        .keys
        .lock()
        .unwrap()
        .insert(id.clone(), secret.clone());
    let lifetime = *state.lifetime.lock().unwrap();
    let expiration = alibabacloud_runtime::time::format_timestamp(SystemTime::now() + lifetime);
    let body = serde_json::json!({
        "RequestId": format!("FAKE-STS-{n}"),
        "AssumedRoleUser": {"Arn": params.get("RoleArn"), "AssumedRoleId": format!("id-{n}")},
        "Credentials": {
            "AccessKeyId": id,
            "AccessKeySecret": secret,
            "SecurityToken": token,
            "Expiration": expiration,
        }
    });
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// A fake ECS metadata service.
pub struct FakeMetadata {
    pub server: Server,
    pub state: Arc<MetadataState>,
}

pub struct MetadataState {
    /// Whether `PUT /latest/api/token` works (IMDSv2).
    pub tokens: bool,
    /// Whether GETs without a token are refused.
    pub require_token: bool,
    pub role: String,
    pub gets_with_token: AtomicU32,
    pub gets_without_token: AtomicU32,
    pub credential_fetches: AtomicU32,
}

impl FakeMetadata {
    pub async fn start(role: &str, tokens: bool, require_token: bool) -> Self {
        let state = Arc::new(MetadataState {
            tokens,
            require_token,
            role: role.to_string(),
            gets_with_token: AtomicU32::new(0),
            gets_without_token: AtomicU32::new(0),
            credential_fetches: AtomicU32::new(0),
        });
        let router = axum::Router::new()
            .fallback(metadata_handler)
            .with_state(state.clone());
        Self {
            server: Server::start(router).await,
            state,
        }
    }

    pub fn url(&self) -> String {
        self.server.url()
    }
}

async fn metadata_handler(
    State(state): State<Arc<MetadataState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    const TOKEN: &str = "metadata-session-token";
    let path = uri.path();
    if method == Method::PUT && path == "/latest/api/token" {
        return if state.tokens {
            (StatusCode::OK, TOKEN).into_response()
        } else {
            StatusCode::FORBIDDEN.into_response()
        };
    }
    let with_token = headers
        .get("x-aliyun-ecs-metadata-token")
        .and_then(|v| v.to_str().ok())
        == Some(TOKEN);
    if with_token {
        state.gets_with_token.fetch_add(1, Ordering::SeqCst);
    } else {
        state.gets_without_token.fetch_add(1, Ordering::SeqCst);
        if state.require_token {
            return StatusCode::UNAUTHORIZED.into_response();
        }
    }
    let prefix = "/latest/meta-data/ram/security-credentials/";
    let Some(role) = path.strip_prefix(prefix) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if role.is_empty() {
        return (StatusCode::OK, state.role.clone()).into_response();
    }
    if role != state.role {
        return StatusCode::NOT_FOUND.into_response();
    }
    state.credential_fetches.fetch_add(1, Ordering::SeqCst);
    let expiration =
        alibabacloud_runtime::time::format_timestamp(SystemTime::now() + Duration::from_secs(3600));
    let body = serde_json::json!({
        "Code": "Success",
        "AccessKeyId": format!("STS.ecs-{}", state.role),
        "AccessKeySecret": "ecs-secret",
        "SecurityToken": "ecs-token",
        "LastUpdated": "2026-01-01T00:00:00Z",
        "Expiration": expiration,
    });
    (StatusCode::OK, body.to_string()).into_response()
}

/// A fake credentials URI server answering `body` with `status` at every path.
pub async fn uri_server(status: u16, body: serde_json::Value) -> (Server, Arc<AtomicU32>) {
    let hits = Arc::new(AtomicU32::new(0));
    let counter = hits.clone();
    let text = body.to_string();
    let router = axum::Router::new().fallback(move || {
        let text = text.clone();
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            (
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                text,
            )
                .into_response()
        }
    });
    (Server::start(router).await, hits)
}

/// A credentials document expiring in an hour, as the URI server answers it.
pub fn uri_credentials(id: &str) -> serde_json::Value {
    serde_json::json!({
        "Code": "Success",
        "AccessKeyId": id,
        "AccessKeySecret": "uri-secret",
        "SecurityToken": "uri-token",
        "Expiration": alibabacloud_runtime::time::format_timestamp(
            SystemTime::now() + Duration::from_secs(3600)
        ),
    })
}

/// The CLI `config.json` with these profiles and `current`.
pub fn cli_config(current: &str, profiles: serde_json::Value) -> String {
    serde_json::json!({"current": current, "profiles": profiles}).to_string()
}
