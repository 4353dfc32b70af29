//! The `alibabacloud-cas-emulator` binary: first stdout line, one signed request, clean stop.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use alibabacloud_runtime::signing::SignatureVersion;

const BIN: &str = env!("CARGO_BIN_EXE_alibabacloud-cas-emulator");

/// Waits at most `limit` for the child to exit.
fn wait_for(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[tokio::test]
async fn binary_serves_signed_requests_and_stops_on_ctrl_c() {
    let mut child = Command::new(BIN)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--access-key-id",
            "bin-id",
            "--access-key-secret",
            "bin-secret",
            "--quota",
            "1",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let addr: std::net::SocketAddr = first.trim().parse().unwrap_or_else(|_| {
        let _ = child.kill();
        panic!("first line is not an address: {first:?}")
    });
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    assert_ne!(addr.port(), 0);

    let client = common::Client {
        http: {
            alibabacloud_runtime::tls::install_default_crypto_provider();
            reqwest::Client::new()
        },
        host: addr.to_string(),
        scheme: SignatureVersion::V3,
        key_id: "bin-id".into(),
        secret: "bin-secret".into(),
        token: None,
    };
    let id = client.create("bin.example.com").await;
    assert!(id > 0);
    client
        .call(
            "CreateCertificateRequest",
            &[
                ("Domain", "bin2.example.com"),
                ("Email", "a@example.com"),
                ("Phone", "1"),
                ("Username", "u"),
                ("ValidateType", "DNS"),
            ],
        )
        .await
        .err(404, "NotRemainCount");

    #[cfg(unix)]
    {
        // Ctrl-C: SIGINT, then a clean exit with status 0.
        let sent = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        match wait_for(&mut child, Duration::from_secs(15)) {
            Some(status) => assert!(status.success(), "exit status {status:?}"),
            None => {
                let _ = child.kill();
                panic!("the emulator did not stop on SIGINT");
            }
        }
    }
    #[cfg(not(unix))]
    {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[test]
fn binary_rejects_bad_flags_with_exit_code_2() {
    for args in [
        &["--bogus"][..],
        &["--quota", "many"],
        &["--auto-review", "sometimes"],
    ] {
        let output = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty());
        assert!(!output.stderr.is_empty());
    }
    let output = Command::new(BIN).arg("--help").output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("--listen"));
}
