//! Assumed roles over time: one STS call for many concurrent callers across an expiry, the
//! old credential kept while a refresh fails, an already-expired answer refused; and an
//! end-to-end CAS call through a client configured by `load()` with a RamRoleArn profile; and
//! the RamRoleArn profile and the OIDC role against the multi-product emulator's own STS.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use alibabacloud_cas_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, EmulatorConfig,
};
use alibabacloud_runtime::credentials::ProvideCredentials;
use support::{FakeSts, Handout, TempHome, cli_config, env, loader};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn role_profile(home: &TempHome) {
    home.write(
        ".aliyun/config.json",
        &cli_config(
            "role",
            serde_json::json!([{
                "name": "role", "mode": "RamRoleArn", "region_id": "cn-hangzhou",
                "access_key_id": "source-id", "access_key_secret": "source-secret",
                "ram_role_arn": "acs:ram::1:role/app",
            }]),
        ),
    );
}

async fn many_callers(
    chain: &Arc<alibabacloud_config::DefaultCredentialsChain>,
    n: usize,
) -> Vec<String> {
    let calls = (0..n).map(|_| {
        let chain = chain.clone();
        tokio::spawn(async move {
            chain
                .provide_credentials()
                .await
                .map(|c| c.access_key_id().to_string())
        })
    });
    let mut keys = Vec::new();
    for call in futures_join(calls.collect()).await {
        keys.push(call.expect("task").expect("credentials"));
    }
    keys
}

async fn futures_join<T>(
    handles: Vec<tokio::task::JoinHandle<T>>,
) -> Vec<Result<T, tokio::task::JoinError>> {
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_across_an_expiry_cause_exactly_one_sts_call_each_time() {
    let home = TempHome::new();
    role_profile(&home);
    let sts = FakeSts::start(&[("source-id", "source-secret")]).await;
    // Slow answers, so the callers really wait on the same refresh.
    sts.set_delay(Duration::from_millis(200));
    sts.set_lifetime(Duration::from_secs(3));
    let chain = Arc::new(
        loader(env(&home, &[]))
            .sts_endpoint(sts.url())
            .refresh_before(Duration::from_secs(1))
            .credentials_chain(),
    );
    let keys = many_callers(&chain, 32).await;
    assert!(keys.iter().all(|k| k == "STS.assumed-1"), "{keys:?}");
    assert_eq!(sts.answered(), 1);
    // Past the expiry: 32 callers again, one more STS call, all get the new key.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let keys = many_callers(&chain, 32).await;
    assert!(keys.iter().all(|k| k == "STS.assumed-2"), "{keys:?}");
    assert_eq!(sts.answered(), 2);
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_still_valid_credential() {
    let home = TempHome::new();
    role_profile(&home);
    let sts = FakeSts::start(&[("source-id", "source-secret")]).await;
    // Due for refresh 2 s after arrival, valid for 30 s.
    sts.set_lifetime(Duration::from_secs(30));
    let chain = loader(env(&home, &[]))
        .sts_endpoint(sts.url())
        .refresh_before(Duration::from_secs(28))
        .credentials_chain();
    assert_eq!(
        chain.provide_credentials().await.unwrap().access_key_id(),
        "STS.assumed-1"
    );
    // STS now refuses the source key.
    sts.state.keys.lock().unwrap().clear();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let c = chain.provide_credentials().await.unwrap();
    assert_eq!(c.access_key_id(), "STS.assumed-1");
    assert_eq!(sts.requests(), 2, "the refresh was attempted");
    assert_eq!(sts.answered(), 1);
}

#[tokio::test]
async fn an_already_expired_answer_is_an_error_not_a_refetch_per_call() {
    let home = TempHome::new();
    role_profile(&home);
    let sts = FakeSts::start(&[("source-id", "source-secret")]).await;
    sts.set_lifetime(Duration::ZERO);
    let chain = loader(env(&home, &[]))
        .sts_endpoint(sts.url())
        .credentials_chain();
    for _ in 0..5 {
        let err = chain.provide_credentials().await.unwrap_err().to_string();
        assert!(err.contains("already expired"), "{err}");
    }
    // The cache backs off: STS was asked once, not five times.
    assert_eq!(sts.calls().len(), 1);
}

/// A loopback TCP proxy that records every byte the client sends.
/// A CAS client on the loaded shared config, sending to `endpoint`.
fn cas_client(
    shared: &alibabacloud_config::SharedConfig,
    endpoint: impl Into<String>,
) -> alibabacloud_cas::Client {
    alibabacloud_cas::Client::new(
        alibabacloud_cas::Client::config()
            .shared(shared)
            .endpoint(endpoint)
            .build()
            .unwrap(),
    )
    .unwrap()
}

async fn recording_proxy(target: std::net::SocketAddr) -> (String, Arc<Mutex<Vec<u8>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let Ok(mut server) = tokio::net::TcpStream::connect(target).await else {
                    return;
                };
                let (mut cr, mut cw) = client.split();
                let (mut sr, mut sw) = server.split();
                let upstream = async {
                    let mut buf = [0u8; 8192];
                    loop {
                        let n = match cr.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        record.lock().unwrap().extend_from_slice(&buf[..n]);
                        if sw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    let _ = sw.shutdown().await;
                };
                let downstream = tokio::io::copy(&mut sr, &mut cw);
                let _ = tokio::join!(upstream, downstream);
            });
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cas_call_through_load_with_a_ram_role_arn_profile() {
    let home = TempHome::new();
    role_profile(&home);
    let sts = FakeSts::start(&[("source-id", "source-secret")]).await;
    // The emulator knows the key STS hands out (it checks signatures, not tokens).
    sts.set_handout(Handout::Fixed(
        "STS.e2e-assumed".into(),
        "e2e-assumed-secret".into(),
        "e2e-session-token".into(),
    ));
    let emu = Emulator::start(
        EmulatorConfig {
            key_pairs: vec![
                (
                    DEFAULT_ACCESS_KEY_ID.into(),
                    DEFAULT_ACCESS_KEY_SECRET.into(),
                ),
                ("STS.e2e-assumed".into(), "e2e-assumed-secret".into()),
            ],
            ..EmulatorConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let (proxy, seen) = recording_proxy(emu.local_addr()).await;

    let shared = loader(env(&home, &[]))
        .sts_endpoint(sts.url())
        .load()
        .await
        .unwrap();
    assert_eq!(shared.region(), Some("cn-hangzhou"));
    let cas = cas_client(&shared, proxy);
    let out = cas.list_user_certificate_order().send().await;
    assert!(out.is_ok(), "{out:?}");
    // A second client from the same shared config reuses the cached role: one STS call.
    let cas2 = alibabacloud_cas::Client::new(
        alibabacloud_cas::Client::config()
            .shared(&shared)
            .endpoint(emu.endpoint())
            .build()
            .unwrap(),
    )
    .unwrap();
    cas2.list_user_certificate_order().send().await.unwrap();
    assert_eq!(sts.answered(), 1);
    assert_eq!(sts.calls()[0].access_key_id.as_deref(), Some("source-id"));
    assert_eq!(emu.authenticated_requests(), 2);

    let sent = String::from_utf8_lossy(&seen.lock().unwrap()).to_ascii_lowercase();
    assert!(
        sent.contains("credential=sts.e2e-assumed,"),
        "the emulator did not see the assumed key"
    );
    assert!(
        sent.contains("x-acs-security-token: e2e-session-token"),
        "the emulator did not see the token"
    );
    assert!(
        !sent.contains("source-id"),
        "the source key must not reach the product endpoint"
    );
    emu.shutdown().await;
}

/// The same chain against the multi-product emulator's own STS: the role is assumed there, and
/// CAS, served by the same process, verifies the assumed key, its token and its expiry.
#[tokio::test]
async fn a_ram_role_arn_profile_against_the_emulators_sts_is_verified_end_to_end() {
    let home = TempHome::new();
    role_profile(&home);
    let emu = alibabacloud_emulator::Emulator::start(
        alibabacloud_emulator::EmulatorConfig {
            products: vec!["sts".into(), "cas".into()],
            key_pairs: vec![("source-id".into(), "source-secret".into())],
            ..alibabacloud_emulator::EmulatorConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let shared = loader(env(&home, &[]))
        .sts_endpoint(emu.endpoint())
        .load()
        .await
        .unwrap();
    let cas = cas_client(&shared, emu.endpoint());
    cas.list_user_certificate_order().send().await.unwrap();
    assert_eq!(emu.sts_sessions(), 1, "one AssumeRole");
    let log: Vec<String> = emu.audit_log().into_iter().map(|e| e.action).collect();
    assert_eq!(log, ["AssumeRole", "ListUserCertificateOrder"]);
    // Once the emulator ends the session, the product refuses the cached credentials.
    emu.expire_sts_sessions();
    let err = cas
        .list_user_certificate_order()
        .send()
        .await
        .expect_err("expired credentials");
    assert_eq!(err.code(), Some("InvalidSecurityToken.Expired"));
    emu.shutdown().await;
}

/// The OIDC role of the environment (as in an ACK pod with RRSA) against the emulator's
/// anonymous `AssumeRoleWithOIDC`; CAS in the same process verifies what it handed out.
#[tokio::test]
async fn an_oidc_role_against_the_emulators_sts_is_verified_end_to_end() {
    let home = TempHome::new();
    let token = home.write("token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb2QifQ.c2ln\n");
    let emu = alibabacloud_emulator::Emulator::start(
        alibabacloud_emulator::EmulatorConfig {
            products: vec!["sts".into(), "cas".into()],
            // No long-term key at all: the pod has only its OIDC token.
            key_pairs: Vec::new(),
            ..alibabacloud_emulator::EmulatorConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let env = env(
        &home,
        &[
            ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/k8s"),
            (
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                "acs:ram::1:oidc-provider/ack",
            ),
            ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", token.to_str().unwrap()),
            ("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou"),
        ],
    );
    let shared = loader(env)
        .sts_endpoint(emu.endpoint())
        .load()
        .await
        .unwrap();
    let cas = cas_client(&shared, emu.endpoint());
    cas.list_user_certificate_order().send().await.unwrap();
    assert_eq!(emu.sts_sessions(), 1);
    assert_eq!(
        emu.authenticated_requests(),
        1,
        "AssumeRoleWithOIDC is unsigned"
    );
    let log: Vec<String> = emu.audit_log().into_iter().map(|e| e.action).collect();
    assert_eq!(log, ["AssumeRoleWithOIDC", "ListUserCertificateOrder"]);
    emu.shutdown().await;
}
