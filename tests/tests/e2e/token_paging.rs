//! Token paging end to end: the generated `ListTagResources` paginator against the emulator's
//! opaque `NextToken`s. Nothing is lost or repeated, across pages, filters, concurrent changes
//! and retried pages; a token the service did not issue is an error.

use std::collections::{BTreeSet, HashSet};

use alibabacloud_cas::operation::list_tag_resources::{TagItem as Filter, TagResourceItem};
use alibabacloud_cas::operation::tag_resources::TagItem;
use alibabacloud_cas::{Client, RetryConfig};
use alibabacloud_cas_emulator::{Fault, FaultRule};
use futures::{StreamExt, TryStreamExt};

use crate::support::emulator;

const REGION: &str = "cn-hangzhou";
const ORDER: &str = "ORDER";

/// (resource id, key, value)
type Binding = (String, String, String);

fn tag(key: &str, value: &str) -> TagItem {
    TagItem {
        key: Some(key.into()),
        value: Some(value.into()),
    }
}

async fn bind(c: &Client, ids: &[String], tags: Vec<TagItem>) {
    c.tag_resources()
        .region_id(REGION)
        .resource_id(ids.to_vec())
        .resource_type(ORDER)
        .tag(tags)
        .send()
        .await
        .expect("tag resources");
}

fn binding(item: TagResourceItem) -> Binding {
    assert_eq!(item.resource_type.as_deref(), Some(ORDER));
    (
        item.resource_id.expect("resource id"),
        item.tag_key.expect("key"),
        item.tag_value.expect("value"),
    )
}

/// Every item once: panics on a repeat.
fn unique(items: Vec<Binding>) -> BTreeSet<Binding> {
    let mut set = BTreeSet::new();
    for item in items {
        assert!(set.insert(item.clone()), "{item:?} listed twice");
    }
    set
}

/// 12 orders with three tags each: `env=test`, `team=pki-{i % 3}`, `idx={i}`.
async fn tagged_orders(c: &Client) -> (Vec<String>, BTreeSet<Binding>) {
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(
            emulator::order(c, &format!("tagged{i}.example.com"))
                .await
                .to_string(),
        );
    }
    bind(c, &ids, vec![tag("env", "test")]).await;
    let mut expected = BTreeSet::new();
    for (i, id) in ids.iter().enumerate() {
        let team = format!("pki-{}", i % 3);
        bind(
            c,
            std::slice::from_ref(id),
            vec![tag("team", &team), tag("idx", &i.to_string())],
        )
        .await;
        expected.insert((id.clone(), "env".into(), "test".into()));
        expected.insert((id.clone(), "team".into(), team));
        expected.insert((id.clone(), "idx".into(), i.to_string()));
    }
    (ids, expected)
}

#[tokio::test]
async fn pages_and_items_list_every_binding_once() {
    let emu = emulator::with_quota(100).await;
    let c = emulator::client(&emu, |c| c.retry(RetryConfig::disabled()));
    let (ids, expected) = tagged_orders(&c).await;
    assert_eq!(expected.len(), 36);

    // Pages of 5: 8 pages, all full but the last, which carries no token.
    let pages: Vec<_> = c
        .list_tag_resources()
        .region_id(REGION)
        .resource_type(ORDER)
        .max_results(5)
        .into_paginator()
        .pages()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 8);
    let mut items = Vec::new();
    for (n, page) in pages.into_iter().enumerate() {
        let last = n == 7;
        assert_eq!(page.max_results, Some(5));
        assert_eq!(page.next_token.as_deref().is_none_or(str::is_empty), last);
        let page_items = page.tag_resources.and_then(|t| t.tag_resource).unwrap();
        assert_eq!(page_items.len(), if last { 1 } else { 5 }, "page {n}");
        items.extend(page_items.into_iter().map(binding));
    }
    assert_eq!(unique(items), expected);

    // The default page size (20): two pages, through the item stream.
    let items: Vec<_> = c
        .list_tag_resources()
        .region_id(REGION)
        .resource_type(ORDER)
        .into_paginator()
        .items()
        .map_ok(binding)
        .try_collect()
        .await
        .expect("items");
    assert_eq!(unique(items), expected);

    // Filters: three resources; then one tag (team=pki-0 is on orders 0, 3, 6, 9).
    let some: Vec<String> = ids[..3].to_vec();
    let items: Vec<_> = c
        .list_tag_resources()
        .region_id(REGION)
        .resource_type(ORDER)
        .resource_id(some.clone())
        .max_results(2)
        .into_paginator()
        .items()
        .map_ok(binding)
        .try_collect()
        .await
        .expect("items");
    let want: BTreeSet<Binding> = expected
        .iter()
        .filter(|b| some.contains(&b.0))
        .cloned()
        .collect();
    assert_eq!(unique(items), want);
    let filter = Filter {
        key: Some("team".into()),
        value: Some("pki-0".into()),
    };
    let pages: Vec<_> = c
        .list_tag_resources()
        .region_id(REGION)
        .resource_type(ORDER)
        .tag(vec![filter])
        .max_results(5)
        .into_paginator()
        .pages()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 3);
    let items = pages
        .into_iter()
        .flat_map(|p| p.tag_resources.and_then(|t| t.tag_resource).unwrap())
        .map(binding);
    let team0: HashSet<&String> = ids.iter().step_by(3).collect();
    let want: BTreeSet<Binding> = expected
        .iter()
        .filter(|b| team0.contains(&b.0))
        .cloned()
        .collect();
    assert_eq!(unique(items.collect()), want);
    emu.shutdown().await;
}

#[tokio::test]
async fn concurrent_changes_and_retried_pages_lose_nothing() {
    let emu = emulator::with_quota(100).await;
    let c = emulator::client(&emu, |c| c);
    let (ids, expected) = tagged_orders(&c).await;

    // Tags added while paging: what existed throughout is listed exactly once.
    // The streams are Unpin: no pinning before `next()`.
    let mut pages = c
        .list_tag_resources()
        .region_id(REGION)
        .resource_type(ORDER)
        .max_results(4)
        .into_paginator()
        .pages();
    let mut items = Vec::new();
    let mut n = 0;
    while let Some(page) = pages.next().await {
        let page = page.expect("page");
        items.extend(
            page.tag_resources
                .and_then(|t| t.tag_resource)
                .unwrap()
                .into_iter()
                .map(binding),
        );
        n += 1;
        if n == 2 {
            // New keys on the first and the last order, and a server hiccup on the next page
            // (retried with the same token by the default policy).
            bind(
                &c,
                &[ids[0].clone(), ids[11].clone()],
                vec![tag("zz", "new")],
            )
            .await;
            emu.inject(
                FaultRule::next_n(1, Fault::ServiceUnavailable).for_action("ListTagResources"),
            );
        }
    }
    assert!(n >= 9, "{n} pages");
    let listed = unique(items);
    assert!(listed.is_superset(&expected));
    let extra: Vec<_> = listed.difference(&expected).collect();
    assert!(
        extra.len() <= 2 && extra.iter().all(|b| b.1 == "zz"),
        "{extra:?}"
    );
    assert_eq!(emu.faults_injected(), 1);

    // A deleted order's tags go with it.
    c.cancel_order_request()
        .order_id(ids[5].parse::<i64>().unwrap())
        .send()
        .await
        .expect("cancel");
    c.delete_certificate_request()
        .order_id(ids[5].parse::<i64>().unwrap())
        .send()
        .await
        .expect("delete");
    let items: Vec<_> = c
        .list_tag_resources()
        .region_id(REGION)
        .resource_type(ORDER)
        .into_paginator()
        .items()
        .map_ok(binding)
        .try_collect()
        .await
        .expect("items");
    let items = unique(items);
    assert!(items.iter().all(|b| b.0 != ids[5]));
    assert_eq!(items.len(), 36 - 3 + 2);
    emu.shutdown().await;
}

#[tokio::test]
async fn tokens_the_service_did_not_issue_are_rejected() {
    let emu = emulator::with_quota(100).await;
    let c = emulator::client(&emu, |c| c.retry(RetryConfig::disabled()));
    let (ids, _) = tagged_orders(&c).await;

    let err = c
        .list_tag_resources()
        .region_id(REGION)
        .resource_type(ORDER)
        .next_token("bm90LWEtdG9rZW4")
        .send()
        .await
        .expect_err("a made-up token");
    assert_eq!(err.code(), Some("InvalidParameter"), "{err}");
    assert_eq!(err.http_status(), Some(400));
    assert!(err.message().unwrap_or("").contains("NextToken"), "{err}");

    // Through the paginator: the error is the first item, and the stream ends there.
    let mut items = c
        .list_tag_resources()
        .region_id(REGION)
        .resource_type(ORDER)
        .next_token("garbage")
        .into_paginator()
        .items();
    let first = items.next().await.expect("one item");
    assert_eq!(
        first.expect_err("bad token").code(),
        Some("InvalidParameter")
    );
    assert!(items.next().await.is_none());

    // A real token, replayed on another query.
    let page = c
        .list_tag_resources()
        .region_id(REGION)
        .resource_type(ORDER)
        .max_results(3)
        .send()
        .await
        .expect("first page");
    let token = page.next_token.expect("more pages");
    let err = c
        .list_tag_resources()
        .region_id(REGION)
        .resource_type(ORDER)
        .resource_id(vec![ids[0].clone()])
        .next_token(token.clone())
        .send()
        .await
        .expect_err("token of another query");
    assert_eq!(err.code(), Some("InvalidParameter"));
    // ...but accepted, again and again, on its own query (a retried page works).
    for _ in 0..2 {
        let again = c
            .list_tag_resources()
            .region_id(REGION)
            .resource_type(ORDER)
            .max_results(3)
            .next_token(token.clone())
            .send()
            .await
            .expect("second page");
        assert_eq!(again.tag_resources.unwrap().tag_resource.unwrap().len(), 3);
    }

    // Wrong resource type, and a page size out of range.
    let err = c
        .list_tag_resources()
        .region_id(REGION)
        .resource_type("INSTANCE")
        .send()
        .await
        .expect_err("unknown resource type");
    assert_eq!(err.code(), Some("InvalidParameter"));
    let err = c
        .list_tag_resources()
        .region_id(REGION)
        .resource_type(ORDER)
        .max_results(0)
        .send()
        .await
        .expect_err("MaxResults 0");
    assert_eq!(err.code(), Some("InvalidParameter"));
    emu.shutdown().await;
}
