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
use alibabacloud_runtime::transport::HttpResponse;
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
