//! 64 concurrent clients, each with its own connection pool, run a bounded order lifecycle
//! against one emulator while a tenth of all requests are throttled. Afterwards the ids the
//! clients were given, the paged listing, the audit log, the quota and the order states must
//! agree exactly: nothing lost, nothing duplicated.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use alibabacloud_cas::{Client, RetryConfig, SignatureVersion};
use alibabacloud_cas_emulator::{Emulator, Fault, FaultRule, FaultTrigger, OrderState};
use futures::TryStreamExt;

use crate::support::emulator;

const CLIENTS: usize = 64;
const CREATES: usize = 5;
const QUOTA: u32 = 400;

/// What one client did.
#[derive(Debug, Default)]
struct Report {
    /// Order id → domain, for every create that succeeded.
    created: BTreeMap<i64, String>,
    /// Cancelled and still present.
    cancelled: Vec<i64>,
    /// Cancelled, then deleted.
    deleted: Vec<i64>,
    /// Calls made (each may have taken several attempts).
    calls: u64,
}

fn client(emu: &Emulator, n: usize) -> Client {
    let version = if n % 2 == 0 {
        SignatureVersion::V3
    } else {
        SignatureVersion::V1
    };
    emulator::client(emu, |c| {
        c.signature_version(version)
            // Throttled attempts are never executed, so even creates may be retried; 8 attempts
            // at 10% throttling fail with probability 1e-8.
            .retry(
                RetryConfig::standard()
                    .with_max_attempts(8)
                    .with_initial_backoff(Duration::from_millis(5))
                    .with_max_backoff(Duration::from_millis(50)),
            )
    })
}

/// Five creates, then cancel the first two, delete the first and describe the third.
async fn lifecycle(c: Client, n: usize) -> Report {
    let mut report = Report::default();
    let mut ids = Vec::new();
    for k in 0..CREATES {
        let domain = format!("c{n}-{k}.example.com");
        let out = emulator::create(&c, &domain)
            .await
            .unwrap_or_else(|e| panic!("client {n} create {k}: {e}"));
        let id = out.order_id.expect("order id");
        assert!(report.created.insert(id, domain).is_none(), "id {id} twice");
        ids.push(id);
    }
    for &id in &ids[..2] {
        c.cancel_order_request()
            .order_id(id)
            .send()
            .await
            .unwrap_or_else(|e| panic!("client {n} cancel {id}: {e}"));
    }
    c.delete_certificate_request()
        .order_id(ids[0])
        .send()
        .await
        .unwrap_or_else(|e| panic!("client {n} delete {}: {e}", ids[0]));
    let state = c
        .describe_certificate_state()
        .order_id(ids[2])
        .send()
        .await
        .unwrap_or_else(|e| panic!("client {n} describe: {e}"));
    assert_eq!(
        state.domain.as_deref(),
        Some(report.created[&ids[2]].as_str())
    );
    report.cancelled.push(ids[1]);
    report.deleted.push(ids[0]);
    report.calls = CREATES as u64 + 2 + 1 + 1;
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients_lose_and_duplicate_nothing() {
    let emu = emulator::with_quota(QUOTA).await;
    emu.inject(FaultRule::new(
        Fault::Throttling { retry_after: None },
        FaultTrigger::Fraction {
            fraction: 0.1,
            seed: 64,
        },
    ));

    let tasks: Vec<_> = (0..CLIENTS)
        .map(|n| tokio::spawn(lifecycle(client(&emu, n), n)))
        .collect();
    let mut created = BTreeMap::new();
    let mut cancelled = BTreeSet::new();
    let mut deleted = BTreeSet::new();
    let mut calls = 0;
    for task in tasks {
        let report = task.await.expect("client task");
        for (id, domain) in report.created {
            assert!(created.insert(id, domain).is_none(), "id {id} given twice");
        }
        cancelled.extend(report.cancelled);
        deleted.extend(report.deleted);
        calls += report.calls;
    }
    let total = CLIENTS * CREATES;
    assert_eq!(created.len(), total);
    assert_eq!(cancelled.len(), CLIENTS);
    assert_eq!(deleted.len(), CLIENTS);

    // Every attempt was either executed once or throttled (and then retried).
    assert_eq!(emu.authenticated_requests(), calls + emu.faults_injected());
    assert!(emu.faults_injected() > 0);

    // The quota went down by exactly the number of creates.
    assert_eq!(emu.quota(), Some(QUOTA - total as u32));

    // The audit log: each create once, with exactly the ids the clients got.
    let log = emu.audit_log();
    assert!(log.iter().all(|e| e.outcome == "OK"), "no failed operation");
    let executed = |action: &str| -> Vec<i64> {
        log.iter()
            .filter(|e| e.action == action)
            .map(|e| e.order_id.expect("order id"))
            .collect()
    };
    let audit_creates = executed("CreateCertificateRequest");
    assert_eq!(audit_creates.len(), total, "no create ran twice");
    let audit_created: BTreeSet<i64> = audit_creates.into_iter().collect();
    assert_eq!(audit_created, created.keys().copied().collect());
    assert_eq!(executed("CancelOrderRequest").len(), 2 * CLIENTS);
    let audit_deleted: BTreeSet<i64> = executed("DeleteCertificateRequest").into_iter().collect();
    assert_eq!(audit_deleted, deleted);
    assert_eq!(log.len() as u64, calls);

    // The paged listing (while throttling continues): every remaining order once.
    let lister = client(&emu, 0);
    let listed: Vec<_> = lister
        .list_user_certificate_order()
        .show_size(50)
        .into_paginator()
        .items()
        .try_collect()
        .await
        .expect("listing");
    let mut seen = BTreeSet::new();
    for item in &listed {
        let id = item.order_id.expect("order id");
        assert!(seen.insert(id), "order {id} listed twice");
        assert_eq!(item.domain.as_ref(), created.get(&id), "order {id}");
        let want = if cancelled.contains(&id) {
            "PAYED"
        } else {
            "CHECKING"
        };
        assert_eq!(item.status.as_ref().map(|s| s.as_str()), Some(want), "{id}");
    }
    let remaining: BTreeSet<i64> = created
        .keys()
        .copied()
        .filter(|id| !deleted.contains(id))
        .collect();
    assert_eq!(seen, remaining);

    // Final states, order by order.
    for id in created.keys() {
        let want = if deleted.contains(id) {
            None
        } else if cancelled.contains(id) {
            Some(OrderState::Payed)
        } else {
            Some(OrderState::DomainVerify)
        };
        assert_eq!(emu.order_state(*id), want, "order {id}");
    }
    emu.shutdown().await;
}
