//! The multi-product emulator driven through the shared every-operation harness: targets for
//! its in-process and socket variants, and an interceptor that drops a parameter before
//! signing and keeps the answer.

use std::sync::{Arc, Mutex};

use alibabacloud_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, InProcessEmulator};
use alibabacloud_every_operation::harness::{
    Case, Outcome, SharedInterceptor, SharedTransport, Target,
};
use alibabacloud_runtime::interceptor::{Interceptor, InterceptorError, UnsignedRequest};
use alibabacloud_runtime::params::Params;
use alibabacloud_runtime::transport::{HttpRequest, HttpResponse};
use alibabacloud_runtime::{Credentials, SignatureVersion};

/// A target for `product` on the in-process emulator `emu`, signed with the default key.
pub fn in_process(emu: &InProcessEmulator, product: &str, signature: SignatureVersion) -> Target {
    Target {
        endpoint: emu.endpoint_for(product),
        credentials: Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET),
        signature,
        transport: Some(SharedTransport(Arc::new(emu.clone()))),
        interceptors: Vec::new(),
    }
}

/// A target on a socket-served emulator at `endpoint`, signed with the default key.
pub fn socket(endpoint: &str, signature: SignatureVersion) -> Target {
    Target {
        endpoint: endpoint.to_string(),
        credentials: Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET),
        signature,
        transport: None,
        interceptors: Vec::new(),
    }
}

/// Every top-level field of the table's answer (the case's response) reached the output.
pub fn fields_arrive(case: &Case, outcome: &Outcome) -> Result<(), String> {
    let response: serde_json::Value = serde_json::from_str(case.response)
        .map_err(|e| format!("{}: the response is not JSON: {e}", case.action))?;
    let missing: Vec<&str> = outcome
        .fields
        .iter()
        .filter(|(wire, decoded)| !decoded && response.get(*wire).is_some_and(|v| !v.is_null()))
        .map(|(wire, _)| *wire)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: fields answered but not decoded: {}",
            case.action,
            missing.join(", ")
        ))
    }
}

/// Removes a query parameter (`Name`, and every `Name.…` key of a list or object) before the
/// request is signed, and adds replacements, so the emulator sees a correctly signed request
/// without it (or with other values); keeps the HTTP status and body of the answer.
#[derive(Debug)]
pub struct DropParameter {
    name: String,
    replacements: Vec<(String, String)>,
    answer: Mutex<Option<(u16, Vec<u8>)>>,
}

impl DropParameter {
    /// Drops `name`.
    pub fn new(name: &str) -> Arc<Self> {
        Self::replacing(name, &[])
    }

    /// Drops `name` and sends `replacements` instead.
    pub fn replacing(name: &str, replacements: &[(&str, &str)]) -> Arc<Self> {
        Arc::new(DropParameter {
            name: name.to_string(),
            replacements: replacements
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            answer: Mutex::new(None),
        })
    }

    /// The interceptor to give a target.
    pub fn shared(self: &Arc<Self>) -> SharedInterceptor {
        SharedInterceptor(self.clone())
    }

    /// The status and body answered, once a call went out.
    pub fn answer(&self) -> Option<(u16, Vec<u8>)> {
        self.answer.lock().map(|a| a.clone()).unwrap_or_default()
    }

    /// The status and the error code answered (RPC `Code` or ROA `code`).
    pub fn answered_code(&self) -> Option<(u16, String)> {
        let (status, body) = self.answer()?;
        let json: serde_json::Value = serde_json::from_slice(&body).ok()?;
        let code = json["Code"].as_str().or_else(|| json["code"].as_str())?;
        Some((status, code.to_string()))
    }
}

impl Interceptor for DropParameter {
    fn before_signing(&self, request: &mut UnsignedRequest<'_>) -> Result<(), InterceptorError> {
        let nested = format!("{}.", self.name);
        let mut kept: Vec<(String, String)> = request
            .params()
            .entries()
            .filter(|(k, _)| *k != self.name && !k.starts_with(&nested))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        kept.extend(self.replacements.iter().cloned());
        *request.params_mut() = Params::from_pairs(&kept);
        Ok(())
    }

    fn after_response(&self, response: &mut HttpResponse) {
        if let Ok(mut answer) = self.answer.lock() {
            *answer = Some((response.status, response.body.to_vec()));
        }
    }
}

/// Removes a key from an ROA request's JSON body after signing and signs the request again
/// (V3, the default key), so the emulator sees a correctly signed request without it; keeps
/// the HTTP status and body of the answer.
#[derive(Debug)]
pub struct DropBodyKey {
    key: String,
    answer: Mutex<Option<(u16, Vec<u8>)>>,
}

impl DropBodyKey {
    /// Drops `key`.
    pub fn new(key: &str) -> Arc<Self> {
        Arc::new(DropBodyKey {
            key: key.to_string(),
            answer: Mutex::new(None),
        })
    }

    /// The interceptor to give a target.
    pub fn shared(self: &Arc<Self>) -> SharedInterceptor {
        SharedInterceptor(self.clone())
    }

    /// The status and the ROA error code answered.
    pub fn answered_code(&self) -> Option<(u16, String)> {
        let (status, body) = self.answer.lock().ok()?.clone()?;
        let json: serde_json::Value = serde_json::from_slice(&body).ok()?;
        Some((status, json["code"].as_str()?.to_string()))
    }
}

impl Interceptor for DropBodyKey {
    fn after_signing(&self, request: &mut HttpRequest) -> Result<(), InterceptorError> {
        use alibabacloud_runtime::signing::{canonical_query, v3};
        use reqwest::header::HeaderValue;
        let mut body: serde_json::Value = serde_json::from_slice(&request.body)?;
        if let Some(object) = body.as_object_mut() {
            object.remove(&self.key);
        }
        let bytes = serde_json::to_vec(&body)?;
        let hash = v3::sha256_hex(&bytes);
        request
            .headers
            .insert("x-acs-content-sha256", HeaderValue::from_str(&hash)?);
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .ok_or("no authorization header")?
            .to_string();
        let signed_headers = authorization
            .split([' ', ','])
            .find_map(|part| part.strip_prefix("SignedHeaders="))
            .ok_or("no SignedHeaders")?
            .to_string();
        let host = match request.url.port() {
            Some(port) => format!("{}:{port}", request.url.host_str().unwrap_or_default()),
            None => request.url.host_str().unwrap_or_default().to_string(),
        };
        let mut values = Vec::new();
        for name in signed_headers.split(';') {
            let value = match request.headers.get(name) {
                Some(v) => v.to_str()?.to_string(),
                None if name == "host" => host.clone(),
                None => return Err(format!("the signed header {name} is missing").into()),
            };
            values.push((name.to_string(), value));
        }
        let refs: Vec<(&str, &str)> = values
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let pairs: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let (canonical, _) = v3::canonical_request(
            request.method.as_str(),
            request.url.path(),
            &canonical_query(&pairs),
            &refs,
            &hash,
        );
        let signature = v3::signature(DEFAULT_ACCESS_KEY_SECRET, &v3::string_to_sign(&canonical));
        let authorization = v3::authorization(DEFAULT_ACCESS_KEY_ID, &signed_headers, &signature);
        request
            .headers
            .insert("authorization", HeaderValue::from_str(&authorization)?);
        if request.headers.contains_key("content-length") {
            request
                .headers
                .insert("content-length", HeaderValue::from(bytes.len()));
        }
        request.body = bytes.into();
        Ok(())
    }

    fn after_response(&self, response: &mut HttpResponse) {
        if let Ok(mut answer) = self.answer.lock() {
            *answer = Some((response.status, response.body.to_vec()));
        }
    }
}
