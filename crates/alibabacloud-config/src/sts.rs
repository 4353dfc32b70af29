//! Role providers on the generated STS client: `AssumeRole` signed with source credentials,
//! and the anonymous `AssumeRoleWithOIDC`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use alibabacloud_runtime::credentials::{
    Credentials, CredentialsError, CredentialsFuture, ProvideCredentials,
};

/// The session length asked for when none is configured.
pub const DEFAULT_DURATION: Duration = Duration::from_secs(3600);
/// The shortest session STS grants.
pub const MIN_DURATION: Duration = Duration::from_secs(900);

/// Where the STS calls go: an explicit endpoint, else `sts[-vpc].<region>.aliyuncs.com`
/// with a region, else `sts.aliyuncs.com` (as the official libraries choose).
pub fn sts_endpoint(explicit: Option<&str>, region: Option<&str>, vpc: bool) -> String {
    if let Some(explicit) = explicit {
        return explicit.to_string();
    }
    match region {
        Some(region) if vpc => format!("sts-vpc.{region}.aliyuncs.com"),
        Some(region) => format!("sts.{region}.aliyuncs.com"),
        None => "sts.aliyuncs.com".to_string(),
    }
}

/// `alibabacloud-rust-<milliseconds since 1970>`, the session name used when none is given.
pub fn default_session_name() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!("alibabacloud-rust-{millis}")
}

/// What both role calls take besides their credentials.
#[derive(Debug, Clone)]
pub struct RoleSettings {
    /// The role to assume (`acs:ram::<account>:role/<name>`).
    pub role_arn: String,
    /// The session name (2 to 64 characters).
    pub session_name: String,
    /// How long the credentials should last (900 s up to the role's maximum).
    pub duration: Duration,
    /// A policy narrowing the role's permissions, as JSON.
    pub policy: Option<String>,
    /// The STS endpoint (`https://host`, `http://host:port` or a bare host).
    pub endpoint: String,
}

impl RoleSettings {
    /// Settings for `role_arn` with the default session name and duration on `endpoint`.
    pub fn new(role_arn: impl Into<String>, endpoint: impl Into<String>) -> Self {
        Self {
            role_arn: role_arn.into(),
            session_name: default_session_name(),
            duration: DEFAULT_DURATION,
            policy: None,
            endpoint: endpoint.into(),
        }
    }

    fn duration_seconds(&self) -> i64 {
        i64::try_from(self.duration.as_secs()).unwrap_or(i64::MAX)
    }
}

/// A provider that never has credentials: the STS client of an anonymous call needs one.
#[derive(Debug)]
struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async { Err(CredentialsError::new("anonymous STS calls carry no key")) })
    }
    fn name(&self) -> &'static str {
        "none"
    }
}

fn sts_client(
    settings: &RoleSettings,
    credentials: Arc<dyn ProvideCredentials>,
) -> Result<alibabacloud_sts::Client, CredentialsError> {
    let config = alibabacloud_sts::Client::config()
        .shared_credentials_provider(credentials)
        .endpoint(settings.endpoint.clone())
        .build()
        .map_err(|e| CredentialsError::new(format!("STS endpoint: {e}")))?;
    alibabacloud_sts::Client::new(config)
        .map_err(|e| CredentialsError::new(format!("STS client: {e}")))
}

/// Turns the `Credentials` of an STS answer into runtime credentials; every part and a
/// readable expiry are required.
fn from_answer(
    call: &str,
    id: Option<String>,
    secret: Option<String>,
    token: Option<String>,
    expiration: Option<String>,
) -> Result<Credentials, CredentialsError> {
    let missing = |field: &str| {
        CredentialsError::new(format!("the {call} answer has no Credentials.{field}"))
    };
    let id = id
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing("AccessKeyId"))?;
    let secret = secret
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing("AccessKeySecret"))?;
    let token = token
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing("SecurityToken"))?;
    let expiration = expiration.ok_or_else(|| missing("Expiration"))?;
    let expiry = alibabacloud_runtime::time::parse_timestamp(&expiration).ok_or_else(|| {
        CredentialsError::new(format!(
            "the {call} answer's Expiration is not YYYY-MM-DDThh:mm:ssZ"
        ))
    })?;
    Ok(Credentials::with_security_token(id, secret, token).with_expiry(expiry))
}

/// Assumes a RAM role with `AssumeRole`, signed with the source credentials.
///
/// Each call asks STS; the chain wraps it in the runtime's `CachingProvider`.
#[derive(Debug)]
pub struct AssumeRoleProvider {
    client: alibabacloud_sts::Client,
    settings: RoleSettings,
    external_id: Option<String>,
    source: Arc<dyn ProvideCredentials>,
}

impl AssumeRoleProvider {
    /// Assumes `settings.role_arn` with credentials from `source`.
    pub fn new(
        source: Arc<dyn ProvideCredentials>,
        settings: RoleSettings,
        external_id: Option<String>,
    ) -> Result<Self, CredentialsError> {
        Ok(Self {
            client: sts_client(&settings, source.clone())?,
            settings,
            external_id,
            source,
        })
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let answer = self
            .client
            .assume_role()
            .role_arn(self.settings.role_arn.clone())
            .role_session_name(self.settings.session_name.clone())
            .duration_seconds(self.settings.duration_seconds())
            .set_policy(self.settings.policy.clone())
            .set_external_id(self.external_id.clone())
            .send()
            .await
            .map_err(|e| {
                CredentialsError::new(format!(
                    "AssumeRole {} with {} credentials: {e}",
                    self.settings.role_arn,
                    self.source.name()
                ))
            })?;
        let creds = answer.credentials.unwrap_or_default();
        from_answer(
            "AssumeRole",
            creds.access_key_id,
            creds.access_key_secret,
            creds.security_token,
            creds.expiration,
        )
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }

    fn name(&self) -> &'static str {
        "ram-role-arn"
    }
}

/// Assumes a RAM role with an OIDC token (`AssumeRoleWithOIDC`, an anonymous call), reading
/// the token file again at every fetch (Kubernetes rotates it).
#[derive(Debug)]
pub struct OidcRoleProvider {
    client: alibabacloud_sts::Client,
    settings: RoleSettings,
    provider_arn: String,
    token_file: PathBuf,
}

impl OidcRoleProvider {
    /// Assumes `settings.role_arn` for the identity provider `provider_arn` with the token in
    /// `token_file`.
    pub fn new(
        settings: RoleSettings,
        provider_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
    ) -> Result<Self, CredentialsError> {
        Ok(Self {
            client: sts_client(&settings, Arc::new(NoCredentials))?,
            settings,
            provider_arn: provider_arn.into(),
            token_file: token_file.into(),
        })
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let file = &self.token_file;
        let token = crate::files::read_text(file)
            .map_err(|e| CredentialsError::new(format!("the OIDC token file {e}")))?;
        // A JWT holds no white space; a trailing newline from an editor is not part of it.
        let token = token.trim();
        if token.is_empty() {
            return Err(CredentialsError::new(format!(
                "the OIDC token file {} is empty",
                file.display()
            )));
        }
        let answer = self
            .client
            .assume_role_with_oidc()
            .role_arn(self.settings.role_arn.clone())
            .oidc_provider_arn(self.provider_arn.clone())
            .oidc_token(token.to_string())
            .role_session_name(self.settings.session_name.clone())
            .duration_seconds(self.settings.duration_seconds())
            .set_policy(self.settings.policy.clone())
            .send()
            .await
            .map_err(|e| {
                CredentialsError::new(format!(
                    "AssumeRoleWithOIDC {}: {e}",
                    self.settings.role_arn
                ))
            })?;
        let creds = answer.credentials.unwrap_or_default();
        from_answer(
            "AssumeRoleWithOIDC",
            creds.access_key_id,
            creds.access_key_secret,
            creds.security_token,
            creds.expiration,
        )
    }
}

impl ProvideCredentials for OidcRoleProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }

    fn name(&self) -> &'static str {
        "oidc-role-arn"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_follow_the_official_rules() {
        assert_eq!(sts_endpoint(None, None, false), "sts.aliyuncs.com");
        assert_eq!(sts_endpoint(None, None, true), "sts.aliyuncs.com");
        assert_eq!(
            sts_endpoint(None, Some("cn-beijing"), false),
            "sts.cn-beijing.aliyuncs.com"
        );
        assert_eq!(
            sts_endpoint(None, Some("cn-beijing"), true),
            "sts-vpc.cn-beijing.aliyuncs.com"
        );
        assert_eq!(
            sts_endpoint(Some("sts.example.test"), Some("cn-beijing"), true),
            "sts.example.test"
        );
    }

    #[test]
    fn default_session_name_is_the_rust_prefix_and_millis() {
        let name = default_session_name();
        let millis = name.strip_prefix("alibabacloud-rust-").unwrap_or_default();
        assert!(
            millis.len() >= 13 && millis.bytes().all(|b| b.is_ascii_digit()),
            "{name}"
        );
        assert!(name.len() <= 64);
    }
}
