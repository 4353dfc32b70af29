//! Finding 2: no response size limit. A 1 GiB body made 1 GiB of RSS, an endless body aborted
//! the process, and a 256 MB error `Message` made 1.3 GB of RSS and aborted when formatted.
//!
//! Memory is measured with the binary's counting allocator: the peak of live heap bytes during
//! the call, above what was live before it.

use std::time::Duration;

use alibabacloud_cas::SdkErrorKind;
use alibabacloud_runtime::config::DEFAULT_MAX_RESPONSE_BODY;
use alibabacloud_runtime::error::{ERROR_BODY_LIMIT, MESSAGE_LIMIT};

use crate::memory::{alone, measure, mib};
use crate::support::{BOTH, Hostile, Reply, client};

const MIB: usize = 1024 * 1024;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A 200 whose head announces `length` (or nothing: chunked-free, close-delimited) and whose
/// body never ends while the client reads.
fn endless(length: Option<u64>) -> Reply {
    let mut head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n".to_vec();
    if let Some(len) = length {
        head.extend_from_slice(format!("content-length: {len}\r\n").as_bytes());
    }
    head.extend_from_slice(b"connection: close\r\n\r\n");
    Reply::Stream {
        head,
        chunk: vec![b' '; 64 * 1024],
        total: length,
        interval: Duration::ZERO,
    }
}

#[test]
fn a_one_gib_body_is_refused_unread() {
    let alone = alone();
    let rt = runtime();
    for version in BOTH {
        let (outcome, peak) = measure(&alone, || {
            rt.block_on(async {
                let server = Hostile::start(|_| endless(Some(1 << 30))).await;
                let c = client(&server.endpoint(), version, |b| b);
                c.describe_certificate_state().order_id(1).send().await
            })
        });
        let err = outcome.expect_err("refused");
        let SdkErrorKind::Response(r) = err.kind() else {
            panic!("{err:?}")
        };
        assert!(r.reason().contains("announces 1073741824 bytes"), "{err}");
        assert_eq!(
            err.attempts(),
            1,
            "not retried: the same answer would come back"
        );
        assert!(err.outcome_unknown(), "a 200 that cannot be read");
        println!("{version:?}: 1 GiB announced, peak {}", mib(peak));
        assert!(
            peak < 8 * MIB,
            "{version:?}: peak {} for a refused body",
            mib(peak)
        );
    }
}

#[test]
fn an_endless_body_stops_at_the_default_cap() {
    let alone = alone();
    let rt = runtime();
    let (outcome, peak) = measure(&alone, || {
        rt.block_on(async {
            let server = Hostile::start(|_| endless(None)).await;
            let c = client(&server.endpoint(), BOTH[1], |b| b);
            c.describe_certificate_state().order_id(1).send().await
        })
    });
    let err = outcome.expect_err("refused");
    assert!(
        err.to_string().contains(&format!(
            "longer than the limit of {DEFAULT_MAX_RESPONSE_BODY} bytes"
        )),
        "{err}"
    );
    println!("endless body, default 64 MiB cap: peak {}", mib(peak));
    // The body is gathered up to the cap; growing the buffer from about 32 MiB to the cap
    // holds both for a moment. Before the cap, this grew until the process aborted.
    assert!(
        peak < DEFAULT_MAX_RESPONSE_BODY * 3 / 2 + 16 * MIB,
        "peak {}",
        mib(peak)
    );
}

#[test]
fn a_configured_cap_bounds_memory_tightly() {
    let alone = alone();
    let rt = runtime();
    for announce in [None, Some(10 * MIB as u64)] {
        let (outcome, peak) = measure(&alone, || {
            rt.block_on(async {
                let server = Hostile::start(move |_| endless(announce)).await;
                let c = client(&server.endpoint(), BOTH[0], |b| b.max_response_body(MIB));
                c.list_user_certificate_order().send().await
            })
        });
        assert!(outcome.is_err());
        println!("cap 1 MiB, announced {announce:?}: peak {}", mib(peak));
        assert!(peak < 4 * MIB, "peak {}", mib(peak));
    }
}

#[test]
fn a_huge_error_message_is_bounded_in_metadata_and_display() {
    let alone = alone();
    let rt = runtime();
    let message = "M".repeat(48 * MIB);
    let body = format!(
        r#"{{"RequestId":"R1","Code":"Huge","Message":"{message}","HostId":"{}"}}"#,
        "h".repeat(MIB)
    );
    drop(message);
    let raw = std::sync::Arc::new(crate::support::http(
        400,
        &[("content-type", "application/json")],
        body.as_bytes(),
    ));
    let sent_len = body.len();
    drop(body);
    for version in BOTH {
        let raw = raw.clone();
        let ((shown, meta_sizes), peak) = measure(&alone, || {
            rt.block_on(async {
                let server = Hostile::start(move |_| Reply::Shared(raw.clone())).await;
                let c = client(&server.endpoint(), version, |b| b);
                let err = c
                    .delete_certificate_request()
                    .order_id(1)
                    .send()
                    .await
                    .expect_err("service error");
                let meta = err.service_error().map(|e| e.metadata().clone());
                let sizes = meta.map(|m| {
                    (
                        m.message().len(),
                        m.body().len(),
                        m.host_id().map_or(0, str::len),
                    )
                });
                (err.to_string(), sizes)
            })
        });
        let (message_len, kept_len, host_len) = meta_sizes.expect("the envelope was read");
        assert!(message_len <= MESSAGE_LIMIT + 3, "{message_len}");
        assert!(kept_len <= ERROR_BODY_LIMIT + 3, "{kept_len}");
        assert!(host_len <= 300, "{host_len}");
        assert!(
            shown.len() < MESSAGE_LIMIT + 512,
            "Display is bounded: {}",
            shown.len()
        );
        assert!(shown.starts_with("Huge: MMM"), "{}", &shown[..40]);
        println!("{version:?}: 49 MiB error body, peak {}", mib(peak));
        // The body itself (49 MiB, gathered into one buffer of the announced size) is the only
        // big allocation: the envelope is decoded without copying the message.
        assert!(peak < sent_len + 16 * MIB, "peak {}", mib(peak));
    }
}

#[test]
fn a_256_mb_error_body_is_refused_at_the_cap() {
    let alone = alone();
    let rt = runtime();
    let (outcome, peak) = measure(&alone, || {
        rt.block_on(async {
            let mut head =
                b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n".to_vec();
            head.extend_from_slice(b"connection: close\r\n\r\n{\"Code\":\"X\",\"Message\":\"");
            let server = Hostile::start(move |_| Reply::Stream {
                head: head.clone(),
                chunk: vec![b'M'; 64 * 1024],
                total: Some(256 * 1000 * 1000),
                interval: Duration::ZERO,
            })
            .await;
            let c = client(&server.endpoint(), BOTH[1], |b| b);
            c.delete_certificate_request().order_id(1).send().await
        })
    });
    let err = outcome.expect_err("refused");
    assert!(err.to_string().contains("longer than the limit"), "{err}");
    assert!(!err.outcome_unknown(), "a 4xx says the call did not run");
    println!("256 MB error body: peak {}", mib(peak));
    assert!(
        peak < DEFAULT_MAX_RESPONSE_BODY * 3 / 2 + 16 * MIB,
        "peak {}",
        mib(peak)
    );
}
