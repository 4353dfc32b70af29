//! The default chain: every position (an earlier source wins when both are present), every
//! disable variable, the last source asked first, the error listing every source, the region.
//! All on loopback with a temporary HOME.

mod support;

use std::time::Duration;

use alibabacloud_runtime::credentials::ProvideCredentials;
use support::{
    FakeMetadata, FakeSts, TempHome, cli_config, env, loader, uri_credentials, uri_server,
};

const AK_PROFILE: &str = r#"{"name":"default","mode":"AK","access_key_id":"cli-id","access_key_secret":"cli-secret","region_id":"cn-cli"}"#;
const INI: &str =
    "[default]\ntype = access_key\naccess_key_id = ini-id\naccess_key_secret = ini-secret\n";

fn cli_file(home: &TempHome) {
    home.write(
        ".aliyun/config.json",
        &cli_config(
            "default",
            serde_json::from_str(&format!("[{AK_PROFILE}]")).unwrap(),
        ),
    );
}

async fn key_of(chain: &alibabacloud_config::DefaultCredentialsChain) -> String {
    chain
        .provide_credentials()
        .await
        .map(|c| c.access_key_id().to_string())
        .unwrap_or_else(|e| panic!("no credentials: {e}"))
}

#[tokio::test]
async fn environment_wins_over_every_later_source() {
    let home = TempHome::new();
    cli_file(&home);
    home.write(".alibabacloud/credentials", INI);
    let (uri, _) = uri_server(200, uri_credentials("uri-id")).await;
    let env = env(
        &home,
        &[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id"),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
            ("ALIBABA_CLOUD_SECURITY_TOKEN", "env-token"),
            ("ALIBABA_CLOUD_CREDENTIALS_URI", &uri.url()),
        ],
    );
    let chain = loader(env).credentials_chain();
    let creds = chain.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "env-id");
    assert_eq!(
        creds.security_token().map(|t| t.expose()),
        Some("env-token")
    );
    assert_eq!(chain.last_source(), Some("environment"));
}

#[tokio::test]
async fn oidc_role_wins_over_the_cli_profile() {
    let home = TempHome::new();
    cli_file(&home);
    let sts = FakeSts::start(&[]).await;
    sts.expect_oidc_token("jwt-1");
    let token = home.write("token", "jwt-1\n");
    let env = env(
        &home,
        &[
            ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/k8s"),
            (
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                "acs:ram::1:oidc-provider/ack",
            ),
            ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", token.to_str().unwrap()),
        ],
    );
    let chain = loader(env).sts_endpoint(sts.url()).credentials_chain();
    assert_eq!(key_of(&chain).await, "STS.assumed-1");
    assert_eq!(chain.last_source(), Some("oidc-role (environment)"));
    let call = &sts.calls()[0];
    assert_eq!(call.action, "AssumeRoleWithOIDC");
    assert_eq!(
        call.access_key_id, None,
        "AssumeRoleWithOIDC must be unsigned"
    );
    assert_eq!(call.params["RoleArn"], "acs:ram::1:role/k8s");
    assert_eq!(
        call.params["OIDCProviderArn"],
        "acs:ram::1:oidc-provider/ack"
    );
    assert_eq!(call.params["OIDCToken"], "jwt-1");
    assert_eq!(call.params["DurationSeconds"], "3600");
    assert!(call.params["RoleSessionName"].starts_with("alibabacloud-rust-"));
}

#[tokio::test]
async fn oidc_token_file_is_read_again_at_each_refresh() {
    let home = TempHome::new();
    let sts = FakeSts::start(&[]).await;
    sts.expect_oidc_token("jwt-1");
    // Credentials that are due for a refresh 1 s after they arrive.
    sts.set_lifetime(Duration::from_secs(3));
    let token = home.write("token", "jwt-1");
    let env = env(
        &home,
        &[
            ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/k8s"),
            (
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                "acs:ram::1:oidc-provider/ack",
            ),
            ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", token.to_str().unwrap()),
        ],
    );
    let chain = loader(env)
        .sts_endpoint(sts.url())
        .refresh_before(Duration::from_secs(1))
        .credentials_chain();
    assert_eq!(key_of(&chain).await, "STS.assumed-1");
    // Kubernetes rotates the token file; the next refresh must send the new token.
    home.write("token", "jwt-2");
    sts.expect_oidc_token("jwt-2");
    tokio::time::sleep(Duration::from_millis(3200)).await;
    assert_eq!(key_of(&chain).await, "STS.assumed-2");
    let tokens: Vec<String> = sts
        .calls()
        .iter()
        .map(|c| c.params["OIDCToken"].clone())
        .collect();
    assert_eq!(tokens, ["jwt-1", "jwt-2"]);
}

#[tokio::test]
async fn cli_profile_wins_over_the_credentials_file_and_can_be_disabled() {
    let home = TempHome::new();
    cli_file(&home);
    home.write(".alibabacloud/credentials", INI);
    let chain = loader(env(&home, &[])).credentials_chain();
    assert_eq!(key_of(&chain).await, "cli-id");
    assert_eq!(chain.last_source(), Some("cli-profile"));

    let disabled = env(&home, &[("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "TRUE")]);
    let chain = loader(disabled).credentials_chain();
    assert_eq!(key_of(&chain).await, "ini-id");
    assert_eq!(chain.last_source(), Some("credentials-file"));
}

#[tokio::test]
async fn cli_config_file_variable_and_profile_variable() {
    let home = TempHome::new();
    let profiles = serde_json::json!([
        {"name": "default", "mode": "AK", "access_key_id": "a-id", "access_key_secret": "a"},
        {"name": "other", "mode": "AK", "access_key_id": "b-id", "access_key_secret": "b"},
    ]);
    let path = home.write("elsewhere/cli.json", &cli_config("default", profiles));
    let file = path.to_str().unwrap();
    let chain = loader(env(&home, &[("ALIBABA_CLOUD_CONFIG_FILE", file)])).credentials_chain();
    assert_eq!(key_of(&chain).await, "a-id");
    let chain = loader(env(
        &home,
        &[
            ("ALIBABA_CLOUD_CONFIG_FILE", file),
            ("ALIBABA_CLOUD_PROFILE", "other"),
        ],
    ))
    .credentials_chain();
    assert_eq!(key_of(&chain).await, "b-id");
    // The explicit profile name wins over the variable.
    let chain = loader(env(
        &home,
        &[
            ("ALIBABA_CLOUD_CONFIG_FILE", file),
            ("ALIBABA_CLOUD_PROFILE", "other"),
        ],
    ))
    .profile_name("default")
    .credentials_chain();
    assert_eq!(key_of(&chain).await, "a-id");
    // A variable naming a missing file is an error, not a silent fallback.
    let missing = home.path("nope.json");
    let chain = loader(env(
        &home,
        &[("ALIBABA_CLOUD_CONFIG_FILE", missing.to_str().unwrap())],
    ))
    .credentials_chain();
    let err = chain.provide_credentials().await.unwrap_err().to_string();
    assert!(
        err.contains(&format!(
            "cli-profile: failed: {}: cannot read: no such file",
            missing.display()
        )),
        "{err}"
    );
}

#[tokio::test]
async fn credentials_file_names_section_variable_and_enable() {
    let home = TempHome::new();
    // credentials.ini (Python, Java) when credentials (Go, Node) does not exist.
    home.write(".alibabacloud/credentials.ini", INI);
    let chain = loader(env(&home, &[])).credentials_chain();
    assert_eq!(key_of(&chain).await, "ini-id");
    // credentials wins over credentials.ini.
    home.write(
        ".alibabacloud/credentials",
        "[default]\ntype = access_key\naccess_key_id = go-id\naccess_key_secret = s\n[other]\nenable = false\ntype = access_key\naccess_key_id = off-id\naccess_key_secret = s\n",
    );
    let chain = loader(env(&home, &[])).credentials_chain();
    assert_eq!(key_of(&chain).await, "go-id");
    // enable = false: the section is skipped, with the reason in the error.
    let chain = loader(env(&home, &[("ALIBABA_CLOUD_PROFILE", "other")])).credentials_chain();
    let err = chain.provide_credentials().await.unwrap_err().to_string();
    assert!(err.contains("[other] has enable = false"), "{err}");
    // ALIBABA_CLOUD_CREDENTIALS_FILE wins over both.
    let custom = home.write(
        "custom.ini",
        "[default]\ntype = access_key\naccess_key_id = custom-id\naccess_key_secret = s\n",
    );
    let chain = loader(env(
        &home,
        &[("ALIBABA_CLOUD_CREDENTIALS_FILE", custom.to_str().unwrap())],
    ))
    .credentials_chain();
    assert_eq!(key_of(&chain).await, "custom-id");
}

#[tokio::test]
async fn ecs_role_is_discovered_without_a_name_and_wins_over_the_uri() {
    let home = TempHome::new();
    let meta = FakeMetadata::start("worker", true, true).await;
    let (uri, uri_hits) = uri_server(200, uri_credentials("uri-id")).await;
    let env = env(
        &home,
        &[
            ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "false"),
            ("ALIBABA_CLOUD_CREDENTIALS_URI", &uri.url()),
        ],
    );
    let chain = loader(env)
        .ecs_metadata_endpoint(meta.url())
        .credentials_chain();
    let creds = chain.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "STS.ecs-worker");
    assert_eq!(
        creds.security_token().map(|t| t.expose()),
        Some("ecs-token")
    );
    assert_eq!(chain.last_source(), Some("ecs-ram-role"));
    assert_eq!(uri_hits.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert_eq!(
        meta.state
            .gets_without_token
            .load(std::sync::atomic::Ordering::SeqCst),
        0
    );
    // Cached: a second call does not ask the metadata service again.
    chain.provide_credentials().await.unwrap();
    assert_eq!(
        meta.state
            .credential_fetches
            .load(std::sync::atomic::Ordering::SeqCst),
        1
    );
}

#[tokio::test]
async fn ecs_falls_back_to_imdsv1_unless_disabled() {
    use std::sync::atomic::Ordering::SeqCst;
    let home = TempHome::new();
    // A metadata service without session tokens.
    let meta = FakeMetadata::start("worker", false, false).await;
    let vars = [
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "false"),
        ("ALIBABA_CLOUD_ECS_METADATA", "worker"),
    ];
    let chain = loader(env(&home, &vars))
        .ecs_metadata_endpoint(meta.url())
        .credentials_chain();
    assert_eq!(key_of(&chain).await, "STS.ecs-worker");
    assert_eq!(meta.state.gets_without_token.load(SeqCst), 1);

    let mut strict = vars.to_vec();
    strict.push(("ALIBABA_CLOUD_IMDSV1_DISABLED", "true"));
    let chain = loader(env(&home, &strict))
        .ecs_metadata_endpoint(meta.url())
        .credentials_chain();
    let err = chain.provide_credentials().await.unwrap_err().to_string();
    assert!(
        err.contains("ecs-ram-role: failed:") && err.contains("no session token"),
        "{err}"
    );
    assert_eq!(
        meta.state.gets_without_token.load(SeqCst),
        1,
        "no IMDSv1 request when disabled"
    );
}

#[tokio::test]
async fn ecs_disabled_is_skipped_and_the_uri_answers() {
    let home = TempHome::new();
    let meta = FakeMetadata::start("worker", true, true).await;
    let (uri, _) = uri_server(200, uri_credentials("uri-id")).await;
    let env = env(
        &home,
        &[
            ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
            ("ALIBABA_CLOUD_CREDENTIALS_URI", &uri.url()),
        ],
    );
    let chain = loader(env)
        .ecs_metadata_endpoint(meta.url())
        .credentials_chain();
    let creds = chain.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "uri-id");
    assert_eq!(
        creds.security_token().map(|t| t.expose()),
        Some("uri-token")
    );
    assert!(creds.expiry().is_some());
    assert_eq!(chain.last_source(), Some("credentials-uri"));
    assert_eq!(
        meta.state
            .credential_fetches
            .load(std::sync::atomic::Ordering::SeqCst),
        0
    );
}

#[tokio::test]
async fn credentials_uri_answers_are_checked() {
    let home = TempHome::new();
    let mut refused = uri_credentials("uri-id");
    refused["Code"] = "Expired".into();
    for (status, body, expected) in [
        (200, refused, "Code is `Expired`"),
        (500, uri_credentials("x"), "HTTP 500"),
        (
            200,
            serde_json::json!({"AccessKeyId": "x"}),
            "no `AccessKeySecret`",
        ),
    ] {
        let (uri, _) = uri_server(status, body).await;
        let env = env(&home, &[("ALIBABA_CLOUD_CREDENTIALS_URI", &uri.url())]);
        let err = loader(env)
            .credentials_chain()
            .provide_credentials()
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("credentials-uri: failed:") && err.contains(expected),
            "{err}"
        );
        assert!(
            !err.contains("uri-secret") && !err.contains("uri-token"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn nothing_found_lists_every_source_in_order() {
    let home = TempHome::new();
    let env = env(&home, &[("ALIBABA_CLOUD_ACCESS_KEY_ID", "only-the-id")]);
    let err = loader(env)
        .credentials_chain()
        .provide_credentials()
        .await
        .unwrap_err();
    let tried = err.tried();
    let names: Vec<&str> = tried.iter().map(|t| t.split(':').next().unwrap()).collect();
    assert_eq!(
        names,
        [
            "environment",
            "oidc-role (environment)",
            "cli-profile",
            "credentials-file",
            "ecs-ram-role",
            "credentials-uri"
        ]
    );
    assert!(
        tried[0].contains(
            "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not"
        )
    );
    assert!(tried[1].contains("skipped: ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE not set"));
    assert!(
        tried[2].contains("config.json does not exist"),
        "{}",
        tried[2]
    );
    assert!(tried[3].contains("credentials.ini exists"), "{}", tried[3]);
    assert!(tried[4].contains("skipped: ALIBABA_CLOUD_ECS_METADATA_DISABLED=true"));
    assert!(tried[5].contains("ALIBABA_CLOUD_CREDENTIALS_URI is not set"));
}

#[tokio::test]
async fn the_source_that_answered_last_is_asked_first() {
    let home = TempHome::new();
    let (uri, _) = uri_server(200, uri_credentials("uri-id")).await;
    let env = env(&home, &[("ALIBABA_CLOUD_CREDENTIALS_URI", &uri.url())]);
    let chain = loader(env.clone()).credentials_chain();
    assert_eq!(key_of(&chain).await, "uri-id");
    // An earlier source appears; the chain keeps asking the one that answered.
    cli_file(&home);
    assert_eq!(key_of(&chain).await, "uri-id");
    assert_eq!(chain.last_source(), Some("credentials-uri"));
    // A new chain follows the official order again.
    assert_eq!(key_of(&loader(env).credentials_chain()).await, "cli-id");
}

#[tokio::test]
async fn when_the_source_that_answered_fails_the_identity_does_not_switch() {
    let home = TempHome::new();
    let mut short = uri_credentials("uri-id");
    short["Expiration"] = alibabacloud_runtime::time::format_timestamp(
        std::time::SystemTime::now() + Duration::from_secs(2),
    )
    .into();
    let (uri, _) = uri_server(200, short).await;
    let env = env(&home, &[("ALIBABA_CLOUD_CREDENTIALS_URI", &uri.url())]);
    let chain = loader(env)
        .refresh_before(Duration::from_millis(500))
        .credentials_chain();
    assert_eq!(key_of(&chain).await, "uri-id");
    // The URI stops answering and its credentials expire; a CLI profile appears. The chain
    // reports the URI's failure rather than handing out another identity.
    drop(uri);
    cli_file(&home);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let err = chain.provide_credentials().await.unwrap_err();
    assert!(
        err.to_string()
            .contains("the credentials-uri source, which gave the credentials so far, failed"),
        "{err}"
    );
    assert_eq!(err.tried().len(), 1);
    assert!(
        err.tried()[0].starts_with("credentials-uri: failed: credentials URI http://127.0.0.1:"),
        "{err}"
    );
    assert_eq!(chain.last_source(), Some("credentials-uri"));
}

#[tokio::test]
async fn region_explicit_then_variables_in_the_cli_order_then_profile() {
    let home = TempHome::new();
    cli_file(&home);
    let region = |vars: &[(&str, &str)]| loader(env(&home, vars)).resolve_region();
    assert_eq!(region(&[]).as_deref(), Some("cn-cli"));
    assert_eq!(region(&[("REGION", "r5")]).as_deref(), Some("r5"));
    assert_eq!(
        region(&[("REGION", "r5"), ("REGION_ID", "r4")]).as_deref(),
        Some("r4")
    );
    assert_eq!(
        region(&[("REGION_ID", "r4"), ("ALICLOUD_REGION_ID", "r3")]).as_deref(),
        Some("r3")
    );
    assert_eq!(
        region(&[
            ("ALICLOUD_REGION_ID", "r3"),
            ("ALIBABACLOUD_REGION_ID", "r2")
        ])
        .as_deref(),
        Some("r2")
    );
    assert_eq!(
        region(&[
            ("ALIBABACLOUD_REGION_ID", "r2"),
            ("ALIBABA_CLOUD_REGION_ID", "r1")
        ])
        .as_deref(),
        Some("r1")
    );
    let explicit = loader(env(&home, &[("ALIBABA_CLOUD_REGION_ID", "r1")]))
        .region("explicit")
        .resolve_region();
    assert_eq!(explicit.as_deref(), Some("explicit"));
    let shared = loader(env(&home, &[("ALIBABA_CLOUD_REGION_ID", "r1")]))
        .load()
        .await
        .unwrap();
    assert_eq!(shared.region(), Some("r1"));
    let none = TempHome::new();
    assert_eq!(loader(env(&none, &[])).resolve_region(), None);
}

#[tokio::test]
async fn load_builds_product_clients_that_keep_their_own_defaults() {
    let home = TempHome::new();
    cli_file(&home);
    let shared = loader(env(&home, &[]))
        .retry(alibabacloud_runtime::RetryConfig::disabled())
        .connect_timeout(Duration::from_secs(2))
        .load()
        .await
        .unwrap();
    assert_eq!(shared.region(), Some("cn-cli"));
    let cas = alibabacloud_cas::Client::from_shared(&shared).unwrap();
    let config = cas.runtime().config();
    assert_eq!(
        config.signature_version(),
        alibabacloud_cas::DEFAULT_SIGNATURE_VERSION
    );
    assert_eq!(config.region(), Some("cn-cli"));
    assert_eq!(config.connect_timeout(), Duration::from_secs(2));
    assert_eq!(
        config.retry(),
        alibabacloud_runtime::RetryConfig::disabled()
    );
    assert_eq!(
        cas.runtime().endpoint().authority(),
        "cas.cn-cli.aliyuncs.com"
    );
    // The shared provider is the chain, not the runtime's small default.
    let creds = config
        .shared()
        .credentials_provider()
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), "cli-id");
}

#[tokio::test]
async fn debug_output_never_shows_a_secret() {
    let home = TempHome::new();
    home.write(
        ".aliyun/config.json",
        &cli_config(
            "default",
            serde_json::json!([{"name": "default", "mode": "StsToken", "access_key_id": "id",
                "access_key_secret": "cli-s3cret", "sts_token": "cli-t0ken"}]),
        ),
    );
    let env = env(
        &home,
        &[
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-s3cret"),
            ("ALIBABA_CLOUD_SECURITY_TOKEN", "env-t0ken"),
        ],
    );
    let loader = loader(env);
    let chain = loader.credentials_chain();
    let creds = chain.provide_credentials().await.unwrap();
    let shared = loader.load().await.unwrap();
    let cas = alibabacloud_cas::Client::from_shared(&shared).unwrap();
    for dbg in [
        format!("{chain:?}"),
        format!("{creds:?}"),
        format!("{shared:?}"),
        format!("{cas:?}"),
    ] {
        for secret in ["cli-s3cret", "cli-t0ken", "env-s3cret", "env-t0ken"] {
            assert!(!dbg.contains(secret), "{secret} in {dbg}");
        }
    }
}
