//! Fleet mode with Redis killed mid-run: no call fails, the replicas fall back to their own
//! token cache and limit with one warning, and go back to Redis once it answers again. Alone
//! in its binary: it counts the warnings with a global subscriber.
#![cfg(feature = "redis")]

mod common;
#[path = "../examples/support/redis_server.rs"]
mod redis_server;

use redis_server::RedisServer;
use rizzitgo_mock_gateway::MockGateway;
use rizzitgo_open_api::Client;
use rizzitgo_open_api::fleet::RedisFleet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio::task::JoinSet;

const DOWN: &str = "Redis is unavailable";
const BACK: &str = "Redis answers again";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_run_fails_no_call_and_fleet_mode_comes_back() {
    let captured = common::Captured::default();
    let sink = captured.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || sink.clone())
            .finish(),
    )
    .unwrap();

    let mut redis = RedisServer::start().unwrap_or_else(|e| panic!("{e}"));
    let gateway = MockGateway::start().await.unwrap();
    let fleets: Vec<RedisFleet> = (0..4)
        .map(|_| {
            RedisFleet::new(&redis.url())
                .unwrap()
                // Long enough for a loaded machine: the outage here is a dead server.
                .timeout(Duration::from_secs(2))
                .requests_per_second(200)
        })
        .collect();
    let clients: Vec<Client> = fleets
        .iter()
        .map(|fleet| {
            common::builder(&gateway)
                .fleet(fleet.clone())
                .build()
                .unwrap()
        })
        .collect();

    // 4 replicas × 150 calls, 10 at a time each (about 3 s at 200/s). Redis is killed when
    // 100 calls are done and started again (empty) when 300 are.
    let done = Arc::new(AtomicUsize::new(0));
    let (killed, restarted) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let mut calls = JoinSet::new();
    for client in &clients {
        for _ in 0..10 {
            let (client, done) = (client.clone(), done.clone());
            let (kill_now, restart_now) = (killed.clone(), restarted.clone());
            calls.spawn(async move {
                let mut failures = 0;
                for _ in 0..15 {
                    if let Err(error) = common::call(&client, "goods_detail").await {
                        eprintln!("{error}");
                        failures += 1;
                    }
                    match done.fetch_add(1, Ordering::AcqRel) + 1 {
                        100 => kill_now.notify_one(),
                        300 => restart_now.notify_one(),
                        _ => {}
                    }
                }
                failures
            });
        }
    }
    killed.notified().await;
    redis.kill();
    // Every replica's token is dropped by the gateway while Redis is down: each fetches its
    // own (the fallback), and no call fails.
    gateway.expire_all_tokens();
    restarted.notified().await;
    let fell_back = fleets.iter().filter(|f| f.is_degraded()).count();
    println!(
        "{fell_back} of {} replicas on their fallbacks",
        fleets.len()
    );
    redis.restart().unwrap();
    let mut failures = 0;
    while let Some(result) = calls.join_next().await {
        failures += result.unwrap();
    }
    assert_eq!(failures, 0);
    assert_eq!(done.load(Ordering::Acquire), 600);
    assert!(fell_back > 0, "no replica noticed the outage");
    let token_requests = gateway.stats().token_requests;
    assert!(
        (2..=5).contains(&token_requests),
        "one token before the outage, one per replica that met the 401 during it: {token_requests}"
    );

    // Back on Redis: each replica probes it in the background every 100 ms once it failed.
    // Calls go on meanwhile, on the fallback (its share of the 200/s limit), until every replica
    // is back.
    let deadline = Instant::now() + Duration::from_secs(20);
    for (client, fleet) in clients.iter().zip(&fleets) {
        while fleet.is_degraded() {
            assert!(
                Instant::now() < deadline,
                "a replica never went back to Redis"
            );
            common::call(client, "goods_detail").await.unwrap();
        }
    }
    // Each replica (its own connection, as its own process) warned once for the whole
    // outage, however many calls it made meanwhile, and said when Redis was back.
    // A loaded machine can make a replica's Redis time out once more around the restart: a
    // second, short outage, warned and recovered the same way. Never one warning per call.
    let (down, back) = (captured.count(DOWN), captured.count(BACK));
    assert!(
        (fleets.len()..=2 * fleets.len()).contains(&down),
        "one warning per replica per outage, not per call: {down}"
    );
    assert_eq!(down, back, "every outage warned once and recovered once");

    // Shared again: a forced expiry costs one token request for the fleet.
    gateway.expire_all_tokens();
    gateway.reset_stats();
    let mut calls = JoinSet::new();
    for client in &clients {
        for _ in 0..25 {
            let client = client.clone();
            calls.spawn(async move { common::call(&client, "goods_detail").await });
        }
    }
    while let Some(result) = calls.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(gateway.stats().token_requests, 1);
}
