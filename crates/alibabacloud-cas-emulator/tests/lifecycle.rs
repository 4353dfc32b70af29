//! The DV certificate order lifecycle, quota, listing and concurrency.

mod common;

use std::collections::BTreeSet;

use alibabacloud_cas_emulator::{EmulatorConfig, OrderState, ReviewOutcome, ReviewPolicy};
use alibabacloud_runtime::signing::SignatureVersion;
use common::{Client, start, start_default};

#[tokio::test]
async fn create_describe_cancel_delete() {
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V3);
    let id = client.create("www.example.com").await;
    assert!(id > 0);
    assert_eq!(em.order_state(id), Some(OrderState::DomainVerify));

    let reply = client.on_order("DescribeCertificateState", id).await.ok();
    assert_eq!(reply.body["Type"], "domain_verify");
    assert_eq!(reply.body["Domain"], "www.example.com");
    assert_eq!(reply.body["ValidateType"], "DNS");
    assert_eq!(reply.body["RecordDomain"], "_dnsauth.www.example.com");
    assert_eq!(reply.body["RecordType"], "TXT");
    assert!(!reply.body["RecordValue"].as_str().unwrap().is_empty());
    assert!(reply.body.get("Certificate").is_none());

    // Pending orders cannot be deleted.
    client
        .on_order("DeleteCertificateRequest", id)
        .await
        .err(403, "OrderStateError");

    let reply = client.on_order("CancelOrderRequest", id).await.ok();
    assert!(!reply.request_id().is_empty());
    assert_eq!(em.order_state(id), Some(OrderState::Payed));
    let reply = client.on_order("DescribeCertificateState", id).await.ok();
    assert_eq!(reply.body["Type"], "payed");

    client.on_order("DeleteCertificateRequest", id).await.ok();
    assert_eq!(em.order_state(id), None);
    client
        .on_order("DescribeCertificateState", id)
        .await
        .err(404, "NotFoundOrder");
    client
        .on_order("DeleteCertificateRequest", id)
        .await
        .err(404, "NotFoundOrder");
    client
        .on_order("CancelOrderRequest", id)
        .await
        .err(404, "NotFoundOrder");
    em.shutdown().await;
}

#[tokio::test]
async fn create_reject_delete() {
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V1);
    let id = client.create("reject.example.com").await;
    assert!(em.complete_domain_verification(id));
    assert!(
        !em.complete_domain_verification(id),
        "already past domain_verify"
    );
    let reply = client.on_order("DescribeCertificateState", id).await.ok();
    assert_eq!(reply.body["Type"], "process");
    // An order under review can still be cancelled... but not this one: reject it first.
    assert!(em.finish_review(id, ReviewOutcome::Reject));
    assert!(
        !em.finish_review(id, ReviewOutcome::Approve),
        "already decided"
    );
    let reply = client.on_order("DescribeCertificateState", id).await.ok();
    assert_eq!(reply.body["Type"], "verify_fail");
    client
        .on_order("CancelOrderRequest", id)
        .await
        .err(403, "OrderStateError");
    client.on_order("DeleteCertificateRequest", id).await.ok();
    assert_eq!(em.order_state(id), None);
    em.shutdown().await;
}

#[tokio::test]
async fn issued_certificates_cannot_be_cancelled_or_deleted() {
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V3);
    let id = client.create("issued.example.com").await;
    assert!(em.finish_review(id, ReviewOutcome::Approve));
    assert_eq!(em.order_state(id), Some(OrderState::Certificate));
    let reply = client.on_order("DescribeCertificateState", id).await.ok();
    assert_eq!(reply.body["Type"], "certificate");
    let cert = reply.body["Certificate"].as_str().unwrap();
    assert!(cert.starts_with("-----BEGIN CERTIFICATE-----"), "{cert}");
    let key = reply.body["PrivateKey"].as_str().unwrap();
    assert!(key.contains("PRIVATE KEY-----"), "{key}");
    assert!(!reply.body["CertId"].as_str().unwrap().is_empty());
    assert!(reply.body.get("RecordValue").is_none());
    client
        .on_order("DeleteCertificateRequest", id)
        .await
        .err(403, "OrderStateError");
    client
        .on_order("CancelOrderRequest", id)
        .await
        .err(403, "OrderStateError");
    assert_eq!(em.order_state(id), Some(OrderState::Certificate));
    em.shutdown().await;
}

#[tokio::test]
async fn cancelling_an_order_under_review() {
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V3);
    let id = client.create("process.example.com").await;
    assert!(em.complete_domain_verification(id));
    client.on_order("CancelOrderRequest", id).await.ok();
    assert_eq!(em.order_state(id), Some(OrderState::Payed));
    assert!(!em.finish_review(id, ReviewOutcome::Approve));
    em.shutdown().await;
}

#[tokio::test]
async fn quota_none_and_zero() {
    let em = start(EmulatorConfig {
        quota: None,
        ..EmulatorConfig::default()
    })
    .await;
    let client = Client::new(&em, SignatureVersion::V3);
    let params = [
        ("Domain", "q.example.com"),
        ("Email", "a@example.com"),
        ("Phone", "1"),
        ("Username", "u"),
        ("ValidateType", "DNS"),
    ];
    client
        .call("CreateCertificateRequest", &params)
        .await
        .err(404, "NotFoundPackage");
    em.set_quota(Some(0));
    client
        .call("CreateCertificateRequest", &params)
        .await
        .err(404, "NotRemainCount");
    em.set_quota(Some(2));
    client.call("CreateCertificateRequest", &params).await.ok();
    client.call("CreateCertificateRequest", &params).await.ok();
    client
        .call("CreateCertificateRequest", &params)
        .await
        .err(404, "NotRemainCount");
    em.shutdown().await;
}

#[tokio::test]
async fn the_three_create_operations() {
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V1);
    // A real CSR for CN=*.example.org.
    let csr = "-----BEGIN CERTIFICATE REQUEST-----
MIHSMHoCAQAwGDEWMBQGA1UEAwwNKi5leGFtcGxlLm9yZzBZMBMGByqGSM49AgEG
CCqGSM49AwEHA0IABJkOpYPJ4j6TB7Pan+0pUW5wmMSxKuKia86WeSYH0U92xf20
7i3YAdEQV3H3bDxSxxvqoYMLLsphrFfDNyE4+06gADAKBggqhkjOPQQDAgNIADBF
AiAO6PfUsHMTSx1Sw48uwPJXCZZuM4lvW06eZKBc/4CpSgIhAK1jTY1+ExNGHvBH
m7Ak4KHP2xEfQHt5pw8ysI++1BQz
-----END CERTIFICATE REQUEST-----";
    let with_csr = client
        .call(
            "CreateCertificateWithCsrRequest",
            &[
                ("Csr", csr),
                ("Email", "a@example.com"),
                ("Phone", "1"),
                ("Username", "u"),
                ("ValidateType", "DNS"),
                ("ProductCode", "digicert-free-1-free"),
            ],
        )
        .await
        .ok()
        .order_id();
    let reply = client
        .on_order("DescribeCertificateState", with_csr)
        .await
        .ok();
    assert_eq!(reply.body["Domain"], "*.example.org");
    assert_eq!(reply.body["RecordDomain"], "_dnsauth.example.org");

    client
        .call(
            "CreateCertificateWithCsrRequest",
            &[
                ("Email", "a@example.com"),
                ("Phone", "1"),
                ("Username", "u"),
                ("ValidateType", "DNS"),
            ],
        )
        .await
        .err(400, "MissingParameter");
    client
        .call(
            "CreateCertificateRequest",
            &[
                ("Domain", "x.example.com"),
                ("Email", "a@example.com"),
                ("Phone", "1"),
                ("Username", "u"),
                ("ValidateType", "EMAIL"),
            ],
        )
        .await
        .err(400, "InvalidParameter");

    let package = client
        .call(
            "CreateCertificateForPackageRequest",
            &[("Domain", "pkg.example.com"), ("ValidateType", "FILE")],
        )
        .await
        .ok()
        .order_id();
    let reply = client
        .on_order("DescribeCertificateState", package)
        .await
        .ok();
    assert_eq!(reply.body["ValidateType"], "FILE");
    assert!(reply.body.get("Uri").is_some());
    assert!(reply.body.get("Content").is_some());
    let defaulted = client
        .call(
            "CreateCertificateForPackageRequest",
            &[("Domain", "pkg2.example.com")],
        )
        .await
        .ok()
        .order_id();
    let reply = client
        .on_order("DescribeCertificateState", defaulted)
        .await
        .ok();
    assert_eq!(reply.body["ValidateType"], "DNS");
    assert!(with_csr < package && package < defaulted);
    em.shutdown().await;
}

#[tokio::test]
async fn automatic_review_after_polls() {
    let em = start(EmulatorConfig {
        review: ReviewPolicy::Automatic {
            approve: true,
            after_polls: 2,
        },
        ..EmulatorConfig::default()
    })
    .await;
    let client = Client::new(&em, SignatureVersion::V3);
    let id = client.create("auto.example.com").await;
    let types: Vec<String> = {
        let mut out = Vec::new();
        for _ in 0..4 {
            let reply = client.on_order("DescribeCertificateState", id).await.ok();
            out.push(reply.body["Type"].as_str().unwrap().to_string());
        }
        out
    };
    assert_eq!(
        types,
        [
            "domain_verify",
            "domain_verify",
            "certificate",
            "certificate"
        ]
    );

    em.set_review_policy(ReviewPolicy::Automatic {
        approve: false,
        after_polls: 0,
    });
    let id = client.create("auto-reject.example.com").await;
    let reply = client.on_order("DescribeCertificateState", id).await.ok();
    assert_eq!(reply.body["Type"], "verify_fail");
    client.on_order("DeleteCertificateRequest", id).await.ok();

    em.set_review_policy(ReviewPolicy::Manual);
    let id = client.create("manual.example.com").await;
    for _ in 0..3 {
        let reply = client.on_order("DescribeCertificateState", id).await.ok();
        assert_eq!(reply.body["Type"], "domain_verify");
    }
    em.shutdown().await;
}

fn ids_of(reply: &common::Reply) -> Vec<i64> {
    reply.body["CertificateOrderList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["OrderId"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn list_paging_and_filters() {
    let em = start_default().await;
    let client = Client::new(&em, SignatureVersion::V3);
    let mut created = Vec::new();
    for i in 0..8 {
        created.push(client.create(&format!("site{i}.example.com")).await);
    }
    created.push(client.create("other.example.net").await);

    // Pages of 4: 4 + 4 + 1, then an empty page.
    let mut seen = Vec::new();
    for (page, expected_len) in [(1, 4), (2, 4), (3, 1), (4, 0)] {
        let page_text = page.to_string();
        let reply = client
            .call(
                "ListUserCertificateOrder",
                &[("CurrentPage", &page_text), ("ShowSize", "4")],
            )
            .await
            .ok();
        assert_eq!(reply.body["TotalCount"], 9);
        assert_eq!(reply.body["CurrentPage"], page);
        assert_eq!(reply.body["ShowSize"], 4);
        let ids = ids_of(&reply);
        assert_eq!(ids.len(), expected_len, "page {page}");
        seen.extend(ids);
    }
    assert_eq!(seen, created, "every order once, in OrderId order");
    let unique: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len());

    // The item shape.
    let reply = client
        .call("ListUserCertificateOrder", &[("ShowSize", "1")])
        .await
        .ok();
    let item = &reply.body["CertificateOrderList"][0];
    assert_eq!(item["Status"], "CHECKING");
    assert_eq!(item["CertType"], "DV");
    assert_eq!(item["Domain"], "site0.example.com");
    assert_eq!(item["ProductCode"], "digicert-free-1-free");
    assert!(item["BuyDate"].as_i64().unwrap() > 1_600_000_000_000);

    // Move some orders along: one cancelled, one rejected, two issued.
    client.on_order("CancelOrderRequest", created[0]).await.ok();
    assert!(em.finish_review(created[1], ReviewOutcome::Reject));
    assert!(em.finish_review(created[2], ReviewOutcome::Approve));
    assert!(em.complete_domain_verification(created[3]));
    assert!(em.finish_review(created[3], ReviewOutcome::Approve));
    for (status, expected) in [
        ("PAYED", vec![created[0]]),
        ("CHECKED_FAIL", vec![created[1]]),
        ("ISSUED", vec![created[2], created[3]]),
        ("CHECKING", created[4..].to_vec()),
        ("EXPIRED", vec![]),
    ] {
        let reply = client
            .call("ListUserCertificateOrder", &[("Status", status)])
            .await
            .ok();
        assert_eq!(ids_of(&reply), expected, "{status}");
        assert_eq!(reply.body["TotalCount"], expected.len(), "{status}");
    }
    // Status filter together with paging.
    let reply = client
        .call(
            "ListUserCertificateOrder",
            &[
                ("Status", "ISSUED"),
                ("ShowSize", "1"),
                ("CurrentPage", "2"),
            ],
        )
        .await
        .ok();
    assert_eq!(ids_of(&reply), [created[3]]);
    assert_eq!(reply.body["TotalCount"], 2);
    let issued = &reply.body["CertificateOrderList"][0];
    assert!(issued["CertificateId"].as_i64().is_some());
    assert!(issued["CertEndTime"].as_i64() > issued["CertStartTime"].as_i64());

    // Keyword and order type.
    let reply = client
        .call("ListUserCertificateOrder", &[("Keyword", "example.net")])
        .await
        .ok();
    assert_eq!(ids_of(&reply), [created[8]]);
    let reply = client
        .call("ListUserCertificateOrder", &[("OrderType", "CERT")])
        .await
        .ok();
    assert_eq!(ids_of(&reply), [created[2], created[3]]);
    let reply = client
        .call("ListUserCertificateOrder", &[("OrderType", "BUY")])
        .await
        .ok();
    assert_eq!(reply.body["TotalCount"], 0);
    client
        .call("ListUserCertificateOrder", &[("OrderType", "SOMETHING")])
        .await
        .err(400, "InvalidParameter");
    client
        .call("ListUserCertificateOrder", &[("CurrentPage", "0")])
        .await
        .err(400, "InvalidParameter");
    em.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_get_unique_ids_and_respect_the_quota() {
    let em = start_default().await;
    let mut tasks = Vec::new();
    for i in 0..32 {
        let scheme = if i % 2 == 0 {
            SignatureVersion::V1
        } else {
            SignatureVersion::V3
        };
        let client = Client::new(&em, scheme);
        tasks.push(tokio::spawn(async move {
            client
                .call(
                    "CreateCertificateRequest",
                    &[
                        ("Domain", &format!("c{i}.example.com")),
                        ("Email", "a@example.com"),
                        ("Phone", "1"),
                        ("Username", "u"),
                        ("ValidateType", "DNS"),
                    ],
                )
                .await
        }));
    }
    let mut ids = BTreeSet::new();
    let mut exhausted = 0;
    for task in tasks {
        let reply = task.await.unwrap();
        match reply.status {
            200 => assert!(ids.insert(reply.order_id()), "duplicate order id"),
            _ => {
                reply.err(404, "NotRemainCount");
                exhausted += 1;
            }
        }
    }
    assert_eq!(ids.len(), alibabacloud_cas_emulator::DEFAULT_QUOTA as usize);
    assert_eq!(exhausted, 32 - 20);
    let client = Client::new(&em, SignatureVersion::V3);
    let reply = client
        .call("ListUserCertificateOrder", &[("ShowSize", "100")])
        .await
        .ok();
    let listed: BTreeSet<i64> = ids_of(&reply).into_iter().collect();
    assert_eq!(listed, ids);
    assert_eq!(em.audit_log().len(), 33);
    em.shutdown().await;
}
