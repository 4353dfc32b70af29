//! The environment provider and the default chain. One test in its own process, because it
//! changes environment variables.

use alibabacloud_runtime::ProvideCredentials;
use alibabacloud_runtime::credentials::{
    ChainProvider, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN,
    EnvironmentProvider,
};

#[tokio::test]
async fn environment_variables_and_the_default_chain() {
    // SAFETY: this test binary runs this single test; no other thread reads the environment.
    unsafe {
        std::env::remove_var(ENV_ACCESS_KEY_ID);
        std::env::remove_var(ENV_ACCESS_KEY_SECRET);
        std::env::remove_var(ENV_SECURITY_TOKEN);
    }
    let err = ChainProvider::default_chain()
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(
        err.tried(),
        ["environment: ALIBABA_CLOUD_ACCESS_KEY_ID is not set"]
    );
    assert!(
        err.to_string()
            .contains("tried: environment: ALIBABA_CLOUD_ACCESS_KEY_ID is not set"),
        "{err}"
    );

    unsafe { std::env::set_var(ENV_ACCESS_KEY_ID, "env-id") };
    let err = EnvironmentProvider::new()
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set"),
        "{err}"
    );

    unsafe { std::env::set_var(ENV_ACCESS_KEY_SECRET, "env-secret") };
    let creds = ChainProvider::default_chain()
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.access_key_id(), "env-id");
    assert_eq!(creds.access_key_secret().expose(), "env-secret");
    assert!(creds.security_token().is_none());

    unsafe { std::env::set_var(ENV_SECURITY_TOKEN, "env-token") };
    let creds = EnvironmentProvider::new()
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(
        creds.security_token().map(|t| t.expose()),
        Some("env-token")
    );
    let shown = format!("{creds:?}");
    assert!(
        !shown.contains("env-secret") && !shown.contains("env-token"),
        "{shown}"
    );
}
