//! The environment variables the loader reads, by name.

/// Access key id (with [`ACCESS_KEY_SECRET`]: the first source of the chain).
pub const ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Access key secret.
pub const ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// STS security token, for temporary credentials from the environment.
pub const SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// The RAM role to assume with an OIDC token.
pub const ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
/// The OIDC identity provider.
pub const OIDC_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
/// The file holding the OIDC token (read again at every refresh).
pub const OIDC_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
/// The session name of assumed roles, when the profile gives none.
pub const ROLE_SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
/// The CLI configuration file, instead of `~/.aliyun/config.json`.
pub const CONFIG_FILE: &str = "ALIBABA_CLOUD_CONFIG_FILE";
/// The profile to use, in the CLI configuration and in the credentials file.
pub const PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// `true` skips the CLI profile.
pub const CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
/// The credentials file (INI), instead of `~/.alibabacloud/credentials`.
pub const CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
/// The ECS instance's RAM role name (discovered from the metadata service when unset).
pub const ECS_METADATA: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `true` skips the ECS RAM role.
pub const ECS_METADATA_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// `true` forbids metadata requests without a session token (IMDSv1).
pub const IMDSV1_DISABLED: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
/// A URL that answers credentials (the last source of the chain).
pub const CREDENTIALS_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";
/// The region of the STS endpoint (`sts.<region>.aliyuncs.com`).
pub const STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
/// `true` uses the VPC STS endpoint (`sts-vpc.<region>.aliyuncs.com`).
pub const VPC_ENDPOINT_ENABLED: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";
/// The region, then the CLI's fallbacks in this order.
pub const REGION_VARS: [&str; 5] = [
    "ALIBABA_CLOUD_REGION_ID",
    "ALIBABACLOUD_REGION_ID",
    "ALICLOUD_REGION_ID",
    "REGION_ID",
    "REGION",
];
