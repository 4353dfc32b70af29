//! STS, the first product imported from the official metadata: its secrets are redacted, its
//! `Credentials` output type lives beside the runtime's `Credentials` without a clash, and its
//! OIDC and SAML operations need no credentials at all.

use crate::support::loopback::LoopbackServer;
use alibabacloud_sts::operation::assume_role::{AssumeRoleOutput, Credentials as StsCredentials};
use alibabacloud_sts::operation::assume_role_with_oidc::AssumeRoleWithOIDCInput;
use alibabacloud_sts::{Client, Credentials, RetryConfig, SignatureVersion};

const DEMO: &str = r#"{"RequestId":"6894B13B-6D71-4EF5-88FA-F32781734A7F","AssumedRoleUser":{"AssumedRoleId":"34458433936495****:alice","Arn":"acs:ram::123456789012****:role/alice"},"Credentials":{"SecurityToken":"token-that-must-not-print","Expiration":"2015-04-09T11:52:19Z","AccessKeySecret":"secret-that-must-not-print","AccessKeyId":"STS.L4aBSCSJVMuKg5U1****"}}"#;

#[test]
fn assumed_credentials_decode_and_their_secrets_never_print() {
    let out: AssumeRoleOutput = serde_json::from_str(DEMO).expect("decodes");
    let creds: &StsCredentials = out.credentials.as_ref().expect("credentials");
    assert_eq!(
        creds.access_key_secret.as_deref(),
        Some("secret-that-must-not-print")
    );
    let shown = format!("{out:?}");
    assert!(!shown.contains("secret-that-must-not-print"), "{shown}");
    assert!(!shown.contains("token-that-must-not-print"), "{shown}");
    assert!(
        shown.contains("STS.L4aBSCSJVMuKg5U1****"),
        "the key id is not a secret"
    );
    assert!(shown.contains("** redacted **"));
    // The runtime's `Credentials` (re-exported at the crate root) is another type.
    let runtime = Credentials::new("id", "secret");
    assert!(!format!("{runtime:?}").contains("secret\""));
}

#[tokio::test]
async fn oidc_role_assumption_goes_out_unsigned_from_a_client_without_credentials() {
    for signature in [SignatureVersion::V3, SignatureVersion::V1] {
        let server = LoopbackServer::start().await;
        server.allow_anonymous("AssumeRoleWithOIDC");
        server.respond(200, DEMO);
        // No credentials configured anywhere (the provider would fail if asked).
        let client = Client::new(
            Client::config()
                .endpoint(server.endpoint())
                .credentials_provider(NoCredentials)
                .signature_version(signature)
                .retry(RetryConfig::disabled())
                .build()
                .expect("config"),
        )
        .expect("client");
        let input: AssumeRoleWithOIDCInput = client
            .assume_role_with_oidc()
            .oidc_provider_arn("acs:ram::1:oidc-provider/p")
            .role_arn("acs:ram::1:role/r")
            .oidc_token("header.payload.signature")
            .role_session_name("s")
            .build();
        let debug = format!("{input:?}");
        assert!(!debug.contains("header.payload.signature"), "{debug}");
        let out = client
            .assume_role_with_oidc()
            .oidc_provider_arn("acs:ram::1:oidc-provider/p")
            .role_arn("acs:ram::1:role/r")
            .oidc_token("header.payload.signature")
            .role_session_name("s")
            .send()
            .await
            .expect("answered");
        assert!(out.credentials.is_some());
        let got = server.received();
        assert_eq!(got.len(), 1);
        assert!(got[0].anonymous, "{signature:?}: {:?}", got[0].headers);
        let sent: Vec<&str> = got[0]
            .params
            .iter()
            .chain(got[0].form.iter())
            .map(|(k, _)| k.as_str())
            .collect();
        assert!(sent.contains(&"OIDCToken"), "{sent:?}");
        server.stop().await;
    }
}

#[derive(Debug)]
struct NoCredentials;
impl alibabacloud_sts::runtime::ProvideCredentials for NoCredentials {
    fn provide_credentials(&self) -> alibabacloud_sts::runtime::credentials::CredentialsFuture<'_> {
        Box::pin(async {
            Err(
                alibabacloud_sts::runtime::credentials::CredentialsError::new(
                    "no credentials in this test",
                ),
            )
        })
    }
    fn name(&self) -> &'static str {
        "none"
    }
}
