//! The `alibabacloud-emulator` binary: the base URL on the first line, several products in one
//! process (routed by version, each in its own envelope), `--help`, and a clean stop.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_alibabacloud-emulator");

/// Waits at most `limit` for the child to exit.
fn wait_for(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// Kills the child when a test fails half-way.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn post(http: &reqwest::Client, url: &str, query: &str) -> (u16, serde_json::Value) {
    let response = http
        .post(format!("{url}/?{query}"))
        .send()
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    let body = response.bytes().await.expect("a body");
    (status, serde_json::from_slice(&body).expect("a JSON body"))
}

#[tokio::test]
async fn one_process_serves_the_chosen_products() {
    let child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--product", "ecs,sts"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut running = Running(child);
    let mut first = String::new();
    let stdout = running.0.stdout.take().expect("stdout");
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("a first line");
    let url = first.trim().to_string();
    let addr = url
        .strip_prefix("http://")
        .and_then(|a| a.parse::<std::net::SocketAddr>().ok())
        .unwrap_or_else(|| panic!("the first line is not http://ADDR: {first:?}"));
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    assert_ne!(addr.port(), 0);

    alibabacloud_runtime::tls::install_default_crypto_provider();
    let http = reqwest::Client::new();
    // STS: an anonymous operation answers without a signature.
    let (status, body) = post(
        &http,
        &url,
        "Action=AssumeRoleWithOIDC&Version=2015-04-01&RoleArn=acs%3Aram%3A%3A1%3Arole%2Fr\
         &RoleSessionName=pod&OIDCProviderArn=acs%3Aram%3A%3A1%3Aoidc-provider%2Fp&OIDCToken=t",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["Credentials"]["AccessKeyId"]
            .as_str()
            .is_some_and(|id| id.starts_with("STS.")),
        "{body}"
    );
    // ECS: routed by its version, in its own envelope; a signed operation needs a signature.
    let (status, body) = post(&http, &url, "Action=DescribeRegions&Version=2014-05-26").await;
    assert_eq!(
        (status, &body["Code"]),
        (400, &"IncompleteSignature".into())
    );
    assert_eq!(body["HostId"], "ecs.aliyuncs.com");
    // CAS is not served: its version is unknown here, which (as on the service) is told only
    // to a signed request; this one is refused for its missing signature first.
    let (status, body) = post(
        &http,
        &url,
        "Action=ListUserCertificateOrder&Version=2020-04-07",
    )
    .await;
    assert_eq!(
        (status, &body["Code"]),
        (400, &"IncompleteSignature".into()),
        "{body}"
    );

    #[cfg(unix)]
    {
        let sent = Command::new("kill")
            .args(["-INT", &running.0.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let status = wait_for(&mut running.0, Duration::from_secs(15));
        assert!(
            status.is_some_and(|s| s.success()),
            "no clean exit on SIGINT: {status:?}"
        );
    }
}

#[test]
fn help_documents_serving_several_products() {
    let output = Command::new(BIN).arg("--help").output().expect("runs");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "--product",
        "Serving several products",
        "--list-products",
        "http://127.0.0.1:PORT",
    ] {
        assert!(help.contains(needle), "{needle} missing from:\n{help}");
    }
    let output = Command::new(BIN)
        .arg("--list-products")
        .output()
        .expect("runs");
    assert!(output.status.success());
    let list = String::from_utf8_lossy(&output.stdout);
    for product in [
        "cas\t2020-04-07",
        "cs\t2015-12-15",
        "ecs\t2014-05-26",
        "sts\t2015-04-01",
    ] {
        assert!(
            list.lines().any(|l| l == product),
            "{product} missing from:\n{list}"
        );
    }
    let output = Command::new(BIN)
        .args(["--product", "nope"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}
