//! Callers that give up never cancel the token fetch the others wait for: it runs in a task
//! of its own, the token lands in the cache, and the next caller is served with it.

mod common;

use rizzitgo_mock_gateway::{MockGateway, seed};
use rizzitgo_open_api::types::GoodsRequest;
use rizzitgo_open_api::{Client, Error};
use std::time::Duration;

async fn detail(client: &Client) -> Result<(), Error> {
    client
        .goods_detail(GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1))
        .await
        .map(drop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_cancelled_during_the_token_fetch_cause_one_token_request() {
    let gateway = MockGateway::start().await.unwrap();
    // Every request takes 500 ms: no caller below can have a token before its deadline.
    gateway.set_latency(Duration::from_millis(500));
    let client = common::client(&gateway);
    let callers: Vec<_> = (0..50u64)
        .map(|i| {
            let client = client.clone();
            let deadline = Duration::from_millis(10 + i * 8); // 10 to 402 ms
            tokio::spawn(async move { tokio::time::timeout(deadline, detail(&client)).await })
        })
        .collect();
    for caller in callers {
        assert!(caller.await.unwrap().is_err(), "every caller gave up");
    }
    // A caller with a deadline longer than the endpoint's latency is served, with the token
    // the cancelled callers' fetch brought.
    tokio::time::timeout(Duration::from_secs(5), detail(&client))
        .await
        .expect("served within its deadline")
        .unwrap();
    let stats = gateway.stats();
    assert_eq!(
        stats.token_requests, 1,
        "one token request for all 51 callers"
    );
    assert_eq!(stats.endpoint("/open-api/goods/detail"), 1);
}

#[tokio::test]
async fn a_caller_that_outlives_the_fetch_is_served_while_others_give_up() {
    let gateway = MockGateway::start().await.unwrap();
    gateway.set_latency(Duration::from_millis(300));
    let client = common::client(&gateway);
    let impatient = {
        let client = client.clone();
        tokio::spawn(async move {
            tokio::time::timeout(Duration::from_millis(50), detail(&client)).await
        })
    };
    let patient = {
        let client = client.clone();
        tokio::spawn(
            async move { tokio::time::timeout(Duration::from_secs(5), detail(&client)).await },
        )
    };
    assert!(impatient.await.unwrap().is_err());
    patient
        .await
        .unwrap()
        .expect("within its deadline")
        .unwrap();
    assert_eq!(gateway.stats().token_requests, 1);
}
