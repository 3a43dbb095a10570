//! Fleet mode: 8 replicas of one service (one clientId), 1,000 cold concurrent calls each,
//! against the mock gateway with a QPS quota — first each replica on its own, then sharing the
//! token and the rate limit through Redis. Prints the token requests and the 429s of both.
//!
//! `cargo run --features redis,mock-gateway --example fleet [CALLS_PER_REPLICA] [QPS]`
//! (defaults 1000 and 1000). Uses the Redis at `RIZZITGO_REDIS_URL` when set, else starts a
//! `redis-server` of its own on a free port of 127.0.0.1 (`scripts/install-redis.sh` installs
//! it); without one it says so and shows the run without fleet mode only.
//!
//! `… --example fleet outage [REPLICAS] [QPS]` (defaults 8 and 50): Redis faults, with each
//! replica a process of its own (this program again) calling as fast as the limit lets it:
//! Redis killed for 2 s and restarted empty (with the fallback the README advises, QPS ÷
//! replicas), Redis paused for 2 s (SIGSTOP/SIGCONT), and Redis killed with the default
//! fallback. Needs `redis-server` (it starts its own).

#[path = "support/fault_fleet.rs"]
mod fault_fleet;
#[path = "support/redis_server.rs"]
mod redis_server;

use rizzitgo_mock_gateway::{MockGateway, seed};
use rizzitgo_open_api::Client;
use rizzitgo_open_api::fleet::RedisFleet;
use rizzitgo_open_api::types::GoodsRequest;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Barrier, Semaphore};
use tokio::task::JoinSet;

const REPLICAS: usize = 8;
/// Calls sending at once per replica (the others wait their turn in the replica).
const IN_FLIGHT: usize = 250;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(settings) = fault_fleet::Settings::from_env() {
        // A replica of the outage runs.
        fault_fleet::replica(settings).await;
        return Ok(());
    }
    if std::env::args().nth(1).as_deref() == Some("outage") {
        return outage().await;
    }
    let mut args = std::env::args().skip(1);
    let calls: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1000);
    let qps: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1000);

    let gateway = MockGateway::builder().qps_limit(Some(qps)).start().await?;
    let builder = || {
        let credentials = gateway.credentials();
        Client::builder()
            .base_url(gateway.url())
            .client_id(credentials.client_id)
            .client_secret(credentials.client_secret)
            .tenant_id(credentials.tenant_id)
            // One request per call: the table counts the gateway's answers against the calls.
            .coalescing(false)
    };
    println!(
        "mock gateway {} with a quota of {qps} calls/s per clientId; {REPLICAS} replicas × {calls} cold calls",
        gateway.url()
    );
    println!("| mode | token requests | 429s from the gateway | failed calls | time |");
    println!("|---|---|---|---|---|");

    // Each replica alone, limiting itself to the agreed QPS (what a build without the `redis`
    // feature can do).
    let alone = (0..REPLICAS)
        .map(|_| builder().max_requests_per_second(qps).build())
        .collect::<Result<Vec<_>, _>>()?;
    report("without fleet mode", &gateway, &alone, calls).await;

    // The gateway's window forgets that run.
    gateway.advance_clock(Duration::from_secs(2));
    gateway.reset_stats();

    let (url, _server) = match std::env::var("RIZZITGO_REDIS_URL") {
        Ok(url) => (url, None),
        Err(_) => match redis_server::RedisServer::start() {
            Ok(server) => (server.url(), Some(server)),
            Err(why) => {
                println!("\nno Redis for fleet mode: {why}");
                return Ok(());
            }
        },
    };
    let fleet = (0..REPLICAS)
        .map(|_| {
            // One connection per replica, as separate processes would have.
            let fleet = RedisFleet::new(&url)?.requests_per_second(qps);
            builder().fleet(fleet).build()
        })
        .collect::<Result<Vec<_>, _>>()?;
    report("fleet mode (Redis)", &gateway, &fleet, calls).await;
    Ok(())
}

/// The outage runs: one row each.
async fn outage() -> Result<(), Box<dyn std::error::Error>> {
    use fault_fleet::Fault;
    let mut args = std::env::args().skip(2);
    let replicas: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(8);
    let qps: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(50);
    println!(
        "{replicas} replica processes, one redis-server, a quota of {qps} calls/s per clientId; \
         rates as a share of the quota"
    );
    println!(
        "| mode | token requests | 429s from the gateway | failed calls | calls | rate before | rate from 2 s after |"
    );
    println!("|---|---|---|---|---|---|---|");
    let advised = Some((qps / replicas as u32).max(1));
    for (mode, fault, fallback) in [
        ("Redis killed 2 s", Fault::Killed, advised),
        ("Redis paused 2 s", Fault::Paused, None),
        ("default fallback (Redis killed 2 s)", Fault::Killed, None),
    ] {
        let outcome = fault_fleet::run(replicas, qps, fallback, fault, &[]).await?;
        println!("{}", outcome.row(mode));
        for failure in outcome.failures.iter().take(3) {
            println!("  failed: {failure}");
        }
    }
    Ok(())
}

/// Runs the calls and prints one row of the table.
async fn report(mode: &str, gateway: &MockGateway, clients: &[Client], calls: usize) {
    let started = Instant::now();
    let failed = run(clients, calls).await;
    let stats = gateway.stats();
    let answered = stats.endpoint("/open-api/goods/detail");
    // Every call that succeeded was answered once with data; every other answer was a 429.
    let ok = (clients.len() * calls - failed) as u64;
    println!(
        "| {mode} | {} | {} | {failed} | {:.1} s |",
        stats.token_requests,
        answered.saturating_sub(ok),
        started.elapsed().as_secs_f64()
    );
}

/// All calls of all replicas released at once; returns how many failed.
async fn run(clients: &[Client], calls: usize) -> usize {
    let start = Arc::new(Barrier::new(clients.len() * calls));
    let mut tasks = JoinSet::new();
    for client in clients {
        let in_flight = Arc::new(Semaphore::new(IN_FLIGHT));
        for _ in 0..calls {
            let (client, start, in_flight) = (client.clone(), start.clone(), in_flight.clone());
            tasks.spawn(async move {
                start.wait().await;
                let _permit = in_flight.acquire_owned().await;
                client
                    .goods_detail(GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1))
                    .await
            });
        }
    }
    let mut failed = 0;
    while let Some(done) = tasks.join_next().await {
        if !matches!(done, Ok(Ok(_))) {
            failed += 1;
        }
    }
    failed
}
