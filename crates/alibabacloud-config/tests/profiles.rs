//! Every CLI mode and credentials-file type, and every bad input: errors name the file and
//! the key or line, never a secret, never a panic.

mod support;

use std::time::Duration;

use alibabacloud_config::ExternalProcessProvider;
use alibabacloud_runtime::credentials::{Credentials, ProvideCredentials};
use support::{
    FakeMetadata, FakeSts, TempHome, cli_config, env, loader, uri_credentials, uri_server,
};

/// Credentials from a CLI config.json holding `profiles`, with `current` as given.
async fn from_cli(
    home: &TempHome,
    current: &str,
    profiles: serde_json::Value,
    sts: Option<&FakeSts>,
) -> Result<Credentials, String> {
    home.write(".aliyun/config.json", &cli_config(current, profiles));
    let mut l = loader(env(home, &[]));
    if let Some(sts) = sts {
        l = l.sts_endpoint(sts.url());
    }
    l.credentials_chain()
        .provide_credentials()
        .await
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn cli_ak_and_sts_token() {
    let home = TempHome::new();
    let profiles = serde_json::json!([
        {"name": "ak", "mode": "AK", "access_key_id": "ak-id", "access_key_secret": "ak-secret"},
        {"name": "sts", "mode": "StsToken", "access_key_id": "sts-id", "access_key_secret": "s", "sts_token": "tok"},
    ]);
    let c = from_cli(&home, "ak", profiles.clone(), None).await.unwrap();
    assert_eq!(c.access_key_id(), "ak-id");
    assert_eq!(c.access_key_secret().expose(), "ak-secret");
    assert!(c.security_token().is_none());
    let c = from_cli(&home, "sts", profiles, None).await.unwrap();
    assert_eq!(c.access_key_id(), "sts-id");
    assert_eq!(c.security_token().map(|t| t.expose()), Some("tok"));
}

#[tokio::test]
async fn cli_ram_role_arn_signs_assume_role_with_the_source_key() {
    let home = TempHome::new();
    let sts = FakeSts::start(&[("source-id", "source-secret")]).await;
    let profiles = serde_json::json!([{
        "name": "role", "mode": "RamRoleArn",
        "access_key_id": "source-id", "access_key_secret": "source-secret",
        "ram_role_arn": "acs:ram::1:role/admin", "ram_session_name": "my-session",
        "expired_seconds": 1800, "policy": "{\"Version\":\"1\"}", "external_id": "ext-1",
    }]);
    let c = from_cli(&home, "role", profiles, Some(&sts)).await.unwrap();
    assert_eq!(c.access_key_id(), "STS.assumed-1");
    assert_eq!(
        c.security_token().map(|t| t.expose()),
        Some("assumed-token-1")
    );
    assert!(c.expiry().is_some());
    let call = &sts.calls()[0];
    assert_eq!(call.action, "AssumeRole");
    assert_eq!(call.access_key_id.as_deref(), Some("source-id"));
    assert_eq!(call.params["RoleArn"], "acs:ram::1:role/admin");
    assert_eq!(call.params["RoleSessionName"], "my-session");
    assert_eq!(call.params["DurationSeconds"], "1800");
    assert_eq!(call.params["Policy"], "{\"Version\":\"1\"}");
    assert_eq!(call.params["ExternalId"], "ext-1");
}

#[tokio::test]
async fn a_wrong_source_key_is_refused_by_sts_and_reported_without_secrets() {
    let home = TempHome::new();
    let sts = FakeSts::start(&[("source-id", "the-real-secret")]).await;
    let profiles = serde_json::json!([{
        "name": "role", "mode": "RamRoleArn",
        "access_key_id": "source-id", "access_key_secret": "a-wrong-secret",
        "ram_role_arn": "acs:ram::1:role/admin",
    }]);
    let err = from_cli(&home, "role", profiles, Some(&sts))
        .await
        .unwrap_err();
    assert!(err.contains("SignatureDoesNotMatch"), "{err}");
    assert!(
        !err.contains("a-wrong-secret") && !err.contains("the-real-secret"),
        "{err}"
    );
    assert!(sts.calls().is_empty());
}

#[tokio::test]
async fn chainable_ram_role_arn_to_any_depth() {
    let home = TempHome::new();
    let sts = FakeSts::start(&[("root-id", "root-secret")]).await;
    let profiles = serde_json::json!([
        {"name": "root", "mode": "AK", "access_key_id": "root-id", "access_key_secret": "root-secret"},
        {"name": "hop1", "mode": "RamRoleArn", "access_key_id": "root-id", "access_key_secret": "root-secret", "ram_role_arn": "acs:ram::1:role/one"},
        {"name": "hop2", "mode": "ChainableRamRoleArn", "source_profile": "hop1", "ram_role_arn": "acs:ram::2:role/two"},
        {"name": "hop3", "mode": "ChainableRamRoleArn", "source_profile": "hop2", "ram_role_arn": "acs:ram::3:role/three"},
    ]);
    let c = from_cli(&home, "hop3", profiles, Some(&sts)).await.unwrap();
    assert_eq!(c.access_key_id(), "STS.assumed-3");
    let calls = sts.calls();
    let signers: Vec<_> = calls
        .iter()
        .map(|c| c.access_key_id.clone().unwrap())
        .collect();
    assert_eq!(signers, ["root-id", "STS.assumed-1", "STS.assumed-2"]);
    let tokens: Vec<_> = calls.iter().map(|c| c.security_token.clone()).collect();
    assert_eq!(
        tokens,
        [
            None,
            Some("assumed-token-1".to_string()),
            Some("assumed-token-2".to_string())
        ]
    );
    let roles: Vec<_> = calls.iter().map(|c| c.params["RoleArn"].clone()).collect();
    assert_eq!(
        roles,
        [
            "acs:ram::1:role/one",
            "acs:ram::2:role/two",
            "acs:ram::3:role/three"
        ]
    );
}

#[tokio::test]
async fn a_source_profile_cycle_is_an_error() {
    let home = TempHome::new();
    let profiles = serde_json::json!([
        {"name": "a", "mode": "ChainableRamRoleArn", "source_profile": "b", "ram_role_arn": "r"},
        {"name": "b", "mode": "ChainableRamRoleArn", "source_profile": "c", "ram_role_arn": "r"},
        {"name": "c", "mode": "ChainableRamRoleArn", "source_profile": "a", "ram_role_arn": "r"},
    ]);
    let err = from_cli(&home, "a", profiles, None).await.unwrap_err();
    assert!(err.contains("profile `a` is its own source"), "{err}");
    assert!(err.contains(".aliyun/config.json"), "{err}");
    let missing = serde_json::json!([
        {"name": "a", "mode": "ChainableRamRoleArn", "source_profile": "ghost", "ram_role_arn": "r"},
    ]);
    let err = from_cli(&home, "a", missing, None).await.unwrap_err();
    assert!(err.contains("no profile named `ghost`"), "{err}");
}

#[tokio::test]
async fn cli_ecs_ram_role_oidc_and_credentials_uri() {
    let home = TempHome::new();
    let meta = FakeMetadata::start("cli-role", true, true).await;
    home.write(
        ".aliyun/config.json",
        &cli_config(
            "ecs",
            serde_json::json!([{"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "cli-role"}]),
        ),
    );
    let chain = loader(env(
        &home,
        &[("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "false")],
    ))
    .ecs_metadata_endpoint(meta.url())
    .credentials_chain();
    assert_eq!(
        chain.provide_credentials().await.unwrap().access_key_id(),
        "STS.ecs-cli-role"
    );
    // EcsRamRole honours the disable variable too.
    let err = loader(env(&home, &[]))
        .credentials_chain()
        .provide_credentials()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("profile `ecs`: ALIBABA_CLOUD_ECS_METADATA_DISABLED=true"),
        "{err}"
    );

    let sts = FakeSts::start(&[]).await;
    sts.expect_oidc_token("cli-jwt");
    let token = home.write("oidc-token", "cli-jwt");
    let oidc = serde_json::json!([{
        "name": "oidc", "mode": "OIDC", "ram_role_arn": "acs:ram::1:role/pod",
        "oidc_provider_arn": "acs:ram::1:oidc-provider/ack", "oidc_token_file": token.to_str().unwrap(),
        "ram_session_name": "pod-session",
    }]);
    let c = from_cli(&home, "oidc", oidc, Some(&sts)).await.unwrap();
    assert_eq!(c.access_key_id(), "STS.assumed-1");
    assert_eq!(sts.calls()[0].params["RoleSessionName"], "pod-session");

    let (uri, _) = uri_server(200, uri_credentials("cli-uri-id")).await;
    let by_uri =
        serde_json::json!([{"name": "u", "mode": "CredentialsURI", "credentials_uri": uri.url()}]);
    let c = from_cli(&home, "u", by_uri, None).await.unwrap();
    assert_eq!(c.access_key_id(), "cli-uri-id");
}

#[cfg(unix)]
#[tokio::test]
async fn cli_external_runs_the_program_and_reads_its_json() {
    let home = TempHome::new();
    let script = home.write(
        "creds.sh",
        "#!/bin/sh\necho '{\"mode\":\"StsToken\",\"access_key_id\":\"ext-id\",\"access_key_secret\":\"ext-secret\",\"sts_token\":\"ext-token\",\"expiration\":\"2099-01-01T00:00:00Z\"}'\n",
    );
    let profiles = serde_json::json!([{
        "name": "ext", "mode": "External", "process_command": format!("sh {}", script.display()),
    }]);
    let c = from_cli(&home, "ext", profiles, None).await.unwrap();
    assert_eq!(c.access_key_id(), "ext-id");
    assert_eq!(c.security_token().map(|t| t.expose()), Some("ext-token"));

    let failing = home.write("fail.sh", "#!/bin/sh\necho 'login required' >&2\nexit 3\n");
    let profiles = serde_json::json!([{
        "name": "ext", "mode": "External", "process_command": format!("sh {}", failing.display()),
    }]);
    let err = from_cli(&home, "ext", profiles, None).await.unwrap_err();
    assert!(
        err.contains("external program `sh`") && err.contains("login required"),
        "{err}"
    );

    // A program that does not finish in time is stopped.
    let slow = ExternalProcessProvider::new("sleep 5").with_timeout(Duration::from_millis(200));
    let err = slow.provide_credentials().await.unwrap_err().to_string();
    assert!(err.contains("still running after 0.2 s"), "{err}");
}

#[tokio::test]
async fn unsupported_modes_and_missing_keys_name_the_file_profile_and_key() {
    let home = TempHome::new();
    let cases = [
        (
            serde_json::json!([{"name": "p", "mode": "CloudSSO"}]),
            "profile `p`: mode `CloudSSO` is not supported",
        ),
        (
            serde_json::json!([{"name": "p", "mode": "Magic"}]),
            "profile `p`: mode `Magic` is not supported",
        ),
        (
            serde_json::json!([{"name": "p"}]),
            "profile `p`: `mode` is missing",
        ),
        (
            serde_json::json!([{"name": "p", "mode": "AK", "access_key_id": "x"}]),
            "profile `p`: `access_key_secret` is missing",
        ),
        (
            serde_json::json!([{"name": "p", "mode": "StsToken", "access_key_id": "x", "access_key_secret": "y"}]),
            "`sts_token` is missing",
        ),
        (
            serde_json::json!([{"name": "p", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "y"}]),
            "`ram_role_arn` is missing",
        ),
        (
            serde_json::json!([{"name": "p", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "y", "ram_role_arn": "r", "expired_seconds": 600}]),
            "`expired_seconds` must be at least 900",
        ),
        (
            serde_json::json!([{"name": "p", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "y", "ram_role_arn": "r", "expired_seconds": "soon"}]),
            "`expired_seconds` must be a whole number of seconds",
        ),
        (
            serde_json::json!([{"name": "p", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "y", "ram_role_arn": "r", "enable_vpc": 3}]),
            "`enable_vpc` must be true or false",
        ),
        (
            serde_json::json!([{"name": "p", "mode": "OIDC", "ram_role_arn": "r", "oidc_provider_arn": "o"}]),
            "`oidc_token_file` is missing",
        ),
        (
            serde_json::json!([{"name": "p", "mode": "External"}]),
            "`process_command` is missing",
        ),
        (
            serde_json::json!([{"name": "p", "mode": "CredentialsURI"}]),
            "`credentials_uri` is missing",
        ),
        (
            serde_json::json!([{"name": "q", "mode": "AK"}]),
            "no profile named `p`",
        ),
    ];
    for (profiles, expected) in cases {
        let err = from_cli(&home, "p", profiles, None).await.unwrap_err();
        assert!(err.contains(expected), "expected {expected:?} in {err}");
        assert!(
            err.contains(&home.path(".aliyun/config.json").display().to_string()),
            "{err}"
        );
    }
}

#[tokio::test]
async fn wrong_types_and_bad_json_never_show_a_secret() {
    let home = TempHome::new();
    let profiles = serde_json::json!([{"name": "p", "mode": "AK", "access_key_id": "x", "access_key_secret": 987654321}]);
    let err = from_cli(&home, "p", profiles, None).await.unwrap_err();
    assert!(
        err.contains("`access_key_secret` must be a string"),
        "{err}"
    );
    assert!(!err.contains("987654321"), "{err}");

    for (text, expected) in [
        (
            "{\"current\": \"p\", \"profiles\": [ {\"name\": \"p\", \"access_key_secret\": \"hunter2\" ",
            "not valid JSON at line 1",
        ),
        ("[1, 2]", "the top level must be an object"),
        ("{\"profiles\": {}}", "`profiles` must be an array"),
        (
            "{\"profiles\": [{\"mode\": \"AK\"}]}",
            "`profiles[0]` has no `name`",
        ),
        ("{\"current\": 7}", "`current` must be a string"),
        ("{\"profiles\": []}", "no profile chosen"),
    ] {
        home.write(".aliyun/config.json", text);
        let err = loader(env(&home, &[]))
            .credentials_chain()
            .provide_credentials()
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "expected {expected:?} in {err}");
        assert!(!err.contains("hunter2"), "{err}");
    }
}

#[tokio::test]
async fn a_directory_or_unreadable_file_is_a_clear_error() {
    let home = TempHome::new();
    std::fs::create_dir_all(home.path(".aliyun/config.json")).unwrap();
    std::fs::create_dir_all(home.path(".alibabacloud/credentials")).unwrap();
    let err = loader(env(&home, &[]))
        .credentials_chain()
        .provide_credentials()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("config.json is a directory, not a file"),
        "{err}"
    );
    assert!(
        err.contains(".alibabacloud/credentials is a directory, not a file"),
        "{err}"
    );

    // Not UTF-8 counts as unreadable.
    let home = TempHome::new();
    std::fs::create_dir_all(home.path(".alibabacloud")).unwrap();
    std::fs::write(home.path(".alibabacloud/credentials"), [0xff, 0xfe, 0x00]).unwrap();
    let err = loader(env(&home, &[]))
        .credentials_chain()
        .provide_credentials()
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("credentials: not UTF-8 text"), "{err}");
}

/// Credentials from `~/.alibabacloud/credentials` holding `text`.
async fn from_ini(
    home: &TempHome,
    text: &str,
    sts: Option<&FakeSts>,
) -> Result<Credentials, String> {
    home.write(".alibabacloud/credentials", text);
    let mut l = loader(env(home, &[]));
    if let Some(sts) = sts {
        l = l.sts_endpoint(sts.url());
    }
    l.credentials_chain()
        .provide_credentials()
        .await
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn ini_types() {
    let home = TempHome::new();
    let c = from_ini(&home, "[default]\nenable = true\ntype = access_key\naccess_key_id = foo\naccess_key_secret = bar\n", None)
        .await
        .unwrap();
    assert_eq!(
        (c.access_key_id(), c.access_key_secret().expose()),
        ("foo", "bar")
    );

    let sts = FakeSts::start(&[("ini-src", "ini-src-secret")]).await;
    let c = from_ini(
        &home,
        "[default]\ntype = ram_role_arn\naccess_key_id = ini-src\naccess_key_secret = ini-src-secret\nrole_arn = acs:ram::1:role/ini\nrole_session_name = ini-session\npolicy = {}\n",
        Some(&sts),
    )
    .await
    .unwrap();
    assert_eq!(c.access_key_id(), "STS.assumed-1");
    let call = &sts.calls()[0];
    assert_eq!(call.access_key_id.as_deref(), Some("ini-src"));
    assert_eq!(call.params["RoleSessionName"], "ini-session");
    assert_eq!(call.params["DurationSeconds"], "3600");
    assert_eq!(call.params["Policy"], "{}");

    sts.expect_oidc_token("ini-jwt");
    let token = home.write("t", "ini-jwt");
    let c = from_ini(
        &home,
        &format!(
            "[default]\ntype = oidc_role_arn\nrole_arn = acs:ram::1:role/o\noidc_provider_arn = p\noidc_token_file_path = {}\n",
            token.display()
        ),
        Some(&sts),
    )
    .await
    .unwrap();
    assert_eq!(c.access_key_id(), "STS.assumed-2");
    assert_eq!(sts.calls()[1].action, "AssumeRoleWithOIDC");

    let meta = FakeMetadata::start("ini-role", true, true).await;
    home.write(
        ".alibabacloud/credentials",
        "[default]\ntype = ecs_ram_role\nrole_name = ini-role\n",
    );
    let c = loader(env(
        &home,
        &[("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "false")],
    ))
    .ecs_metadata_endpoint(meta.url())
    .credentials_chain()
    .provide_credentials()
    .await
    .unwrap();
    assert_eq!(c.access_key_id(), "STS.ecs-ini-role");
}

#[tokio::test]
async fn ini_errors_name_the_file_section_key_or_line() {
    let home = TempHome::new();
    let file = home.path(".alibabacloud/credentials").display().to_string();
    for (text, expected) in [
        (
            "[default]\ntype = sts\naccess_key_id = a\naccess_key_secret = b\nsecurity_token = t\n",
            "[default]: type `sts` is not supported",
        ),
        (
            "[default]\ntype = rsa_key_pair\n",
            "[default]: type `rsa_key_pair` is not supported",
        ),
        (
            "[default]\naccess_key_id = a\n",
            "[default]: `type` is missing",
        ),
        (
            "[default]\ntype = access_key\naccess_key_id = a\n",
            "[default]: `access_key_secret` is missing",
        ),
        (
            "[default]\ntype = ram_role_arn\naccess_key_id = a\naccess_key_secret = b\n",
            "[default]: `role_arn` is missing",
        ),
        (
            "[default]\ntype = oidc_role_arn\nrole_arn = r\noidc_provider_arn = p\n",
            "`oidc_token_file_path` is missing",
        ),
        (
            "[default]\nenable = maybe\ntype = access_key\n",
            "`enable` must be true or false",
        ),
        (
            "[default]\ntype = access_key\nsupersecretvalue\n",
            ":3: expected `key = value` or `[section]`",
        ),
    ] {
        let err = from_ini(&home, text, None).await.unwrap_err();
        assert!(err.contains(&file), "{err}");
        assert!(err.contains(expected), "expected {expected:?} in {err}");
        assert!(!err.contains("supersecretvalue"), "{err}");
    }
}
