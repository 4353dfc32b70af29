//! The official CLI's `~/.aliyun/config.json`: `{"current": …, "profiles": [{…}]}`.
//!
//! Errors name the file, the profile and the key; never a value (it may be a secret).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use alibabacloud_runtime::credentials::{Credentials, ProvideCredentials, StaticProvider};
use serde_json::{Map, Value};

use crate::context::{Context, RoleInputs};
use crate::process::ExternalProcessProvider;
use crate::uri::CredentialsUriProvider;

/// A parsed CLI configuration file.
pub(crate) struct CliConfig {
    path: PathBuf,
    current: Option<String>,
    profiles: Vec<Map<String, Value>>,
}

/// Names only: profiles hold secrets.
impl std::fmt::Debug for CliConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self
            .profiles
            .iter()
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .collect();
        f.debug_struct("CliConfig")
            .field("path", &self.path)
            .field("current", &self.current)
            .field("profiles", &names)
            .finish()
    }
}

/// One profile, with the file it came from, for error messages.
struct Profile<'a> {
    path: &'a Path,
    name: &'a str,
    keys: &'a Map<String, Value>,
}

impl CliConfig {
    /// Parses the file's text.
    pub(crate) fn parse(path: &Path, text: &str) -> Result<Self, String> {
        let shown = path.display();
        let root: Value = serde_json::from_str(text).map_err(|e| {
            format!(
                "{shown}: not valid JSON at line {}, column {}",
                e.line(),
                e.column()
            )
        })?;
        let Value::Object(root) = root else {
            return Err(format!("{shown}: the top level must be an object"));
        };
        let current = match root.get("current") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()).filter(|s| !s.is_empty()),
            Some(_) => return Err(format!("{shown}: `current` must be a string")),
        };
        let profiles = match root.get("profiles") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let mut profiles = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let Value::Object(keys) = item else {
                        return Err(format!("{shown}: `profiles[{i}]` must be an object"));
                    };
                    match keys.get("name") {
                        Some(Value::String(_)) => {}
                        None => return Err(format!("{shown}: `profiles[{i}]` has no `name`")),
                        Some(_) => {
                            return Err(format!("{shown}: `profiles[{i}].name` must be a string"));
                        }
                    }
                    profiles.push(keys.clone());
                }
                profiles
            }
            Some(_) => return Err(format!("{shown}: `profiles` must be an array")),
        };
        Ok(Self {
            path: path.to_path_buf(),
            current,
            profiles,
        })
    }

    /// The profile to use: `wanted` (explicit or `ALIBABA_CLOUD_PROFILE`), else `current`.
    pub(crate) fn active_name(&self, wanted: Option<String>) -> Result<String, String> {
        wanted.or_else(|| self.current.clone()).ok_or_else(|| {
            format!(
                "{}: no profile chosen (`current` is empty and ALIBABA_CLOUD_PROFILE is not set)",
                self.path.display()
            )
        })
    }

    fn profile<'a>(&'a self, name: &'a str) -> Result<Profile<'a>, String> {
        self.profiles
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
            .map(|keys| Profile {
                path: &self.path,
                name,
                keys,
            })
            .ok_or_else(|| format!("{}: no profile named `{name}`", self.path.display()))
    }

    /// The `region_id` of profile `name`, if it has one.
    pub(crate) fn region_of(&self, name: &str) -> Option<String> {
        self.profile(name).ok()?.string("region_id").ok().flatten()
    }

    /// The credentials provider profile `name` describes.
    pub(crate) fn provider(
        &self,
        ctx: &Context,
        name: &str,
    ) -> Result<Arc<dyn ProvideCredentials>, String> {
        self.provider_inner(ctx, name, &mut BTreeSet::new())
    }

    fn provider_inner(
        &self,
        ctx: &Context,
        name: &str,
        seen: &mut BTreeSet<String>,
    ) -> Result<Arc<dyn ProvideCredentials>, String> {
        if !seen.insert(name.to_string()) {
            let chain: Vec<&str> = seen.iter().map(String::as_str).collect();
            return Err(format!(
                "{}: profile `{name}` is its own source (source_profile cycle through {})",
                self.path.display(),
                chain.join(", ")
            ));
        }
        let p = self.profile(name)?;
        let mode = p.require("mode")?;
        let static_key = |p: &Profile<'_>| -> Result<Credentials, String> {
            Ok(Credentials::new(
                p.require("access_key_id")?,
                p.require("access_key_secret")?,
            ))
        };
        let in_profile = |e: String| p.error(&e);
        match mode.as_str() {
            "AK" => Ok(Arc::new(StaticProvider::new(static_key(&p)?))),
            "StsToken" => {
                let c = static_key(&p)?;
                Ok(Arc::new(StaticProvider::new(
                    Credentials::with_security_token(
                        c.access_key_id(),
                        c.access_key_secret().expose(),
                        p.require("sts_token")?,
                    ),
                )))
            }
            "RamRoleArn" => {
                let source: Arc<dyn ProvideCredentials> =
                    Arc::new(StaticProvider::new(static_key(&p)?));
                ctx.assume_role(source, p.role_inputs()?, p.string("external_id")?)
                    .map_err(in_profile)
            }
            "ChainableRamRoleArn" => {
                let source_name = p.require("source_profile")?;
                let source = self.provider_inner(ctx, &source_name, seen)?;
                ctx.assume_role(source, p.role_inputs()?, p.string("external_id")?)
                    .map_err(in_profile)
            }
            "EcsRamRole" => ctx.ecs(p.string("ram_role_name")?).map_err(in_profile),
            "OIDC" => {
                let provider_arn = p.require("oidc_provider_arn")?;
                let token_file = PathBuf::from(p.require("oidc_token_file")?);
                ctx.oidc(p.role_inputs()?, provider_arn, token_file)
                    .map_err(in_profile)
            }
            "CredentialsURI" => {
                Ok(ctx.cached(CredentialsUriProvider::new(p.require("credentials_uri")?)))
            }
            "External" => {
                Ok(ctx.cached(ExternalProcessProvider::new(p.require("process_command")?)))
            }
            other => Err(p.error(&format!("mode `{other}` is not supported"))),
        }
    }
}

impl Profile<'_> {
    fn error(&self, what: &str) -> String {
        format!("{}: profile `{}`: {what}", self.path.display(), self.name)
    }

    /// A string key; absent, `null` and `""` (what the CLI writes for unset keys) are `None`.
    fn string(&self, key: &str) -> Result<Option<String>, String> {
        match self.keys.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone()).filter(|s| !s.is_empty())),
            Some(_) => Err(self.error(&format!("`{key}` must be a string"))),
        }
    }

    fn require(&self, key: &str) -> Result<String, String> {
        self.string(key)?
            .ok_or_else(|| self.error(&format!("`{key}` is missing")))
    }

    /// A whole number of seconds, as a number or a numeric string; `0` is unset.
    fn seconds(&self, key: &str) -> Result<Option<Duration>, String> {
        let wrong = || self.error(&format!("`{key}` must be a whole number of seconds"));
        let n = match self.keys.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Number(n)) => n.as_u64().ok_or_else(wrong)?,
            Some(Value::String(s)) if s.is_empty() => return Ok(None),
            Some(Value::String(s)) => s.trim().parse::<u64>().map_err(|_| wrong())?,
            Some(_) => return Err(wrong()),
        };
        Ok((n != 0).then(|| Duration::from_secs(n)))
    }

    /// A boolean, or the strings `true`/`false`; absent is `false`.
    fn flag(&self, key: &str) -> Result<bool, String> {
        match self.keys.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
            Some(Value::String(s)) if s.is_empty() || s.eq_ignore_ascii_case("false") => Ok(false),
            Some(_) => Err(self.error(&format!("`{key}` must be true or false"))),
        }
    }

    fn role_inputs(&self) -> Result<RoleInputs, String> {
        Ok(RoleInputs {
            role_arn: self.require("ram_role_arn")?,
            session_name: self.string("ram_session_name")?,
            duration: match self.seconds("expired_seconds")? {
                Some(d) if d < crate::sts::MIN_DURATION => {
                    return Err(self.error(&format!(
                        "`expired_seconds` must be at least {}",
                        crate::sts::MIN_DURATION.as_secs()
                    )));
                }
                other => other,
            },
            policy: self.string("policy")?,
            sts_region: self.string("sts_region")?,
            enable_vpc: self.flag("enable_vpc")?,
            sts_endpoint: self.string("sts_endpoint")?,
        })
    }
}
