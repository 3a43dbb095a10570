//! Fleet mode (feature `redis`) with the response cache: replicas share answers through a real
//! redis-server, under this client's keys only, and a Redis that dies fails no call.
#![cfg(feature = "redis")]

mod common;
#[path = "../examples/support/redis_server.rs"]
mod redis_server;

use redis_server::RedisServer;
use rizzitgo_mock_gateway::{MockGateway, seed};
use rizzitgo_open_api::fleet::RedisFleet;
use rizzitgo_open_api::types::GoodsRequest;
use rizzitgo_open_api::{CacheConfig, Client, ServedFrom};
use std::time::{Duration, Instant};

const DETAIL: &str = "/open-api/goods/detail";

fn goods(id: &str) -> rizzitgo_open_api::types::builder::GoodsRequest {
    GoodsRequest::builder().goods_id(id).source(1)
}

/// A replica: its own client and its own connection to `redis`.
fn replica(gateway: &MockGateway, redis: &RedisServer, config: CacheConfig) -> Client {
    let fleet = RedisFleet::new(&redis.url())
        .unwrap()
        .timeout(Duration::from_secs(2));
    common::builder(gateway)
        .fleet(fleet)
        .cache(config)
        .build()
        .unwrap()
}

async fn served_from(client: &Client, id: &str) -> ServedFrom {
    let answer = client
        .goods_detail(goods(id))
        .with_response()
        .await
        .unwrap();
    answer.metadata().served_from()
}

/// The cache keys in `redis`, once `n` are there (an answer is written behind the call that
/// got it), or after `within`.
async fn cache_keys(redis: &RedisServer, n: usize, within: Duration) -> Vec<String> {
    let client = redis::Client::open(redis.url()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let until = Instant::now() + within;
    loop {
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg("rizzitgo:v1:cache:*")
            .query_async(&mut connection)
            .await
            .unwrap();
        if keys.len() >= n || Instant::now() > until {
            return keys;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_answers_through_redis_under_their_own_keys() {
    let redis = RedisServer::start().unwrap_or_else(|e| panic!("{e}"));
    let gateway = MockGateway::start().await.unwrap();
    let replicas: Vec<Client> = (0..4)
        .map(|_| replica(&gateway, &redis, CacheConfig::new()))
        .collect();
    assert_eq!(
        served_from(&replicas[0], seed::GOODS_ID).await,
        ServedFrom::Gateway
    );
    let keys = cache_keys(&redis, 1, Duration::from_secs(5)).await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].contains(":goods_detail:"), "{keys:?}");
    assert!(keys[0].contains(seed::CLIENT_ID), "{keys:?}");
    let client = redis::Client::open(redis.url()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&keys[0])
        .query_async(&mut connection)
        .await
        .unwrap();
    assert!(
        ttl > 0 && ttl <= 60_000,
        "expires in Redis with the lifetime: {ttl} ms"
    );

    for other in &replicas[1..] {
        assert_eq!(served_from(other, seed::GOODS_ID).await, ServedFrom::Cache);
    }
    assert_eq!(
        gateway.stats().endpoint(DETAIL),
        1,
        "one request for the fleet"
    );

    // Another application on the same Redis: its own key, its own request.
    let other_client = Client::builder()
        .base_url(gateway.url())
        .client_id(seed::OTHER_CLIENT_ID)
        .client_secret(seed::OTHER_CLIENT_SECRET)
        .tenant_id(seed::OTHER_TENANT_ID)
        .fleet(RedisFleet::new(&redis.url()).unwrap())
        .cache(CacheConfig::new())
        .build()
        .unwrap();
    assert_eq!(
        served_from(&other_client, seed::GOODS_ID).await,
        ServedFrom::Gateway
    );
    assert_eq!(gateway.stats().endpoint(DETAIL), 2);
    assert_eq!(cache_keys(&redis, 2, Duration::from_secs(5)).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_over_the_entry_cap_is_served_but_not_shared() {
    let redis = RedisServer::start().unwrap_or_else(|e| panic!("{e}"));
    let gateway = MockGateway::start().await.unwrap();
    let small = CacheConfig::new().max_entry_bytes(64);
    let first = replica(&gateway, &redis, small.clone());
    let second = replica(&gateway, &redis, small);
    assert_eq!(
        served_from(&first, seed::GOODS_ID).await,
        ServedFrom::Gateway
    );
    assert_eq!(
        served_from(&second, seed::GOODS_ID).await,
        ServedFrom::Gateway
    );
    assert!(
        cache_keys(&redis, 1, Duration::from_millis(500))
            .await
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_killed_mid_run_fails_no_call_and_the_process_tier_goes_on() {
    let mut redis = RedisServer::start().unwrap_or_else(|e| panic!("{e}"));
    let gateway = MockGateway::start().await.unwrap();
    let first = replica(&gateway, &redis, CacheConfig::new());
    let second = replica(&gateway, &redis, CacheConfig::new());
    assert_eq!(
        served_from(&first, seed::GOODS_ID).await,
        ServedFrom::Gateway
    );
    cache_keys(&redis, 1, Duration::from_secs(5)).await;
    redis.kill();
    // The first replica still has its answer; the second reaches neither Redis nor its own
    // tier, so it asks the gateway, and keeps the answer for itself.
    assert_eq!(served_from(&first, seed::GOODS_ID).await, ServedFrom::Cache);
    assert_eq!(
        served_from(&second, seed::GOODS_ID).await,
        ServedFrom::Gateway
    );
    assert_eq!(
        served_from(&second, seed::GOODS_ID).await,
        ServedFrom::Cache
    );
    assert_eq!(gateway.stats().endpoint(DETAIL), 2);
}
