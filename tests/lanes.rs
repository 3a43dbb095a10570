//! Priority lanes of the client-side limit, over real HTTP: higher lanes are admitted first, a
//! waiting lower lane keeps its minimum share, a queued call keeps its deadline, and every
//! call says its lane (walks: background).

mod common;

use futures_util::stream::{FuturesUnordered, StreamExt, TryStreamExt};
use rizzitgo_mock_gateway::{ErrorStyle, MockGateway, seed};
use rizzitgo_open_api::limiter::{Permit, PermitFuture, RateLimiter};
use rizzitgo_open_api::types::{GoodsRequest, QcPageRequest, TimeRange};
use rizzitgo_open_api::{Client, ErrorKind, Priority};
use std::future::IntoFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const DETAIL: &str = "/open-api/goods/detail";

/// A client of `gateway` limited to `per_second`, one request per call, its token fetched.
async fn limited(gateway: &MockGateway, per_second: u32, share: f64) -> Client {
    let client = common::builder(gateway)
        .max_requests_per_second(per_second)
        .lane_share(share)
        .coalescing(false)
        .build()
        .unwrap();
    client
        .goods_detail(GoodsRequest::new(seed::GOODS_ID, 1))
        .await
        .unwrap();
    gateway.reset_stats();
    client
}

/// The goods ids of the detail requests the gateway saw, in order.
fn detail_order(gateway: &MockGateway) -> Vec<String> {
    gateway
        .stats()
        .requests
        .iter()
        .filter(|r| r.path == DETAIL)
        .map(|r| {
            let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            body["goodsId"].as_str().unwrap().to_owned()
        })
        .collect()
}

fn spawn_calls(
    client: &Client,
    goods_id: &'static str,
    priority: Priority,
    n: usize,
) -> FuturesUnordered<
    tokio::task::JoinHandle<
        Result<rizzitgo_open_api::types::GoodsDetail, rizzitgo_open_api::Error>,
    >,
> {
    (0..n)
        .map(|_| {
            let call = client
                .goods_detail(GoodsRequest::new(goods_id, 1))
                .priority(priority);
            tokio::spawn(call.into_future())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interactive_call_goes_before_the_queued_background_calls() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = limited(&gateway, 20, 0.1).await;
    let mut background = spawn_calls(&client, seed::TMALL_GOODS_ID, Priority::Background, 20);
    // One background call is through: the others wait in their lane (a second at 20/s).
    background.next().await.unwrap().unwrap().unwrap();
    client
        .goods_detail(GoodsRequest::new(seed::GOODS_ID, 1))
        .priority(Priority::Interactive)
        .await
        .unwrap();
    let order = detail_order(&gateway);
    let at = order.iter().position(|id| id == seed::GOODS_ID).unwrap();
    assert!(at <= 3, "admitted at {at}, behind the queue: {order:?}");
    while let Some(done) = background.next().await {
        done.unwrap().unwrap();
    }
    assert_eq!(detail_order(&gateway).len(), 21);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_background_lane_keeps_its_share() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    // A share of a quarter: every fourth admission is the background lane's while it waits.
    let client = limited(&gateway, 40, 0.25).await;
    let mut calls = spawn_calls(&client, seed::GOODS_ID, Priority::Interactive, 16);
    calls.extend(spawn_calls(
        &client,
        seed::TMALL_GOODS_ID,
        Priority::Background,
        8,
    ));
    while let Some(done) = calls.next().await {
        done.unwrap().unwrap();
    }
    let order = detail_order(&gateway);
    assert_eq!(order.len(), 24);
    // The first admission may be either (an idle gate admits at once); then three
    // interactive for one background, until the interactive lane is empty.
    let first_16 = &order[1..17];
    let background = first_16
        .iter()
        .filter(|id| *id == seed::TMALL_GOODS_ID)
        .count();
    assert!(
        (3..=5).contains(&background),
        "{background} of 16: {order:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_call_keeps_its_deadline_and_gives_its_turn_back() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = limited(&gateway, 5, 0.1).await;
    // Three background calls ahead: 200 ms apart.
    let mut ahead = spawn_calls(&client, seed::TMALL_GOODS_ID, Priority::Background, 3);
    ahead.next().await.unwrap().unwrap().unwrap();
    let late = client
        .goods_detail(GoodsRequest::new(seed::GOODS_WITHOUT_QC_ID, 1))
        .priority(Priority::Background)
        .deadline(Duration::from_millis(100))
        .await
        .unwrap_err();
    assert_eq!(late.kind(), ErrorKind::Timeout, "{late}");
    // One more behind it: served in the slot the late call gave up.
    let behind = spawn_calls(&client, seed::GOODS_ID, Priority::Background, 1);
    ahead.extend(behind);
    while let Some(done) = ahead.next().await {
        done.unwrap().unwrap();
    }
    let order = detail_order(&gateway);
    assert_eq!(order.len(), 4, "{order:?}");
    assert!(
        !order.iter().any(|id| id == seed::GOODS_WITHOUT_QC_ID),
        "{order:?}"
    );
}

/// Records the lane of every acquisition.
#[derive(Debug, Default)]
struct Lanes(Mutex<Vec<Priority>>);

impl RateLimiter for Lanes {
    fn acquire(&self) -> PermitFuture<'_> {
        unreachable!("the SDK asks with a priority")
    }

    fn acquire_for(&self, priority: Priority) -> PermitFuture<'_> {
        self.0.lock().unwrap().push(priority);
        Box::pin(std::future::ready(Permit::untracked()))
    }
}

#[tokio::test]
async fn every_call_says_its_lane_and_walks_default_to_background() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let lanes = Arc::new(Lanes::default());
    let client = common::builder(&gateway)
        .rate_limiter(lanes.clone())
        .priority(Priority::Interactive)
        .build()
        .unwrap();
    let goods = || GoodsRequest::new(seed::GOODS_ID, 1);
    client.goods_detail(goods()).await.unwrap();
    client
        .goods_detail(goods())
        .priority(Priority::Normal)
        .await
        .unwrap();
    let june = || {
        QcPageRequest::builder()
            .page_size(50u32)
            .completion_time(TimeRange::days("2026-06-01", "2026-06-30").unwrap())
    };
    let pages: Vec<_> = client
        .goods_qc_page_pages(june())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    let records: Vec<_> = client
        .goods_qc_page_stream(june())
        .priority(Priority::Interactive)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(records.len() as u64, seed::QC_JUNE_2026_COUNT);
    use Priority::*;
    assert_eq!(
        *lanes.0.lock().unwrap(),
        [
            Interactive,
            Normal,
            Background,
            Background,
            Interactive,
            Interactive
        ]
    );
}

#[test]
fn a_lane_share_outside_its_range_is_a_config_error_naming_it() {
    for share in [0.0, -0.1, 0.51, 1.0, f64::NAN] {
        let error = Client::builder()
            .base_url("http://127.0.0.1:9")
            .client_id("id")
            .client_secret("secret")
            .tenant_id("1")
            .max_requests_per_second(10)
            .lane_share(share)
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config, "{share}");
        assert!(error.to_string().contains("lane_share"), "{error}");
    }
}
