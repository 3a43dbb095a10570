//! The generated `*_pages` and `*_stream` methods walking the mock gateway's pages.

mod common;

use futures_util::{Stream, StreamExt, TryStreamExt};
use rizzitgo_mock_gateway::{ErrorStyle, Failure, MockGateway, seed};
use rizzitgo_open_api::types::{DateTime, ImageSearchRequest, QcDetail, QcPageRequest, TimeRange};
use rizzitgo_open_api::{Client, Error};
use std::collections::HashSet;
use std::pin::Pin;

const QC_PAGE: &str = "/open-api/goods/qc-page";
const SEARCH: &str = "/open-api/goods/search-by-images";

fn june() -> TimeRange {
    TimeRange([
        "2026-06-01 00:00:00".parse().unwrap(),
        "2026-06-30 23:59:59".parse().unwrap(),
    ])
}

/// A record's identity for duplicate checks: all of it.
fn key(record: &QcDetail) -> String {
    serde_json::to_string(record).unwrap()
}

/// June's records, ten a page, as a pinned stream.
fn june_by_tens(client: &Client) -> Pin<Box<impl Stream<Item = Result<QcDetail, Error>> + use<>>> {
    Box::pin(
        client.goods_qc_page_stream(
            QcPageRequest::builder()
                .page_size(10u32)
                .completion_time(june()),
        ),
    )
}

async fn setup() -> (MockGateway, Client) {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let (builder, _clock) = common::manual_builder(&gateway);
    (gateway, builder.build().unwrap())
}

#[tokio::test]
async fn streaming_june_yields_the_total_once_each_in_ceil_total_over_size_requests() {
    let (gateway, client) = setup().await;
    // The SDK's page size: the largest the gateway allows (100), so one request.
    let records: Vec<QcDetail> = client
        .goods_qc_page_stream(QcPageRequest::builder().completion_time(june()))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(records.len() as u64, seed::QC_JUNE_2026_COUNT);
    assert_eq!(gateway.stats().endpoint(QC_PAGE), 1);
    let request = gateway.stats().requests.last().unwrap().body.clone();
    assert!(request.contains(r#""pageSize":100"#), "{request}");

    // The caller's page size is kept across the walk.
    gateway.reset_stats();
    let records: Vec<QcDetail> = client
        .goods_qc_page_stream(
            QcPageRequest::builder()
                .page_size(10u32)
                .completion_time(june()),
        )
        .try_collect()
        .await
        .unwrap();
    let unique: HashSet<String> = records.iter().map(key).collect();
    assert_eq!(records.len() as u64, seed::QC_JUNE_2026_COUNT);
    assert_eq!(unique.len(), records.len(), "no duplicate");
    assert_eq!(
        gateway.stats().endpoint(QC_PAGE),
        seed::QC_JUNE_2026_COUNT.div_ceil(10)
    );
    let sizes: Vec<bool> = gateway
        .stats()
        .requests
        .iter()
        .map(|r| r.body.contains(r#""pageSize":10"#))
        .collect();
    assert!(sizes.iter().all(|same| *same), "one page size for the run");
}

#[tokio::test]
async fn the_pages_form_yields_each_page_with_its_counts() {
    let (gateway, client) = setup().await;
    let pages: Vec<_> = client
        .goods_qc_page_pages(
            QcPageRequest::builder()
                .page_size(25u32)
                .completion_time(june()),
        )
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.list.len()).collect();
    assert_eq!(sizes, [25, 25, 4]);
    assert!(
        pages
            .iter()
            .all(|p| p.total == Some(seed::QC_JUNE_2026_COUNT as i64))
    );
    assert_eq!(gateway.stats().endpoint(QC_PAGE), 3);
}

#[tokio::test]
async fn the_image_search_stream_yields_every_hit_over_total_page_pages() {
    let (gateway, client) = setup().await;
    let hits: Vec<_> = client
        .search_goods_by_image_stream(
            ImageSearchRequest::builder()
                .images_url("https://example.com/img/query.jpg")
                .source(1),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(hits.len() as u64, seed::IMAGE_SEARCH_TOTALS[0]);
    let unique: HashSet<_> = hits.iter().map(|h| h.goods_id.clone()).collect();
    assert_eq!(unique.len(), hits.len());
    // 100 hits, 20 a page: totalPage 5, and no sixth request.
    assert_eq!(gateway.stats().endpoint(SEARCH), 5);

    // No match: one empty page, and the end.
    gateway.reset_stats();
    let none: Vec<_> = client
        .search_goods_by_image_stream(
            ImageSearchRequest::builder()
                .images_url(seed::IMAGE_URL_NO_MATCH)
                .source(1),
        )
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(gateway.stats().endpoint(SEARCH), 1);
}

#[tokio::test]
async fn each_page_is_retried_and_a_page_that_fails_ends_the_stream_with_its_error() {
    let (gateway, client) = setup().await;
    let mut stream = june_by_tens(&client);
    for _ in 0..10 {
        stream.try_next().await.unwrap().unwrap();
    }
    // Page 2 meets one 503: retried, the walk goes on.
    gateway.fail_next(1, Failure::http(503));
    for _ in 0..10 {
        stream.try_next().await.unwrap().unwrap();
    }
    // Page 3 fails on every attempt: the stream yields the error, then ends.
    gateway.fail_next(3, Failure::http(503));
    let error: Error = stream.try_next().await.unwrap_err();
    assert!(error.is_server_error() && error.attempts() == 3, "{error}");
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn an_invalid_filter_fails_the_first_item_before_sending() {
    let (gateway, client) = setup().await;
    let mut stream = Box::pin(
        client.search_goods_by_image_stream(
            ImageSearchRequest::builder()
                .images_url("not a url")
                .source(1),
        ),
    );
    let error = stream.try_next().await.unwrap_err();
    assert!(error.is_invalid_request(), "{error}");
    assert_eq!(error.field(), Some("imagesUrl"), "{error}");
    assert!(stream.next().await.is_none());
    assert_eq!(gateway.stats().endpoint(SEARCH), 0);
}

#[tokio::test]
async fn records_added_between_pages_are_not_yielded_twice_and_the_walk_ends_cleanly() {
    let (gateway, client) = setup().await;
    let mut stream = june_by_tens(&client);
    let mut records = Vec::new();
    for _ in 0..10 {
        records.push(stream.try_next().await.unwrap().unwrap());
    }
    // Two records completed later than every other arrive: every later page shifts by two.
    let added = gateway.add_qc_records(2, "2026-06-30 23:00:00").unwrap();
    while let Some(record) = stream.try_next().await.unwrap() {
        records.push(record);
    }
    let unique: HashSet<String> = records.iter().map(key).collect();
    assert_eq!(unique.len(), records.len(), "no record twice");
    assert_eq!(
        records.len() as u64,
        seed::QC_JUNE_2026_COUNT,
        "the records that matched when the walk started"
    );
    assert!(
        records
            .iter()
            .all(|r| !added.contains(r.goods_id.as_ref().unwrap())),
        "records that arrived ahead of the walk are not visited"
    );
    assert_eq!(gateway.stats().endpoint(QC_PAGE), 6);
}

#[tokio::test]
async fn each_page_says_its_number() {
    let (_gateway, client) = setup().await;
    let numbers: Vec<u32> = client
        .goods_qc_page_pages(
            QcPageRequest::builder()
                .page_size(10u32)
                .completion_time(june()),
        )
        .map_ok(|page| page.number())
        .try_collect()
        .await
        .unwrap();
    // June's 54 records, ten a page.
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
}

#[tokio::test]
async fn a_walk_takes_the_options_of_a_call_for_every_page() {
    let (gateway, client) = setup().await;
    let walk = |client: &Client| {
        client
            .goods_qc_page_pages(
                QcPageRequest::builder()
                    .page_size(10u32)
                    .completion_time(june()),
            )
            .header("x-shop", "north-1")
    };
    let pages: Vec<_> = walk(&client).try_collect().await.unwrap();
    assert_eq!(pages.len(), 6);
    let shops: Vec<_> = gateway
        .stats()
        .requests
        .iter()
        .filter(|r| r.path == QC_PAGE)
        .map(|r| r.header("x-shop").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(shops, ["north-1"; 6], "the header on every page");

    // The walk's retry policy: once, so the first 503 ends it.
    gateway.reset_stats();
    gateway.fail_next(1, Failure::http(503));
    let error = walk(&client)
        .retry_policy(rizzitgo_open_api::RetryPolicy::none())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(error.is_server_error(), "{error}");
    assert_eq!(error.attempts(), 1);
    assert_eq!(gateway.stats().endpoint(QC_PAGE), 1);

    // A header the SDK owns is refused for the walk, nothing sent.
    gateway.reset_stats();
    let error = walk(&client)
        .header("tenant-id", "2")
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(error.is_config(), "{error}");
    assert_eq!(gateway.stats().endpoint(QC_PAGE), 0);
}

#[tokio::test]
async fn the_whole_walk_deadline_ends_it_between_pages_on_the_clients_clock() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let (builder, clock) = common::manual_builder(&gateway);
    let client = builder.build().unwrap();
    let mut pages = client
        .goods_qc_page_pages(
            QcPageRequest::builder()
                .page_size(10u32)
                .completion_time(june()),
        )
        .deadline(std::time::Duration::from_secs(30));
    let first = pages.try_next().await.unwrap().unwrap();
    assert_eq!(first.number(), 1);
    // The walk has been running for its whole deadline: the next page is not fetched.
    clock.advance(std::time::Duration::from_secs(30));
    let error = pages.try_next().await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert!(pages.try_next().await.unwrap().is_none(), "the walk ended");
    assert_eq!(gateway.stats().endpoint(QC_PAGE), 1);
}

#[tokio::test]
async fn a_page_deadline_bounds_each_page_call() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = common::client(&gateway);
    client.issue_token().await.unwrap();
    gateway.set_latency(std::time::Duration::from_millis(300));
    let error = client
        .goods_qc_page_stream(QcPageRequest::builder().completion_time(june()))
        .page_deadline(std::time::Duration::from_millis(100))
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
}

#[tokio::test]
async fn last_month_and_this_month_have_records_out_of_the_box() {
    // The mock seeds records relative to the day it starts: a first sync finds some.
    let (_gateway, client) = setup().await;
    let now = DateTime::now();
    for range in [
        TimeRange::previous_month(now.clone()).unwrap(),
        TimeRange::month_of(now).unwrap(),
    ] {
        let records: Vec<QcDetail> = client
            .goods_qc_page_stream(QcPageRequest::builder().completion_time(range.clone()))
            .try_collect()
            .await
            .unwrap();
        assert!(!records.is_empty(), "nothing completed in {range:?}");
        assert!(
            records
                .iter()
                .all(|r| r.completion_time.as_ref().is_some_and(|t| {
                    (range.start().to_string()..=range.end().to_string()).contains(t)
                })),
            "{records:?}"
        );
    }
}
