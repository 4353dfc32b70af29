//! The shared configuration of the Alibaba Cloud Rust SDK, loaded the way the official SDKs
//! load it: the equivalent of `aws-config`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let shared = alibabacloud_config::load().await?;
//! let cas = alibabacloud_cas::Client::from_shared(&shared)?;
//! # Ok(()) }
//! ```
//!
//! [`load`] returns a [`SharedConfig`]: a credentials provider, a region, and retry, time
//! limit and HTTP settings. Every product client is built from it and keeps its own defaults
//! (signature scheme, endpoint map). Clients built from one `SharedConfig` share its
//! credentials provider and so its cache: an assumed role is fetched once for all of them.
//!
//! **Credentials** come from the first of these sources that has them (the official order):
//!
//! 1. the environment (`ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`,
//!    optional `ALIBABA_CLOUD_SECURITY_TOKEN`);
//! 2. an OIDC role (`ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`,
//!    `ALIBABA_CLOUD_OIDC_TOKEN_FILE`; the token file is read again at every refresh);
//! 3. the official CLI's profile (`~/.aliyun/config.json` or `ALIBABA_CLOUD_CONFIG_FILE`;
//!    `ALIBABA_CLOUD_PROFILE`, else the file's `current`; off with
//!    `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`);
//! 4. the credentials file (`ALIBABA_CLOUD_CREDENTIALS_FILE`, else
//!    `~/.alibabacloud/credentials`, else `~/.alibabacloud/credentials.ini`; section
//!    `ALIBABA_CLOUD_PROFILE`, else `default`);
//! 5. the ECS instance's RAM role (`ALIBABA_CLOUD_ECS_METADATA` names it, else it is
//!    discovered; off with `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`;
//!    `ALIBABA_CLOUD_IMDSV1_DISABLED=true` forbids requests without a session token);
//! 6. a credentials URI (`ALIBABA_CLOUD_CREDENTIALS_URI`).
//!
//! Once a source has answered, it is asked first and alone from then on (as in the official
//! libraries), so a passing failure never switches the process to another identity. When none
//! answers, the error lists every source with why it was skipped or failed. Expiring credentials (roles, ECS,
//! URI, external programs) are cached by the runtime's single-flight `CachingProvider` and
//! refreshed [`DEFAULT_REFRESH_BEFORE`] (5 minutes) before they expire.
//!
//! **Region**: [`ConfigLoader::region`], else `ALIBABA_CLOUD_REGION_ID`,
//! `ALIBABACLOUD_REGION_ID`, `ALICLOUD_REGION_ID`, `REGION_ID`, `REGION` (the CLI's order),
//! else the active CLI profile's `region_id`.
//!
//! Tests inject their environment with [`ConfigLoader::env`] instead of changing the
//! process's, and point the ECS step at a fake with [`ConfigLoader::ecs_metadata_endpoint`]
//! (or disable it).
#![deny(missing_docs)]

mod chain;
mod cli;
mod context;
mod credentials_file;
mod env;
mod files;
mod ini;
mod process;
mod sts;
mod uri;
pub mod vars;

use std::sync::Arc;
use std::time::Duration;

pub use alibabacloud_runtime::credentials::DEFAULT_REFRESH_BEFORE;
pub use alibabacloud_runtime::{SharedConfig, SharedConfigBuilder};
pub use chain::DefaultCredentialsChain;
pub use env::Env;
pub use process::{DEFAULT_PROCESS_TIMEOUT, ExternalProcessProvider};
pub use sts::{
    AssumeRoleProvider, DEFAULT_DURATION, MIN_DURATION, OidcRoleProvider, RoleSettings,
    default_session_name, sts_endpoint,
};
pub use uri::CredentialsUriProvider;

use alibabacloud_runtime::config::ConfigError;
use alibabacloud_runtime::credentials::ProvideCredentials;
use alibabacloud_runtime::retry::RetryConfig;

use crate::context::Context;

/// Loads the shared configuration from the process's environment and files: the default
/// credentials chain and the region. See the [crate documentation](crate).
pub async fn load() -> Result<SharedConfig, ConfigError> {
    ConfigLoader::default().load().await
}

/// Loads a shared configuration with overrides. Start with [`ConfigLoader::default`].
#[derive(Debug, Default)]
pub struct ConfigLoader {
    env: Option<Env>,
    region: Option<String>,
    profile: Option<String>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    sts_endpoint: Option<String>,
    ecs_metadata_endpoint: Option<String>,
    refresh_before: Option<Duration>,
    shared: SharedConfigBuilder,
}

impl ConfigLoader {
    /// Reads variables from `env` instead of the process environment (for tests).
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// Uses this region, whatever the environment and profiles say.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Uses this profile (CLI profile and credentials-file section) instead of
    /// `ALIBABA_CLOUD_PROFILE` or the CLI's `current`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Uses this credentials provider instead of the default chain.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// Sends every STS call of the chain (role assumption) to this endpoint
    /// (`https://host`, `http://host:port` or a bare host), whatever the profiles say.
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.sts_endpoint = Some(endpoint.into());
        self
    }

    /// Asks this ECS metadata service (`http://host:port`) instead of `http://100.100.100.200`.
    pub fn ecs_metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.ecs_metadata_endpoint = Some(endpoint.into());
        self
    }

    /// Refreshes expiring credentials this long before they expire
    /// ([`DEFAULT_REFRESH_BEFORE`], 5 minutes, by default).
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = Some(margin);
        self
    }

    /// Sets the retry policy of every client.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.shared = self.shared.retry(retry);
        self
    }

    /// Sets the connect time limit of every client.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.shared = self.shared.connect_timeout(timeout);
        self
    }

    /// Sets the read time limit of every client.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.shared = self.shared.read_timeout(timeout);
        self
    }

    /// Sets the per-attempt time limit of every client.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.shared = self.shared.attempt_timeout(timeout);
        self
    }

    /// Sets the whole-call time limit of every client.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.shared = self.shared.operation_timeout(timeout);
        self
    }

    /// Adds an application name to every client's `User-Agent`.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.shared = self.shared.app_name(name);
        self
    }

    /// Builds the credentials chain this loader describes, without the rest of the
    /// configuration.
    pub fn credentials_chain(&self) -> DefaultCredentialsChain {
        DefaultCredentialsChain::new(self.context())
    }

    fn context(&self) -> Context {
        Context {
            env: self.env.clone().unwrap_or_default(),
            profile: self.profile.clone(),
            sts_endpoint: self.sts_endpoint.clone(),
            ecs_endpoint: self.ecs_metadata_endpoint.clone(),
            refresh_before: self.refresh_before.unwrap_or(DEFAULT_REFRESH_BEFORE),
        }
    }

    /// The region: explicit, else the variables in the CLI's order, else the active CLI
    /// profile's `region_id`.
    pub fn resolve_region(&self) -> Option<String> {
        if let Some(region) = &self.region {
            return Some(region.clone());
        }
        let ctx = self.context();
        if let Some(region) = vars::REGION_VARS.iter().find_map(|name| ctx.env.get(name)) {
            return Some(region);
        }
        let config = chain::read_cli_config(&ctx).ok()?;
        let name = config.active_name(ctx.profile_name()).ok()?;
        config.region_of(&name)
    }

    /// Loads the shared configuration. Files are read when credentials are first needed
    /// (the CLI configuration also now, for its region); nothing is sent yet.
    pub async fn load(self) -> Result<SharedConfig, ConfigError> {
        let region = self.resolve_region();
        let credentials: Arc<dyn ProvideCredentials> = match &self.credentials {
            Some(provider) => provider.clone(),
            None => Arc::new(self.credentials_chain()),
        };
        self.shared
            .clone()
            .shared_credentials_provider(credentials)
            .set_region(region)
            .build()
    }
}
