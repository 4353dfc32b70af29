//! The certificate-order lifecycle end to end: the generated client against the emulator on
//! loopback, with both signature schemes.

use std::time::Duration;

use alibabacloud_cas::operation::create_certificate_with_csr_request::CreateCertificateWithCsrRequestError as CsrError;
use alibabacloud_cas::operation::delete_certificate_request::DeleteCertificateRequestError as DeleteError;
use alibabacloud_cas::operation::describe_certificate_state::Type as OrderType;
use alibabacloud_cas::runtime::waiter::{WaitOptions, WaiterError};
use alibabacloud_cas::{Client, Credentials, RetryConfig, SignatureVersion};
use alibabacloud_cas_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, EmulatorConfig, OrderState,
    ReviewOutcome, ReviewPolicy,
};
use futures::TryStreamExt;

use crate::support::emulator;

const SCHEMES: [SignatureVersion; 2] = [SignatureVersion::V1, SignatureVersion::V3];

/// A client for `emu` that signs with `version` and never retries.
fn client(emu: &Emulator, version: SignatureVersion) -> Client {
    emulator::client(emu, |c| {
        c.signature_version(version).retry(RetryConfig::disabled())
    })
}

/// A CSR-based create: the operation whose published error table has the quota codes.
async fn create_with_csr(
    client: &Client,
) -> Result<
    alibabacloud_cas::operation::create_certificate_with_csr_request::CreateCertificateWithCsrRequestOutput,
    alibabacloud_cas::SdkError<CsrError>,
>{
    client
        .create_certificate_with_csr_request()
        .csr("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----")
        .email("admin@example.com")
        .phone("13800000000")
        .username("Admin")
        .validate_type("DNS")
        .send()
        .await
}

#[tokio::test]
async fn create_describe_cancel_delete() {
    for v in SCHEMES {
        let emu = emulator::start(EmulatorConfig::default()).await;
        let c = client(&emu, v);
        let id = emulator::order(&c, "www.example.com").await;
        let state = c
            .describe_certificate_state()
            .order_id(id)
            .send()
            .await
            .expect("describe");
        assert_eq!(state.r#type, Some(OrderType::DomainVerify), "{v:?}");
        assert_eq!(state.domain.as_deref(), Some("www.example.com"));
        c.cancel_order_request()
            .order_id(id)
            .send()
            .await
            .expect("cancel");
        let state = c
            .describe_certificate_state()
            .order_id(id)
            .send()
            .await
            .expect("describe");
        assert_eq!(state.r#type, Some(OrderType::Payed));
        let deleted = c
            .delete_certificate_request()
            .order_id(id)
            .send()
            .await
            .expect("delete");
        assert!(deleted.request_id.is_some());
        assert_eq!(emu.order_state(id), None);
        emu.shutdown().await;
    }
}

#[tokio::test]
async fn create_review_fails_delete() {
    for v in SCHEMES {
        let emu = emulator::start(EmulatorConfig::default()).await;
        let c = client(&emu, v);
        let id = emulator::order(&c, "fail.example.com").await;
        assert!(emu.finish_review(id, ReviewOutcome::Reject));
        let state = c
            .describe_certificate_state()
            .order_id(id)
            .send()
            .await
            .expect("describe");
        assert_eq!(state.r#type, Some(OrderType::VerifyFail));
        c.delete_certificate_request()
            .order_id(id)
            .send()
            .await
            .expect("delete");
        assert_eq!(emu.order_state(id), None);
        emu.shutdown().await;
    }
}

#[tokio::test]
async fn typed_errors_for_issued_unknown_and_exhausted() {
    for v in SCHEMES {
        let emu = emulator::start(EmulatorConfig::default()).await;
        let c = client(&emu, v);
        let id = emulator::order(&c, "issued.example.com").await;
        assert!(emu.finish_review(id, ReviewOutcome::Approve));
        assert_eq!(emu.order_state(id), Some(OrderState::Certificate));

        let err = c
            .delete_certificate_request()
            .order_id(id)
            .send()
            .await
            .expect_err("issued");
        assert!(
            matches!(err.service_error(), Some(DeleteError::OrderStateError(_))),
            "{err}"
        );
        assert_eq!(err.http_status(), Some(403));

        let err = c
            .delete_certificate_request()
            .order_id(987_654_321)
            .send()
            .await
            .expect_err("unknown");
        assert!(
            matches!(err.service_error(), Some(DeleteError::NotFoundOrder(_))),
            "{err}"
        );
        assert_eq!(err.http_status(), Some(404));

        emu.set_quota(Some(0));
        let err = create_with_csr(&c).await.expect_err("no quota");
        assert!(
            matches!(err.service_error(), Some(CsrError::NotRemainCount(_))),
            "{err}"
        );

        emu.set_quota(None);
        let err = create_with_csr(&c).await.expect_err("no plan");
        assert!(
            matches!(err.service_error(), Some(CsrError::NotFoundPackage(_))),
            "{err}"
        );
        emu.shutdown().await;
    }
}

#[tokio::test]
async fn wrong_secret_is_signature_does_not_match_in_the_catch_all() {
    for v in SCHEMES {
        let emu = emulator::start(EmulatorConfig::default()).await;
        let c = emulator::client(&emu, |c| {
            c.credentials(Credentials::new(DEFAULT_ACCESS_KEY_ID, "wrong-secret"))
                .signature_version(v)
                .retry(RetryConfig::disabled())
        });
        let err = c
            .delete_certificate_request()
            .order_id(1)
            .send()
            .await
            .expect_err("bad secret");
        assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
        assert!(matches!(
            err.service_error(),
            Some(DeleteError::Unhandled(_))
        ));
        assert!(!err.to_string().contains("wrong-secret"), "{err}");
        assert!(emu.audit_log().is_empty(), "nothing may be executed");
        emu.shutdown().await;
    }
}

#[tokio::test]
async fn replayed_nonce_is_signature_nonce_used() {
    use alibabacloud_cas::runtime::signing::{SignableRequest, SigningContext};
    use alibabacloud_cas::runtime::{ErrorMetadata, OperationError};
    for v in SCHEMES {
        let emu = emulator::start(EmulatorConfig::default()).await;
        let creds = Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET);
        let params = vec![("OrderId".to_string(), "42".to_string())];
        let host = emu.local_addr().to_string();
        let request = SignableRequest {
            method: "POST",
            path: "/",
            host: &host,
            action: "DeleteCertificateRequest",
            version: "2020-04-07",
            params: &alibabacloud_cas::runtime::Params::from_pairs(&params),
            body: &[],
        };
        let signed = v.signer().sign(&request, &creds, &SigningContext::fresh());
        let http = {
            alibabacloud_cas::runtime::tls::install_default_crypto_provider();
            reqwest::Client::new()
        };
        let mut statuses = Vec::new();
        let mut last = None;
        for _ in 0..2 {
            let mut req = http.post(format!("{}/?{}", emu.endpoint(), signed.query));
            for (n, value) in &signed.headers {
                if *n != "host" {
                    req = req.header(*n, value);
                }
            }
            let resp = req.send().await.expect("send");
            let status = resp.status().as_u16();
            statuses.push(status);
            last = Some((status, resp.bytes().await.expect("body")));
        }
        let (status, body) = last.expect("two answers");
        let meta = ErrorMetadata::from_response(status, None, &body).expect("error envelope");
        let typed = DeleteError::from_metadata(meta);
        assert_eq!(
            statuses[0], 404,
            "first use of the nonce reaches the handler (unknown order)"
        );
        assert_eq!(typed.code(), "SignatureNonceUsed", "{v:?}");
        assert!(matches!(typed, DeleteError::Unhandled(_)));
        emu.shutdown().await;
    }
}

#[tokio::test]
async fn list_user_certificate_order_pages_without_loss_or_repeats() {
    for v in SCHEMES {
        let emu = emulator::start(EmulatorConfig::default()).await;
        let c = client(&emu, v);
        let mut created = Vec::new();
        for i in 0..9 {
            created.push(emulator::order(&c, &format!("host{i}.example.com")).await);
        }
        let pages: Vec<_> = c
            .list_user_certificate_order()
            .show_size(4)
            .into_paginator()
            .pages()
            .try_collect()
            .await
            .expect("pages");
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let items: Vec<_> = c
            .list_user_certificate_order()
            .show_size(4)
            .into_paginator()
            .items()
            .try_collect()
            .await
            .expect("items");
        let mut ids: Vec<i64> = items.iter().filter_map(|o| o.order_id).collect();
        ids.sort_unstable();
        assert_eq!(ids, created, "every order exactly once");

        emu.finish_review(created[0], ReviewOutcome::Approve);
        let issued = c
            .list_user_certificate_order()
            .status("ISSUED")
            .send()
            .await
            .expect("filtered");
        let list = issued.certificate_order_list.unwrap_or_default();
        assert_eq!(
            list.iter().filter_map(|o| o.order_id).collect::<Vec<_>>(),
            vec![created[0]]
        );
        emu.shutdown().await;
    }
}

#[tokio::test]
async fn waiter_reaches_issued_and_fails_fast_on_verify_fail() {
    let emu = emulator::start(EmulatorConfig::default()).await;
    let c = client(&emu, SignatureVersion::V3);
    emu.set_review_policy(ReviewPolicy::Automatic {
        approve: true,
        after_polls: 1,
    });
    let id = emulator::order(&c, "wait.example.com").await;
    let out = c
        .describe_certificate_state()
        .order_id(id)
        .wait_until_certificate_issued(
            WaitOptions::new(Duration::from_secs(60)).with_min_delay(Duration::from_millis(10)),
        )
        .await
        .expect("issued");
    assert_eq!(out.r#type, Some(OrderType::Certificate));
    assert!(out.certificate.is_some());

    emu.set_review_policy(ReviewPolicy::Automatic {
        approve: false,
        after_polls: 0,
    });
    let id = emulator::order(&c, "reject.example.com").await;
    let err = c
        .describe_certificate_state()
        .order_id(id)
        .wait_until_certificate_issued(Duration::from_secs(60))
        .await
        .expect_err("rejected");
    match err {
        WaiterError::Failed { state, polls } => {
            assert_eq!(state, "verify_fail");
            assert_eq!(polls, 1, "fails fast");
        }
        other => panic!("expected Failed, got {other}"),
    }

    emu.set_review_policy(ReviewPolicy::Manual);
    let id = emulator::order(&c, "slow.example.com").await;
    let err = c
        .describe_certificate_state()
        .order_id(id)
        .wait_until_certificate_issued(Duration::from_millis(100))
        .await
        .expect_err("times out");
    assert!(matches!(err, WaiterError::TimedOut { .. }), "{err}");
    emu.shutdown().await;
}

/// The delays between polls are the caller's choice per call: with the spec's (2 s at first)
/// a wait of 3 s polls at most three times, so an order decided on the fourth poll times out;
/// with 5 ms delays the same wait reaches the decision.
#[tokio::test]
async fn waiter_delays_are_chosen_per_call() {
    let emu = emulator::start(EmulatorConfig::default()).await;
    let c = client(&emu, SignatureVersion::V3);
    emu.set_review_policy(ReviewPolicy::Automatic {
        approve: true,
        after_polls: 3,
    });
    let max_wait = Duration::from_secs(3);

    let id = emulator::order(&c, "default-delays.example.com").await;
    let err = c
        .describe_certificate_state()
        .order_id(id)
        .wait_until_certificate_issued(max_wait)
        .await
        .expect_err("the spec's delays are too long for four polls in 3 s");
    match err {
        WaiterError::TimedOut { polls, .. } => assert!(polls <= 3, "{polls} polls"),
        other => panic!("expected TimedOut, got {other}"),
    }

    let id = emulator::order(&c, "short-delays.example.com").await;
    let out = c
        .describe_certificate_state()
        .order_id(id)
        .wait_until_certificate_issued(
            WaitOptions::new(max_wait)
                .with_min_delay(Duration::from_millis(5))
                .with_max_delay(Duration::from_millis(5)),
        )
        .await
        .expect("issued on the fourth poll");
    assert_eq!(out.r#type, Some(OrderType::Certificate));
    emu.shutdown().await;
}
