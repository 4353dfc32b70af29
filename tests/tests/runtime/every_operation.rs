//! Every operation of every product, through its typed client with its required parameters,
//! against a loopback server that recomputes the signature (V1 and V3) and answers with the
//! operation's example response (or a body built from its schema). The client's output must
//! equal the body decoded directly, with every top-level field the body carries. Anonymous
//! operations must arrive with no credential material at all.

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
                server.respond(200, case.response);
                let target = Target {
                    endpoint: server.endpoint(),
                    credentials: Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET),
                    signature,
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
