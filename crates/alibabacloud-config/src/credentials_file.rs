//! The credentials file (INI): `ALIBABA_CLOUD_CREDENTIALS_FILE`, else
//! `~/.alibabacloud/credentials`, else `~/.alibabacloud/credentials.ini`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use alibabacloud_runtime::credentials::{Credentials, ProvideCredentials, StaticProvider};

use crate::context::{Context, RoleInputs};
use crate::ini::Ini;
use crate::vars;

/// Where to look, or why not to.
pub(crate) enum Located {
    /// A file to read.
    File(PathBuf),
    /// Nothing to read, and why.
    Absent(String),
}

/// The file the chain reads: the variable's (which must exist), else the first of the two
/// home-directory names that exists.
pub(crate) fn locate(ctx: &Context) -> Located {
    if let Some(path) = ctx.env.get(vars::CREDENTIALS_FILE) {
        return Located::File(PathBuf::from(path));
    }
    let Some(home) = ctx.env.home_dir() else {
        return Located::Absent("no home directory (HOME is not set)".to_string());
    };
    let dir = home.join(".alibabacloud");
    for name in ["credentials", "credentials.ini"] {
        let path = dir.join(name);
        if crate::files::exists(&path) {
            return Located::File(path);
        }
    }
    Located::Absent(format!(
        "neither {} nor {} exists",
        dir.join("credentials").display(),
        dir.join("credentials.ini").display()
    ))
}

/// What a section gives: a provider, or nothing (absent or disabled section).
pub(crate) enum SectionOutcome {
    /// The section's provider.
    Provider(Arc<dyn ProvideCredentials>),
    /// Nothing to use, and why (not an error).
    Skipped(String),
}

/// Reads the file and builds the provider of section `name`.
pub(crate) fn provider(ctx: &Context, path: &Path, name: &str) -> Result<SectionOutcome, String> {
    let text = crate::files::read_text(path)?;
    let ini = Ini::parse(path, &text)?;
    let Some(section) = ini.section(name) else {
        return Ok(SectionOutcome::Skipped(format!(
            "{} has no [{name}] section",
            path.display()
        )));
    };
    let error = |what: &str| format!("{}: [{name}]: {what}", path.display());
    let get = |key: &str| section.get(key).filter(|v| !v.is_empty()).cloned();
    let require = |key: &str| get(key).ok_or_else(|| error(&format!("`{key}` is missing")));
    match get("enable").map(|v| v.to_ascii_lowercase()).as_deref() {
        None | Some("true") => {}
        Some("false") => {
            return Ok(SectionOutcome::Skipped(format!(
                "{}: [{name}] has enable = false",
                path.display()
            )));
        }
        Some(_) => return Err(error("`enable` must be true or false")),
    }
    let kind = require("type")?;
    let static_key = || -> Result<Credentials, String> {
        Ok(Credentials::new(
            require("access_key_id")?,
            require("access_key_secret")?,
        ))
    };
    let role_inputs = |section: &BTreeMap<String, String>| RoleInputs {
        role_arn: String::new(),
        session_name: section
            .get("role_session_name")
            .filter(|v| !v.is_empty())
            .cloned(),
        policy: section.get("policy").filter(|v| !v.is_empty()).cloned(),
        ..RoleInputs::default()
    };
    let provider = match kind.as_str() {
        "access_key" => Arc::new(StaticProvider::new(static_key()?)) as Arc<dyn ProvideCredentials>,
        "ecs_ram_role" => ctx.ecs(get("role_name")).map_err(|e| error(&e))?,
        "ram_role_arn" => {
            let source: Arc<dyn ProvideCredentials> = Arc::new(StaticProvider::new(static_key()?));
            let inputs = RoleInputs {
                role_arn: require("role_arn")?,
                ..role_inputs(section)
            };
            ctx.assume_role(source, inputs, get("external_id"))
                .map_err(|e| error(&e))?
        }
        "oidc_role_arn" => {
            let inputs = RoleInputs {
                role_arn: require("role_arn")?,
                ..role_inputs(section)
            };
            let provider_arn = require("oidc_provider_arn")?;
            let token_file = PathBuf::from(require("oidc_token_file_path")?);
            ctx.oidc(inputs, provider_arn, token_file)
                .map_err(|e| error(&e))?
        }
        "sts" => {
            return Err(error(
                "type `sts` is not supported (the current official chains refuse it; use the CLI mode StsToken or the ALIBABA_CLOUD_SECURITY_TOKEN variable)",
            ));
        }
        other => return Err(error(&format!("type `{other}` is not supported"))),
    };
    Ok(SectionOutcome::Provider(provider))
}
