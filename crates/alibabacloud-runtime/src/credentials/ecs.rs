//! Temporary credentials of the RAM role attached to an ECS instance, from the instance
//! metadata service (hardened mode: a session token first, as IMDSv2).

use std::time::Duration;

use super::{Credentials, CredentialsError, CredentialsFuture, ProvideCredentials};

/// Environment variable naming the instance's RAM role; setting it adds this provider to the
/// default chain.
pub const ENV_ECS_ROLE_NAME: &str = "ALIBABA_CLOUD_ECS_METADATA";

/// The metadata service every ECS instance reaches.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://100.100.100.200";

const TOKEN_TTL_SECONDS: &str = "21600";

/// The largest metadata answer read: a session token, a role name or a credentials document
/// are a few KiB at most.
const MAX_ANSWER: usize = 64 * 1024;

/// Reads a metadata answer as text, refusing one larger than [`MAX_ANSWER`].
async fn read_text(response: reqwest::Response) -> Result<String, String> {
    match crate::body::read_capped(response, MAX_ANSWER).await {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(crate::body::BodyError::TooLarge { .. }) => {
            Err(format!("the answer is larger than {MAX_ANSWER} bytes"))
        }
        Err(crate::body::BodyError::Transport(e)) => Err(e.without_url().to_string()),
    }
}

/// Fetches the RAM role's STS credentials from the instance metadata service.
///
/// Each call asks the service again; wrap it in
/// [`CachingProvider`](super::CachingProvider) to reuse credentials until shortly before
/// they expire (the default chain does).
#[derive(Debug, Clone)]
pub struct EcsRamRoleProvider {
    endpoint: String,
    role_name: Option<String>,
    timeout: Duration,
    imdsv1_fallback: bool,
}

#[derive(serde::Deserialize)]
struct RoleCredentials {
    #[serde(rename = "Code")]
    code: Option<String>,
    #[serde(rename = "AccessKeyId")]
    access_key_id: Option<String>,
    #[serde(rename = "AccessKeySecret")]
    access_key_secret: Option<String>,
    #[serde(rename = "SecurityToken")]
    security_token: Option<String>,
    #[serde(rename = "Expiration")]
    expiration: Option<String>,
}

impl EcsRamRoleProvider {
    /// A provider for `role_name` (or the instance's only role when `None`) on the real
    /// metadata service, with 1 s time limits.
    pub fn new(role_name: Option<String>) -> Self {
        Self {
            endpoint: DEFAULT_METADATA_ENDPOINT.to_string(),
            role_name,
            timeout: Duration::from_secs(1),
            imdsv1_fallback: false,
        }
    }

    /// Allows falling back to requests without a session token (IMDSv1) when the token
    /// cannot be had or a request with it fails, as the official libraries do unless
    /// `ALIBABA_CLOUD_IMDSV1_DISABLED=true`. Off by default: the hardened mode only.
    pub fn with_imdsv1_fallback(mut self, allowed: bool) -> Self {
        self.imdsv1_fallback = allowed;
        self
    }

    /// Uses another metadata endpoint (`http://host:port`), for tests.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into().trim_end_matches('/').to_string();
        self
    }

    /// Sets the time limit of each metadata request.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Asks for a session token (the hardened mode).
    async fn session_token(&self, http: &reqwest::Client) -> Result<String, String> {
        let token = http
            .put(format!("{}/latest/api/token", self.endpoint))
            .header("X-aliyun-ecs-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS)
            .send()
            .await
            .map_err(|e| e.without_url().to_string())?;
        if !token.status().is_success() {
            return Err(token.status().to_string());
        }
        read_text(token).await
    }

    /// `GET /latest/meta-data/ram/security-credentials/<path>`, with the session token when
    /// there is one; without it once more when that fails and IMDSv1 is allowed.
    async fn get(
        &self,
        http: &reqwest::Client,
        path: String,
        token: Option<&str>,
    ) -> Result<reqwest::Response, String> {
        let url = format!(
            "{}/latest/meta-data/ram/security-credentials/{path}",
            self.endpoint
        );
        let send = |token: Option<&str>| {
            let mut request = http.get(url.as_str());
            if let Some(token) = token {
                request = request.header("X-aliyun-ecs-metadata-token", token);
            }
            request.send()
        };
        let first = send(token).await;
        let failed = match &first {
            Ok(resp) => !resp.status().is_success(),
            Err(_) => true,
        };
        if failed && token.is_some() && self.imdsv1_fallback {
            return send(None).await.map_err(|e| e.without_url().to_string());
        }
        first.map_err(|e| e.without_url().to_string())
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            CredentialsError::new(format!(
                "ECS metadata service at {}: {what}: {e}",
                self.endpoint
            ))
        };
        let http = crate::tls::http_client_builder()
            .map_err(|e| fail("cannot build an HTTP client", &e))?
            .connect_timeout(self.timeout)
            .timeout(self.timeout)
            // The session token must never reach another host.
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .build()
            .map_err(|e| fail("cannot build an HTTP client", &e.without_url()))?;
        let token = match self.session_token(&http).await {
            Ok(token) => Some(token),
            Err(_) if self.imdsv1_fallback => None,
            Err(e) => return Err(fail("no session token", &e)),
        };
        let get = |path: String| self.get(&http, path, token.as_deref());
        let role = match &self.role_name {
            Some(r) => r.clone(),
            None => {
                let resp = get(String::new()).await.map_err(|e| fail("no role", &e))?;
                if !resp.status().is_success() {
                    return Err(fail("no RAM role attached", &resp.status()));
                }
                let text = read_text(resp).await.map_err(|e| fail("no role", &e))?;
                text.lines().next().unwrap_or_default().trim().to_string()
            }
        };
        if role.is_empty() || role.contains(['/', '?', '#']) {
            return Err(fail("invalid role name", &format!("{role:?}")));
        }
        let resp = get(role.clone())
            .await
            .map_err(|e| fail("no credentials", &e))?;
        if !resp.status().is_success() {
            return Err(fail(
                &format!("no credentials for role {role}"),
                &resp.status(),
            ));
        }
        // The body holds the secret and the token: wipe it once parsed.
        let body = zeroize::Zeroizing::new(
            read_text(resp)
                .await
                .map_err(|e| fail("no credentials", &e))?,
        );
        let parsed: RoleCredentials = serde_json::from_str(&body)
            .map_err(|e| fail("the credentials are not the expected JSON", &e))?;
        if parsed.code.as_deref().is_some_and(|c| c != "Success") {
            return Err(fail(
                "the service refused",
                &parsed.code.unwrap_or_default(),
            ));
        }
        let (Some(id), Some(secret), Some(token)) = (
            parsed.access_key_id,
            parsed.access_key_secret,
            parsed.security_token,
        ) else {
            return Err(fail(
                "incomplete credentials",
                &"AccessKeyId, AccessKeySecret or SecurityToken missing",
            ));
        };
        let mut creds = Credentials::with_security_token(id, secret, token);
        if let Some(expiry) = parsed
            .expiration
            .as_deref()
            .and_then(crate::time::parse_timestamp)
        {
            creds = creds.with_expiry(expiry);
        }
        Ok(creds)
    }
}

impl ProvideCredentials for EcsRamRoleProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }

    fn name(&self) -> &'static str {
        "ecs-ram-role"
    }
}
