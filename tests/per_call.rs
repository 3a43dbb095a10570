//! Per-call options, response metadata, the correlation id and the User-Agent suffix, against
//! the mock gateway over real HTTP.

mod common;

use rizzitgo_mock_gateway::{Failure, MockGateway, seed};
use rizzitgo_open_api::types::GoodsRequest;
use rizzitgo_open_api::{ErrorKind, RetryPolicy};
use std::future::IntoFuture;
use std::time::{Duration, Instant};

const DETAIL: &str = "/open-api/goods/detail";

fn request() -> rizzitgo_open_api::types::builder::GoodsRequest {
    GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1)
}

/// The values of header `name` on the business calls the gateway saw, in order.
fn sent(gateway: &MockGateway, name: &str) -> Vec<String> {
    gateway
        .stats()
        .requests
        .iter()
        .filter(|r| r.path == DETAIL)
        .map(|r| r.header(name).unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_deadline_shorter_than_the_retry_after_ends_the_call_at_once_as_a_timeout() {
    let gateway = MockGateway::start().await.unwrap();
    let client = common::client(&gateway);
    client.issue_token().await.unwrap();
    gateway.fail_next(3, Failure::http(503).retry_after("2"));
    let started = Instant::now();
    let error = client
        .goods_detail(request())
        .deadline(Duration::from_millis(500))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(took <= Duration::from_millis(600), "{took:?}");
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert_eq!(error.attempts(), 1);
    // What the gateway last said is kept.
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
    assert!(error.correlation_id().is_some());
}

#[tokio::test]
async fn a_throttled_call_whose_retry_after_outlasts_the_deadline_is_the_rate_limit_error() {
    let gateway = MockGateway::start().await.unwrap();
    let client = common::client(&gateway);
    gateway.fail_next(1, Failure::http(429).retry_after("100"));
    let started = Instant::now();
    let error = client
        .goods_detail(request())
        .deadline(Duration::from_secs(3))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(error.is_rate_limited(), "{error}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(100)));
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn a_deadline_cuts_a_slow_attempt() {
    let gateway = MockGateway::start().await.unwrap();
    let client = common::client(&gateway);
    client.issue_token().await.unwrap();
    gateway.set_latency(Duration::from_secs(2));
    let started = Instant::now();
    let error = client
        .goods_detail(request())
        .deadline(Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(error.is_timeout(), "{error}");
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn a_per_call_policy_sends_once_while_the_client_retries() {
    let gateway = MockGateway::start().await.unwrap();
    let client = common::client(&gateway);
    gateway.fail_next(1, Failure::http(503));
    let error = client
        .goods_detail(request())
        .retry_policy(RetryPolicy::none())
        .await
        .unwrap_err();
    assert!(error.is_server_error(), "{error}");
    assert_eq!(error.attempts(), 1);
    assert_eq!(gateway.stats().endpoint(DETAIL), 1);
    // The client's default still retries.
    gateway.fail_next(1, Failure::http(503));
    client.goods_detail(request()).await.unwrap();
    assert_eq!(gateway.stats().endpoint(DETAIL), 3);
}

#[tokio::test]
async fn with_response_gives_status_headers_and_attempts() {
    let gateway = MockGateway::start().await.unwrap();
    let client = common::client(&gateway);
    gateway.fail_next(1, Failure::http(502));
    let response = client
        .goods_detail(request())
        .with_response()
        .await
        .unwrap();
    let metadata = response.metadata();
    assert_eq!(metadata.status().as_u16(), 200);
    assert_eq!(metadata.attempts(), 2);
    assert!(metadata.headers().contains_key("content-type"));
    assert!(metadata.elapsed() > Duration::ZERO);
    assert_eq!(
        metadata.request_id(),
        None,
        "goods detail has no idempotency key"
    );
    assert_eq!(response.data().price.as_deref(), Some("99.00"));
}

#[tokio::test]
async fn errors_carry_the_answers_headers() {
    let gateway = MockGateway::start().await.unwrap();
    let client = common::builder(&gateway)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    gateway.fail_next(1, Failure::http(503).retry_after("7"));
    let error = client.goods_detail(request()).await.unwrap_err();
    let headers = error.headers().expect("the gateway answered");
    assert_eq!(headers.get("retry-after").unwrap(), "7");
}

#[tokio::test]
async fn the_correlation_id_is_one_per_call_and_the_same_on_every_attempt() {
    let gateway = MockGateway::start().await.unwrap();
    let client = common::client(&gateway);
    gateway.fail_next(2, Failure::http(503));
    let first = client
        .goods_detail(request())
        .with_response()
        .await
        .unwrap();
    let second = client
        .goods_detail(request())
        .with_response()
        .await
        .unwrap();
    let ids = sent(&gateway, "x-request-id");
    assert_eq!(ids.len(), 4);
    let (a, b) = (
        first.metadata().correlation_id().unwrap(),
        second.metadata().correlation_id().unwrap(),
    );
    assert_eq!(ids[..3], [a, a, a], "every attempt of the first call");
    assert_eq!(ids[3], b);
    assert_ne!(a, b);
}

#[tokio::test]
async fn the_correlation_header_can_be_renamed_or_switched_off() {
    let gateway = MockGateway::start().await.unwrap();
    let renamed = common::builder(&gateway)
        .correlation_header("x-client-request-id")
        .build()
        .unwrap();
    let response = renamed
        .goods_detail(request())
        .with_response()
        .await
        .unwrap();
    let id = response.metadata().correlation_id().unwrap();
    assert_eq!(sent(&gateway, "x-client-request-id"), [id]);
    let off = common::builder(&gateway)
        .without_correlation_header()
        .build()
        .unwrap();
    let response = off.goods_detail(request()).with_response().await.unwrap();
    assert_eq!(response.metadata().correlation_id(), None);
    assert_eq!(sent(&gateway, "x-request-id"), ["", ""]);
}

#[tokio::test]
async fn the_user_agent_carries_the_suffix_and_extra_headers_are_sent() {
    let gateway = MockGateway::start().await.unwrap();
    let client = common::builder(&gateway)
        .user_agent_suffix("shop-sync/2.3")
        .build()
        .unwrap();
    client
        .goods_detail(request())
        .header("x-shop", "north-1")
        .await
        .unwrap();
    let agent = &sent(&gateway, "user-agent")[0];
    assert!(agent.starts_with("rizzitgo-open-api-rust/"), "{agent}");
    assert!(agent.ends_with(" shop-sync/2.3"), "{agent}");
    assert_eq!(sent(&gateway, "x-shop"), ["north-1"]);
}

#[tokio::test]
async fn a_per_call_header_the_sdk_owns_is_refused_before_sending() {
    let gateway = MockGateway::start().await.unwrap();
    let client = common::client(&gateway);
    let error = client
        .goods_detail(request())
        .header("Authorization", "Bearer mine")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config, "{error}");
    assert!(error.to_string().contains("authorization"), "{error}");
    assert_eq!(error.attempts(), 0);
    assert_eq!(gateway.stats().endpoint(DETAIL), 0);
    let error = common::builder(&gateway)
        .user_agent_suffix("bad\nvalue")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("user_agent_suffix"), "{error}");
}

#[tokio::test]
async fn the_interactive_preset_does_not_wait_out_a_long_retry_after() {
    let gateway = MockGateway::start().await.unwrap();
    let client = common::builder(&gateway)
        .retry_policy(RetryPolicy::interactive())
        .build()
        .unwrap();
    gateway.fail_next(1, Failure::http(429).retry_after("30"));
    let started = Instant::now();
    let error = client.goods_detail(request()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    // A short one is waited for.
    gateway.fail_next(1, Failure::http(429).retry_after("1"));
    client.goods_detail(request()).await.unwrap();
}

#[tokio::test]
async fn a_call_owns_its_client_and_can_be_spawned() {
    let gateway = MockGateway::start().await.unwrap();
    let client = common::client(&gateway);
    let handles: Vec<_> = (0..4)
        .map(|_| tokio::spawn(client.goods_detail(request()).coalesce(false).into_future()))
        .collect();
    // The client may go away: each call holds what it needs.
    drop(client);
    for handle in handles {
        let goods = handle.await.unwrap().unwrap();
        assert_eq!(goods.goods_id.as_deref(), Some(seed::GOODS_ID));
    }
    assert_eq!(gateway.stats().endpoint(DETAIL), 4);
}
