//! Identical reads in flight share one request, over real HTTP against the mock gateway.

mod common;

use futures_util::future::join_all;
use rizzitgo_mock_gateway::{Failure, MockGateway, seed};
use rizzitgo_open_api::types::{GoodsRequest, RedeemRequest};
use rizzitgo_open_api::{Client, ServedFrom};
use std::future::IntoFuture;
use std::time::Duration;

const DETAIL: &str = "/open-api/goods/detail";
const REDEEM: &str = "/open-api/promotion/redeem-code/redeem";

fn request() -> rizzitgo_open_api::types::builder::GoodsRequest {
    GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1)
}

/// A client with its token fetched, on a gateway that takes `latency` per request: callers
/// started together are all in flight at once.
async fn setup(latency: Duration) -> (MockGateway, Client) {
    let gateway = MockGateway::start().await.unwrap();
    let client = common::client(&gateway);
    // The token is fetched and cached before the calls under test.
    client.goods_qc_images(request()).await.unwrap();
    gateway.set_latency(latency);
    gateway.reset_stats();
    (gateway, client)
}

#[tokio::test]
async fn sixty_four_identical_reads_in_flight_send_one_request_and_each_gets_its_copy() {
    let (gateway, client) = setup(Duration::from_millis(200)).await;
    let calls = (0..64).map(|_| client.goods_detail(request()).with_response().into_future());
    let answers = join_all(calls).await;
    assert_eq!(gateway.stats().endpoint(DETAIL), 1);
    let mut from = Vec::new();
    for answer in answers {
        let answer = answer.unwrap();
        assert_eq!(answer.data().goods_id.as_deref(), Some(seed::GOODS_ID));
        from.push(answer.metadata().served_from());
    }
    assert_eq!(
        from.iter().filter(|f| **f == ServedFrom::Gateway).count(),
        1
    );
    assert_eq!(
        from.iter().filter(|f| **f == ServedFrom::Coalesced).count(),
        63
    );

    // Later calls send again: nothing is kept once the flight has landed.
    client.goods_detail(request()).await.unwrap();
    assert_eq!(gateway.stats().endpoint(DETAIL), 2);
}

#[tokio::test]
async fn a_shared_failure_reaches_every_caller_as_its_own_error() {
    let (gateway, client) = setup(Duration::from_millis(200)).await;
    gateway.fail_next(1, Failure::code(1_008_005_000, "goods does not exist"));
    let errors = join_all((0..16).map(|_| client.goods_detail(request()).into_future())).await;
    assert_eq!(gateway.stats().endpoint(DETAIL), 1);
    for error in errors {
        let error = error.unwrap_err();
        assert_eq!(error.code(), Some(1_008_005_000), "{error}");
    }
}

#[tokio::test]
async fn a_caller_that_gives_up_does_not_cancel_the_request_for_the_others() {
    let (gateway, client) = setup(Duration::from_millis(300)).await;
    let mut first = Box::pin(client.goods_detail(request()).into_future());
    // Polled once: its request is in the air.
    assert!(futures::poll!(first.as_mut()).is_pending());
    let second = tokio::spawn(client.goods_detail(request()).into_future());
    let third = tokio::spawn(client.goods_detail(request()).into_future());
    drop(first);
    for waiting in [second, third] {
        let goods = waiting.await.unwrap().unwrap();
        assert_eq!(goods.goods_id.as_deref(), Some(seed::GOODS_ID));
    }
    assert_eq!(gateway.stats().endpoint(DETAIL), 1, "one request, finished");
}

#[tokio::test]
async fn calls_that_differ_or_opt_out_send_their_own_requests() {
    let (gateway, client) = setup(Duration::from_millis(200)).await;
    let calls = vec![
        client.goods_detail(request()).into_future(),
        client.goods_detail(request()).coalesce(false).into_future(),
        client
            .goods_detail(request())
            .header("x-shop", "north-1")
            .into_future(),
        client
            .goods_detail(request())
            .deadline(Duration::from_secs(5))
            .into_future(),
        client
            .goods_detail(
                GoodsRequest::builder()
                    .goods_id(seed::TMALL_GOODS_ID)
                    .source(1),
            )
            .into_future(),
    ];
    for answer in join_all(calls).await {
        answer.unwrap();
    }
    assert_eq!(gateway.stats().endpoint(DETAIL), 5);

    // Switched off on the builder.
    let client = common::builder(&gateway).coalescing(false).build().unwrap();
    gateway.reset_stats();
    join_all((0..4).map(|_| client.goods_detail(request()).into_future())).await;
    assert_eq!(gateway.stats().endpoint(DETAIL), 4);
}

#[tokio::test]
async fn redeem_is_never_coalesced() {
    let (gateway, client) = setup(Duration::from_millis(200)).await;
    let redeem = || {
        client
            .redeem_coupon(
                RedeemRequest::builder()
                    .code(seed::REDEEM_CODE_30_OFF)
                    .email(seed::MEMBER_EMAIL)
                    .request_id("REQ-COALESCE-1"),
            )
            .into_future()
    };
    let _ = join_all((0..4).map(|_| redeem())).await;
    assert_eq!(
        gateway.stats().endpoint(REDEEM),
        4,
        "every redeem reaches the gateway"
    );
}
