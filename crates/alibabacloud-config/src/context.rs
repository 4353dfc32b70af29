//! What every source needs from the loader: the environment, overrides, and how to build the
//! providers that several sources share (role, ECS, cached).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use alibabacloud_runtime::credentials::{CachingProvider, EcsRamRoleProvider, ProvideCredentials};

use crate::env::Env;
use crate::sts::{self, RoleSettings};
use crate::vars;

/// The loader's inputs, shared by the sources of one chain.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    pub env: Env,
    /// An explicit profile name (wins over `ALIBABA_CLOUD_PROFILE`).
    pub profile: Option<String>,
    /// An STS endpoint for every role call (wins over profiles and variables).
    pub sts_endpoint: Option<String>,
    /// The ECS metadata service (`http://100.100.100.200` unless overridden).
    pub ecs_endpoint: Option<String>,
    /// Refresh expiring credentials this long before they expire.
    pub refresh_before: Duration,
}

/// Role inputs as a profile gives them.
#[derive(Debug, Default)]
pub(crate) struct RoleInputs {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub duration: Option<Duration>,
    pub policy: Option<String>,
    pub sts_region: Option<String>,
    pub enable_vpc: bool,
    pub sts_endpoint: Option<String>,
}

impl Context {
    /// The profile name asked for: explicit, else `ALIBABA_CLOUD_PROFILE`.
    pub fn profile_name(&self) -> Option<String> {
        self.profile.clone().or_else(|| self.env.get(vars::PROFILE))
    }

    /// Wraps an expiring source in the runtime's single-flight cache.
    pub fn cached(
        &self,
        provider: impl ProvideCredentials + 'static,
    ) -> Arc<dyn ProvideCredentials> {
        Arc::new(CachingProvider::with_refresh_before(
            provider,
            self.refresh_before,
        ))
    }

    /// The settings of a role call: session name from the profile, else
    /// `ALIBABA_CLOUD_ROLE_SESSION_NAME`, else `alibabacloud-rust-<millis>`; 3600 s unless
    /// given; the STS endpoint by the official rules.
    pub fn role_settings(&self, inputs: RoleInputs) -> Result<RoleSettings, String> {
        let duration = inputs.duration.unwrap_or(sts::DEFAULT_DURATION);
        if duration < sts::MIN_DURATION {
            return Err(format!(
                "a role session lasts at least {} s, not {} s",
                sts::MIN_DURATION.as_secs(),
                duration.as_secs()
            ));
        }
        let region = inputs.sts_region.or_else(|| self.env.get(vars::STS_REGION));
        let vpc = inputs.enable_vpc || self.env.is_true(vars::VPC_ENDPOINT_ENABLED);
        let explicit = self.sts_endpoint.clone().or(inputs.sts_endpoint);
        Ok(RoleSettings {
            role_arn: inputs.role_arn,
            session_name: inputs
                .session_name
                .or_else(|| self.env.get(vars::ROLE_SESSION_NAME))
                .unwrap_or_else(sts::default_session_name),
            duration,
            policy: inputs.policy,
            endpoint: sts::sts_endpoint(explicit.as_deref(), region.as_deref(), vpc),
        })
    }

    /// The ECS RAM-role provider (cached), unless `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`.
    pub fn ecs(&self, role: Option<String>) -> Result<Arc<dyn ProvideCredentials>, String> {
        if self.env.is_true(vars::ECS_METADATA_DISABLED) {
            return Err(format!("{}=true", vars::ECS_METADATA_DISABLED));
        }
        let mut provider = EcsRamRoleProvider::new(role)
            .with_imdsv1_fallback(!self.env.is_true(vars::IMDSV1_DISABLED));
        if let Some(endpoint) = &self.ecs_endpoint {
            provider = provider.with_endpoint(endpoint.clone());
        }
        Ok(self.cached(provider))
    }

    /// The OIDC role provider (cached).
    pub fn oidc(
        &self,
        inputs: RoleInputs,
        provider_arn: String,
        token_file: PathBuf,
    ) -> Result<Arc<dyn ProvideCredentials>, String> {
        let settings = self.role_settings(inputs)?;
        let provider = sts::OidcRoleProvider::new(settings, provider_arn, token_file)
            .map_err(|e| e.message().to_string())?;
        Ok(self.cached(provider))
    }

    /// The `AssumeRole` provider (cached) on top of `source`.
    pub fn assume_role(
        &self,
        source: Arc<dyn ProvideCredentials>,
        inputs: RoleInputs,
        external_id: Option<String>,
    ) -> Result<Arc<dyn ProvideCredentials>, String> {
        let settings = self.role_settings(inputs)?;
        let provider = sts::AssumeRoleProvider::new(source, settings, external_id)
            .map_err(|e| e.message().to_string())?;
        Ok(self.cached(provider))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(vars: &[(&str, &str)], explicit: Option<&str>) -> Context {
        Context {
            env: Env::from_vars(vars.iter().copied()),
            profile: None,
            sts_endpoint: explicit.map(str::to_string),
            ecs_endpoint: None,
            refresh_before: Duration::from_secs(300),
        }
    }

    fn endpoint(c: &Context, inputs: RoleInputs) -> String {
        c.role_settings(inputs).unwrap().endpoint
    }

    #[test]
    fn sts_endpoint_precedence() {
        let role = || RoleInputs {
            role_arn: "r".into(),
            ..RoleInputs::default()
        };
        assert_eq!(endpoint(&ctx(&[], None), role()), "sts.aliyuncs.com");
        let env_region = ctx(&[(vars::STS_REGION, "cn-shanghai")], None);
        assert_eq!(
            endpoint(&env_region, role()),
            "sts.cn-shanghai.aliyuncs.com"
        );
        let profile_region = RoleInputs {
            sts_region: Some("cn-beijing".into()),
            ..role()
        };
        assert_eq!(
            endpoint(&env_region, profile_region),
            "sts.cn-beijing.aliyuncs.com"
        );
        let vpc = ctx(
            &[
                (vars::STS_REGION, "cn-shanghai"),
                (vars::VPC_ENDPOINT_ENABLED, "true"),
            ],
            None,
        );
        assert_eq!(endpoint(&vpc, role()), "sts-vpc.cn-shanghai.aliyuncs.com");
        let profile_vpc = RoleInputs {
            enable_vpc: true,
            ..role()
        };
        assert_eq!(
            endpoint(&env_region, profile_vpc),
            "sts-vpc.cn-shanghai.aliyuncs.com"
        );
        let profile_endpoint = RoleInputs {
            sts_endpoint: Some("sts.example.test".into()),
            ..role()
        };
        assert_eq!(endpoint(&vpc, profile_endpoint), "sts.example.test");
        let explicit = ctx(&[], Some("http://127.0.0.1:1"));
        let profile_endpoint = RoleInputs {
            sts_endpoint: Some("sts.example.test".into()),
            ..role()
        };
        assert_eq!(endpoint(&explicit, profile_endpoint), "http://127.0.0.1:1");
    }

    #[test]
    fn session_name_and_duration() {
        let c = ctx(&[(vars::ROLE_SESSION_NAME, "from-env")], None);
        let s = c
            .role_settings(RoleInputs {
                role_arn: "r".into(),
                ..RoleInputs::default()
            })
            .unwrap();
        assert_eq!(s.session_name, "from-env");
        assert_eq!(s.duration, Duration::from_secs(3600));
        let s = c
            .role_settings(RoleInputs {
                role_arn: "r".into(),
                session_name: Some("from-profile".into()),
                duration: Some(Duration::from_secs(900)),
                ..RoleInputs::default()
            })
            .unwrap();
        assert_eq!(s.session_name, "from-profile");
        assert_eq!(s.duration, Duration::from_secs(900));
        let err = c
            .role_settings(RoleInputs {
                role_arn: "r".into(),
                duration: Some(Duration::from_secs(899)),
                ..RoleInputs::default()
            })
            .unwrap_err();
        assert!(err.contains("at least 900 s"), "{err}");
    }
}
