//! Every operation of every product, through its typed client with its required parameters,
//! against a loopback server that recomputes the signature (V1 and V3) and answers with the
//! operation's example response (or a body built from its schema). The client's output must
//! equal the body decoded directly, with every top-level field the body carries. Anonymous
//! operations must arrive with no credential material at all. ROA operations (such as every
//! `cs` operation) must arrive with their method and a path that fits their template, a JSON
//! body (when they send one) under `application/json`, and a V3 signature over all of it;
//! configured for V1 they fail before sending anything.

use crate::support::loopback::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, LoopbackServer};
use alibabacloud_every_operation::PRODUCTS;
use alibabacloud_every_operation::harness::Target;
use alibabacloud_runtime::{Credentials, SignatureVersion};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_of_every_product_signs_sends_and_decodes() {
    let server = LoopbackServer::start().await;
    let mut failures = Vec::new();
    let mut calls = 0usize;
    for product in PRODUCTS {
        for case in product.cases {
            if case.anonymous {
                server.allow_anonymous(case.action);
            }
        }
        for signature in [SignatureVersion::V3, SignatureVersion::V1] {
            for case in product.cases {
                let roa = case.path != "/";
                if roa && signature == SignatureVersion::V1 {
                    let before = server.received().len();
                    let target = Target {
                        endpoint: server.endpoint(),
                        credentials: Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET),
                        signature,
                        transport: None,
                        interceptors: Vec::new(),
                    };
                    let Some(call) = (product.call)(case.action, target) else {
                        failures.push(format!("{}: {}: no call", product.code, case.action));
                        continue;
                    };
                    calls += 1;
                    match call.await {
                        Err(e) if e.contains("signed with V3 (ACS3-HMAC-SHA256) only") => {}
                        other => failures.push(format!(
                            "{}: {} (V1): expected a construction error, got {other:?}",
                            product.code, case.action
                        )),
                    }
                    if server.received().len() != before {
                        failures.push(format!(
                            "{}: {} (V1): a request was sent",
                            product.code, case.action
                        ));
                    }
                    continue;
                }
                server.respond(200, case.response);
                let target = Target {
                    endpoint: server.endpoint(),
                    credentials: Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET),
                    signature,
                    transport: None,
                    interceptors: Vec::new(),
                };
                let Some(call) = (product.call)(case.action, target) else {
                    failures.push(format!("{}: {}: no call", product.code, case.action));
                    continue;
                };
                calls += 1;
                let before = server.received().len();
                let result = call.await;
                let received = server.received();
                let Some(request) = received.get(before) else {
                    failures.push(format!(
                        "{}: {}: nothing arrived",
                        product.code, case.action
                    ));
                    continue;
                };
                if request.action != case.action {
                    failures.push(format!(
                        "{}: {}: arrived as `{}`",
                        product.code, case.action, request.action
                    ));
                }
                if request.method != case.method || !case.path_matches(&request.path) {
                    failures.push(format!(
                        "{}: {}: arrived as `{} {}`, expected `{} {}`",
                        product.code,
                        case.action,
                        request.method,
                        request.path,
                        case.method,
                        case.path
                    ));
                }
                if roa && !request.body.is_empty() {
                    let json = request
                        .headers
                        .iter()
                        .any(|(n, v)| n == "content-type" && v.starts_with("application/json"));
                    if !json || serde_json::from_slice::<serde_json::Value>(&request.body).is_err()
                    {
                        failures.push(format!(
                            "{}: {}: the body is not JSON sent as application/json",
                            product.code, case.action
                        ));
                    }
                }
                if case.anonymous && !request.anonymous {
                    failures.push(format!(
                        "{}: {} ({signature:?}): an anonymous operation carried credential material",
                        product.code, case.action
                    ));
                }
                if !case.anonymous && !request.signature_ok {
                    failures.push(format!(
                        "{}: {} ({signature:?}): the signature does not verify",
                        product.code, case.action
                    ));
                }
                match result.and_then(|outcome| outcome.check(case)) {
                    Ok(()) => {}
                    Err(e) => failures.push(format!("{} ({signature:?}): {e}", product.code)),
                }
            }
        }
    }
    server.stop().await;
    assert!(calls > 0);
    let cs = PRODUCTS
        .iter()
        .find(|p| p.code == "cs")
        .expect("the cs product is in the harness");
    assert_eq!(cs.cases.len(), 129, "every cs operation is a case");
    assert!(
        cs.cases
            .iter()
            .all(|c| c.path.starts_with('/') && c.path != "/")
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The response each case answers with (the example response of the spec, which for an
/// imported operation is its `responseDemo`, or else a body built from the response schema)
/// decodes with the generated output type, through the product crate's `decode_output`.
#[test]
fn every_response_body_decodes_with_the_generated_output_type() {
    let mut failures = Vec::new();
    let mut counted = 0;
    for product in PRODUCTS {
        for case in product.cases {
            counted += 1;
            match (product.decode)(case.action, case.response.as_bytes()) {
                Some(Ok(())) => {}
                Some(Err(e)) => failures.push(format!("{}: {}: {e}", product.code, case.action)),
                None => failures.push(format!("{}: {}: unknown action", product.code, case.action)),
            }
        }
    }
    assert!(counted > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
