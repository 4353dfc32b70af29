//! ROA (resource-oriented) requests, with Container Service for Kubernetes (`cs`).
//!
//! * V3 known answers for ROA requests, computed by hand from the published algorithm
//!   (Python `hashlib`/`hmac` and `urllib.parse.quote`, with the canonical request written out
//!   line by line): a GET with a path and a query, a POST with a JSON body, and a DELETE whose
//!   path segment holds an encoded `/` and space.
//! * Through the typed `cs` client against the verifying loopback server: encoded path
//!   segments, JSON bodies, comma-joined lists, whole-array outputs, blank `202` answers, the
//!   lower camel case error envelope, and retries that follow the HTTP method.

use crate::support::loopback::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, LoopbackServer};
use alibabacloud_runtime::params::Params;
use alibabacloud_runtime::roa::{JSON_CONTENT_TYPE, JsonBody, expand_path};
use alibabacloud_runtime::signing::v3::{EMPTY_BODY_SHA256, V3Signer};
use alibabacloud_runtime::signing::{RequestExtras, SignableRequest, SignedRequest, Signer};
use alibabacloud_runtime::signing::{SigningContext, v3};
use alibabacloud_runtime::{Credentials, RetryConfig};

const HOST: &str = "cs.cn-hangzhou.aliyuncs.com";
const VERSION: &str = "2015-12-15";

fn context() -> SigningContext {
    SigningContext {
        timestamp: "2026-12-07T06:00:00Z".into(),
        nonce: "3156853299f313e23d1673dc12e1703d".into(),
    }
}

fn header<'a>(signed: &'a SignedRequest, name: &str) -> Option<&'a str> {
    signed
        .headers
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn path_params(list: &[(&str, &str)]) -> Params {
    let mut p = Params::new();
    for (k, v) in list {
        p.push(*k, *v);
    }
    p
}

/// Signs like the client does and returns the signed request.
fn sign(
    method: &str,
    path: &str,
    action: &str,
    query: &[(String, String)],
    body: &[u8],
) -> SignedRequest {
    let request = SignableRequest {
        method,
        path,
        host: HOST,
        action,
        version: VERSION,
        params: &Params::from_pairs(query),
        body,
    };
    let extras = RequestExtras {
        form: &Params::new(),
        content_type: (!body.is_empty()).then_some(JSON_CONTENT_TYPE),
        headers: &Params::new(),
    };
    V3Signer.sign_with(
        &request,
        &extras,
        Some(&Credentials::new("testid", "testsecret")),
        &context(),
    )
}

#[test]
fn roa_get_with_path_and_query_known_answer() {
    let path = expand_path(
        "/clusters/{ClusterId}/nodepools",
        &path_params(&[("ClusterId", "c82e6987e2961451182edacd74faf****")]),
    )
    .unwrap();
    assert_eq!(
        path,
        "/clusters/c82e6987e2961451182edacd74faf%2A%2A%2A%2A/nodepools"
    );
    let query = pairs(&[("NodepoolName", "pool a")]);
    // The canonical request, line by line, as the algorithm defines it.
    let (canonical, signed_headers) = v3::canonical_request(
        "GET",
        &path,
        "NodepoolName=pool%20a",
        &[
            ("host", HOST),
            ("x-acs-action", "DescribeClusterNodePools"),
            ("x-acs-version", VERSION),
            ("x-acs-date", "2026-12-07T06:00:00Z"),
            ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
            ("x-acs-content-sha256", EMPTY_BODY_SHA256),
        ],
        EMPTY_BODY_SHA256,
    );
    assert_eq!(
        canonical,
        "GET\n/clusters/c82e6987e2961451182edacd74faf%2A%2A%2A%2A/nodepools\nNodepoolName=pool%20a\n\
         host:cs.cn-hangzhou.aliyuncs.com\nx-acs-action:DescribeClusterNodePools\n\
         x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
         x-acs-date:2026-12-07T06:00:00Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n\
         x-acs-version:2015-12-15\n\n\
         host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n\
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        signed_headers,
        "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version"
    );
    let signed = sign("GET", &path, "DescribeClusterNodePools", &query, b"");
    assert_eq!(signed.query, "NodepoolName=pool%20a");
    assert_eq!(header(&signed, "content-type"), None);
    assert_eq!(
        header(&signed, "authorization"),
        Some(
            "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;\
             x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,\
             Signature=5c78a465f0c0cb8ed915f43322ebefa0163472e6827133378dfe0f38df30f968"
        )
    );
}

#[test]
fn roa_post_with_json_body_known_answer() {
    let path = expand_path(
        "/clusters/{ClusterId}/nodepools",
        &path_params(&[("ClusterId", "c82e6987e2961451182edacd74faf****")]),
    )
    .unwrap();
    let mut body = JsonBody::new();
    body.field(
        "nodepool_info",
        Some(&serde_json::json!({ "name": "np-1" })),
    )
    .unwrap();
    body.field(
        "scaling_group",
        Some(&serde_json::json!({ "instance_types": ["ecs.g7.large"] })),
    )
    .unwrap();
    body.field::<String>("count", None).unwrap();
    let body = body.into_bytes().unwrap().unwrap();
    assert_eq!(
        body,
        br#"{"nodepool_info":{"name":"np-1"},"scaling_group":{"instance_types":["ecs.g7.large"]}}"#
    );
    let signed = sign("POST", &path, "CreateClusterNodePool", &[], &body);
    assert_eq!(signed.query, "");
    // sha256 of exactly the bytes sent.
    assert_eq!(
        header(&signed, "x-acs-content-sha256"),
        Some("8a8534012fa84bfa237226aaf831f08f5304ee7316b3b8401e9578bcdab93f4d")
    );
    assert_eq!(
        header(&signed, "content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(
        header(&signed, "authorization"),
        Some(
            "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=content-type;host;x-acs-action;\
             x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,\
             Signature=457e0f894aebd0016b9b0e56d2f086870c97bec33571d76bf2d015c67ae9468d"
        )
    );
}

#[test]
fn roa_delete_with_encoded_path_segment_known_answer() {
    let path = expand_path(
        "/clusters/{ClusterId}/nodepools/{NodepoolId}",
        &path_params(&[("ClusterId", "c-1"), ("NodepoolId", "np/a b")]),
    )
    .unwrap();
    // The `/` inside the value is encoded: it cannot add a segment.
    assert_eq!(path, "/clusters/c-1/nodepools/np%2Fa%20b");
    let signed = sign(
        "DELETE",
        &path,
        "DeleteClusterNodepool",
        &pairs(&[("force", "true")]),
        b"",
    );
    assert_eq!(signed.query, "force=true");
    assert_eq!(
        header(&signed, "authorization"),
        Some(
            "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;\
             x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,\
             Signature=e878878b889155893999ca6815086be46458c43f401c2d719012c2de2ea328b7"
        )
    );
}

fn client(server: &LoopbackServer, retry: RetryConfig) -> alibabacloud_cs::Client {
    alibabacloud_cs::Client::new(
        alibabacloud_cs::Client::config()
            .endpoint(server.endpoint())
            .credentials(Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
            .retry(retry)
            .build()
            .expect("config"),
    )
    .expect("client")
}

#[tokio::test]
async fn typed_roa_calls_travel_as_the_official_sdk_sends_them() {
    let server = LoopbackServer::start().await;
    let cs = client(&server, RetryConfig::disabled());

    // A `/` in a path value is one encoded segment, and the signature over it verifies.
    server.respond(200, r#"{"request_id":"R1","task_id":"T1"}"#);
    let out = cs
        .delete_cluster_nodepool()
        .cluster_id("c/1")
        .nodepool_id("np 2")
        .force(true)
        .send()
        .await
        .expect("DeleteClusterNodepool");
    assert_eq!(out.task_id.as_deref(), Some("T1"));
    let r = server.received().pop().expect("a request");
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("DELETE", "/clusters/c%2F1/nodepools/np%202")
    );
    assert!(r.signature_ok, "{r:?}");
    assert_eq!(r.params, vec![("force".to_string(), "true".to_string())]);
    assert!(r.body.is_empty());

    // A JSON array body.
    server.respond(
        200,
        r#"{"cluster_id":"c1","request_id":"R2","task_id":"T2"}"#,
    );
    cs.install_cluster_addons()
        .cluster_id("c1")
        .body(vec![
            alibabacloud_cs::operation::install_cluster_addons::BodyItem {
                config: None,
                name: "logtail-ds".into(),
                version: "v1.7.3.0-aliyun".into(),
            },
        ])
        .send()
        .await
        .expect("InstallClusterAddons");
    let r = server.received().pop().expect("a request");
    assert!(r.signature_ok);
    assert_eq!(r.method, "POST");
    assert_eq!(
        r.body,
        br#"[{"name":"logtail-ds","version":"v1.7.3.0-aliyun"}]"#
    );
    assert!(
        r.headers
            .iter()
            .any(|(n, v)| n == "content-type" && v == "application/json; charset=utf-8")
    );

    // Comma-joined list in the query.
    server.respond(200, "");
    cs.clean_user_permissions()
        .uid("u1")
        .cluster_ids(vec!["c1".into(), "c2".into()])
        .send()
        .await
        .expect("CleanUserPermissions");
    let r = server.received().pop().expect("a request");
    assert!(r.signature_ok);
    assert!(
        r.params
            .contains(&("ClusterIds".to_string(), "c1,c2".to_string())),
        "{:?}",
        r.params
    );

    // A whole-array answer decodes into `body`; a blank answer into an empty output.
    server.respond(
        200,
        r#"[{"cluster_id":"c1","name":"one"},{"cluster_id":"c2"}]"#,
    );
    // DescribeClusters is deprecated by the service, but it is the operation whose answer is
    // a whole array.
    #[allow(deprecated)]
    let out = cs
        .describe_clusters()
        .send()
        .await
        .expect("DescribeClusters");
    let clusters = out.body.expect("an array");
    assert_eq!(clusters.len(), 2);
    assert_eq!(clusters[0].cluster_id.as_deref(), Some("c1"));
    let r = server.received().pop().expect("a request");
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/clusters"));

    // The lower camel case error envelope of ROA products.
    server.respond(
        404,
        r#"{"code":"ErrorClusterNotFound","message":"cluster not found","requestId":"R-404","status":404}"#,
    );
    let err = cs
        .describe_cluster_detail()
        .cluster_id("nope")
        .send()
        .await
        .expect_err("404");
    let service = err.service_error().expect("a service error");
    assert_eq!(service.code(), "ErrorClusterNotFound");
    assert_eq!(service.message(), "cluster not found");
    assert_eq!(service.request_id(), Some("R-404"));
    assert_eq!(service.http_status(), 404);

    server.stop().await;
}

#[tokio::test]
async fn roa_retries_follow_the_method() {
    let server = LoopbackServer::start().await;
    let retry = RetryConfig::standard().with_max_attempts(3);
    let cs = client(&server, retry);
    let unavailable = r#"{"code":"ServiceUnavailable","message":"busy","requestId":"R-503"}"#;

    // GET is idempotent: re-sent after a 503.
    server.respond(503, unavailable);
    server.respond(200, r#"{"cluster_id":"c1"}"#);
    let out = cs
        .describe_cluster_detail()
        .cluster_id("c1")
        .send()
        .await
        .expect("retried");
    assert_eq!(out.cluster_id.as_deref(), Some("c1"));
    assert_eq!(server.received().len(), 2);

    // POST is not: one request, and the outcome is unknown.
    server.respond(503, unavailable);
    let err = cs
        .create_cluster_node_pool()
        .cluster_id("c1")
        .send()
        .await
        .expect_err("not retried");
    assert_eq!(err.attempts(), 1);
    assert!(err.outcome_unknown());
    assert_eq!(server.received().len(), 3);
    server.stop().await;
}
