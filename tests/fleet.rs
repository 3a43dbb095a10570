//! Fleet mode (feature `redis`): replicas with one clientId share the token and the rate limit
//! through a real redis-server (one per test, started on a free 127.0.0.1 port), against the
//! mock gateway over real HTTP. Each replica is an independent `Client` with its own Redis
//! connection, as separate processes would have.
#![cfg(feature = "redis")]

mod common;
#[path = "../examples/support/redis_server.rs"]
mod redis_server;

use redis_server::RedisServer;
use rizzitgo_mock_gateway::{Failure, MockGateway};
use rizzitgo_open_api::fleet::RedisFleet;
use rizzitgo_open_api::{Client, RetryPolicy};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Barrier, Semaphore};
use tokio::task::JoinSet;

const DETAIL: &str = "/open-api/goods/detail";

fn redis() -> RedisServer {
    RedisServer::start().unwrap_or_else(|e| panic!("{e}"))
}

/// A replica's own connection to `redis`. The command timeout is long: on a loaded CI
/// machine a slow answer would make a replica fall back to fetching its own token (by
/// design), and these tests count token requests exactly.
fn fleet_of(redis: &RedisServer) -> RedisFleet {
    RedisFleet::new(&redis.url())
        .unwrap()
        .timeout(Duration::from_secs(5))
}

/// `n` replicas of the mock's application, each with its own connection to `redis`.
fn replicas(gateway: &MockGateway, n: usize, fleet: impl Fn() -> RedisFleet) -> Vec<Client> {
    (0..n)
        // Identical reads each send their own request: these tests count them.
        .map(|_| {
            common::builder(gateway)
                .coalescing(false)
                .fleet(fleet())
                .build()
                .unwrap()
        })
        .collect()
}

/// What a run of calls gave: successes, 429s the callers got, other failures.
#[derive(Debug, Default, PartialEq, Eq)]
struct Outcome {
    ok: usize,
    rate_limited: usize,
    failed: usize,
}

/// `calls` concurrent calls on every replica, all released at once (cold: none has a
/// token), at most `in_flight` per replica sending at a time so that both ends of every
/// connection fit in the process's file descriptors.
async fn run(clients: &[Client], calls: usize, in_flight: usize) -> Outcome {
    let start = Arc::new(Barrier::new(clients.len() * calls));
    let mut tasks = JoinSet::new();
    for client in clients {
        let limit = Arc::new(Semaphore::new(in_flight));
        for _ in 0..calls {
            let (client, start, limit) = (client.clone(), start.clone(), limit.clone());
            tasks.spawn(async move {
                start.wait().await;
                let _permit = limit.acquire_owned().await.unwrap();
                common::call(&client, "goods_detail").await
            });
        }
    }
    let mut outcome = Outcome::default();
    while let Some(done) = tasks.join_next().await {
        match done.unwrap() {
            Ok(()) => outcome.ok += 1,
            Err(e) if e.is_rate_limited() => outcome.rate_limited += 1,
            Err(e) => {
                eprintln!("{e}");
                outcome.failed += 1;
            }
        }
    }
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_replicas_with_a_thousand_cold_calls_each_cost_one_token_request() {
    let redis = redis();
    let gateway = MockGateway::start().await.unwrap();
    // Without fleet mode (what every build without the feature does): one token per replica.
    let alone: Vec<Client> = (0..8)
        .map(|_| common::builder(&gateway).coalescing(false).build().unwrap())
        .collect();
    let outcome = run(&alone, 1000, 250).await;
    assert_eq!(outcome.ok, 8000, "{outcome:?}");
    assert_eq!(gateway.stats().token_requests, 8);

    gateway.reset_stats();
    let fleet = replicas(&gateway, 8, || fleet_of(&redis));
    let outcome = run(&fleet, 1000, 250).await;
    assert_eq!(outcome.ok, 8000, "{outcome:?}");
    assert_eq!(gateway.stats().token_requests, 1);
    assert_eq!(gateway.stats().endpoint(DETAIL), 8000);
    println!("8 replicas x 1000 cold calls: 8 token requests alone, 1 in fleet mode");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_replicas_share_a_fifty_qps_limit_without_a_429() {
    // The mock admits at most 50 business calls of a clientId in any sliding second, counted
    // at arrival (mock-gateway/src/state.rs). The fleet limiter keeps every request's place
    // from admission to a second after its answer, so no 51 arrivals can share a window
    // whatever the delays (src/fleet/rate_limiter.rs explains why): no 429 by design, not by
    // timing luck. Retries are off so that a 429 would surface as a failed call.
    let redis = redis();
    let gateway = MockGateway::builder()
        .qps_limit(Some(50))
        .start()
        .await
        .unwrap();
    // Identical reads each send their own request: the test counts them against the quota.
    let once = || {
        common::builder(&gateway)
            .retry_policy(RetryPolicy::none())
            .coalescing(false)
    };

    // Each replica with its own limit of 50/s: together they are over the quota.
    let alone: Vec<Client> = (0..4)
        .map(|_| once().max_requests_per_second(50).build().unwrap())
        .collect();
    let outcome = run(&alone, 50, 50).await;
    assert!(outcome.rate_limited > 0, "{outcome:?}");
    assert_eq!(outcome.failed, 0, "{outcome:?}");
    // The gateway's window forgets that run.
    gateway.advance_clock(Duration::from_secs(2));

    let fleet: Vec<Client> = (0..4)
        .map(|_| {
            let fleet = fleet_of(&redis).requests_per_second(50);
            once().fleet(fleet).build().unwrap()
        })
        .collect();
    let outcome = run(&fleet, 75, 75).await;
    assert_eq!(
        outcome,
        Outcome {
            ok: 300,
            rate_limited: 0,
            failed: 0
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forced_expiry_costs_one_token_request_fleet_wide() {
    let redis = redis();
    let gateway = MockGateway::start().await.unwrap();
    let fleet = replicas(&gateway, 4, || fleet_of(&redis));
    assert_eq!(run(&fleet, 10, 10).await.ok, 40);
    assert_eq!(gateway.stats().token_requests, 1);

    // The gateway drops every token, unannounced: every replica meets a 401, the first one
    // deletes the shared token (only if it is still the refused one), one fetches a new one.
    gateway.expire_all_tokens();
    gateway.reset_stats();
    let outcome = run(&fleet, 250, 100).await;
    assert_eq!(outcome.ok, 1000, "{outcome:?}");
    assert_eq!(gateway.stats().token_requests, 1);

    // Revocation deletes the shared token too: the next call fetches one for the fleet.
    gateway.reset_stats();
    assert!(fleet[0].revoke_token().await.unwrap());
    let outcome = run(&fleet[..1], 10, 10).await;
    assert_eq!(outcome.ok, 10);
    assert_eq!(gateway.stats().token_requests, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_whose_holder_died_ends_by_itself() {
    let redis = redis();
    let gateway = MockGateway::start().await.unwrap();
    let fleet = fleet_of(&redis);
    let client = common::builder(&gateway)
        .fleet(fleet.clone())
        .build()
        .unwrap();
    // A replica took the fetch lock of this configuration and died before releasing it.
    let mut redis_client = redis_client(&redis).await;
    let keys: Vec<String> = (0..1).map(|_| token_key(&gateway)).collect();
    let lock = format!("{}:lock", keys[0]);
    let taken: Option<String> = redis::cmd("SET")
        .arg(&lock)
        .arg("a-replica-that-died")
        .arg("NX")
        .arg("PX")
        .arg(300)
        .query_async(&mut redis_client)
        .await
        .unwrap();
    assert!(taken.is_some());
    common::call(&client, "goods_detail").await.unwrap();
    assert_eq!(gateway.stats().token_requests, 1);
    // The token was shared once the lock had ended, under a key without the secret.
    let stored: String = redis::cmd("GET")
        .arg(&keys[0])
        .query_async(&mut redis_client)
        .await
        .unwrap();
    let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert!(stored["expiresAtMs"].as_u64().unwrap() > 0, "{stored}");
    let all: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut redis_client)
        .await
        .unwrap();
    let secret = gateway.credentials().client_secret;
    assert!(all.iter().all(|k| !k.contains(&secret)), "{all:?}");
    assert!(!format!("{client:?}{fleet:?}").contains(&secret));
}

async fn redis_client(redis: &RedisServer) -> redis::aio::MultiplexedConnection {
    redis::Client::open(redis.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

/// The token key of the mock's application (documented in `rizzitgo_open_api::fleet`).
fn token_key(gateway: &MockGateway) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let credentials = gateway.credentials();
    format!(
        "rizzitgo:v1:token:{}:{}:{}:*",
        enc(&gateway.url()),
        enc(&credentials.client_id),
        enc(&credentials.tenant_id)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acl_user_limited_to_the_sdks_keys_and_commands_is_enough() {
    let redis = redis();
    let gateway = MockGateway::start().await.unwrap();
    let mut admin = redis_client(&redis).await;
    // The user the README tells operators to create.
    let _: () = redis::cmd("ACL")
        .arg("SETUSER")
        .arg("rizzitgo-sdk")
        .arg("on")
        .arg(">sdk-password")
        .arg("~rizzitgo:*")
        .arg(
            "+get +set +del +evalsha +script|load +time +pexpire +zadd +zcard +zrange +zremrangebyscore"
                .split(' ')
                .collect::<Vec<_>>(),
        )
        .query_async(&mut admin)
        .await
        .unwrap();
    let url = redis
        .url()
        .replace("redis://", "redis://rizzitgo-sdk:sdk-password@");
    let fleets: Vec<RedisFleet> = (0..2)
        .map(|_| {
            RedisFleet::new(&url)
                .unwrap()
                .timeout(Duration::from_secs(5))
                .requests_per_second(100)
        })
        .collect();
    let clients: Vec<Client> = fleets
        .iter()
        .map(|f| common::builder(&gateway).fleet(f.clone()).build().unwrap())
        .collect();
    assert_eq!(run(&clients, 20, 20).await.ok, 40);
    assert!(
        fleets.iter().all(|f| !f.is_degraded()),
        "a command was refused"
    );
    assert_eq!(gateway.stats().token_requests, 1);
    assert!(!format!("{:?}", fleets[0]).contains("sdk-password"));

    // With no limit, the replicas learn the quota together: the pacing state's commands too.
    let quota = MockGateway::builder()
        .qps_limit(Some(5))
        .start()
        .await
        .unwrap();
    let unlimited: Vec<RedisFleet> = (0..2)
        .map(|_| {
            RedisFleet::new(&url)
                .unwrap()
                .timeout(Duration::from_secs(5))
        })
        .collect();
    let learning: Vec<Client> = unlimited
        .iter()
        .map(|f| common::builder(&quota).fleet(f.clone()).build().unwrap())
        .collect();
    // One call at a time per replica: the 429s' backoffs take the run past its first window.
    let outcome = run(&learning, 20, 1).await;
    assert_eq!(outcome.failed, 0, "{outcome:?}");
    let learned: Vec<String> = redis::cmd("KEYS")
        .arg("rizzitgo:v1:pacing:*")
        .query_async(&mut admin)
        .await
        .unwrap();
    assert_eq!(learned.len(), 1, "the fleet's learned rate is kept");
    assert!(
        unlimited.iter().all(|f| !f.is_degraded()),
        "a command was refused"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_fetch_is_shared_with_the_replicas_waiting_for_it() {
    let redis = redis();
    let gateway = MockGateway::start().await.unwrap();
    let fleet = replicas(&gateway, 4, || fleet_of(&redis));
    gateway.fail_next_token(u32::MAX, Failure::http(401));
    // The refused fetch takes long enough for every replica to be waiting for it.
    gateway.set_latency(Duration::from_millis(500));
    let start = Arc::new(Barrier::new(fleet.len()));
    let mut calls = JoinSet::new();
    for client in &fleet {
        let (client, start) = (client.clone(), start.clone());
        calls.spawn(async move {
            start.wait().await;
            common::call(&client, "goods_detail").await
        });
    }
    while let Some(done) = calls.join_next().await {
        let error = done.unwrap().unwrap_err();
        assert!(error.is_unauthorized(), "{error}");
        assert_eq!(error.operation().unwrap().name, "issue_token", "{error}");
    }
    // One replica asked; the others read its failure instead of asking in turn.
    assert_eq!(gateway.stats().token_requests, 1);

    // The failure is not a verdict for later calls: the next one asks again.
    gateway.fail_next_token(0, Failure::http(401));
    gateway.set_latency(Duration::ZERO);
    common::call(&fleet[0], "goods_detail").await.unwrap();
    assert_eq!(gateway.stats().token_requests, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_in_flight_keeps_its_place_in_the_budget_until_its_answer() {
    let redis = redis();
    let gateway = MockGateway::start().await.unwrap();
    let client = common::builder(&gateway)
        .fleet(fleet_of(&redis).requests_per_second(50))
        .build()
        .unwrap();
    common::call(&client, "goods_detail").await.unwrap();
    // A place not renewed ends 1.5 s after its admission: this request takes longer.
    gateway.set_latency(Duration::from_millis(2_500));
    let redis_client = redis_client(&redis).await;
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let key = format!(
        "rizzitgo:v1:ratelimit:{}:{}",
        enc(&gateway.url()),
        enc(&gateway.credentials().client_id)
    );
    // The places that still count: the first call's (until a second after its answer),
    // then only the slow one's.
    let counting = |mut c: redis::aio::MultiplexedConnection, key: String| async move {
        let (secs, micros): (u64, u64) = redis::cmd("TIME").query_async(&mut c).await.unwrap();
        let now = secs * 1_000_000 + micros;
        let n: u64 = redis::cmd("ZCOUNT")
            .arg(&key)
            .arg(now)
            .arg("+inf")
            .query_async(&mut c)
            .await
            .unwrap();
        n
    };
    let started = std::time::Instant::now();
    let call = tokio::spawn(async move { common::call(&client, "goods_detail").await });
    let mut looks = 0;
    while !call.is_finished() {
        // Polled for as long as the request is in flight (2.5 s).
        let n = counting(redis_client.clone(), key.clone()).await;
        if started.elapsed() > Duration::from_millis(1_100) && !call.is_finished() {
            assert!(n >= 1, "the request in flight lost its place");
            looks += 1;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    call.await.unwrap().unwrap();
    assert!(
        looks > 10,
        "the request was not in flight long enough: {looks}"
    );
    // Answered: its place ends a window later.
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    while counting(redis_client.clone(), key.clone()).await > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "a place outlived its window"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interactive_call_does_not_wait_behind_another_replicas_batch() {
    use futures_util::stream::{FuturesUnordered, StreamExt};
    use rizzitgo_mock_gateway::seed;
    use rizzitgo_open_api::Priority;
    use rizzitgo_open_api::types::GoodsRequest;
    use std::future::IntoFuture;
    let redis = redis();
    let gateway = MockGateway::start().await.unwrap();
    let replica = || {
        common::builder(&gateway)
            .coalescing(false)
            .fleet(fleet_of(&redis).requests_per_second(20))
            .build()
            .unwrap()
    };
    let (batch, storefront) = (replica(), replica());
    for client in [&batch, &storefront] {
        client
            .goods_detail(GoodsRequest::new(seed::GOODS_ID, 1))
            .await
            .unwrap();
    }
    // The leases of the warm-up calls end a second after them.
    gateway.reset_stats();
    let mut queued: FuturesUnordered<_> = (0..60)
        .map(|_| {
            let call = batch
                .goods_detail(GoodsRequest::new(seed::TMALL_GOODS_ID, 1))
                .priority(Priority::Background);
            tokio::spawn(call.into_future())
        })
        .collect();
    // The batch's first window: 16 leases beside the warm-up's two, the rest of it waits.
    for _ in 0..16 {
        queued.next().await.unwrap().unwrap().unwrap();
    }
    let asked = std::time::Instant::now();
    storefront
        .goods_detail(GoodsRequest::new(seed::GOODS_WITHOUT_QC_ID, 1))
        .priority(Priority::Interactive)
        .await
        .unwrap();
    let waited = asked.elapsed();
    let order: Vec<String> = gateway
        .stats()
        .requests
        .iter()
        .filter(|r| r.path == DETAIL)
        .map(|r| r.body.clone())
        .collect();
    let at = order
        .iter()
        .position(|body| body.contains(seed::GOODS_WITHOUT_QC_ID))
        .unwrap();
    // The batch takes at most 18 of the 20 leases of a window, 16 beside the warm-up's two:
    // the interactive call has the reserve at once, not a place behind the batch's 60 (its
    // next lease would be a second later).
    assert!(at <= 16, "admitted at {at} of {}", order.len());
    assert!(waited < Duration::from_millis(600), "{waited:?}");
    while let Some(done) = queued.next().await {
        done.unwrap().unwrap();
    }
}
