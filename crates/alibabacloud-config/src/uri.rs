//! Credentials from a URL (`ALIBABA_CLOUD_CREDENTIALS_URI`, CLI mode `CredentialsURI`).

use std::time::Duration;

use alibabacloud_runtime::credentials::{
    Credentials, CredentialsError, CredentialsFuture, ProvideCredentials,
};

/// The largest answer read (64 KiB); a credentials document is a few hundred bytes.
const MAX_ANSWER: usize = 64 * 1024;

/// Fetches `{Code, AccessKeyId, AccessKeySecret, SecurityToken, Expiration}` with a `GET`.
///
/// A `Code` other than `Success` is refused (as Python and Java do); an answer without `Code`
/// is accepted (as Go does). Redirects are not followed. Each call asks again; the chain
/// wraps it in the runtime's `CachingProvider`.
#[derive(Debug, Clone)]
pub struct CredentialsUriProvider {
    uri: String,
    connect_timeout: Duration,
    timeout: Duration,
}

impl CredentialsUriProvider {
    /// A provider for `uri`, with 5 s to connect and 10 s for the whole answer.
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let fail = |what: &dyn std::fmt::Display| {
            CredentialsError::new(format!("credentials URI {}: {what}", self.uri))
        };
        let http = alibabacloud_runtime::tls::http_client_builder()
            .map_err(|e| fail(&e))?
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .build()
            .map_err(|e| fail(&e.without_url()))?;
        let mut response = http
            .get(&self.uri)
            .send()
            .await
            .map_err(|e| fail(&e.without_url()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(fail(&format!("HTTP {status}")));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| fail(&e.without_url()))? {
            if body.len() + chunk.len() > MAX_ANSWER {
                return Err(fail(&format!(
                    "the answer is larger than {MAX_ANSWER} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        let value: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|e| fail(&format!("the answer is not JSON ({e})")))?;
        let field = |name: &str| match value.get(name) {
            Some(serde_json::Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(_)) => Ok(None),
            Some(_) => Err(fail(&format!("`{name}` is not a string"))),
        };
        if let Some(code) = field("Code")? {
            if code != "Success" {
                return Err(fail(&format!("the answer's Code is `{code}`, not Success")));
            }
        }
        let require =
            |name: &str| field(name)?.ok_or_else(|| fail(&format!("the answer has no `{name}`")));
        let id = require("AccessKeyId")?;
        let secret = require("AccessKeySecret")?;
        let token = require("SecurityToken")?;
        let expiration = require("Expiration")?;
        let expiry = alibabacloud_runtime::time::parse_timestamp(&expiration)
            .ok_or_else(|| fail(&"`Expiration` is not YYYY-MM-DDThh:mm:ssZ"))?;
        Ok(Credentials::with_security_token(id, secret, token).with_expiry(expiry))
    }
}

impl ProvideCredentials for CredentialsUriProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }

    fn name(&self) -> &'static str {
        "credentials-uri"
    }
}
