//! Adaptive pacing fleet-wide (feature `redis`): replicas that do not know the quota learn it
//! once, together, through a real redis-server (one per test, on a free 127.0.0.1 port), and
//! pace to it as one client; a replica that joins starts at the fleet's rate; while Redis is
//! down the replicas share the rate it last gave. Over real HTTP against the mock gateway,
//! each load a few seconds of real time (the quota is counted in the gateway's seconds).
#![cfg(feature = "redis")]

mod common;
#[path = "../examples/support/redis_server.rs"]
mod redis_server;

use common::load::{Ended, measure};
use futures_util::future::join_all;
use redis_server::RedisServer;
use rizzitgo_mock_gateway::{Failure, Match, MockGateway};
use rizzitgo_open_api::fleet::RedisFleet;
use rizzitgo_open_api::{Client, RetryPolicy};
use std::time::{Duration, Instant};

const QUOTA: u32 = 20;

fn redis() -> RedisServer {
    RedisServer::start().unwrap_or_else(|e| panic!("{e}"))
}

/// A replica with its own connection to `redis`, no limit configured (so pacing is on), each
/// call sent once (every 429 shows).
fn replica(gateway: &MockGateway, redis: &RedisServer) -> Client {
    let fleet = RedisFleet::new(&redis.url())
        .unwrap()
        .timeout(Duration::from_millis(250));
    common::builder(gateway)
        .retry_policy(RetryPolicy::none())
        .coalescing(false)
        .fleet(fleet)
        .build()
        .unwrap()
}

/// A gateway with a quota of `qps` calls per second per clientId.
async fn gateway(qps: u32) -> MockGateway {
    MockGateway::builder()
        .qps_limit(Some(qps))
        .start()
        .await
        .unwrap()
}

/// `callers` on each of `replicas` until `start + length` (`common::load`): what each got.
async fn load(
    replicas: &[Client],
    callers: usize,
    start: Instant,
    length: Duration,
) -> Vec<Vec<Ended>> {
    join_all(
        replicas
            .iter()
            .map(|r| common::load::load(r, callers, start, length, |_| {})),
    )
    .await
}

#[tokio::test]
async fn three_replicas_learn_an_unknown_quota_together() {
    let redis = redis();
    let gateway = gateway(QUOTA).await;
    let replicas: Vec<Client> = (0..3).map(|_| replica(&gateway, &redis)).collect();
    let start = Instant::now();
    let length = Duration::from_secs(6);
    let ended = load(&replicas, 6, start, length).await;
    let all = ended.concat();
    let (_, first) = measure(&all, Duration::ZERO, Duration::from_millis(900));
    assert!(first > 0.5, "unpaced at first: {first}");
    // Paced as one client: the fleet's successes near the quota (CUBIC probes past it now and
    // then, and is cut back), few 429s.
    let (ok, throttled) = measure(&all, Duration::from_secs(2), length);
    assert!(throttled <= 0.05, "429s after learning: {throttled}");
    assert!(ok >= 0.75 * f64::from(QUOTA), "successes per second: {ok}");
    // Every replica paces, not only the one whose cut the fleet took.
    for (n, replica) in ended.iter().enumerate() {
        let (ok, _) = measure(replica, Duration::from_secs(2), length);
        assert!(ok >= 2.0, "replica {n} got {ok} successes per second");
    }
}

#[tokio::test]
async fn a_replica_that_joins_starts_at_the_fleets_rate() {
    let redis = redis();
    let gateway = gateway(QUOTA).await;
    let first = replica(&gateway, &redis);
    let start = Instant::now();
    // The first replica learns the quota alone, then a second one joins it.
    let early = load(
        std::slice::from_ref(&first),
        8,
        start,
        Duration::from_secs(3),
    )
    .await;
    let (_, learned) = measure(
        &early.concat(),
        Duration::from_secs(2),
        Duration::from_secs(3),
    );
    assert!(learned <= 0.05, "the first replica paces: {learned}");
    let joined = replica(&gateway, &redis);
    let start = Instant::now();
    let length = Duration::from_secs(3);
    let ended = load(&[first, joined], 8, start, length).await;
    let (old, new) = (&ended[0], &ended[1]);
    // Its first calls already wait for the fleet's rate: no unpaced second (alone, a client
    // that does not know the quota sends hundreds of calls in it, mostly 429s:
    // `tests/pacing.rs`). A probe of the fleet's rate past the quota may cost a few.
    let first_second: Vec<&Ended> = new
        .iter()
        .filter(|e| e.at < Duration::from_secs(1))
        .collect();
    let throttled = first_second.iter().filter(|e| e.throttled).count();
    assert!(
        first_second.len() <= 2 * QUOTA as usize && throttled * 3 <= first_second.len(),
        "the new replica's first second: {throttled} 429s of {} calls",
        first_second.len()
    );
    let (ok, _) = measure(new, Duration::ZERO, length);
    assert!(ok >= 3.0, "the new replica's successes per second: {ok}");
    let all = [new.as_slice(), old].concat();
    let (ok, throttled) = measure(&all, Duration::ZERO, length);
    assert!(throttled <= 0.05, "the fleet's 429s: {throttled}");
    assert!(ok >= 0.75 * f64::from(QUOTA), "the fleet's successes: {ok}");
}

#[tokio::test]
async fn while_redis_is_down_the_replicas_share_the_rate_it_last_gave() {
    let mut redis = redis();
    let gateway = gateway(QUOTA).await;
    let replicas: Vec<Client> = (0..2).map(|_| replica(&gateway, &redis)).collect();
    let start = Instant::now();
    load(&replicas, 6, start, Duration::from_secs(3)).await;
    redis.kill();
    let start = Instant::now();
    let length = Duration::from_secs(4);
    let ended = load(&replicas, 6, start, length).await;
    let all = ended.concat();
    // Each replica waits for a command's timeout, keeps to what it held for a while after
    // the switch, then takes half the rate Redis last gave: few 429s (the limit of a replica
    // that knew no rate would be none), most of the quota.
    let (ok, throttled) = measure(&all, Duration::from_secs(2), length);
    assert!(throttled <= 0.05, "429s with Redis down: {throttled}");
    assert!(ok >= 0.6 * f64::from(QUOTA), "successes per second: {ok}");
}

#[tokio::test]
async fn with_redis_down_from_the_start_each_replica_paces_on_its_own() {
    // A port nothing listens on: every command fails at once, each replica is on its fallback.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let gateway = gateway(QUOTA).await;
    let replicas: Vec<Client> = (0..2)
        .map(|_| {
            let fleet = RedisFleet::new(&format!("redis://127.0.0.1:{port}/")).unwrap();
            common::builder(&gateway)
                .retry_policy(RetryPolicy::none())
                .coalescing(false)
                .fleet(fleet)
                .build()
                .unwrap()
        })
        .collect();
    let start = Instant::now();
    let length = Duration::from_secs(8);
    let ended = load(&replicas, 6, start, length).await;
    let all = ended.concat();
    // The first calls wait for the token's fallback (the shared store's commands fail first),
    // then a second unpaced: mostly 429s.
    let (_, first) = measure(&all, Duration::ZERO, Duration::from_secs(3));
    assert!(first > 0.5, "unpaced at first: {first}");
    // Then each replica paces to what it learned alone: two learners of one quota converge
    // slowly (each cut takes at most a tenth off), but this is not the storm of an unpaced
    // client (over 90 % 429s at this load).
    let (ok, throttled) = measure(&all, Duration::from_secs(4), length);
    assert!(throttled <= 0.5, "429s after learning: {throttled}");
    assert!(ok >= 0.5 * f64::from(QUOTA), "successes per second: {ok}");
}

#[tokio::test]
async fn the_fleets_learned_rate_follows_a_quota_that_rises() {
    let redis = redis();
    let gateway = gateway(10).await;
    let replicas: Vec<Client> = (0..2).map(|_| replica(&gateway, &redis)).collect();
    let start = Instant::now();
    let first = load(&replicas, 4, start, Duration::from_secs(3)).await;
    let first = first.concat();
    let (before, _) = measure(&first, Duration::from_secs(2), Duration::from_secs(3));
    assert!(
        (7.0..=11.0).contains(&before),
        "under the first quota: {before}"
    );
    gateway.set_qps_limit(Some(20));
    let start = Instant::now();
    let length = Duration::from_secs(7);
    let then = load(&replicas, 4, start, length).await;
    let then = then.concat();
    // CUBIC climbs past the old rate in the fleet's state (probing, cut back at the new
    // quota): most of the new quota within seconds.
    let (after, _) = measure(&then, Duration::from_secs(5), length);
    assert!(after >= 14.0, "successes per second, quota 20: {after}");
}

#[tokio::test]
async fn sporadic_429s_do_not_slow_a_fleet_down() {
    let redis = redis();
    // Successes per second of 3 paced replicas in the last 2 s of 6, with one answer in 30 a
    // 429 whatever the rate (a proxy's), and of 3 others without. (Against paced replicas
    // too: the fleet's admissions cost two Redis commands a request, which an unpaced fleet
    // does not send.)
    let run = |sporadic: bool| {
        let redis = &redis;
        async move {
            let gateway = MockGateway::start().await.unwrap();
            if sporadic {
                gateway.fail_when(Match::any().every(30), Failure::http(429).retry_after("1"));
            }
            let replicas: Vec<Client> = (0..3).map(|_| replica(&gateway, redis)).collect();
            let start = Instant::now();
            let length = Duration::from_secs(6);
            let ended = load(&replicas, 4, start, length).await;
            let all = ended.concat();
            measure(&all, Duration::from_secs(4), length)
        }
    };
    // Side by side (two gateways, so two fleet states): the machine's load falls on both.
    let ((sporadic, throttled), (clean, _)) = tokio::join!(run(true), run(false));
    assert!((0.02..0.05).contains(&throttled), "one in 30: {throttled}");
    assert!(
        sporadic >= 0.8 * clean,
        "{sporadic} successes per second with sporadic 429s, {clean} without"
    );
}
