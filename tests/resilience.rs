//! Retries, Retry-After, idempotent redeem, the retry budget, single-flight token fetches,
//! redirects and the client-side rate limit, against the mock gateway over real HTTP.
//!
//! Waits go through a `ManualClock`: a test checks what the client waited without sleeping.

mod common;

use rizzitgo_mock_gateway::{DropPoint, ErrorStyle, Failure, MockGateway, seed};
use rizzitgo_open_api::clock::ManualClock;
use rizzitgo_open_api::types::{GoodsRequest, RedeemRequest};
use rizzitgo_open_api::{Client, Error, RetryPolicy};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Barrier, Semaphore};
use tokio::task::JoinSet;

const DETAIL: &str = "/open-api/goods/detail";
const REDEEM: &str = "/open-api/promotion/redeem-code/redeem";

async fn detail(client: &Client) -> Result<(), Error> {
    common::call(client, "goods_detail").await
}

/// Makes a first call (the client gets its token), then clears the mock's statistics.
async fn warm(gateway: &MockGateway, client: &Client) {
    detail(client).await.expect("a first call succeeds");
    gateway.reset_stats();
}

/// A gateway in `style` and a warm client of it on a manual clock.
async fn setup(style: ErrorStyle) -> (MockGateway, Client, Arc<ManualClock>) {
    let gateway = common::gateway(style).await;
    let (builder, clock) = common::manual_builder(&gateway);
    // These tests count requests: each call sends its own, not one shared by identical reads.
    let client = builder.coalescing(false).build().unwrap();
    warm(&gateway, &client).await;
    (gateway, client, clock)
}

#[tokio::test]
async fn a_429_with_retry_after_1s_succeeds_on_attempt_2_after_waiting_exactly_1s() {
    let (gateway, client, clock) = setup(ErrorStyle::HttpStatus).await;
    gateway.fail_next(1, Failure::http(429).retry_after("1"));
    detail(&client).await.unwrap();
    assert_eq!(gateway.stats().endpoint(DETAIL), 2);
    assert_eq!(
        clock.slept(),
        [Duration::from_secs(1)],
        "Retry-After, not backoff"
    );
}

#[tokio::test]
async fn a_retry_after_given_as_an_http_date_is_honoured() {
    let (gateway, client, clock) = setup(ErrorStyle::HttpStatus).await;
    let at = std::time::SystemTime::now() + Duration::from_secs(30);
    let date = httpdate::fmt_http_date(at);
    gateway.fail_next(1, Failure::http(503).retry_after(&date));
    detail(&client).await.unwrap();
    let slept = clock.slept();
    assert_eq!(slept.len(), 1);
    assert!(
        slept[0] > Duration::from_secs(25) && slept[0] <= Duration::from_secs(30),
        "{slept:?}"
    );
}

#[tokio::test]
async fn a_retry_after_above_the_cap_returns_the_rate_limit_error_at_once() {
    for style in common::BOTH_STYLES {
        let (gateway, client, clock) = setup(style).await;
        let failure = match style {
            ErrorStyle::Http200 => Failure::code(429, "Too many requests"),
            ErrorStyle::HttpStatus => Failure::http(429),
        };
        gateway.fail_next(1, failure.retry_after("300"));
        let error = detail(&client).await.unwrap_err();
        assert!(error.is_rate_limited(), "{error}");
        assert_eq!(error.retry_after(), Some(Duration::from_secs(300)));
        assert_eq!(error.attempts(), 1);
        assert_eq!(gateway.stats().endpoint(DETAIL), 1);
        assert!(clock.slept().is_empty());
    }
}

#[tokio::test]
async fn a_502_html_page_then_success_and_five_503s_give_up_after_3_attempts() {
    let (gateway, client, clock) = setup(ErrorStyle::Http200).await;

    gateway.fail_next(1, Failure::html(502));
    detail(&client).await.unwrap();
    assert_eq!(gateway.stats().endpoint(DETAIL), 2);

    gateway.reset_stats();
    gateway.fail_next(5, Failure::http(503));
    let error = detail(&client).await.unwrap_err();
    assert!(error.is_server_error(), "{error}");
    assert_eq!(error.attempts(), 3);
    assert!(error.to_string().contains("after 3 attempts"), "{error}");
    assert_eq!(gateway.stats().endpoint(DETAIL), 3);
    // Backoff with full jitter: two waits, within 100 ms and 200 ms.
    let waits = clock.slept();
    assert_eq!(waits.len(), 3, "one wait for the 502, two for the 503s");
    assert!(waits[1] <= Duration::from_millis(100) && waits[2] <= Duration::from_millis(200));
}

#[tokio::test]
async fn a_dropped_read_is_sent_again() {
    let (gateway, client, _clock) = setup(ErrorStyle::Http200).await;
    gateway.drop_next(1, DropPoint::AfterProcessing);
    detail(&client).await.unwrap();
    assert_eq!(gateway.stats().endpoint(DETAIL), 2);
}

#[tokio::test]
async fn client_and_business_errors_are_not_retried() {
    let (gateway, client, clock) = setup(ErrorStyle::HttpStatus).await;
    for failure in [
        Failure::http(400),
        Failure::http(403),
        Failure::code(1_013_020_001, "Redeem code has expired"),
        Failure::http(501),
    ] {
        gateway.reset_stats();
        gateway.fail_next(1, failure);
        let error = detail(&client).await.unwrap_err();
        assert_eq!(error.attempts(), 1, "{error}");
        assert_eq!(gateway.stats().endpoint(DETAIL), 1, "{error}");
    }
    assert!(clock.slept().is_empty());
}

/// The `requestId` of every redeem request the mock saw.
fn request_ids(gateway: &MockGateway) -> Vec<String> {
    gateway
        .stats()
        .requests
        .iter()
        .filter(|r| r.path == REDEEM)
        .map(|r| {
            let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            body["requestId"].as_str().expect("a requestId").to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_redeem_dropped_after_processing_is_redeemed_exactly_once() {
    for style in common::BOTH_STYLES {
        let (gateway, client, _clock) = setup(style).await;
        gateway.drop_next(1, DropPoint::AfterProcessing);
        let error = client
            .redeem_coupon(
                RedeemRequest::builder()
                    .code(seed::REDEEM_CODE_30_OFF)
                    .email(seed::MEMBER_EMAIL),
            )
            .await
            .unwrap_err();
        assert!(error.is_duplicate_request(), "{error}");
        assert_eq!(error.attempts(), 2);
        let sent = request_ids(&gateway);
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0], sent[1], "both attempts carried the same key");
        assert_eq!(error.request_id(), Some(sent[0].as_str()));
        assert!(uuid_like(&sent[0]), "{}", sent[0]);
        let text = error.to_string();
        assert!(text.contains("most likely processed"), "{text}");
        assert!(text.contains(&sent[0]), "{text}");
        assert_eq!(
            gateway
                .stats()
                .redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
            1
        );
    }
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4
}

#[tokio::test]
async fn a_redeem_dropped_before_processing_succeeds_with_the_callers_own_request_id() {
    let (gateway, client, _clock) = setup(ErrorStyle::Http200).await;
    let mine = || {
        RedeemRequest::builder()
            .code(seed::REDEEM_CODE_30_OFF)
            .email(seed::MEMBER_EMAIL)
            .request_id("REQ-20260604-0001")
    };
    gateway.drop_next(1, DropPoint::BeforeProcessing);
    let result = client.redeem_coupon(mine()).await.unwrap();
    assert_eq!(result.success, Some(true));
    assert_eq!(request_ids(&gateway), ["REQ-20260604-0001"; 2]);
    // A duplicate at the first attempt is an earlier call's: no retry, no hint.
    let error = client.redeem_coupon(mine()).await.unwrap_err();
    assert!(
        error.is_duplicate_request() && error.attempts() == 1,
        "{error}"
    );
    assert_eq!(error.request_id(), Some("REQ-20260604-0001"));
    assert!(!error.to_string().contains("most likely"), "{error}");
}

#[tokio::test]
async fn a_redeem_that_times_out_is_not_sent_again() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let (builder, _clock) = common::manual_builder(&gateway);
    let client = builder.timeout(Duration::from_millis(200)).build().unwrap();
    warm(&gateway, &client).await;
    gateway.set_latency(Duration::from_millis(600));
    let error = common::call(&client, "redeem_coupon").await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_eq!(error.attempts(), 1);
    assert!(error.request_id().is_some(), "the caller can retry with it");
    assert_eq!(gateway.stats().endpoint(REDEEM), 1);
}

#[tokio::test]
async fn the_retry_budget_stops_retries_when_the_gateway_is_down() {
    let gateway = common::gateway(ErrorStyle::HttpStatus).await;
    let (builder, _clock) = common::manual_builder(&gateway);
    // 20 tokens: four retries of 5.
    let client = builder
        .retry_policy(RetryPolicy::standard().with_budget(20))
        .build()
        .unwrap();
    warm(&gateway, &client).await;
    gateway.fail_next(u32::MAX, Failure::http(503));
    let mut attempts = Vec::new();
    for _ in 0..6 {
        attempts.push(detail(&client).await.unwrap_err().attempts());
    }
    assert_eq!(attempts, [3, 3, 1, 1, 1, 1]);
    assert_eq!(gateway.stats().endpoint(DETAIL), 10);
    // Successes refill it: a call that needed no retry gives 1 back.
    gateway.fail_next(0, Failure::http(503));
    for _ in 0..5 {
        detail(&client).await.unwrap();
    }
    gateway.fail_next(2, Failure::http(503));
    assert_eq!(detail(&client).await.unwrap_err().attempts(), 2);
}

#[tokio::test]
async fn retry_policy_none_sends_once_and_zero_attempts_is_a_config_error() {
    let gateway = common::gateway(ErrorStyle::HttpStatus).await;
    let client = common::builder(&gateway)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    warm(&gateway, &client).await;
    gateway.fail_next(1, Failure::http(503));
    assert_eq!(detail(&client).await.unwrap_err().attempts(), 1);
    let error = common::builder(&gateway)
        .retry_policy(RetryPolicy::standard().with_max_attempts(0))
        .build()
        .unwrap_err();
    assert!(error.is_config() && error.to_string().contains("max_attempts"));
}

#[tokio::test]
async fn the_token_endpoint_down_costs_one_fetch_for_a_thousand_cold_calls() {
    let gateway = common::gateway(ErrorStyle::HttpStatus).await;
    // Slow answers keep the one fetch in flight while every call arrives.
    gateway.set_latency(Duration::from_millis(100));
    gateway.fail_next_token(u32::MAX, Failure::http(503));
    let (builder, _clock) = common::manual_builder(&gateway);
    let client = builder.build().unwrap();
    let start = Arc::new(Barrier::new(1000));
    let mut calls = JoinSet::new();
    for _ in 0..1000 {
        let (client, start) = (client.clone(), start.clone());
        calls.spawn(async move {
            start.wait().await;
            detail(&client).await
        });
    }
    while let Some(done) = calls.join_next().await {
        let error = done.unwrap().unwrap_err();
        assert!(error.is_server_error(), "{error}");
        assert_eq!(error.operation().unwrap().name, "issue_token");
    }
    let stats = gateway.stats();
    assert!(
        stats.token_requests <= 3,
        "{} token requests",
        stats.token_requests
    );
    assert_eq!(stats.endpoint(DETAIL), 0);
}

/// 10,000 concurrent calls; at most 500 in flight at once so that both ends of every
/// connection fit in the process's file descriptors.
async fn ten_thousand_calls(client: &Client) -> usize {
    let in_flight = Arc::new(Semaphore::new(500));
    let mut calls = JoinSet::new();
    for _ in 0..10_000 {
        let (client, in_flight) = (client.clone(), in_flight.clone());
        calls.spawn(async move {
            let _permit = in_flight.acquire_owned().await.unwrap();
            detail(&client).await
        });
    }
    let mut failures = 0;
    while let Some(done) = calls.join_next().await {
        if let Err(error) = done.unwrap() {
            eprintln!("{error}");
            failures += 1;
        }
    }
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_concurrent_calls_across_a_forced_expiry_cost_one_token_each_time() {
    let (gateway, client, clock) = setup(ErrorStyle::Http200).await;

    // The gateway drops every token, unannounced: every call meets a 401.
    gateway.expire_all_tokens();
    assert_eq!(ten_thousand_calls(&client).await, 0);
    assert_eq!(gateway.stats().token_requests, 1);

    // The client's own clock passes the token's expiry: nobody may send it.
    gateway.reset_stats();
    clock.advance(Duration::from_secs(1800));
    gateway.advance_clock(Duration::from_secs(1800));
    assert_eq!(ten_thousand_calls(&client).await, 0);
    assert_eq!(gateway.stats().token_requests, 1);
    assert_eq!(gateway.stats().endpoint(DETAIL), 10_000);
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_names_its_location() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let elsewhere = common::gateway(ErrorStyle::Http200).await;
    let client = common::client(&gateway);
    warm(&gateway, &client).await;
    let location = format!("{}{DETAIL}", elsewhere.url());
    gateway.fail_next(1, Failure::html(307).location(&location));
    let error = detail(&client).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(error.attempts(), 1);
    assert!(error.to_string().contains(&location), "{error}");
    assert!(
        elsewhere.stats().requests.is_empty(),
        "nothing, and no tenant-id or token, went to the Location"
    );
}

#[tokio::test]
async fn the_client_side_rate_limit_keeps_a_burst_under_the_gateways_quota() {
    let gateway = MockGateway::builder()
        .qps_limit(Some(10))
        .start()
        .await
        .unwrap();
    let burst = |client: Client| async move {
        let mut calls = JoinSet::new();
        for _ in 0..18 {
            let client = client.clone();
            calls.spawn(async move { detail(&client).await });
        }
        let mut refused = 0;
        while let Some(done) = calls.join_next().await {
            match done.unwrap() {
                Ok(()) => {}
                Err(error) if error.is_rate_limited() => refused += 1,
                Err(error) => panic!("{error}"),
            }
        }
        refused
    };
    // A burst of identical reads that each send their own request.
    let once = || {
        common::builder(&gateway)
            .retry_policy(RetryPolicy::none())
            .coalescing(false)
    };
    // Without the limit, a burst collects 429s.
    let unlimited = once().build().unwrap();
    warm(&gateway, &unlimited).await;
    assert!(burst(unlimited).await > 0);
    // The gateway's window forgets that burst.
    gateway.advance_clock(Duration::from_secs(2));
    // With it (a little under the quota), none.
    let limited = once().max_requests_per_second(9).build().unwrap();
    assert_eq!(burst(limited).await, 0);
    assert!(
        common::builder(&gateway)
            .max_requests_per_second(0)
            .build()
            .unwrap_err()
            .is_config()
    );
}

#[tokio::test]
async fn goods_request_errors_carry_no_request_id() {
    // Only operations with an idempotency key report one.
    let gateway = common::gateway(ErrorStyle::HttpStatus).await;
    let client = common::client(&gateway);
    let error = client
        .goods_detail(
            GoodsRequest::builder()
                .goods_id(seed::UNKNOWN_GOODS_ID)
                .source(1),
        )
        .await
        .unwrap_err();
    assert_eq!(error.request_id(), None);
    assert_eq!(error.attempts(), 1);
}
