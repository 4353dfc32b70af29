//! The default credentials chain, in the official order, remembering the source that last
//! answered.

use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use alibabacloud_runtime::credentials::{
    Credentials, CredentialsError, CredentialsFuture, ProvideCredentials, StaticProvider,
};

use crate::cli::CliConfig;
use crate::context::{Context, RoleInputs};
use crate::credentials_file::{self, Located, SectionOutcome};
use crate::uri::CredentialsUriProvider;
use crate::vars;

/// What one source of the chain can offer right now.
pub(crate) enum Offer {
    /// The source does not apply (not configured or disabled), and why.
    Skipped(String),
    /// The source is configured but broken, and why.
    Failed(String),
    /// The source's provider.
    Provider(Arc<dyn ProvideCredentials>),
}

/// The sources, in the official order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceKind {
    Environment,
    Oidc,
    CliProfile,
    CredentialsFile,
    EcsRamRole,
    CredentialsUri,
}

impl SourceKind {
    const ALL: [SourceKind; 6] = [
        SourceKind::Environment,
        SourceKind::Oidc,
        SourceKind::CliProfile,
        SourceKind::CredentialsFile,
        SourceKind::EcsRamRole,
        SourceKind::CredentialsUri,
    ];

    fn name(self) -> &'static str {
        match self {
            SourceKind::Environment => "environment",
            SourceKind::Oidc => "oidc-role (environment)",
            SourceKind::CliProfile => "cli-profile",
            SourceKind::CredentialsFile => "credentials-file",
            SourceKind::EcsRamRole => "ecs-ram-role",
            SourceKind::CredentialsUri => "credentials-uri",
        }
    }
}

/// One source with the provider it built, kept once built (as the official libraries keep
/// theirs): files are read until they give a provider, then not again.
struct Source {
    kind: SourceKind,
    built: Mutex<Option<Arc<dyn ProvideCredentials>>>,
}

/// The official default chain: environment, OIDC role, CLI profile, credentials file, ECS
/// RAM role, credentials URI. Until a source answers, each call asks them in that order and,
/// when none answers, the error lists every source with why it was skipped or failed. Once one
/// has answered it is asked first and alone from then on, as in the official libraries: a
/// passing failure (an STS outage longer than the cached credential) is reported instead of
/// silently switching to another source's identity.
pub struct DefaultCredentialsChain {
    ctx: Context,
    sources: Vec<Source>,
    last: AtomicUsize,
}

const NONE: usize = usize::MAX;

impl fmt::Debug for DefaultCredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultCredentialsChain")
            .field("env", &self.ctx.env)
            .field("profile", &self.ctx.profile)
            .field("last_source", &self.last_source())
            .finish_non_exhaustive()
    }
}

impl DefaultCredentialsChain {
    pub(crate) fn new(ctx: Context) -> Self {
        Self {
            ctx,
            sources: SourceKind::ALL
                .iter()
                .map(|&kind| Source {
                    kind,
                    built: Mutex::new(None),
                })
                .collect(),
            last: AtomicUsize::new(NONE),
        }
    }

    /// The name of the source that answered last (`environment`, `cli-profile`, …), if any.
    pub fn last_source(&self) -> Option<&'static str> {
        self.sources
            .get(self.last.load(Ordering::Relaxed))
            .map(|s| s.kind.name())
    }

    fn offer(&self, source: &Source) -> Offer {
        if source.kind == SourceKind::Environment {
            return environment(&self.ctx);
        }
        let mut built = source.built.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(provider) = built.as_ref() {
            return Offer::Provider(provider.clone());
        }
        let offer = match source.kind {
            SourceKind::Environment => environment(&self.ctx),
            SourceKind::Oidc => oidc(&self.ctx),
            SourceKind::CliProfile => cli_profile(&self.ctx),
            SourceKind::CredentialsFile => credentials_file(&self.ctx),
            SourceKind::EcsRamRole => match self.ctx.ecs(self.ctx.env.get(vars::ECS_METADATA)) {
                Ok(provider) => Offer::Provider(provider),
                Err(reason) => Offer::Skipped(reason),
            },
            SourceKind::CredentialsUri => match self.ctx.env.get(vars::CREDENTIALS_URI) {
                Some(uri) => Offer::Provider(self.ctx.cached(CredentialsUriProvider::new(uri))),
                None => Offer::Skipped(format!("{} is not set", vars::CREDENTIALS_URI)),
            },
        };
        if let Offer::Provider(provider) = &offer {
            *built = Some(provider.clone());
        }
        offer
    }

    async fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let last = self.last.load(Ordering::Relaxed);
        if let Some(source) = self.sources.get(last) {
            // As the official libraries do, the source that answered keeps answering: a
            // passing failure must not switch the process to another identity.
            let name = source.kind.name();
            let failure = match self.offer(source) {
                Offer::Provider(provider) => match provider.provide_credentials().await {
                    Ok(credentials) => return Ok(credentials),
                    Err(e) => describe(&e),
                },
                Offer::Skipped(reason) | Offer::Failed(reason) => reason,
            };
            return Err(CredentialsError::with_tried(
                format!("the {name} source, which gave the credentials so far, failed"),
                vec![format!("{name}: failed: {failure}")],
            ));
        }
        let mut tried = Vec::with_capacity(self.sources.len());
        for (index, source) in self.sources.iter().enumerate() {
            let name = source.kind.name();
            match self.offer(source) {
                Offer::Skipped(reason) => tried.push(format!("{name}: skipped: {reason}")),
                Offer::Failed(reason) => tried.push(format!("{name}: failed: {reason}")),
                Offer::Provider(provider) => match provider.provide_credentials().await {
                    Ok(credentials) => {
                        self.last.store(index, Ordering::Relaxed);
                        tracing::debug!(source = name, "credentials found");
                        return Ok(credentials);
                    }
                    Err(e) => tried.push(format!("{name}: failed: {}", describe(&e))),
                },
            }
        }
        Err(CredentialsError::with_tried(
            "no source of the default chain gave credentials",
            tried,
        ))
    }
}

fn describe(e: &CredentialsError) -> String {
    if e.tried().is_empty() {
        e.message().to_string()
    } else {
        format!("{} ({})", e.message(), e.tried().join("; "))
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.resolve())
    }

    fn name(&self) -> &'static str {
        "default-chain"
    }
}

fn environment(ctx: &Context) -> Offer {
    let id = ctx.env.get(vars::ACCESS_KEY_ID);
    let secret = ctx.env.get(vars::ACCESS_KEY_SECRET);
    match (id, secret) {
        (Some(id), Some(secret)) => {
            let credentials = match ctx.env.get(vars::SECURITY_TOKEN) {
                Some(token) => Credentials::with_security_token(id, secret, token),
                None => Credentials::new(id, secret),
            };
            Offer::Provider(Arc::new(StaticProvider::new(credentials)))
        }
        (None, None) => Offer::Skipped(format!(
            "{} and {} are not set",
            vars::ACCESS_KEY_ID,
            vars::ACCESS_KEY_SECRET
        )),
        (Some(_), None) => Offer::Skipped(format!(
            "{} is set but {} is not",
            vars::ACCESS_KEY_ID,
            vars::ACCESS_KEY_SECRET
        )),
        (None, Some(_)) => Offer::Skipped(format!(
            "{} is set but {} is not",
            vars::ACCESS_KEY_SECRET,
            vars::ACCESS_KEY_ID
        )),
    }
}

fn oidc(ctx: &Context) -> Offer {
    let names = [
        vars::ROLE_ARN,
        vars::OIDC_PROVIDER_ARN,
        vars::OIDC_TOKEN_FILE,
    ];
    let values = names.map(|n| ctx.env.get(n));
    let [Some(role_arn), Some(provider_arn), Some(token_file)] = values.clone() else {
        let missing: Vec<&str> = names
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_none())
            .map(|(n, _)| *n)
            .collect();
        return Offer::Skipped(format!("{} not set", missing.join(", ")));
    };
    let inputs = RoleInputs {
        role_arn,
        ..RoleInputs::default()
    };
    match ctx.oidc(inputs, provider_arn, PathBuf::from(token_file)) {
        Ok(provider) => Offer::Provider(provider),
        Err(reason) => Offer::Failed(reason),
    }
}

/// The CLI configuration file to read: `ALIBABA_CLOUD_CONFIG_FILE` (which must exist), else
/// `~/.aliyun/config.json` when it exists.
pub(crate) fn cli_config_path(ctx: &Context) -> Result<PathBuf, Offer> {
    if let Some(path) = ctx.env.get(vars::CONFIG_FILE) {
        return Ok(PathBuf::from(path));
    }
    let home = ctx
        .env
        .home_dir()
        .ok_or_else(|| Offer::Skipped("no home directory (HOME is not set)".to_string()))?;
    let path = home.join(".aliyun").join("config.json");
    if crate::files::exists(&path) {
        Ok(path)
    } else {
        Err(Offer::Skipped(format!("{} does not exist", path.display())))
    }
}

/// The parsed CLI configuration, when the CLI profile is enabled and the file exists.
pub(crate) fn read_cli_config(ctx: &Context) -> Result<CliConfig, Offer> {
    if ctx.env.is_true(vars::CLI_PROFILE_DISABLED) {
        return Err(Offer::Skipped(format!(
            "{}=true",
            vars::CLI_PROFILE_DISABLED
        )));
    }
    let path = cli_config_path(ctx)?;
    let text = crate::files::read_text(&path).map_err(Offer::Failed)?;
    CliConfig::parse(&path, &text).map_err(Offer::Failed)
}

fn cli_profile(ctx: &Context) -> Offer {
    let config = match read_cli_config(ctx) {
        Ok(config) => config,
        Err(offer) => return offer,
    };
    let name = match config.active_name(ctx.profile_name()) {
        Ok(name) => name,
        Err(reason) => return Offer::Failed(reason),
    };
    match config.provider(ctx, &name) {
        Ok(provider) => Offer::Provider(provider),
        Err(reason) => Offer::Failed(reason),
    }
}

fn credentials_file(ctx: &Context) -> Offer {
    let path = match credentials_file::locate(ctx) {
        Located::File(path) => path,
        Located::Absent(reason) => return Offer::Skipped(reason),
    };
    let name = ctx.profile_name().unwrap_or_else(|| "default".to_string());
    match credentials_file::provider(ctx, &path, &name) {
        Ok(SectionOutcome::Provider(provider)) => Offer::Provider(provider),
        Ok(SectionOutcome::Skipped(reason)) => Offer::Skipped(reason),
        Err(reason) => Offer::Failed(reason),
    }
}
