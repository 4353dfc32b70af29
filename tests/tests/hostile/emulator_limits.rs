//! Finding 9: the emulator's own limits. `TagResources` took any number and length of tags
//! (767 MB of RSS in 4 requests); 2,000 half-open connections stayed open; the audit log and
//! nonce store grew without bound; `2024-02-31` was accepted; 414 and 431 came back bare.

use std::time::Duration;

use alibabacloud_cas::operation::tag_resources::TagResourcesTagItem;
use alibabacloud_cas::{Client, Credentials, SignatureVersion};
use alibabacloud_cas_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, EmulatorConfig,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::memory::{alone, measure, mib};
use crate::support::BOTH;

async fn emulator(tune: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    let mut config = EmulatorConfig {
        quota: Some(100),
        ..EmulatorConfig::default()
    };
    tune(&mut config);
    Emulator::start(config, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("emulator")
}

fn client(emu: &Emulator, version: SignatureVersion) -> Client {
    Client::new(
        Client::config()
            .endpoint(emu.endpoint())
            .credentials(Credentials::new(
                DEFAULT_ACCESS_KEY_ID,
                DEFAULT_ACCESS_KEY_SECRET,
            ))
            .signature_version(version)
            .build()
            .expect("config"),
    )
    .expect("client")
}

async fn order(c: &Client) -> String {
    c.create_certificate_request()
        .domain("www.example.com")
        .email("admin@example.com")
        .phone("13800000000")
        .username("Admin")
        .validate_type("DNS")
        .send()
        .await
        .expect("create")
        .order_id
        .expect("order id")
        .to_string()
}

fn tags(n: usize, key_len: usize, value_len: usize) -> Vec<TagResourcesTagItem> {
    (0..n)
        .map(|i| TagResourcesTagItem {
            key: Some(format!("{i:03}{}", "k".repeat(key_len.saturating_sub(3)))),
            value: Some("v".repeat(value_len)),
        })
        .collect()
}

/// The error code (and HTTP status) of tagging `ids` with `tags`, `None` on success.
async fn tag(c: &Client, ids: &[String], tags: Vec<TagResourcesTagItem>) -> Option<(String, u16)> {
    c.tag_resources()
        .region_id("cn-hangzhou")
        .resource_id(ids.to_vec())
        .resource_type("ORDER")
        .tag(tags)
        .send()
        .await
        .err()
        .map(|e| {
            let code = e
                .code()
                .map(str::to_string)
                .unwrap_or_else(|| format!("{e}"));
            (code, e.http_status().unwrap_or(0))
        })
}

#[tokio::test]
async fn tag_resources_enforces_the_tag_service_limits() {
    let emu = emulator(|_| {}).await;
    for version in BOTH {
        let c = client(&emu, version);
        let id = vec![order(&c).await];
        let code = |r: Option<(String, u16)>| r.unwrap_or_default();
        assert_eq!(
            code(tag(&c, &id, tags(21, 5, 5)).await),
            ("NumberExceed.Tags".into(), 400)
        );
        assert_eq!(
            code(tag(&c, &id, tags(1, 129, 5)).await),
            ("InvalidTagKey.Malformed".into(), 400)
        );
        assert_eq!(
            code(tag(&c, &id, tags(1, 5, 129)).await),
            ("InvalidTagValue.Malformed".into(), 400)
        );
        let duplicate = vec![tags(1, 5, 5)[0].clone(), tags(1, 5, 5)[0].clone()];
        assert_eq!(
            code(tag(&c, &id, duplicate).await),
            ("Duplicate.TagKey".into(), 400)
        );
        let many: Vec<String> = (0..51).map(|i| i.to_string()).collect();
        assert_eq!(
            code(tag(&c, &many, tags(1, 5, 5)).await),
            ("NumberExceed.ResourceIds".into(), 400)
        );
        // 20 tags of 128 characters are fine; a 21st key on the same order is not.
        assert_eq!(tag(&c, &id, tags(20, 128, 128)).await, None);
        let extra = vec![TagResourcesTagItem {
            key: Some("one-more".into()),
            value: Some("v".into()),
        }];
        assert_eq!(
            code(tag(&c, &id, extra).await),
            ("QuotaExceed.Tags".into(), 403)
        );
        assert_eq!(emu.order_tags(id[0].parse().unwrap_or(0)).len(), 20);
    }
    emu.shutdown().await;
}

#[test]
fn tagging_at_the_limits_keeps_the_emulator_small() {
    let alone = alone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let ((), peak) = measure(&alone, || {
        rt.block_on(async {
            let emu = emulator(|_| {}).await;
            let c = client(&emu, SignatureVersion::V3);
            let mut ids = Vec::new();
            for _ in 0..50 {
                ids.push(order(&c).await);
            }
            // The finding sent 50 resources x 20 tags x 190 KB values, 4 times. The longest
            // values allowed are 128 characters; a 190 KB value is refused.
            for round in 0..4 {
                let t: Vec<TagResourcesTagItem> = tags(20, 128, 128)
                    .into_iter()
                    .map(|mut t| {
                        t.value = Some(format!("{round}{}", "v".repeat(127)));
                        t
                    })
                    .collect();
                assert_eq!(tag(&c, &ids, t).await, None);
            }
            // A 190 KB value makes a URI longer than HTTP allows: the client refuses to build
            // it (the emulator's 414 for such URIs is checked with raw requests below).
            let huge = c
                .tag_resources()
                .region_id("cn-hangzhou")
                .resource_id(ids[..1].to_vec())
                .resource_type("ORDER")
                .tag(tags(1, 5, 190 * 1024))
                .send()
                .await
                .expect_err("too long");
            assert!(
                matches!(huge.kind(), alibabacloud_cas::SdkErrorKind::Construction(_)),
                "{huge}"
            );
            assert_eq!(huge.attempts(), 0);
            emu.shutdown().await;
        })
    });
    println!(
        "50 orders x 20 tags x 128 characters, 4 rounds: peak {}",
        mib(peak)
    );
    assert!(peak < 16 * 1024 * 1024, "peak {}", mib(peak));
}

/// Sends raw bytes, reads the whole answer (the server closes): status and body.
async fn raw(addr: std::net::SocketAddr, request: &[u8]) -> (u16, serde_json::Value) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    // The server may answer (and close) before it read everything: ignore write errors.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or_default())
}

#[tokio::test]
async fn oversized_heads_are_answered_in_the_error_envelope() {
    let emu = emulator(|_| {}).await;
    let long_uri = format!(
        "POST /?Action={} HTTP/1.1\r\nhost: x\r\n\r\n",
        "A".repeat(70_000)
    );
    let (status, body) = raw(emu.local_addr(), long_uri.as_bytes()).await;
    assert_eq!(status, 414);
    assert_eq!(body["Code"], "RequestURITooLong");
    assert!(
        body["RequestId"].is_string() && body["HostId"].is_string(),
        "{body}"
    );

    let big_header = format!(
        "POST / HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n",
        "b".repeat(600_000)
    );
    let (status, body) = raw(emu.local_addr(), big_header.as_bytes()).await;
    assert_eq!(status, 431);
    assert_eq!(body["Code"], "RequestHeaderFieldsTooLarge");

    let many: String = (0..200).map(|i| format!("x-h{i}: v\r\n")).collect();
    let many_headers = format!("POST / HTTP/1.1\r\nhost: x\r\n{many}\r\n");
    let (status, body) = raw(emu.local_addr(), many_headers.as_bytes()).await;
    assert_eq!(status, 431);
    assert_eq!(body["Code"], "RequestHeaderFieldsTooLarge");
    emu.shutdown().await;
}

#[tokio::test]
async fn half_open_connections_are_closed_after_the_header_read_timeout() {
    let emu = emulator(|c| c.header_read_timeout = Duration::from_millis(300)).await;
    let mut connections = Vec::new();
    for i in 0..200 {
        let mut stream = tokio::net::TcpStream::connect(emu.local_addr())
            .await
            .expect("connect");
        if i % 2 == 0 {
            // Half a request head, never finished.
            let _ = stream
                .write_all(b"POST / HTTP/1.1\r\nhost: x\r\nx-acs-")
                .await;
        }
        connections.push(stream);
    }
    let mut closed = 0;
    for mut stream in connections {
        let mut buf = [0u8; 256];
        // The server closes each one within the timeout (plus scheduling slack).
        if let Ok(Ok(_)) = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await
        {
            closed += 1;
        }
    }
    assert_eq!(
        closed, 200,
        "every idle or half-open connection was closed by the server"
    );
    // And the emulator still serves.
    let c = client(&emu, SignatureVersion::V3);
    c.list_user_certificate_order()
        .send()
        .await
        .expect("serves");
    emu.shutdown().await;
}

#[tokio::test]
async fn nonces_are_forgotten_once_their_timestamp_left_the_window() {
    let skew = Duration::from_secs(2);
    let emu = emulator(|c| c.max_clock_skew = skew).await;
    let c = client(&emu, SignatureVersion::V3);
    for _ in 0..20 {
        c.list_user_certificate_order().send().await.expect("ok");
    }
    assert_eq!(emu.remembered_nonces(), 20);
    // Timestamps have whole seconds: wait for the window, one more second, and the margin.
    tokio::time::sleep(skew + Duration::from_millis(2_500)).await;
    c.list_user_certificate_order().send().await.expect("ok");
    assert_eq!(
        emu.remembered_nonces(),
        1,
        "only the last request's nonce is kept"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn the_audit_log_is_bounded() {
    let emu = emulator(|c| c.audit_log_limit = 5).await;
    let c = client(&emu, SignatureVersion::V1);
    for _ in 0..12 {
        c.list_user_certificate_order().send().await.expect("ok");
    }
    assert_eq!(emu.audit_log().len(), 5);
    assert_eq!(emu.audit_log_dropped(), 7);
    emu.shutdown().await;
}

#[tokio::test]
async fn impossible_dates_are_invalid_timestamp_format() {
    let emu = emulator(|_| {}).await;
    for date in [
        "2024-02-31T00:00:00Z",
        "2023-02-29T12:00:00Z",
        "2024-04-31T00:00:00Z",
    ] {
        let encoded = date.replace(':', "%3A");
        let v1 = format!(
            "POST /?Action=ListUserCertificateOrder&Version=2020-04-07&AccessKeyId={DEFAULT_ACCESS_KEY_ID}&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=n1&Timestamp={encoded}&Signature=x HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
        );
        let (status, body) = raw(emu.local_addr(), v1.as_bytes()).await;
        assert_eq!(
            (status, body["Code"].as_str()),
            (400, Some("InvalidTimeStamp.Format")),
            "V1 {date}"
        );
        let v3 = format!(
            "POST / HTTP/1.1\r\nhost: x\r\nx-acs-date: {date}\r\nx-acs-signature-nonce: n2\r\nauthorization: ACS3-HMAC-SHA256 Credential={DEFAULT_ACCESS_KEY_ID},SignedHeaders=host;x-acs-date;x-acs-signature-nonce,Signature=00\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
        );
        let (status, body) = raw(emu.local_addr(), v3.as_bytes()).await;
        assert_eq!(
            (status, body["Code"].as_str()),
            (400, Some("InvalidTimeStamp.Format")),
            "V3 {date}"
        );
    }
    emu.shutdown().await;
}
