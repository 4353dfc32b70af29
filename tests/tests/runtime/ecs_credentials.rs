//! The ECS RAM-role provider against a fake metadata service on loopback (hardened mode: a
//! session token first), and the caching wrapper that refreshes before expiry.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use alibabacloud_cas::{Client, RetryConfig};
use alibabacloud_cas_emulator::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, EmulatorConfig};
use alibabacloud_runtime::ProvideCredentials;
use alibabacloud_runtime::credentials::{CachingProvider, EcsRamRoleProvider};
use alibabacloud_runtime::time::format_timestamp;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, put};

const TOKEN: &str = "session-token-123";

struct Metadata {
    endpoint: String,
    fetches: Arc<AtomicUsize>,
    stop: tokio::sync::oneshot::Sender<()>,
}

/// Serves one role, `my-role`, whose credentials expire `lifetime` from each fetch.
async fn metadata(lifetime: Duration, code: &'static str) -> Metadata {
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let authorized = |h: &HeaderMap| {
        h.get("x-aliyun-ecs-metadata-token")
            .is_some_and(|v| v == TOKEN)
    };
    let app = axum::Router::new()
        .route(
            "/latest/api/token",
            put(|h: HeaderMap| async move {
                match h.get("x-aliyun-ecs-metadata-token-ttl-seconds") {
                    Some(_) => (StatusCode::OK, TOKEN.to_string()),
                    None => (StatusCode::BAD_REQUEST, String::new()),
                }
            }),
        )
        .route(
            "/latest/meta-data/ram/security-credentials/",
            get(move |h: HeaderMap| async move {
                if authorized(&h) { (StatusCode::OK, "my-role\n".to_string()) } else { (StatusCode::UNAUTHORIZED, String::new()) }
            }),
        )
        .route(
            "/latest/meta-data/ram/security-credentials/my-role",
            get(move |h: HeaderMap| {
                let counter = counter.clone();
                async move {
                    if !authorized(&h) {
                        return (StatusCode::UNAUTHORIZED, String::new());
                    }
                    let n = counter.fetch_add(1, Ordering::SeqCst);
                    let expiration = format_timestamp(SystemTime::now() + lifetime);
                    let body = format!(
                        r#"{{"Code":"{code}","AccessKeyId":"{DEFAULT_ACCESS_KEY_ID}","AccessKeySecret":"{DEFAULT_ACCESS_KEY_SECRET}","SecurityToken":"sts-{n}","Expiration":"{expiration}","LastUpdated":"2026-01-01T00:00:00Z"}}"#
                    );
                    (StatusCode::OK, body)
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    Metadata {
        endpoint,
        fetches,
        stop,
    }
}

#[tokio::test]
async fn fetches_role_credentials_with_a_session_token() {
    let md = metadata(Duration::from_secs(3600), "Success").await;
    for role in [None, Some("my-role".to_string())] {
        let provider = EcsRamRoleProvider::new(role).with_endpoint(&md.endpoint);
        let creds = provider.provide_credentials().await.expect("credentials");
        assert_eq!(creds.access_key_id(), DEFAULT_ACCESS_KEY_ID);
        assert!(
            creds
                .security_token()
                .is_some_and(|t| t.expose().starts_with("sts-"))
        );
        let expiry = creds.expiry().expect("expiry parsed");
        assert!(expiry > SystemTime::now() + Duration::from_secs(3000));
    }
    assert_eq!(md.fetches.load(Ordering::SeqCst), 2);
    let _ = md.stop.send(());
}

#[tokio::test]
async fn caching_refreshes_only_near_expiry() {
    let md = metadata(Duration::from_secs(3600), "Success").await;
    let cached = CachingProvider::new(EcsRamRoleProvider::new(None).with_endpoint(&md.endpoint));
    let a = cached.provide_credentials().await.expect("first");
    let b = cached.provide_credentials().await.expect("second");
    assert_eq!(a, b);
    assert_eq!(md.fetches.load(Ordering::SeqCst), 1, "cached for the hour");
    let _ = md.stop.send(());

    // Credentials that expire within the refresh window are fetched again (with no minimum
    // interval between such refreshes: by default there is one, see `CachingProvider`).
    let md = metadata(Duration::from_secs(60), "Success").await;
    let cached = CachingProvider::new(EcsRamRoleProvider::new(None).with_endpoint(&md.endpoint))
        .with_min_refresh_interval(Duration::ZERO);
    let a = cached.provide_credentials().await.expect("first");
    let b = cached.provide_credentials().await.expect("second");
    assert_ne!(
        a.security_token().map(|t| t.expose().to_string()),
        b.security_token().map(|t| t.expose().to_string())
    );
    assert_eq!(md.fetches.load(Ordering::SeqCst), 2);
    let _ = md.stop.send(());
}

#[tokio::test]
async fn failures_are_credentials_errors_naming_the_endpoint() {
    let md = metadata(Duration::from_secs(3600), "Failed").await;
    let err = EcsRamRoleProvider::new(None)
        .with_endpoint(&md.endpoint)
        .provide_credentials()
        .await
        .expect_err("refused");
    assert!(
        err.to_string().contains(&md.endpoint) && err.to_string().contains("Failed"),
        "{err}"
    );
    let err = EcsRamRoleProvider::new(Some("other-role".into()))
        .with_endpoint(&md.endpoint)
        .provide_credentials()
        .await
        .expect_err("unknown role");
    assert!(err.to_string().contains("other-role"), "{err}");
    let _ = md.stop.send(());
    // Nothing listening: a bounded failure, not a hang.
    let err = EcsRamRoleProvider::new(None)
        .with_endpoint("http://127.0.0.1:1")
        .with_timeout(Duration::from_millis(500))
        .provide_credentials()
        .await
        .expect_err("nothing there");
    assert!(err.to_string().contains("no session token"), "{err}");
}

#[tokio::test]
async fn a_client_signs_with_role_credentials() {
    let md = metadata(Duration::from_secs(3600), "Success").await;
    let emu = crate::support::emulator::start(EmulatorConfig::default()).await;
    let client = Client::new(
        Client::config()
            .endpoint(emu.endpoint())
            .credentials_provider(CachingProvider::new(
                EcsRamRoleProvider::new(None).with_endpoint(&md.endpoint),
            ))
            .retry(RetryConfig::disabled())
            .build()
            .expect("config"),
    )
    .expect("client");
    for _ in 0..3 {
        client
            .list_user_certificate_order()
            .send()
            .await
            .expect("signed with the role's STS credentials");
    }
    assert_eq!(md.fetches.load(Ordering::SeqCst), 1);
    emu.shutdown().await;
    let _ = md.stop.send(());
}
