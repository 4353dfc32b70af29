//! Paginator edge cases against a scripted loopback server: a repeated continuation token
//! stops the stream with an error instead of looping, an error ends the stream, and a
//! page-number paginator stops at the reported total even when pages are full.

use crate::support::loopback::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, LoopbackServer};
use alibabacloud_cas::{Client, Credentials, RetryConfig, SdkErrorKind};
use futures::StreamExt;

fn client(server: &LoopbackServer) -> Client {
    Client::new(
        Client::config()
            .endpoint(server.endpoint())
            .credentials(Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
            .retry(RetryConfig::disabled())
            .build()
            .expect("config"),
    )
    .expect("client")
}

fn tag_page(ids: &[&str], next: &str) -> String {
    let items: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(r#"{{"ResourceId":"{id}","ResourceType":"ORDER","TagKey":"k","TagValue":"v"}}"#)
        })
        .collect();
    format!(
        r#"{{"RequestId":"R","NextToken":"{next}","TagResources":{{"TagResource":[{}]}}}}"#,
        items.join(",")
    )
}

#[tokio::test]
async fn a_repeated_token_stops_with_an_error() {
    let server = LoopbackServer::start().await;
    server.respond(200, &tag_page(&["1", "2"], "T1"));
    server.respond(200, &tag_page(&["3"], "T2"));
    server.respond(200, &tag_page(&["4"], "T1"));
    server.respond(200, &tag_page(&["never"], ""));
    let pages: Vec<_> = client(&server)
        .list_tag_resources()
        .region_id("cn-hangzhou")
        .resource_type("ORDER")
        .into_paginator()
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 3, "two pages, then the error, then nothing");
    assert!(pages[0].is_ok() && pages[1].is_ok());
    let err = pages[2].as_ref().expect_err("repeated token");
    match err.kind() {
        SdkErrorKind::Response(r) => assert!(r.reason().contains("`T1` twice"), "{}", r.reason()),
        other => panic!("expected a response error, got {other:?}"),
    }
    let sent = server.received();
    assert_eq!(sent.len(), 3);
    let token = |i: usize| {
        sent[i]
            .params
            .iter()
            .find(|(k, _)| k == "NextToken")
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        (token(0), token(1), token(2)),
        (None, Some("T1".into()), Some("T2".into()))
    );
    server.stop().await;
}

#[tokio::test]
async fn items_flatten_pages_and_an_error_ends_the_stream() {
    let server = LoopbackServer::start().await;
    server.respond(200, &tag_page(&["1", "2"], "T1"));
    server.respond(
        503,
        r#"{"RequestId":"R2","Code":"ServiceUnavailable","Message":"busy"}"#,
    );
    server.respond(200, &tag_page(&["never"], ""));
    let items: Vec<_> = client(&server)
        .list_tag_resources()
        .region_id("cn-hangzhou")
        .resource_type("ORDER")
        .into_paginator()
        .items()
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    let ids: Vec<_> = items[..2]
        .iter()
        .map(|i| {
            i.as_ref()
                .expect("item")
                .resource_id
                .clone()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(ids, ["1", "2"]);
    assert_eq!(
        items[2].as_ref().expect_err("error").code(),
        Some("ServiceUnavailable")
    );
    assert_eq!(server.received().len(), 2);
    server.stop().await;
}

#[tokio::test]
async fn page_numbers_stop_at_the_reported_total() {
    let server = LoopbackServer::start().await;
    let page = |ids: &[i64], page: i64| {
        let items: Vec<String> = ids
            .iter()
            .map(|id| format!(r#"{{"OrderId":{id}}}"#))
            .collect();
        format!(
            r#"{{"RequestId":"R","CurrentPage":{page},"ShowSize":2,"TotalCount":4,"CertificateOrderList":[{}]}}"#,
            items.join(",")
        )
    };
    server.respond(200, &page(&[1, 2], 1));
    server.respond(200, &page(&[3, 4], 2));
    server.respond(200, &page(&[99], 3));
    let items: Vec<_> = client(&server)
        .list_user_certificate_order()
        .show_size(2)
        .into_paginator()
        .items()
        .collect()
        .await;
    let ids: Vec<i64> = items
        .into_iter()
        .map(|i| i.expect("item").order_id.unwrap_or_default())
        .collect();
    assert_eq!(ids, [1, 2, 3, 4]);
    let sent = server.received();
    assert_eq!(sent.len(), 2, "full pages, but the total was reached");
    let pages: Vec<_> = sent
        .iter()
        .map(|r| {
            r.params
                .iter()
                .find(|(k, _)| k == "CurrentPage")
                .map(|(_, v)| v.clone())
        })
        .collect();
    assert_eq!(pages, [Some("1".to_string()), Some("2".to_string())]);
    server.stop().await;
}
