//! What the metadata says travels where, through the real transport with both signature
//! schemes: form parameters in a signed `application/x-www-form-urlencoded` body, header
//! parameters as (signed, for `x-acs-*`) headers, anonymous operations without any credential
//! material, and one `ClientToken` per logical call. The loopback server recomputes every
//! signature; the emulator checks form bodies the way the service does.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::support::loopback::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, LoopbackServer, Received};
use alibabacloud_runtime::config::Config;
use alibabacloud_runtime::credentials::{CredentialsError, CredentialsFuture};
use alibabacloud_runtime::error::{ConstructionError, SdkErrorKind};
use alibabacloud_runtime::{
    Auth, CallOptions, Client, Credentials, ErrorMetadata, Operation, OperationError, Params,
    ProvideCredentials, RetryConfig, SignatureVersion,
};

const SCHEMES: [SignatureVersion; 2] = [SignatureVersion::V1, SignatureVersion::V3];

#[derive(Debug)]
struct AnyError(ErrorMetadata);
impl std::fmt::Display for AnyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
impl std::error::Error for AnyError {}
impl OperationError for AnyError {
    fn from_metadata(metadata: ErrorMetadata) -> Self {
        Self(metadata)
    }
    fn metadata(&self) -> &ErrorMetadata {
        &self.0
    }
}

const SERVICE: alibabacloud_runtime::ServiceInfo = alibabacloud_runtime::ServiceInfo {
    product: "sts",
    version: "2015-04-01",
    sdk_name: "wire-tests",
    sdk_version: "0",
    endpoints: alibabacloud_runtime::EndpointRules {
        default_host: "sts.aliyuncs.com",
        default_host_regions: &[],
        regional_hosts: &[],
        fallback_template: "sts.{region}.aliyuncs.com",
    },
};

/// One query parameter, and form parameters with spaces, `+`, reserved characters, non-ASCII,
/// a list and a JSON string.
struct FormOperation;
impl Operation for FormOperation {
    const ACTION: &'static str = "FormOperation";
    const IDEMPOTENT: bool = true;
    type Output = serde_json::Value;
    type Error = AnyError;
    fn write_params(&self, out: &mut Params) -> Result<(), ConstructionError> {
        out.write("RegionId", "cn-hangzhou");
        Ok(())
    }
    fn write_form(&self, out: &mut Params) -> Result<(), ConstructionError> {
        out.write("RoleArn", "acs:ram::123:role/a b");
        out.write("Reserved", "* ~ + / % = & ? #");
        out.write("NonAscii", "证书 é😀");
        out.write("Names", &vec!["x", "y z"]);
        out.push_json("Policy", Some(&serde_json::json!({"Statement": ["a+b c"]})))?;
        Ok(())
    }
}

fn form_expected() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = [
        ("Names.1", "x"),
        ("Names.2", "y z"),
        ("NonAscii", "证书 é😀"),
        ("Policy", r#"{"Statement":["a+b c"]}"#),
        ("Reserved", "* ~ + / % = & ? #"),
        ("RoleArn", "acs:ram::123:role/a b"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    v.sort();
    v
}

/// Header parameters: one the V3 scheme must sign, one it leaves unsigned.
struct HeaderOperation {
    trace: &'static str,
}
impl Operation for HeaderOperation {
    const ACTION: &'static str = "HeaderOperation";
    const IDEMPOTENT: bool = true;
    type Output = serde_json::Value;
    type Error = AnyError;
    fn write_params(&self, out: &mut Params) -> Result<(), ConstructionError> {
        out.write("Id", "1");
        Ok(())
    }
    fn write_headers(&self, out: &mut Params) -> Result<(), ConstructionError> {
        out.write("x-acs-wire-trace", self.trace);
        out.write("X-Wire-Flag", "on");
        Ok(())
    }
}

/// An unsigned operation (metadata security `Anonymous`/`ARS_OIDC`), with a form parameter.
struct AnonymousOperation;
impl Operation for AnonymousOperation {
    const ACTION: &'static str = "AssumeRoleWithOIDC";
    const IDEMPOTENT: bool = false;
    const AUTH: Auth = Auth::Anonymous;
    type Output = serde_json::Value;
    type Error = AnyError;
    fn write_params(&self, out: &mut Params) -> Result<(), ConstructionError> {
        out.write("RoleArn", "acs:ram::123:role/r");
        Ok(())
    }
    fn write_form(&self, out: &mut Params) -> Result<(), ConstructionError> {
        out.write("OIDCToken", "eyJ.token+/=");
        Ok(())
    }
}

/// A create whose `ClientToken`, when unset, is filled once per logical call.
struct CreateOperation {
    client_token: Option<String>,
}
impl Operation for CreateOperation {
    const ACTION: &'static str = "CreateThing";
    const IDEMPOTENT: bool = true;
    type Output = serde_json::Value;
    type Error = AnyError;
    fn write_params(&self, out: &mut Params) -> Result<(), ConstructionError> {
        let token = self
            .client_token
            .clone()
            .unwrap_or_else(alibabacloud_runtime::idempotency_token);
        out.write("ClientToken", &token);
        Ok(())
    }
}

/// Counts calls and never has credentials.
#[derive(Debug, Default)]
struct CountingProvider(AtomicUsize);
impl ProvideCredentials for CountingProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Err(CredentialsError::new("no credentials here")) })
    }
    fn name(&self) -> &'static str {
        "counting"
    }
}

fn client(server: &LoopbackServer, version: SignatureVersion, token: Option<&str>) -> Client {
    let creds = match token {
        Some(t) => Credentials::with_security_token(ACCESS_KEY_ID, ACCESS_KEY_SECRET, t),
        None => Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET),
    };
    let config: Config = Config::builder()
        .endpoint(server.endpoint())
        .credentials(creds)
        .signature_version(version)
        .retry(RetryConfig::disabled())
        .build()
        .expect("config");
    Client::new(SERVICE, config).expect("client")
}

fn header<'a>(r: &'a Received, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn signed_headers(r: &Received) -> Vec<String> {
    header(r, "authorization")
        .and_then(|a| a.split("SignedHeaders=").nth(1))
        .and_then(|rest| rest.split(',').next())
        .map(|list| list.split(';').map(str::to_string).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn form_parameters_travel_in_a_signed_body() {
    for version in SCHEMES {
        for token in [None, Some("sts-token+/=")] {
            let server = LoopbackServer::start().await;
            server.respond(200, r#"{"RequestId":"FORM-OK"}"#);
            let out = client(&server, version, token)
                .invoke(&FormOperation, &CallOptions::new())
                .await
                .expect("accepted");
            assert_eq!(out["RequestId"], "FORM-OK");
            let got = server.received();
            assert_eq!(got.len(), 1);
            let r = &got[0];
            assert!(r.signature_ok, "{version:?} token={token:?}");
            assert_eq!(r.scheme, format!("{version:?}"));
            assert_eq!(r.form, form_expected(), "{version:?}: the body");
            assert_eq!(
                r.params,
                vec![("RegionId".to_string(), "cn-hangzhou".to_string())],
                "{version:?}: form parameters stay out of the query"
            );
            assert_eq!(
                header(r, "content-type"),
                Some("application/x-www-form-urlencoded")
            );
            assert_eq!(r.security_token.as_deref(), token);
            if version == SignatureVersion::V3 {
                assert!(signed_headers(r).contains(&"content-type".to_string()));
            }
            server.stop().await;
        }
    }
}

#[tokio::test]
async fn header_parameters_travel_as_headers() {
    for version in SCHEMES {
        let server = LoopbackServer::start().await;
        client(&server, version, None)
            .invoke(&HeaderOperation { trace: "trace 1/2" }, &CallOptions::new())
            .await
            .expect("accepted");
        let got = server.received();
        let r = &got[0];
        assert!(r.signature_ok, "{version:?}");
        assert_eq!(header(r, "x-acs-wire-trace"), Some("trace 1/2"));
        assert_eq!(header(r, "x-wire-flag"), Some("on"));
        assert_eq!(
            r.params,
            vec![("Id".to_string(), "1".to_string())],
            "{version:?}: header parameters stay out of the query"
        );
        assert!(r.form.is_empty());
        assert_eq!(header(r, "content-type"), None, "no body, no content type");
        if version == SignatureVersion::V3 {
            let signed = signed_headers(r);
            assert!(
                signed.contains(&"x-acs-wire-trace".to_string()),
                "{signed:?}"
            );
            assert!(!signed.contains(&"x-wire-flag".to_string()), "{signed:?}");
        }
        server.stop().await;
    }
}

#[tokio::test]
async fn a_header_value_that_cannot_be_sent_is_a_construction_error() {
    for version in SCHEMES {
        let server = LoopbackServer::start().await;
        let err = client(&server, version, None)
            .invoke(
                &HeaderOperation {
                    trace: "secret\r\nInjected: 1",
                },
                &CallOptions::new(),
            )
            .await
            .expect_err("refused");
        assert!(
            matches!(err.kind(), SdkErrorKind::Construction(_)),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(text.contains("`x-acs-wire-trace`"), "{text}");
        assert!(!text.contains("secret"), "never the value: {text}");
        assert_eq!(err.attempts(), 0);
        assert!(server.received().is_empty(), "nothing was sent");
        server.stop().await;
    }
}

#[tokio::test]
async fn anonymous_operations_carry_no_credentials_and_need_none() {
    for version in SCHEMES {
        let server = LoopbackServer::start().await;
        server.allow_anonymous("AssumeRoleWithOIDC");
        server.respond(200, r#"{"RequestId":"ANON-1"}"#);
        server.respond(200, r#"{"RequestId":"ANON-2"}"#);

        // A client with no credentials configured at all.
        let bare = Config::builder()
            .endpoint(server.endpoint())
            .signature_version(version)
            .retry(RetryConfig::disabled())
            .build()
            .expect("config");
        let out = Client::new(SERVICE, bare)
            .expect("client")
            .invoke(&AnonymousOperation, &CallOptions::new())
            .await
            .expect("an anonymous call needs no credentials");
        assert_eq!(out["RequestId"], "ANON-1");

        // A provider that would fail is never asked.
        let provider = Arc::new(CountingProvider::default());
        let counting = Config::builder()
            .endpoint(server.endpoint())
            .credentials_provider(SharedProvider(provider.clone()))
            .signature_version(version)
            .retry(RetryConfig::disabled())
            .build()
            .expect("config");
        let out = Client::new(SERVICE, counting)
            .expect("client")
            .invoke(&AnonymousOperation, &CallOptions::new())
            .await
            .expect("accepted");
        assert_eq!(out["RequestId"], "ANON-2");
        assert_eq!(provider.0.load(Ordering::SeqCst), 0, "no credentials call");

        let got = server.received();
        assert_eq!(got.len(), 2);
        for r in &got {
            assert!(r.anonymous, "{version:?}: {r:?}");
            assert_eq!(r.scheme, format!("{version:?}"));
            assert_eq!(r.action, "AssumeRoleWithOIDC");
            assert!(!r.nonce.is_empty(), "a nonce is still sent");
            assert_eq!(r.security_token, None);
            assert_eq!(
                r.params,
                vec![("RoleArn".to_string(), "acs:ram::123:role/r".to_string())]
            );
            assert_eq!(
                r.form,
                vec![("OIDCToken".to_string(), "eyJ.token+/=".to_string())]
            );
            assert_eq!(header(r, "authorization"), None);
            if version == SignatureVersion::V3 {
                for h in [
                    "x-acs-action",
                    "x-acs-version",
                    "x-acs-date",
                    "x-acs-signature-nonce",
                ] {
                    assert!(header(r, h).is_some(), "V3 keeps {h}");
                }
                assert_eq!(
                    header(r, "x-acs-content-sha256"),
                    Some(
                        alibabacloud_runtime::signing::v3::sha256_hex(
                            b"OIDCToken=eyJ.token%2B%2F%3D"
                        )
                        .as_str()
                    ),
                    "the body hash is still sent"
                );
            }
        }
        server.stop().await;
    }
}

/// Lets the test keep a handle on the provider it gives the client.
#[derive(Debug)]
struct SharedProvider(Arc<CountingProvider>);
impl ProvideCredentials for SharedProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        self.0.provide_credentials()
    }
    fn name(&self) -> &'static str {
        self.0.name()
    }
}

#[tokio::test]
async fn a_signed_operation_still_needs_credentials() {
    let server = LoopbackServer::start().await;
    let provider = Arc::new(CountingProvider::default());
    let config = Config::builder()
        .endpoint(server.endpoint())
        .credentials_provider(SharedProvider(provider.clone()))
        .retry(RetryConfig::disabled())
        .build()
        .expect("config");
    let err = Client::new(SERVICE, config)
        .expect("client")
        .invoke(&FormOperation, &CallOptions::new())
        .await
        .expect_err("no credentials");
    assert!(
        matches!(err.kind(), SdkErrorKind::Credentials(_)),
        "{err:?}"
    );
    assert_eq!(provider.0.load(Ordering::SeqCst), 1);
    assert!(server.received().is_empty());
    server.stop().await;
}

#[tokio::test]
async fn retries_resend_the_same_body_and_client_token_with_a_fresh_signature() {
    for version in SCHEMES {
        let server = LoopbackServer::start().await;
        let throttled = r#"{"RequestId":"T","Code":"Throttling","Message":"slow down"}"#;
        server.respond(400, throttled);
        server.respond(200, r#"{"RequestId":"OK"}"#);
        let config = Config::builder()
            .endpoint(server.endpoint())
            .credentials(Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
            .signature_version(version)
            .retry(
                RetryConfig::standard().with_initial_backoff(std::time::Duration::from_millis(1)),
            )
            .build()
            .expect("config");
        let client = Client::new(SERVICE, config).expect("client");
        client
            .invoke(&FormOperation, &CallOptions::new())
            .await
            .expect("second attempt succeeds");
        let got = server.received();
        assert_eq!(got.len(), 2, "{version:?}");
        assert!(got.iter().all(|r| r.signature_ok));
        assert_eq!(got[0].form, got[1].form);
        assert_ne!(got[0].nonce, got[1].nonce, "a fresh nonce per attempt");

        server.respond(400, throttled);
        client
            .invoke(&CreateOperation { client_token: None }, &CallOptions::new())
            .await
            .expect("second attempt succeeds");
        let got = server.received();
        assert_eq!(got.len(), 4);
        let token = |r: &Received| {
            r.params
                .iter()
                .find(|(k, _)| k == "ClientToken")
                .map(|(_, v)| v.clone())
                .expect("ClientToken sent")
        };
        assert_eq!(token(&got[2]), token(&got[3]), "one token per logical call");
        assert_eq!(token(&got[2]).len(), 36);

        client
            .invoke(&CreateOperation { client_token: None }, &CallOptions::new())
            .await
            .expect("accepted");
        let got = server.received();
        assert_ne!(token(&got[4]), token(&got[3]), "a new call, a new token");
        server.stop().await;
    }
}

const CAS: alibabacloud_runtime::ServiceInfo = alibabacloud_runtime::ServiceInfo {
    product: "cas",
    version: "2020-04-07",
    sdk_name: "wire-tests",
    sdk_version: "0",
    endpoints: alibabacloud_runtime::EndpointRules {
        default_host: "cas.aliyuncs.com",
        default_host_regions: &[],
        regional_hosts: &[],
        fallback_template: "cas.{region}.aliyuncs.com",
    },
};

/// `CreateCertificateRequest` with every parameter in the form body.
struct FormCreate;
impl Operation for FormCreate {
    const ACTION: &'static str = "CreateCertificateRequest";
    const IDEMPOTENT: bool = false;
    type Output = serde_json::Value;
    type Error = AnyError;
    fn write_params(&self, _out: &mut Params) -> Result<(), ConstructionError> {
        Ok(())
    }
    fn write_form(&self, out: &mut Params) -> Result<(), ConstructionError> {
        out.write("Domain", "form.example.com");
        out.write("Email", "admin+form@example.com");
        out.write("Phone", "13800000000");
        out.write("Username", "Form Admin");
        out.write("ValidateType", "DNS");
        Ok(())
    }
}

/// `DescribeCertificateState` with `OrderId` in the form body.
struct FormDescribe(i64);
impl Operation for FormDescribe {
    const ACTION: &'static str = "DescribeCertificateState";
    const IDEMPOTENT: bool = true;
    type Output = serde_json::Value;
    type Error = AnyError;
    fn write_params(&self, _out: &mut Params) -> Result<(), ConstructionError> {
        Ok(())
    }
    fn write_form(&self, out: &mut Params) -> Result<(), ConstructionError> {
        out.write("OrderId", &self.0);
        Ok(())
    }
}

#[tokio::test]
async fn the_emulator_verifies_and_reads_form_bodies_from_the_client() {
    use alibabacloud_cas_emulator::{
        DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, EmulatorConfig,
    };
    for version in SCHEMES {
        let emu = crate::support::emulator::start(EmulatorConfig::default()).await;
        let config = Config::builder()
            .endpoint(emu.endpoint())
            .credentials(Credentials::new(
                DEFAULT_ACCESS_KEY_ID,
                DEFAULT_ACCESS_KEY_SECRET,
            ))
            .signature_version(version)
            .retry(RetryConfig::disabled())
            .build()
            .expect("config");
        let client = Client::new(CAS, config).expect("client");
        let created = client
            .invoke(&FormCreate, &CallOptions::new())
            .await
            .expect("the form create verifies and runs");
        let order_id = created["OrderId"].as_i64().expect("an order id");
        let state = client
            .invoke(&FormDescribe(order_id), &CallOptions::new())
            .await
            .expect("the form describe verifies and runs");
        assert_eq!(state["Type"], "domain_verify", "{version:?}: {state}");
        assert_eq!(state["Domain"], "form.example.com", "{version:?}: {state}");
        let err = client
            .invoke(&FormDescribe(order_id + 1000), &CallOptions::new())
            .await
            .expect_err("no such order");
        assert_eq!(
            err.code(),
            Some("NotFoundOrder"),
            "{version:?}: the form OrderId was read"
        );
        emu.shutdown().await;
    }
}
