//! The token cache and the token request, observed from the mock gateway.

mod common;

use rizzitgo_mock_gateway::{ErrorStyle, Failure, MockGateway, RecordedRequest, seed};
use rizzitgo_open_api::clock::ManualClock;
use rizzitgo_open_api::types::GoodsRequest;
use rizzitgo_open_api::{Client, Error};
use std::sync::Arc;
use std::time::Duration;

const DETAIL: &str = "/open-api/goods/detail";
const TOKEN: &str = "/open-api/system/oauth2/token";

async fn detail(client: &Client) -> Result<(), Error> {
    client
        .goods_detail(GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1))
        .await
        .map(drop)
}

fn requests_to(gateway: &MockGateway, path: &str) -> Vec<RecordedRequest> {
    gateway
        .stats()
        .requests
        .into_iter()
        .filter(|r| r.path == path)
        .collect()
}

/// The (redacted) Authorization of the n-th business call.
fn bearer_of_call(gateway: &MockGateway, n: usize) -> String {
    requests_to(gateway, DETAIL)[n]
        .header("authorization")
        .expect("an Authorization header")
        .to_owned()
}

async fn with_clock() -> (MockGateway, Client, Arc<ManualClock>) {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let clock = Arc::new(ManualClock::new());
    let client = common::builder(&gateway)
        .clock(clock.clone())
        .build()
        .unwrap();
    (gateway, client, clock)
}

#[tokio::test]
async fn a_token_is_fetched_once_and_reused() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = common::client(&gateway);
    for _ in 0..5 {
        detail(&client).await.unwrap();
    }
    // Clones share the cache.
    detail(&client.clone()).await.unwrap();
    let stats = gateway.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.endpoint(DETAIL), 6);
    let first = bearer_of_call(&gateway, 0);
    assert!((1..6).all(|n| bearer_of_call(&gateway, n) == first));
}

#[tokio::test]
async fn a_hundred_concurrent_first_calls_make_one_token_request() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    // Slow answers keep the first token request in flight while the others arrive.
    gateway.set_latency(Duration::from_millis(50));
    // Each call sends its own request: the test counts a token stampede, not shared reads.
    let client = common::builder(&gateway).coalescing(false).build().unwrap();
    let start = Arc::new(tokio::sync::Barrier::new(100));
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let (client, start) = (client.clone(), start.clone());
        calls.spawn(async move {
            start.wait().await;
            detail(&client).await
        });
    }
    while let Some(done) = calls.join_next().await {
        done.unwrap().unwrap();
    }
    let stats = gateway.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.endpoint(DETAIL), 100);
    assert!(stats.max_concurrent > 1, "the calls overlapped");
}

#[tokio::test]
async fn the_token_is_refreshed_ahead_of_expiry() {
    let (gateway, client, clock) = with_clock().await;
    detail(&client).await.unwrap();
    // 30 minutes of lifetime: still fresh 29 minutes later.
    clock.advance(Duration::from_secs(1700));
    detail(&client).await.unwrap();
    assert_eq!(gateway.stats().token_requests, 1);
    // Within the last minute: the next call refreshes before sending.
    clock.advance(Duration::from_secs(45));
    detail(&client).await.unwrap();
    assert_eq!(gateway.stats().token_requests, 2);
    assert_ne!(bearer_of_call(&gateway, 2), bearer_of_call(&gateway, 1));
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_still_valid_token() {
    let (gateway, client, clock) = with_clock().await;
    detail(&client).await.unwrap();
    clock.advance(Duration::from_secs(1745));
    // Every attempt of the refresh fails (3, the default policy).
    gateway.fail_next_token(3, Failure::http(500));
    detail(&client).await.unwrap();
    assert_eq!(gateway.stats().token_requests, 4, "the refresh was tried");
    assert_eq!(bearer_of_call(&gateway, 1), bearer_of_call(&gateway, 0));
    // The next call tries again, and succeeds.
    detail(&client).await.unwrap();
    assert_eq!(gateway.stats().token_requests, 5);
    assert_ne!(bearer_of_call(&gateway, 2), bearer_of_call(&gateway, 0));
}

#[tokio::test]
async fn an_expiring_token_is_never_sent() {
    let (gateway, client, clock) = with_clock().await;
    detail(&client).await.unwrap();
    // Within 10 s of expiry the token could expire in flight: it is not used any more, and
    // when no new one can be had the call fails without sending.
    clock.advance(Duration::from_secs(1795));
    gateway.fail_next_token(3, Failure::http(503));
    let error = detail(&client).await.unwrap_err();
    assert!(error.is_server_error(), "{error}");
    assert_eq!(error.attempts(), 3, "the token request was retried");
    assert_eq!(error.operation().unwrap().name, "issue_token");
    assert_eq!(gateway.stats().endpoint(DETAIL), 1);
}

#[tokio::test]
async fn the_token_request_is_basic_auth_with_a_form_body_and_tenant_id() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = common::builder(&gateway)
        .scopes([seed::SCOPE_GOODS_DETAIL])
        .build()
        .unwrap();
    detail(&client).await.unwrap();
    let token_requests = requests_to(&gateway, TOKEN);
    assert_eq!(token_requests.len(), 1);
    let request = &token_requests[0];
    assert_eq!(request.method, "POST");
    // The mock decoded the Basic credentials and checked the secret (else: 401).
    assert_eq!(
        request.header("authorization"),
        Some(format!("Basic {}:<redacted>", seed::CLIENT_ID).as_str())
    );
    assert_eq!(request.header("tenant-id"), Some(seed::TENANT_ID));
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        request.body,
        "grant_type=client_credentials&scope=goods%3Adetail%3Aread"
    );
}

#[tokio::test]
async fn without_scopes_the_token_request_asks_for_all_granted() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    detail(&common::client(&gateway)).await.unwrap();
    assert_eq!(
        requests_to(&gateway, TOKEN)[0].body,
        "grant_type=client_credentials"
    );
}

#[tokio::test]
async fn every_business_call_carries_bearer_and_tenant_id() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = common::client(&gateway);
    let goods = || GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1);
    client.goods_detail(goods()).await.unwrap();
    client.goods_qc_detail(goods()).await.unwrap();
    client.goods_qc_images(goods()).await.unwrap();
    let business: Vec<_> = gateway
        .stats()
        .requests
        .into_iter()
        .filter(|r| r.path != TOKEN)
        .collect();
    assert_eq!(business.len(), 3);
    for request in business {
        let auth = request.header("authorization").unwrap();
        assert!(auth.starts_with("Bearer "), "{}: {auth}", request.path);
        assert_eq!(request.header("tenant-id"), Some(seed::TENANT_ID));
        assert_eq!(request.header("content-type"), Some("application/json"));
        // progenitor's api-version header is not part of the guide's protocol.
        assert_eq!(request.header("api-version"), None);
    }
}

#[tokio::test]
async fn revoke_token_revokes_at_the_gateway_and_forgets_the_token() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = common::client(&gateway);
    assert!(
        !client.revoke_token().await.unwrap(),
        "no token yet: nothing to revoke"
    );
    detail(&client).await.unwrap();
    assert!(client.revoke_token().await.unwrap());
    let revoke = &requests_to(&gateway, "/open-api/system/oauth2/token/revoke")[0];
    assert_eq!(
        revoke.header("authorization"),
        Some(format!("Basic {}:<redacted>", seed::CLIENT_ID).as_str())
    );
    assert_eq!(revoke.header("tenant-id"), Some(seed::TENANT_ID));
    assert!(revoke.body.starts_with("token="), "{}", revoke.body);
    // The next call fetches a new token rather than sending the revoked one.
    detail(&client).await.unwrap();
    let stats = gateway.stats();
    assert_eq!(stats.revoke_requests, 1);
    assert_eq!(stats.token_requests, 2);
    assert_ne!(bearer_of_call(&gateway, 1), bearer_of_call(&gateway, 0));
}

#[tokio::test]
async fn a_token_the_gateway_dropped_is_replaced_and_the_call_replayed_once() {
    for style in common::BOTH_STYLES {
        let gateway = common::gateway(style).await;
        let client = common::client(&gateway);
        detail(&client).await.unwrap();
        // The gateway forgets every token long before the client expects it to.
        gateway.expire_all_tokens();
        detail(&client).await.unwrap();
        let stats = gateway.stats();
        assert_eq!(stats.token_requests, 2, "{style:?}");
        assert_eq!(
            stats.endpoint(DETAIL),
            3,
            "the refused call was replayed once ({style:?})"
        );
        let refused = bearer_of_call(&gateway, 1);
        assert_eq!(refused, bearer_of_call(&gateway, 0));
        assert_ne!(bearer_of_call(&gateway, 2), refused);
        // Later calls use the new token without another 401.
        detail(&client).await.unwrap();
        assert_eq!(gateway.stats().token_requests, 2);
    }
}

#[tokio::test]
async fn a_redeem_refused_with_401_is_replayed_and_redeems_once() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = common::client(&gateway);
    detail(&client).await.unwrap();
    gateway.expire_all_tokens();
    let redeemed = client
        .redeem_coupon(
            rizzitgo_open_api::types::RedeemRequest::builder()
                .code(seed::REDEEM_CODE_30_OFF)
                .email(seed::MEMBER_EMAIL),
        )
        .await
        .unwrap();
    assert_eq!(redeemed.success, Some(true));
    let stats = gateway.stats();
    assert_eq!(stats.endpoint("/open-api/promotion/redeem-code/redeem"), 2);
    assert_eq!(
        stats.redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
        1
    );
}
