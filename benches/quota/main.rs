//! More from the same quota: successful calls per second of the SDK (coalescing, the response
//! cache, fleet-wide) against a hand-written client, on the mock gateway with a quota of 50
//! calls/s per clientId, measured in one run and printed as ratios (`… ratio X.XX`).
//! Then the quota shared and learned: priority lanes (`interactive`), adaptive pacing of an
//! unknown quota (`adaptive`), sporadic 429s (`sporadic`), and both across 4 replica
//! processes that learn the quota together (`fleet adaptive`, `fleet lanes`: `fleet.rs`).
//! `cargo xtask bench --quota` runs it; `RIZZITGO_QUOTA_SECS` (default 30) sets each run's
//! length, `RIZZITGO_QUOTA_ONLY` (e.g. `lanes,adaptive`) runs some figures only. See
//! BENCHMARKS.md ("Quota").

mod fleet;
#[path = "../overhead/hand_written.rs"]
mod hand_written;
mod lanes;
mod pacing;
#[path = "../../examples/support/redis_server.rs"]
mod redis_server;

use hand_written::HandWritten;
use redis_server::RedisServer;
use rizzitgo_mock_gateway::{MockGateway, seed};
use rizzitgo_open_api::fleet::RedisFleet;
use rizzitgo_open_api::types::GoodsRequest;
use rizzitgo_open_api::{CacheConfig, Client, ClientBuilder, ServedFrom};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The gateway's quota per clientId.
const QUOTA: u32 = 50;
/// The SDK's client-side limit: a little under the quota (the mock counts arrivals in a
/// sliding second).
const PACE: u32 = 48;
const CALLERS: usize = 64;
const HOT_SET: u64 = 20;
const ZIPF_IDS: usize = 10_000;

fn main() {
    if fleet::replica_main() {
        return;
    }
    let secs = std::env::var("RIZZITGO_QUOTA_SECS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(30u64);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(Duration::from_secs(secs)));
}

/// Whether figure `name` is asked for (`RIZZITGO_QUOTA_ONLY`, comma-separated; all by default).
fn wanted(name: &str) -> bool {
    std::env::var("RIZZITGO_QUOTA_ONLY")
        .map(|only| only.split(',').any(|n| n.trim() == name))
        .unwrap_or(true)
}

/// A fresh gateway for each run: its quota window and its counts start from nothing.
async fn gateway() -> MockGateway {
    let gateway = MockGateway::builder()
        .qps_limit(Some(QUOTA))
        .start()
        .await
        .unwrap();
    gateway.set_latency(Duration::from_millis(20));
    gateway
}

fn builder(gateway: &MockGateway) -> ClientBuilder {
    let credentials = gateway.credentials();
    Client::builder()
        .base_url(gateway.url())
        .client_id(credentials.client_id)
        .client_secret(credentials.client_secret)
        .tenant_id(credentials.tenant_id)
}

/// Four in-process replicas of `gateway`'s client, each with its own connection to `redis`
/// and the fleet's limit under the quota, configured by `configure`.
fn fleet_replicas(
    redis: &RedisServer,
    gateway: &MockGateway,
    configure: impl Fn(ClientBuilder) -> ClientBuilder,
) -> Vec<Client> {
    (0..4)
        .map(|_| {
            let fleet = RedisFleet::new(&redis.url())
                .unwrap()
                .requests_per_second(PACE);
            configure(builder(gateway).fleet(fleet)).build().unwrap()
        })
        .collect()
}

/// The goods id of catalog item `n`.
fn catalog_id(n: u64) -> String {
    (seed::CATALOG_FIRST_ID + n).to_string()
}

/// What one run measured.
#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    failed: AtomicU64,
    /// The oldest cached answer served, in ms.
    oldest_ms: AtomicU64,
    /// From the first call to the last answer, in ms (calls queued at the end finish late).
    elapsed_ms: AtomicU64,
}

impl Tally {
    fn per_second(&self, length: Duration) -> f64 {
        let elapsed = Duration::from_millis(self.elapsed_ms.load(Ordering::Relaxed)).max(length);
        self.ok.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64()
    }
}

/// Zipf (s = 1) over `n` ids: the cumulative weights, sampled by binary search.
struct Zipf(Vec<f64>);

impl Zipf {
    fn new(n: usize) -> Self {
        let mut total = 0.0;
        let cumulative = (1..=n)
            .map(|k| {
                total += 1.0 / k as f64;
                total
            })
            .collect::<Vec<_>>();
        Self(cumulative.iter().map(|c| c / total).collect())
    }

    fn sample(&self) -> u64 {
        let u = fastrand::f64();
        self.0.partition_point(|c| *c < u) as u64
    }
}

/// `CALLERS` callers of `clients` (round robin) asking for `pick()`'s goods for `length`.
async fn sdk_load(
    clients: &[Client],
    length: Duration,
    pick: Arc<dyn Fn() -> u64 + Send + Sync>,
) -> Arc<Tally> {
    sdk_load_of(clients, CALLERS, length, pick).await
}

/// `callers` callers of `clients` (round robin) asking for `pick()`'s goods for `length`.
async fn sdk_load_of(
    clients: &[Client],
    callers: usize,
    length: Duration,
    pick: Arc<dyn Fn() -> u64 + Send + Sync>,
) -> Arc<Tally> {
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let until = started + length;
    let mut tasks = tokio::task::JoinSet::new();
    for caller in 0..callers {
        let client = clients[caller % clients.len()].clone();
        let (tally, pick) = (Arc::clone(&tally), Arc::clone(&pick));
        tasks.spawn(async move {
            while Instant::now() < until {
                let id = catalog_id(pick());
                let request = GoodsRequest::builder().goods_id(id).source(1);
                match client.goods_detail(request).with_response().await {
                    Ok(answer) => {
                        tally.ok.fetch_add(1, Ordering::Relaxed);
                        let metadata = answer.metadata();
                        if metadata.served_from() == ServedFrom::Cache {
                            let age = metadata.age().unwrap_or_default().as_millis() as u64;
                            tally.oldest_ms.fetch_max(age, Ordering::Relaxed);
                        }
                    }
                    Err(_) => {
                        tally.failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    tally
        .elapsed_ms
        .store(started.elapsed().as_millis() as u64, Ordering::Relaxed);
    tally
}

/// The same callers with the hand-written client: one request per call.
async fn hand_load(
    gateway: &MockGateway,
    length: Duration,
    pick: Arc<dyn Fn() -> u64 + Send + Sync>,
) -> Arc<Tally> {
    let hand = HandWritten::new(&gateway.url(), &gateway.credentials()).await;
    let tally = Arc::new(Tally::default());
    let until = Instant::now() + length;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CALLERS {
        let (hand, tally, pick) = (hand.clone(), Arc::clone(&tally), Arc::clone(&pick));
        tasks.spawn(async move {
            while Instant::now() < until {
                match hand.detail_of(&catalog_id(pick())).await {
                    Ok(_) => tally.ok.fetch_add(1, Ordering::Relaxed),
                    Err(_) => tally.failed.fetch_add(1, Ordering::Relaxed),
                };
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    tally
}

/// 429s among the gateway's answers to goods detail.
fn throttled_share(gateway: &MockGateway) -> (u64, f64) {
    let stats = gateway.stats();
    let sent = stats.endpoint("/open-api/goods/detail");
    (sent, stats.throttled as f64 / sent.max(1) as f64)
}

async fn run(length: Duration) {
    println!(
        "quota {QUOTA} calls/s per clientId, {CALLERS} callers, {} s a run, 20 ms gateway latency\n",
        length.as_secs()
    );
    let hot: Arc<dyn Fn() -> u64 + Send + Sync> = Arc::new(|| fastrand::u64(..HOT_SET));
    let zipf = Arc::new(Zipf::new(ZIPF_IDS));
    let zipf_pick: Arc<dyn Fn() -> u64 + Send + Sync> = {
        let zipf = Arc::clone(&zipf);
        Arc::new(move || zipf.sample())
    };

    let mut single_sent = 0;
    if wanted("cache") {
        // Hot set: coalescing alone (no cache), paced under the quota.
        let gateway_hand = gateway().await;
        let hand = hand_load(&gateway_hand, length, Arc::clone(&hot)).await;
        let (_, hand_429) = throttled_share(&gateway_hand);
        let gateway_sdk = gateway().await;
        let sdk = builder(&gateway_sdk)
            .max_requests_per_second(PACE)
            .build()
            .unwrap();
        let ours = sdk_load(&[sdk], length, Arc::clone(&hot)).await;
        let (sent, sdk_429) = throttled_share(&gateway_sdk);
        println!(
            "hot set (20 ids, coalescing, no cache): SDK {:.1} ok/s ({sent} requests, {:.1} % 429, {} failed), hand-written {:.1} ok/s ({:.1} % 429): ratio {:.2}",
            ours.per_second(length),
            sdk_429 * 100.0,
            ours.failed.load(Ordering::Relaxed),
            hand.per_second(length),
            hand_429 * 100.0,
            ours.per_second(length) / hand.per_second(length),
        );

        // Zipf over 10,000 ids, the cache with the spec's lifetimes.
        let gateway_hand = gateway().await;
        let hand = hand_load(&gateway_hand, length, Arc::clone(&zipf_pick)).await;
        let gateway_sdk = gateway().await;
        let sdk = builder(&gateway_sdk)
            .max_requests_per_second(PACE)
            .cache(CacheConfig::new())
            .build()
            .unwrap();
        let ours = sdk_load(&[sdk], length, Arc::clone(&zipf_pick)).await;
        let (sent, sdk_429) = throttled_share(&gateway_sdk);
        single_sent = sent;
        println!(
            "zipf (s = 1, 10,000 ids, cache on): SDK {:.1} ok/s ({single_sent} requests, {} 429s, oldest answer {:.1} s, lifetime 60 s), hand-written {:.1} ok/s: ratio {:.2}",
            ours.per_second(length),
            (sdk_429 * single_sent as f64).round(),
            ours.oldest_ms.load(Ordering::Relaxed) as f64 / 1000.0,
            hand.per_second(length),
            ours.per_second(length) / hand.per_second(length),
        );
    }

    let mut hand_lanes = None;
    if wanted("lanes") {
        let on_gateway = gateway().await;
        let client = lanes::limited(&on_gateway, PACE);
        let on = lanes::sdk(&client, std::slice::from_ref(&client), length, true).await;
        let off_gateway = gateway().await;
        let client = lanes::limited(&off_gateway, PACE);
        let off = lanes::sdk(&client, std::slice::from_ref(&client), length, false).await;
        let hand = lanes::hand(&gateway().await, length).await;
        lanes::report("interactive", &on, &off, &hand);
        hand_lanes = Some(hand);
    }
    if wanted("adaptive") {
        let sdk = pacing::adaptive(length).await;
        let hand = pacing::adaptive_hand(length).await;
        pacing::report_adaptive(length, sdk, hand);
    }
    if wanted("sporadic") {
        let on = pacing::sporadic(length, true).await;
        let off = pacing::sporadic(length, false).await;
        pacing::report_sporadic(length, on, off);
    }
    if !wanted("fleet") && !wanted("fleet-lanes") && !wanted("fleet-adaptive") {
        return;
    }

    // Fleet: 4 replicas on one redis-server; the gateway's requests against one replica's.
    let redis = match RedisServer::start() {
        Ok(redis) => redis,
        Err(e) => {
            println!("fleet: skipped ({e})");
            return;
        }
    };
    if wanted("fleet-adaptive") {
        fleet::adaptive(&redis.url(), length).await;
    }
    if wanted("fleet-lanes") {
        let hand = match hand_lanes.take() {
            Some(hand) => hand,
            None => lanes::hand(&gateway().await, length).await,
        };
        fleet::lanes(&redis.url(), PACE, length, &hand).await;
        fleet::lanes(&redis.url(), 0, length, &hand).await;
    }
    if !wanted("fleet") {
        return;
    }
    let gateway_fleet = gateway().await;
    let replicas = fleet_replicas(&redis, &gateway_fleet, |b| b.cache(CacheConfig::new()));
    let fleet = sdk_load(&replicas, length, zipf_pick).await;
    let (fleet_sent, fleet_429) = throttled_share(&gateway_fleet);
    println!(
        "fleet (4 replicas, one redis-server, zipf, cache on): {:.1} ok/s, {fleet_sent} gateway requests ({:.1} % 429) against a single replica's {single_sent}: ratio {:.2}",
        fleet.per_second(length),
        fleet_429 * 100.0,
        fleet_sent as f64 / single_sent.max(1) as f64,
    );
}
