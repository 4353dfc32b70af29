//! Credentials printed by a program (CLI mode `External`, key `process_command`).

use std::process::Stdio;
use std::time::Duration;

use alibabacloud_runtime::credentials::{
    Credentials, CredentialsError, CredentialsFuture, ProvideCredentials,
};
use tokio::io::AsyncReadExt;

/// How long the program may run by default, as in the official CLI.
pub const DEFAULT_PROCESS_TIMEOUT: Duration = Duration::from_secs(60);

/// The most read from the program's output (64 KiB).
const MAX_OUTPUT: u64 = 64 * 1024;

/// Runs `process_command` (split at white space, run without a shell) and parses the JSON it
/// prints: `{"mode": "AK"|"StsToken", "access_key_id", "access_key_secret", "sts_token",
/// "expiration"}`. A program still running after the timeout is killed.
#[derive(Debug, Clone)]
pub struct ExternalProcessProvider {
    command: String,
    timeout: Duration,
}

impl ExternalProcessProvider {
    /// Runs `command` with the default 60 s time limit.
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            timeout: DEFAULT_PROCESS_TIMEOUT,
        }
    }

    /// Sets the time limit.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn program(&self) -> &str {
        self.command.split_whitespace().next().unwrap_or_default()
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let fail = |what: &dyn std::fmt::Display| {
            CredentialsError::new(format!("external program `{}`: {what}", self.program()))
        };
        let mut words = self.command.split_whitespace();
        let program = words
            .next()
            .ok_or_else(|| CredentialsError::new("process_command is empty"))?;
        let mut child = tokio::process::Command::new(program)
            .args(words)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| fail(&format!("cannot start: {e}")))?;
        let mut stdout = child.stdout.take().ok_or_else(|| fail(&"no output"))?;
        let mut stderr = child
            .stderr
            .take()
            .ok_or_else(|| fail(&"no error output"))?;
        let run = async {
            let mut out = Vec::new();
            let mut err = Vec::new();
            let mut limited_out = (&mut stdout).take(MAX_OUTPUT);
            let mut limited_err = (&mut stderr).take(MAX_OUTPUT);
            let read_out = limited_out.read_to_end(&mut out);
            let read_err = limited_err.read_to_end(&mut err);
            let (r1, r2) = tokio::join!(read_out, read_err);
            r1.and(r2)?;
            let status = child.wait().await?;
            Ok::<_, std::io::Error>((status, out, err))
        };
        let (status, out, err) = match tokio::time::timeout(self.timeout, run).await {
            Ok(result) => result.map_err(|e| fail(&e))?,
            Err(_) => {
                return Err(fail(&format!(
                    "still running after {} s; stopped",
                    self.timeout.as_secs_f64()
                )));
            }
        };
        if !status.success() {
            // The error output explains the failure; credentials go to the standard output.
            let err = String::from_utf8_lossy(&err);
            let first_line: String = err
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect();
            return Err(fail(&format!("{status}: {first_line}")));
        }
        parse_output(&out).map_err(|e| fail(&e))
    }
}

/// Parses the program's JSON. Errors name the key, never a value.
fn parse_output(out: &[u8]) -> Result<Credentials, String> {
    let value: serde_json::Value = serde_json::from_slice(out).map_err(|e| {
        format!(
            "the output is not JSON (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let field = |name: &str| match value.get(name) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone()).filter(|s| !s.is_empty())),
        Some(_) => Err(format!("`{name}` is not a string")),
    };
    let id = field("access_key_id")?.ok_or("the output has no `access_key_id`")?;
    let secret = field("access_key_secret")?.ok_or("the output has no `access_key_secret`")?;
    let mode = field("mode")?.unwrap_or_else(|| "AK".to_string());
    let creds = match mode.as_str() {
        "AK" => Credentials::new(id, secret),
        "StsToken" => {
            let token = field("sts_token")?.ok_or("mode StsToken without `sts_token`")?;
            Credentials::with_security_token(id, secret, token)
        }
        other => return Err(format!("mode `{other}` is not AK or StsToken")),
    };
    match field("expiration")? {
        None => Ok(creds),
        Some(expiration) => alibabacloud_runtime::time::parse_timestamp(&expiration)
            .map(|expiry| creds.with_expiry(expiry))
            .ok_or_else(|| "`expiration` is not YYYY-MM-DDThh:mm:ssZ".to_string()),
    }
}

impl ProvideCredentials for ExternalProcessProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }

    fn name(&self) -> &'static str {
        "external-process"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_formats() {
        let c =
            parse_output(br#"{"mode":"AK","access_key_id":"id","access_key_secret":"s"}"#).unwrap();
        assert_eq!(c.access_key_id(), "id");
        assert!(c.security_token().is_none());
        let c = parse_output(
            br#"{"mode":"StsToken","access_key_id":"id","access_key_secret":"s","sts_token":"t","expiration":"2030-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(c.security_token().map(|t| t.expose()), Some("t"));
        assert!(c.expiry().is_some());
        let err =
            parse_output(br#"{"mode":"StsToken","access_key_id":"id","access_key_secret":"s"}"#)
                .unwrap_err();
        assert!(err.contains("sts_token"), "{err}");
        let err =
            parse_output(br#"{"access_key_id":"id","access_key_secret":123456}"#).unwrap_err();
        assert_eq!(err, "`access_key_secret` is not a string");
        assert!(parse_output(b"not json").unwrap_err().contains("not JSON"));
    }
}
