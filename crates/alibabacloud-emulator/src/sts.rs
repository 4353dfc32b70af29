//! Security Token Service (`sts`, 2015-04-01): `AssumeRole` and `AssumeRoleWithOIDC` hand out
//! expiring credentials (an `STS.` access key id, its secret and a security token) that the
//! emulator then accepts for every product's calls, checking the token and the expiry
//! (see `auth.rs`); `GetCallerIdentity` says who signed.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// The shortest session the service grants.
const MIN_DURATION: Duration = Duration::from_secs(900);
/// The longest session the service grants (a role's maximum session duration).
const MAX_DURATION: Duration = Duration::from_secs(43_200);
/// How many sessions are remembered; the oldest are forgotten first.
const MAX_SESSIONS: usize = 100_000;

/// Credentials handed out by `AssumeRole` or `AssumeRoleWithOIDC`.
#[derive(Clone)]
pub(crate) struct Session {
    /// The access key secret.
    pub secret: String,
    /// The security token that must come with every call.
    pub token: String,
    /// When the credentials stop working.
    pub expires: SystemTime,
    /// The role's ARN (`acs:ram::<account>:role/<name>`).
    pub role_arn: String,
    /// The session name the caller chose.
    pub session_name: String,
    /// The role's id.
    pub role_id: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("expires", &self.expires)
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .finish_non_exhaustive()
    }
}

/// The sessions handed out, by access key id.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    by_key: HashMap<String, Session>,
    order: VecDeque<String>,
}

impl Sessions {
    /// The session of an `STS.` access key id.
    pub fn get(&self, access_key_id: &str) -> Option<&Session> {
        self.by_key.get(access_key_id)
    }

    /// Whether `token` was handed out with some session.
    pub fn knows_token(&self, token: &str) -> bool {
        self.by_key.values().any(|s| s.token == token)
    }

    /// Ends every session at `now`.
    pub fn expire_all(&mut self, now: SystemTime) {
        for session in self.by_key.values_mut() {
            session.expires = session.expires.min(now);
        }
    }

    /// How many sessions are remembered.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    fn insert(&mut self, access_key_id: String, session: Session) {
        if self.order.len() >= MAX_SESSIONS
            && let Some(oldest) = self.order.pop_front()
        {
            self.by_key.remove(&oldest);
        }
        self.order.push_back(access_key_id.clone());
        self.by_key.insert(access_key_id, session);
    }
}

/// Who signed a request, for `GetCallerIdentity`.
#[derive(Debug, Clone)]
pub(crate) enum Identity {
    /// A long-term access key of the account's RAM user.
    User {
        /// The access key id.
        access_key_id: String,
    },
    /// Credentials of an assumed role.
    Role(Session),
}

/// The parameters of a call, read by name.
pub(crate) struct Params<'a>(pub &'a [(String, String)]);

impl Params<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

/// `AssumeRole` (signed) and `AssumeRoleWithOIDC` (anonymous, with an OIDC token).
pub(crate) fn assume_role(
    sessions: &mut Sessions,
    account_id: &str,
    action: &str,
    params: &Params<'_>,
    now: SystemTime,
) -> Result<Map<String, Value>, ApiError> {
    let role_arn = params
        .get("RoleArn")
        .ok_or_else(|| ApiError::missing("RoleArn"))?;
    let role_name = role_name(role_arn).ok_or_else(|| {
        ApiError::new(
            400,
            "InvalidParameter.RoleArn",
            "The RoleArn must look like acs:ram::<account id>:role/<role name>.",
        )
    })?;
    let session_name = params
        .get("RoleSessionName")
        .ok_or_else(|| ApiError::missing("RoleSessionName"))?;
    let name_ok = (2..=64).contains(&session_name.len())
        && session_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '@' | '-' | '_'));
    if !name_ok {
        return Err(ApiError::new(
            400,
            "InvalidParameter.RoleSessionName",
            "The RoleSessionName must be 2 to 64 letters, digits, or . @ - _.",
        ));
    }
    let duration = match params.get("DurationSeconds") {
        None => crate::config::DEFAULT_STS_DURATION,
        Some(text) => text
            .parse::<u64>()
            .ok()
            .map(Duration::from_secs)
            .filter(|d| (MIN_DURATION..=MAX_DURATION).contains(d))
            .ok_or_else(|| {
                ApiError::new(
                    400,
                    "InvalidParameter.DurationSeconds",
                    "The DurationSeconds must be a whole number of seconds from 900 to 43200.",
                )
            })?,
    };
    let mut oidc = None;
    if action == "AssumeRoleWithOIDC" {
        let provider = params
            .get("OIDCProviderArn")
            .ok_or_else(|| ApiError::missing("OIDCProviderArn"))?;
        // The emulator holds no issuer keys: it takes any token, as long as there is one.
        params
            .get("OIDCToken")
            .ok_or_else(|| ApiError::missing("OIDCToken"))?;
        oidc = Some(provider.to_string());
    }

    let access_key_id = format!("STS.{}", random_text(24));
    let role_id = role_id(role_arn);
    let session = Session {
        secret: random_text(44),
        token: format!("CAIS{}", random_text(120)),
        expires: now + duration,
        role_arn: role_arn.to_string(),
        session_name: session_name.to_string(),
        role_id: role_id.clone(),
    };
    let expiration = alibabacloud_runtime::time::format_timestamp(session.expires);
    let mut out = Map::new();
    out.insert(
        "AssumedRoleUser".into(),
        json!({
            "Arn": format!("acs:ram::{account_id}:role/{role_name}/{session_name}"),
            "AssumedRoleId": format!("{role_id}:{session_name}"),
        }),
    );
    out.insert(
        "Credentials".into(),
        json!({
            "AccessKeyId": access_key_id,
            "AccessKeySecret": session.secret,
            "SecurityToken": session.token,
            "Expiration": expiration,
        }),
    );
    if let Some(source) = params.get("SourceIdentity") {
        out.insert("SourceIdentity".into(), json!(source));
    }
    if let Some(provider) = oidc {
        let issued = alibabacloud_runtime::time::format_timestamp(now);
        out.insert(
            "OIDCTokenInfo".into(),
            json!({
                "Issuer": provider,
                "IssuanceTime": issued,
                "ExpirationTime": expiration,
                "VerificationInfo": "Success",
            }),
        );
    }
    sessions.insert(access_key_id, session);
    Ok(out)
}

/// `GetCallerIdentity`: the signer's account, ARN and ids.
pub(crate) fn caller_identity(account_id: &str, identity: &Identity) -> Map<String, Value> {
    let body = match identity {
        Identity::User { access_key_id } => {
            let user_id = numeric_id(access_key_id);
            json!({
                "AccountId": account_id,
                "Arn": format!("acs:ram::{account_id}:user/emulator"),
                "IdentityType": "RAMUser",
                "PrincipalId": user_id,
                "UserId": user_id,
            })
        }
        Identity::Role(session) => {
            let role = role_name(&session.role_arn).unwrap_or("role");
            json!({
                "AccountId": account_id,
                "Arn": format!(
                    "acs:ram::{account_id}:assumed-role/{role}/{}",
                    session.session_name
                ),
                "IdentityType": "AssumedRoleUser",
                "PrincipalId": format!("{}:{}", session.role_id, session.session_name),
                "RoleId": session.role_id,
            })
        }
    };
    match body {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The role name of `acs:ram::<account>:role/<name>`.
fn role_name(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("acs:ram::")?;
    let (account, resource) = rest.split_once(':')?;
    if account.is_empty() || !account.bytes().all(|b| b.is_ascii_digit() || b == b'*') {
        return None;
    }
    let name = resource.strip_prefix("role/")?;
    (!name.is_empty() && !name.contains('/')).then_some(name)
}

/// A stable 17-digit id for a role ARN, as the service's role ids look.
fn role_id(arn: &str) -> String {
    numeric_id(arn)
}

fn numeric_id(seed: &str) -> String {
    // FNV-1a: stable across runs, so the same role always has the same id.
    let hash = seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("3{:016}", hash % 10_000_000_000_000_000)
}

fn random_text(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| ALPHABET[fastrand::usize(..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn assume_role_issues_expiring_credentials() {
        let mut sessions = Sessions::default();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let p = params(&[
            ("RoleArn", "acs:ram::1234567890123456:role/deployer"),
            ("RoleSessionName", "ci"),
            ("DurationSeconds", "900"),
        ]);
        let out = assume_role(
            &mut sessions,
            "1234567890123456",
            "AssumeRole",
            &Params(&p),
            now,
        )
        .unwrap_or_default();
        let id = out["Credentials"]["AccessKeyId"]
            .as_str()
            .unwrap_or_default();
        assert!(id.starts_with("STS."), "{id}");
        let session = sessions.get(id).cloned();
        assert_eq!(session.map(|s| s.expires), Some(now + MIN_DURATION));
        assert_eq!(
            out["AssumedRoleUser"]["Arn"],
            "acs:ram::1234567890123456:role/deployer/ci"
        );
        for (name, value, code) in [
            (
                "RoleArn",
                "arn:aws:iam::1:role/x",
                "InvalidParameter.RoleArn",
            ),
            ("RoleSessionName", "a b", "InvalidParameter.RoleSessionName"),
            ("DurationSeconds", "100", "InvalidParameter.DurationSeconds"),
        ] {
            let mut bad = p.clone();
            bad.retain(|(k, _)| k != name);
            bad.push((name.to_string(), value.to_string()));
            let e = assume_role(&mut sessions, "1", "AssumeRole", &Params(&bad), now);
            assert_eq!(e.err().map(|e| e.code), Some(code.to_string()));
        }
    }

    #[test]
    fn oidc_needs_a_token_and_reports_the_provider() {
        let mut sessions = Sessions::default();
        let mut p = params(&[
            ("RoleArn", "acs:ram::1:role/r"),
            ("RoleSessionName", "pod"),
            ("OIDCProviderArn", "acs:ram::1:oidc-provider/ack"),
        ]);
        let now = SystemTime::now();
        let e = assume_role(&mut sessions, "1", "AssumeRoleWithOIDC", &Params(&p), now);
        assert_eq!(
            e.err().map(|e| e.code),
            Some("MissingParameter".to_string())
        );
        p.push((
            "OIDCToken".into(),
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln".into(),
        ));
        let out = assume_role(&mut sessions, "1", "AssumeRoleWithOIDC", &Params(&p), now)
            .unwrap_or_default();
        assert_eq!(
            out["OIDCTokenInfo"]["Issuer"],
            "acs:ram::1:oidc-provider/ack"
        );
        assert_eq!(sessions.len(), 1);
    }
}
