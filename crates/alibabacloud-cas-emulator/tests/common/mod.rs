//! A tiny hand-built client: requests signed with the runtime's own signers, sent with reqwest.
#![allow(dead_code)]

use std::time::{Duration, SystemTime};

use alibabacloud_cas_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, EmulatorConfig, HOST_ID,
};
use alibabacloud_runtime::Credentials;
use alibabacloud_runtime::signing::{
    SignableRequest, SignatureVersion, SignedRequest, SigningContext,
};

pub const VERSION: &str = "2020-04-07";

/// An emulator on a free port with `config`.
pub async fn start(config: EmulatorConfig) -> Emulator {
    Emulator::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// An emulator on a free port with the default configuration.
pub async fn start_default() -> Emulator {
    start(EmulatorConfig::default()).await
}

/// A decoded answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub header_request_id: Option<String>,
    pub content_type: Option<String>,
    pub body: serde_json::Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["Code"].as_str().unwrap_or("")
    }

    pub fn message(&self) -> &str {
        self.body["Message"].as_str().unwrap_or("")
    }

    pub fn request_id(&self) -> &str {
        self.body["RequestId"].as_str().unwrap_or("")
    }

    pub fn order_id(&self) -> i64 {
        self.body["OrderId"]
            .as_i64()
            .unwrap_or_else(|| panic!("no OrderId in {:?}", self))
    }

    /// Panics unless the answer is a 200.
    pub fn ok(self) -> Self {
        assert_eq!(self.status, 200, "{:?}", self.body);
        self
    }

    /// Panics unless the answer is the error `code` with HTTP `status` in the service's whole
    /// error envelope: a message, the request id (the same as the `x-acs-request-id` header),
    /// the `HostId` and a `Recommend` link naming the code, as JSON.
    pub fn err(self, status: u16, code: &str) -> Self {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "{:?}",
            self.body
        );
        assert!(!self.message().is_empty(), "no Message: {:?}", self.body);
        assert!(
            !self.request_id().is_empty(),
            "no RequestId: {:?}",
            self.body
        );
        assert_eq!(
            self.header_request_id.as_deref(),
            Some(self.request_id()),
            "the header and the body name one request id"
        );
        assert_eq!(self.body["HostId"], HOST_ID, "{:?}", self.body);
        let recommend = self.body["Recommend"].as_str().unwrap_or("");
        assert!(
            recommend.contains(&format!("q={code}&")),
            "Recommend does not name {code}: {recommend}"
        );
        assert!(
            self.content_type
                .as_deref()
                .is_some_and(|t| t.starts_with("application/json")),
            "{:?}",
            self.content_type
        );
        self
    }

    /// Reads an answer from its status, headers (lowercase names) and body bytes; panics when
    /// the body is not JSON.
    pub fn from_parts(status: u16, headers: &[(String, String)], body: &[u8]) -> Self {
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        Reply {
            status,
            header_request_id: header("x-acs-request-id"),
            content_type: header("content-type"),
            body: serde_json::from_slice(body)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body))),
        }
    }

    /// Reads a reqwest answer.
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        let bytes = response.bytes().await.unwrap();
        Reply::from_parts(status, &headers, &bytes)
    }
}

/// A client for one emulator, signing with one scheme and one key pair.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub host: String,
    pub scheme: SignatureVersion,
    pub key_id: String,
    pub secret: String,
    pub token: Option<String>,
}

impl Client {
    pub fn new(emulator: &Emulator, scheme: SignatureVersion) -> Self {
        Self {
            http: {
                alibabacloud_runtime::tls::install_default_crypto_provider();
                reqwest::Client::new()
            },
            host: emulator.local_addr().to_string(),
            scheme,
            key_id: DEFAULT_ACCESS_KEY_ID.into(),
            secret: DEFAULT_ACCESS_KEY_SECRET.into(),
            token: None,
        }
    }

    pub fn with_key(mut self, id: &str, secret: &str) -> Self {
        self.key_id = id.into();
        self.secret = secret.into();
        self
    }

    pub fn credentials(&self) -> Credentials {
        match &self.token {
            Some(t) => Credentials::with_security_token(&self.key_id, &self.secret, t),
            None => Credentials::new(&self.key_id, &self.secret),
        }
    }

    /// Signs a POST of `action` with `params` in the query.
    pub fn sign(
        &self,
        method: &str,
        action: &str,
        version: &str,
        params: &[(&str, &str)],
        context: &SigningContext,
    ) -> SignedRequest {
        let params: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let signable = SignableRequest {
            method,
            path: "/",
            host: &self.host,
            action,
            version,
            params: &alibabacloud_runtime::Params::from_pairs(&params),
            body: &[],
        };
        self.scheme
            .signer()
            .sign(&signable, &self.credentials(), context)
    }

    /// Signs and sends `action` with a fresh context.
    pub async fn call(&self, action: &str, params: &[(&str, &str)]) -> Reply {
        self.call_with(action, VERSION, params, &SigningContext::fresh())
            .await
    }

    /// Signs and sends with an explicit version and context.
    pub async fn call_with(
        &self,
        action: &str,
        version: &str,
        params: &[(&str, &str)],
        context: &SigningContext,
    ) -> Reply {
        let signed = self.sign("POST", action, version, params, context);
        self.send_signed("POST", &signed).await
    }

    /// Sends a signed request as the runtime's client does.
    pub async fn send_signed(&self, method: &str, signed: &SignedRequest) -> Reply {
        let headers: Vec<(String, String)> = signed
            .headers
            .iter()
            .filter(|(n, _)| *n != "host")
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect();
        self.send_raw(method, &signed.query, &headers, None).await
    }

    /// Sends anything.
    pub async fn send_raw(
        &self,
        method: &str,
        query: &str,
        headers: &[(String, String)],
        body: Option<Vec<u8>>,
    ) -> Reply {
        let mut url = format!("http://{}/", self.host);
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .http
            .request(method, url)
            .header("accept", "application/json");
        for (n, v) in headers {
            request = request.header(n.as_str(), v.as_str());
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        Reply::read(request.send().await.unwrap()).await
    }

    /// Creates a DNS-validated order for `domain` and returns its id.
    pub async fn create(&self, domain: &str) -> i64 {
        self.call(
            "CreateCertificateRequest",
            &[
                ("Domain", domain),
                ("Email", "admin@example.com"),
                ("Phone", "13800000000"),
                ("Username", "Admin"),
                ("ValidateType", "DNS"),
            ],
        )
        .await
        .ok()
        .order_id()
    }

    /// Calls an operation that takes only `OrderId`.
    pub async fn on_order(&self, action: &str, order_id: i64) -> Reply {
        let id = order_id.to_string();
        self.call(action, &[("OrderId", &id)]).await
    }
}

/// A signing context whose timestamp is `offset` away from now (in the past when `past`).
pub fn context_at(offset: Duration, past: bool) -> SigningContext {
    let now = SystemTime::now();
    let at = if past { now - offset } else { now + offset };
    SigningContext {
        timestamp: alibabacloud_runtime::time::format_timestamp(at),
        nonce: alibabacloud_runtime::signing::new_nonce(),
    }
}
