//! The attempt pipeline's pluggable parts: interceptors (before signing, after signing, after
//! the response), a custom transport (the in-process emulator, no socket) and the retry
//! classifier, against the cas emulator that verifies every signature.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use alibabacloud_cas::runtime::interceptor::{Interceptor, InterceptorError, UnsignedRequest};
use alibabacloud_cas::runtime::retry::{ClassifyRetry, FailureClass};
use alibabacloud_cas::runtime::transport::{HeaderValue, HttpRequest, HttpResponse};
use alibabacloud_cas::{Client, Credentials, RetryConfig, SignatureVersion};
use alibabacloud_cas_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, EmulatorConfig, Fault, FaultRule,
    InProcessEmulator,
};

const SCHEMES: [SignatureVersion; 2] = [SignatureVersion::V1, SignatureVersion::V3];

/// Adds a header and a query parameter before signing; records what went out and came back.
#[derive(Debug, Default)]
struct Recorder {
    sent: Mutex<Vec<HttpRequest>>,
    statuses: Mutex<Vec<u16>>,
}

#[derive(Debug, Clone, Default)]
struct Shared(Arc<Recorder>);

impl Interceptor for Shared {
    fn before_signing(&self, request: &mut UnsignedRequest<'_>) -> Result<(), InterceptorError> {
        request.insert_header("x-acs-app-trace", "trace-1234")?;
        request
            .params_mut()
            .push("ResourceGroupId", "rg-from-interceptor");
        Ok(())
    }

    fn after_signing(&self, request: &mut HttpRequest) -> Result<(), InterceptorError> {
        self.0
            .sent
            .lock()
            .map_err(|_| "poisoned")?
            .push(request.clone());
        Ok(())
    }

    fn after_response(&self, response: &mut HttpResponse) {
        if let Ok(mut statuses) = self.0.statuses.lock() {
            statuses.push(response.status);
        }
    }
}

/// Changes a signed header after signing: the service must reject the request.
#[derive(Debug)]
struct Tamper;

impl Interceptor for Tamper {
    fn after_signing(&self, request: &mut HttpRequest) -> Result<(), InterceptorError> {
        request
            .headers
            .insert("x-acs-app-trace", HeaderValue::from_static("changed"));
        // Under V1 the signed parameters are in the query.
        let query = request
            .url
            .query()
            .unwrap_or_default()
            .replace("rg-from-interceptor", "rg-changed");
        request.url.set_query(Some(&query));
        Ok(())
    }
}

async fn emulator() -> Emulator {
    Emulator::start(
        EmulatorConfig::default(),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await
    .expect("emulator starts")
}

fn builder(endpoint: &str, version: SignatureVersion) -> alibabacloud_cas::ConfigBuilder {
    Client::config()
        .endpoint(endpoint)
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        ))
        .signature_version(version)
}

#[tokio::test]
async fn interceptor_changes_before_signing_are_signed_and_verified() {
    let emu = emulator().await;
    for version in SCHEMES {
        let recorder = Shared::default();
        let config = builder(&emu.endpoint(), version)
            .interceptor(recorder.clone())
            .build()
            .expect("config");
        let client = Client::new(config).expect("client");
        let page = client
            .list_user_certificate_order()
            .send()
            .await
            .unwrap_or_else(|e| panic!("{version:?}: the changed request verifies: {e}"));
        assert!(page.request_id.is_some());
        let sent = recorder.0.sent.lock().expect("lock");
        let request = sent.first().expect("after_signing saw the request");
        assert_eq!(
            request.headers.get("x-acs-app-trace").map(|v| v.as_bytes()),
            Some(&b"trace-1234"[..])
        );
        assert!(
            request
                .query()
                .contains("ResourceGroupId=rg-from-interceptor")
        );
        if version == SignatureVersion::V3 {
            let authorization = request
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .expect("authorization");
            assert!(
                authorization.contains("x-acs-app-trace"),
                "the added header is among the signed headers"
            );
        }
        assert_eq!(*recorder.0.statuses.lock().expect("lock"), vec![200]);
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn a_signed_part_changed_after_signing_is_rejected() {
    let emu = emulator().await;
    for version in SCHEMES {
        let config = builder(&emu.endpoint(), version)
            .interceptor(Shared::default())
            .interceptor(Tamper)
            .retry(RetryConfig::disabled())
            .build()
            .expect("config");
        let client = Client::new(config).expect("client");
        let err = client
            .list_user_certificate_order()
            .send()
            .await
            .expect_err("tampered request");
        assert_eq!(err.code(), Some("SignatureDoesNotMatch"), "{version:?}");
    }
    emu.shutdown().await;
}

#[derive(Debug)]
struct Refuse;

impl Interceptor for Refuse {
    fn before_signing(&self, _: &mut UnsignedRequest<'_>) -> Result<(), InterceptorError> {
        Err("policy forbids this call".into())
    }
}

#[tokio::test]
async fn an_interceptor_error_stops_the_call_before_sending() {
    let emu = InProcessEmulator::new(EmulatorConfig::default());
    let config = builder(emu.endpoint(), SignatureVersion::V3)
        .transport(emu.clone())
        .interceptor(Refuse)
        .build()
        .expect("config");
    let client = Client::new(config).expect("client");
    let err = client
        .list_user_certificate_order()
        .send()
        .await
        .expect_err("refused");
    assert!(
        err.to_string().contains("policy forbids this call"),
        "{err}"
    );
    assert_eq!(err.attempts(), 0);
    assert_eq!(emu.handle().authenticated_requests(), 0);
}

#[tokio::test]
async fn the_in_process_emulator_serves_a_client_without_a_socket() {
    let emu = InProcessEmulator::new(EmulatorConfig::default());
    for version in SCHEMES {
        let config = builder(emu.endpoint(), version)
            .transport(emu.clone())
            .build()
            .expect("config");
        let client = Client::new(config).expect("client");
        let order_id = client
            .create_certificate_request()
            .domain("in-process.example.com")
            .email("admin@example.com")
            .phone("13800000000")
            .username("Admin")
            .validate_type("DNS")
            .send()
            .await
            .expect("create")
            .order_id
            .expect("order id");
        let state = client
            .describe_certificate_state()
            .order_id(order_id)
            .send()
            .await
            .expect("describe");
        assert_eq!(
            state.r#type.as_ref().map(|t| t.as_str()),
            Some("domain_verify")
        );
        assert!(emu.handle().order_state(order_id).is_some());
    }
    // A wrong secret is refused in process too: the signature is verified.
    let config = Client::config()
        .endpoint(emu.endpoint())
        .credentials(Credentials::new(DEFAULT_ACCESS_KEY_ID, "wrong"))
        .transport(emu.clone())
        .build()
        .expect("config");
    let err = Client::new(config)
        .expect("client")
        .list_user_certificate_order()
        .send()
        .await
        .expect_err("wrong secret");
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
}

#[tokio::test]
async fn faults_reach_the_client_through_the_in_process_transport() {
    let emu = InProcessEmulator::new(EmulatorConfig::default());
    emu.handle()
        .inject(FaultRule::next_n(1, Fault::CloseBeforeAnswer));
    let config = builder(emu.endpoint(), SignatureVersion::V3)
        .transport(emu.clone())
        .retry(RetryConfig::standard().with_max_attempts(2))
        .build()
        .expect("config");
    let client = Client::new(config).expect("client");
    // A read-only call is retried after the broken connection and then succeeds.
    client
        .list_user_certificate_order()
        .send()
        .await
        .expect("second attempt succeeds");
    assert_eq!(emu.handle().authenticated_requests(), 2);
}

/// Treats every service error as final.
#[derive(Debug)]
struct NeverRetry;

impl ClassifyRetry for NeverRetry {
    fn classify_service_error(&self, _: &str, _: u16) -> FailureClass {
        FailureClass::Permanent
    }
}

#[tokio::test]
async fn the_retry_classifier_decides_what_is_retried() {
    for (classifier, attempts) in [(false, 2), (true, 1)] {
        let emu = InProcessEmulator::new(EmulatorConfig::default());
        emu.handle().inject(FaultRule::next_n(
            1,
            Fault::Throttling {
                retry_after: Some(Duration::from_millis(1)),
            },
        ));
        let mut config = builder(emu.endpoint(), SignatureVersion::V3)
            .transport(emu.clone())
            .retry(RetryConfig::standard().with_max_attempts(2));
        if classifier {
            config = config.retry_classifier(NeverRetry);
        }
        let client = Client::new(config.build().expect("config")).expect("client");
        let result = client.list_user_certificate_order().send().await;
        assert_eq!(result.is_ok(), !classifier);
        assert_eq!(emu.handle().authenticated_requests(), attempts);
    }
}
