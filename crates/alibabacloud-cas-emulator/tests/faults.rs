//! Fault injection and tag paging, checked on the wire (raw TCP for the connection faults).

mod common;

use std::time::{Duration, Instant};

use alibabacloud_cas_emulator::{Emulator, Fault, FaultRule, FaultTiming, FaultTrigger};
use alibabacloud_runtime::signing::{SignatureVersion, SigningContext};
use common::{Client, Reply, start_default};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CREATE: &str = "CreateCertificateRequest";
const CREATE_PARAMS: &[(&str, &str)] = &[
    ("Domain", "www.example.com"),
    ("Email", "admin@example.com"),
    ("Phone", "13800000000"),
    ("Username", "Admin"),
    ("ValidateType", "DNS"),
];

/// Sends a signed request over a fresh TCP connection and returns every byte received until
/// the server closed it (a reset counts as the end).
async fn raw_exchange(em: &Emulator, action: &str, params: &[(&str, &str)]) -> Vec<u8> {
    let client = Client::new(em, SignatureVersion::V3);
    let signed = client.sign(
        "POST",
        action,
        common::VERSION,
        params,
        &SigningContext::fresh(),
    );
    let mut request = format!(
        "POST /?{} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\ncontent-length: 0\r\n",
        signed.query,
        em.local_addr()
    );
    for (name, value) in signed.headers.iter().filter(|(n, _)| *n != "host") {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut stream = tokio::net::TcpStream::connect(em.local_addr())
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => received.extend_from_slice(&buf[..n]),
        }
    }
    received
}

/// Status, headers (lowercase names) and body of a raw answer.
fn split(raw: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let text = String::from_utf8_lossy(raw);
    let head_end = text.find("\r\n\r\n").expect("a complete head");
    let mut lines = text[..head_end].split("\r\n");
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, raw[head_end + 4..].to_vec())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn creates(em: &Emulator) -> usize {
    em.audit_log().iter().filter(|e| e.action == CREATE).count()
}

#[tokio::test]
async fn close_before_answer_sends_nothing_and_timing_decides_execution() {
    let em = start_default().await;
    em.inject(FaultRule::next_n(1, Fault::CloseBeforeAnswer).for_action(CREATE));
    assert!(raw_exchange(&em, CREATE, CREATE_PARAMS).await.is_empty());
    assert_eq!(creates(&em), 0, "before execution: not executed");

    em.inject(
        FaultRule::next_n(1, Fault::CloseBeforeAnswer)
            .for_action(CREATE)
            .timing(FaultTiming::AfterExecution),
    );
    assert!(raw_exchange(&em, CREATE, CREATE_PARAMS).await.is_empty());
    assert_eq!(creates(&em), 1, "after execution: executed once");
    assert_eq!(
        em.quota(),
        Some(alibabacloud_cas_emulator::DEFAULT_QUOTA - 1)
    );

    // The rules are used up: the next create is answered normally.
    let (status, _, body) = split(&raw_exchange(&em, CREATE, CREATE_PARAMS).await);
    assert_eq!(status, 200);
    assert!(serde_json::from_slice::<serde_json::Value>(&body).unwrap()["OrderId"].is_i64());
    assert_eq!(em.faults_injected(), 2);
    assert_eq!(em.authenticated_requests(), 3);
    em.shutdown().await;
}

#[tokio::test]
async fn close_mid_body_and_truncated_body() {
    let em = start_default().await;
    em.inject(
        FaultRule::next_n(1, Fault::CloseMidBody)
            .for_action(CREATE)
            .timing(FaultTiming::AfterExecution),
    );
    let (status, headers, body) = split(&raw_exchange(&em, CREATE, CREATE_PARAMS).await);
    assert_eq!(status, 200);
    let promised: usize = header(&headers, "content-length").unwrap().parse().unwrap();
    assert!(
        !body.is_empty() && body.len() < promised,
        "{body:?} of {promised}"
    );
    assert!(body.starts_with(b"{"));
    assert_eq!(creates(&em), 1);

    em.inject(FaultRule::next_n(1, Fault::TruncatedBody));
    let (status, headers, body) = split(&raw_exchange(&em, CREATE, CREATE_PARAMS).await);
    assert_eq!(status, 200);
    let length: usize = header(&headers, "content-length").unwrap().parse().unwrap();
    assert_eq!(
        length,
        body.len(),
        "the content-length matches what is sent"
    );
    assert!(body.starts_with(b"{"));
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
    assert_eq!(creates(&em), 1, "truncated before execution: not executed");
    em.shutdown().await;
}

#[tokio::test]
async fn error_answers_and_malformed_bodies() {
    let em = start_default().await;
    let params = &[("OrderId", "1")][..];
    let action = "DescribeCertificateState";
    em.inject(FaultRule::next_n(
        1,
        Fault::Throttling {
            retry_after: Some(Duration::from_millis(250)),
        },
    ));
    let (status, headers, body) = split(&raw_exchange(&em, action, params).await);
    assert_eq!(header(&headers, "x-acs-retry-after"), Some("250"));
    Reply::from_parts(status, &headers, &body).err(400, "Throttling.User");

    for (fault, want_status, want_code) in [
        (Fault::ServiceUnavailable, 503, "ServiceUnavailable"),
        (Fault::InternalError, 500, "InternalError"),
    ] {
        em.inject(FaultRule::next_n(1, fault));
        let (status, headers, body) = split(&raw_exchange(&em, action, params).await);
        Reply::from_parts(status, &headers, &body).err(want_status, want_code);
    }

    em.inject(FaultRule::next_n(1, Fault::NonJsonBody));
    let (status, headers, body) = split(&raw_exchange(&em, action, params).await);
    assert_eq!(status, 200);
    assert!(
        header(&headers, "content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());

    em.inject(FaultRule::next_n(1, Fault::HtmlErrorPage));
    let (status, _, body) = split(&raw_exchange(&em, action, params).await);
    assert_eq!(status, 502);
    assert!(String::from_utf8_lossy(&body).contains("<title>502 Bad Gateway</title>"));

    em.inject(FaultRule::next_n(1, Fault::WrongTypes).timing(FaultTiming::AfterExecution));
    let (status, _, body) = split(&raw_exchange(&em, CREATE, CREATE_PARAMS).await);
    assert_eq!(status, 200);
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        body["OrderId"],
        serde_json::json!("many"),
        "a number became a string"
    );
    assert!(body["RequestId"].is_object());
    assert_eq!(body["TotalCount"], "many");
    assert_eq!(creates(&em), 1);
    em.shutdown().await;
}

#[tokio::test]
async fn fraction_is_reproducible_and_rules_are_ordered() {
    async fn pattern(seed: u64) -> Vec<u16> {
        let em = start_default().await;
        em.inject(FaultRule::new(
            Fault::ServiceUnavailable,
            FaultTrigger::Fraction {
                fraction: 0.5,
                seed,
            },
        ));
        let client = Client::new(&em, SignatureVersion::V1);
        let mut statuses = Vec::new();
        for _ in 0..24 {
            statuses.push(client.call("ListUserCertificateOrder", &[]).await.status);
        }
        assert_eq!(em.authenticated_requests(), 24);
        em.shutdown().await;
        statuses
    }
    let a = pattern(42).await;
    assert_eq!(a, pattern(42).await, "same seed, same strikes");
    assert!(a.contains(&503) && a.contains(&200), "{a:?}");

    // The first matching rule that fires wins; rules for other actions are skipped.
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V3);
    em.inject(FaultRule::next_n(1, Fault::InternalError).for_action("TagResources"));
    em.inject(FaultRule::next_n(2, Fault::ServiceUnavailable));
    client
        .call("ListUserCertificateOrder", &[])
        .await
        .err(503, "ServiceUnavailable");
    em.clear_faults();
    client.call("ListUserCertificateOrder", &[]).await.ok();
    assert_eq!(em.faults_injected(), 1);
    em.shutdown().await;
}

#[tokio::test]
async fn delays_are_cut_short_by_shutdown() {
    let em = start_default().await;
    em.inject(FaultRule::next_n(1, Fault::Delay(Duration::from_secs(60))));
    let client = Client::new(&em, SignatureVersion::V3);
    let hanging = tokio::spawn(async move {
        let signed = client.sign(
            "POST",
            "ListUserCertificateOrder",
            common::VERSION,
            &[],
            &SigningContext::fresh(),
        );
        let url = format!("http://{}/?{}", client.host, signed.query);
        let mut request = client.http.post(url);
        for (n, v) in signed.headers.iter().filter(|(n, _)| *n != "host") {
            request = request.header(*n, v.as_str());
        }
        request.send().await.map(|r| r.status().as_u16())
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    em.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // The delayed request gave up without executing.
    let status = hanging.await.unwrap();
    assert!(matches!(status, Ok(503) | Err(_)), "{status:?}");
}

#[tokio::test]
async fn tag_resources_pages_with_opaque_tokens() {
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V3);
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(
            client
                .create(&format!("t{i}.example.com"))
                .await
                .to_string(),
        );
    }
    let mut params: Vec<(String, String)> = vec![
        ("RegionId".into(), "cn-hangzhou".into()),
        ("ResourceType".into(), "ORDER".into()),
        ("Tag.1.Key".into(), "env".into()),
        ("Tag.1.Value".into(), "test".into()),
        ("Tag.2.Key".into(), "team".into()),
        ("Tag.2.Value".into(), "pki".into()),
    ];
    for (n, id) in ids.iter().enumerate() {
        params.push((format!("ResourceId.{}", n + 1), id.clone()));
    }
    let borrowed: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.call("TagResources", &borrowed).await.ok();
    assert_eq!(em.order_tags(ids[0].parse().unwrap()).len(), 2);

    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let mut query = vec![
            ("RegionId", "cn-hangzhou"),
            ("ResourceType", "ORDER"),
            ("MaxResults", "3"),
        ];
        if !token.is_empty() {
            query.push(("NextToken", token.as_str()));
        }
        let reply = client.call("ListTagResources", &query).await.ok();
        pages += 1;
        let items = reply.body["TagResources"]["TagResource"]
            .as_array()
            .unwrap();
        assert!(items.len() <= 3);
        for item in items {
            assert_eq!(item["ResourceType"], "ORDER");
            assert!(item["ResourceId"].is_string());
            seen.push((
                item["ResourceId"].as_str().unwrap().to_string(),
                item["TagKey"].as_str().unwrap().to_string(),
                item["TagValue"].as_str().unwrap().to_string(),
            ));
        }
        token = reply.body["NextToken"].as_str().unwrap().to_string();
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 8);
    seen.dedup();
    assert_eq!(seen.len(), 8);

    let bad = [
        ("RegionId", "cn-hangzhou"),
        ("ResourceType", "ORDER"),
        ("NextToken", "not-a-token"),
    ];
    client
        .call("ListTagResources", &bad)
        .await
        .err(400, "InvalidParameter");
    let bad = [("RegionId", "cn-hangzhou"), ("ResourceType", "INSTANCE")];
    client
        .call("ListTagResources", &bad)
        .await
        .err(400, "InvalidParameter");
    em.shutdown().await;
}
