//! Targeted mock faults seen through the SDK's public API, as a partner's tests would use them:
//! a failure on page 2 of a walk only, on the redeem path only, on one redeem code only.

use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt};
use rizzitgo_mock_gateway::{Failure, Match, MockGateway, seed};
use rizzitgo_open_api::clock::ManualClock;
use rizzitgo_open_api::types::{
    self, GoodsRequest, QcDetail, QcPageRequest, RedeemRequest, TimeRange,
};
use rizzitgo_open_api::{Client, Error};

const QC_PAGE: &str = "/open-api/goods/qc-page";
const REDEEM: &str = "/open-api/promotion/redeem-code/redeem";

/// A gateway and a client of it whose retry waits are recorded instead of slept.
async fn setup() -> (MockGateway, Client) {
    let gateway = MockGateway::start().await.expect("the mock starts");
    let client = Client::builder()
        .mock(&gateway)
        .clock(Arc::new(ManualClock::new()))
        .build()
        .expect("a client of the mock");
    (gateway, client)
}

fn june_by_tens() -> types::builder::QcPageRequest {
    QcPageRequest::builder()
        .page_size(10u32)
        .completion_time(TimeRange([
            "2026-06-01 00:00:00".parse().unwrap(),
            "2026-06-30 23:59:59".parse().unwrap(),
        ]))
}

/// The `pageNo` of every qc-page request the gateway saw, in order.
fn pages_asked(gateway: &MockGateway) -> Vec<u64> {
    gateway
        .stats()
        .requests
        .iter()
        .filter(|r| r.path == QC_PAGE)
        .map(|r| {
            serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["pageNo"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

fn redeem(code: &str) -> types::builder::RedeemRequest {
    RedeemRequest::builder()
        .code(code)
        .email(seed::MEMBER_EMAIL)
}

fn expired() -> Failure {
    Failure::code(seed::codes::REDEEM_CODE_EXPIRED, "Redeem code has expired")
}

/// Redeeming `code` fails with the injected "expired" answer.
async fn assert_expired(client: &Client, code: &str) {
    let error = client.redeem_coupon(redeem(code)).await.unwrap_err();
    assert_eq!(
        error.code(),
        Some(seed::codes::REDEEM_CODE_EXPIRED),
        "{error}"
    );
    assert_eq!(error.message(), Some("Redeem code has expired"));
}

#[tokio::test]
async fn a_walk_whose_page_2_always_fails_yields_page_1_then_the_error() {
    let (gateway, client) = setup().await;
    gateway.fail_when(Match::path(QC_PAGE).field("pageNo", 2), Failure::http(503));
    let mut stream = Box::pin(client.goods_qc_page_stream(june_by_tens()));
    let mut records: Vec<QcDetail> = Vec::new();
    let error: Error = loop {
        match stream.next().await.expect("an item before the end") {
            Ok(record) => records.push(record),
            Err(error) => break error,
        }
    };
    assert_eq!(records.len(), 10, "page 1 whole");
    assert!(error.is_server_error() && error.attempts() == 3, "{error}");
    assert!(stream.next().await.is_none());
    assert_eq!(pages_asked(&gateway), [1, 2, 2, 2]);
}

#[tokio::test]
async fn a_walk_whose_page_2_fails_once_is_retried_and_complete() {
    let (gateway, client) = setup().await;
    gateway.fail_when(
        Match::path(QC_PAGE).field("pageNo", 2).times(1),
        Failure::http(503),
    );
    let records: Vec<QcDetail> = client
        .goods_qc_page_stream(june_by_tens())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(records.len() as u64, seed::QC_JUNE_2026_COUNT);
    assert_eq!(pages_asked(&gateway), [1, 2, 2, 3, 4, 5, 6]);
}

#[tokio::test]
async fn a_fault_on_the_redeem_path_leaves_goods_calls_alone() {
    let (gateway, client) = setup().await;
    gateway.fail_when(Match::path(REDEEM), expired());
    let goods = GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1);
    client.goods_detail(goods).await.unwrap();
    assert_expired(&client, seed::REDEEM_CODE_30_OFF).await;
    assert_eq!(gateway.stats().endpoint(REDEEM), 1, "not retried");
    assert_eq!(
        gateway
            .stats()
            .redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
        0
    );
}

#[tokio::test]
async fn a_fault_on_one_redeem_code_leaves_the_other_codes_alone() {
    let (gateway, client) = setup().await;
    gateway.fail_when(
        Match::path(REDEEM).field("code", seed::REDEEM_CODE_10_USD_OFF),
        expired(),
    );
    let ok = client
        .redeem_coupon(redeem(seed::REDEEM_CODE_30_OFF))
        .await
        .unwrap();
    assert_eq!(ok.prize.as_deref(), Some("30% OFF"));
    assert_expired(&client, seed::REDEEM_CODE_10_USD_OFF).await;
}
