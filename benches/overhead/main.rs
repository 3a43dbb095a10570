//! What the SDK costs over a hand-written client, measured in one run against the mock gateway
//! on 127.0.0.1 and printed as ratios (these machines are shared and noisy: absolute times alone
//! mean nothing). `cargo xtask bench` runs it with the Python sample and the build times;
//! `cargo bench --bench overhead` runs it alone. See BENCHMARKS.md.
//!
//! The mock serves on its own runtime thread; the clients run on another. `RIZZITGO_BENCH_RUNS`
//! (default 5) repeats the latency and throughput pairs; each figure is min/median/max of them.

mod hand_written;
mod measure;
mod memory;
mod python;

use futures::TryStreamExt;
use hand_written::HandWritten;
use measure::{Spread, cpu_of_threads, percentile, throughput};
use rizzitgo_mock_gateway::{Credentials, MockGateway, seed};
use rizzitgo_open_api::clock::ManualClock;
use rizzitgo_open_api::types::{GoodsRequest, QcPageRequest, Source, TimeRange};
use rizzitgo_open_api::{Client, ClientBuilder};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: memory::Counting = memory::Counting;

const SEQUENTIAL: usize = 10_000;
const ROUND: usize = 500;
const TASKS: usize = 64;
const CONCURRENT_CALLS: usize = 10_000;
/// Calls per round of the refresh-ahead comparison (one refresh per window round).
const WINDOW_ROUND: usize = 1_000;
const PYTHON_CALLS: usize = 2_000;

/// Thread names, for their CPU time (the client's calls run on `main`'s `block_on` and on its
/// runtime's worker).
const MOCK_THREAD: &str = "mock-worker";
const CLIENT_THREAD: &str = "client-worker";

fn main() {
    let runs = std::env::var("RIZZITGO_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5usize)
        .max(1);
    memory::count_this_thread();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(CLIENT_THREAD)
        .on_thread_start(memory::count_this_thread)
        .enable_all()
        .build()
        .unwrap();
    // One side alone, for a profiler, against a mock gateway in another process (so that only
    // the client is counted): `cargo xtask bench --instructions`.
    if let Ok(side) = std::env::var("RIZZITGO_BENCH_PROFILE") {
        let url = std::env::var("RIZZITGO_BENCH_MOCK_URL")
            .expect("RIZZITGO_BENCH_MOCK_URL: the URL of a running mock gateway");
        runtime.block_on(profile(&url, &side));
        return;
    }
    let (gateway, mock_thread, stop) = start_mock();
    runtime.block_on(run(&gateway, runs));
    let _ = stop.send(());
    drop(gateway);
    mock_thread.join().unwrap();
}

/// The mock gateway on a runtime of its own, on its own thread.
fn start_mock() -> (
    MockGateway,
    std::thread::JoinHandle<()>,
    tokio::sync::oneshot::Sender<()>,
) {
    let (tx, rx) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name(MOCK_THREAD)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let gateway = MockGateway::start().await.unwrap();
            tx.send(gateway).unwrap();
            let _ = stopped.await;
        });
    });
    (rx.recv().unwrap(), thread, stop)
}

fn builder(gateway: &MockGateway) -> ClientBuilder {
    builder_for(&gateway.url(), gateway.credentials())
}

/// The SDK measured per call: coalescing off, so that each of the concurrent identical calls
/// sends its own request as the hand-written client's do (what the quota benchmark,
/// `benches/quota`, gains from sharing is measured there).
fn builder_for(url: &str, credentials: Credentials) -> ClientBuilder {
    Client::builder()
        .base_url(url)
        .client_id(credentials.client_id)
        .client_secret(credentials.client_secret)
        .tenant_id(credentials.tenant_id)
        .coalescing(false)
}

/// An SDK client of the mock, with a cold token cache.
fn sdk_client(gateway: &MockGateway) -> Client {
    builder(gateway).build().unwrap()
}

async fn sdk_detail(client: &Client) {
    client
        .goods_detail(GoodsRequest::new("123456", Source::Taobao))
        .await
        .unwrap();
}

async fn run(gateway: &MockGateway, runs: usize) {
    let sdk = sdk_client(gateway);
    let hand = HandWritten::new(&gateway.url(), &gateway.credentials()).await;
    // Warm both: connections, token.
    for _ in 0..200 {
        sdk_detail(&sdk).await;
        hand.detail().await;
    }

    println!("{runs} runs; each figure is min / median / max over the runs\n");
    let (mut p50, mut p99, mut rate) = (Vec::new(), Vec::new(), Vec::new());
    let (mut mock_busy, mut client_busy, mut mock_capacity, mut sdk_rates) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut mock_per_call = Vec::new();
    let mut client_per_call = Vec::new();
    let mut sdk_per_call = Vec::new();
    for _ in 0..runs {
        let (ours, theirs) = latency(&sdk, &hand).await;
        let ratio = |p| percentile(&ours, p).as_secs_f64() / percentile(&theirs, p).as_secs_f64();
        p50.push(ratio(0.5));
        p99.push(ratio(0.99));
        sdk_per_call.push(ours.iter().sum::<Duration>().as_secs_f64() / ours.len() as f64);

        // Throughput: the two sides back to back, in the order SDK, hand-written, hand-written,
        // SDK (a drift of the shared machine's speed during a run then favours neither), with
        // the CPU each runtime's thread used during the SDK's first turn.
        let cpu = |name| cpu_of_threads(name).as_secs_f64();
        // The tasks run on the client runtime's worker.
        let client = || cpu(CLIENT_THREAD);
        let sdk_turn = || {
            let sdk = sdk.clone();
            throughput(TASKS, CONCURRENT_CALLS, move || {
                let sdk = sdk.clone();
                async move { sdk_detail(&sdk).await }
            })
        };
        let hand_turn = || {
            let hand = hand.clone();
            throughput(TASKS, CONCURRENT_CALLS, move || {
                let hand = hand.clone();
                async move {
                    hand.detail().await;
                }
            })
        };
        let (m0, c0, t0) = (cpu(MOCK_THREAD), client(), Instant::now());
        let sdk_first = sdk_turn().await;
        let wall = t0.elapsed().as_secs_f64();
        let (m1, c1) = (cpu(MOCK_THREAD), client());
        mock_busy.push((m1 - m0) / wall);
        client_busy.push((c1 - c0) / wall);
        let hand_first = hand_turn().await;
        let (m2, c2) = (cpu(MOCK_THREAD), client());
        if c2 > c1 {
            // What a call costs the client's thread, SDK against hand-written.
            client_per_call.push((c1 - c0) / (c2 - c1));
        }
        // Calls the mock serves per second of its one thread's CPU: its capacity.
        if m2 > m1 {
            mock_capacity.push(CONCURRENT_CALLS as f64 / (m2 - m1));
            // What serving an SDK request costs the mock against a hand-written one's.
            mock_per_call.push((m1 - m0) / (m2 - m1));
        }
        let hand_rate = (hand_first + hand_turn().await) / 2.0;
        let sdk_rate = (sdk_first + sdk_turn().await) / 2.0;
        sdk_rates.push(sdk_rate);
        rate.push(sdk_rate / hand_rate);
    }
    println!(
        "latency p50, SDK / hand-written   {}   (target <= 1.05)",
        Spread(p50)
    );
    println!(
        "latency p99, SDK / hand-written   {}   (target <= 1.10)",
        Spread(p99)
    );
    println!(
        "throughput, SDK / hand-written    {}   (target >= 0.95; {TASKS} tasks, {CONCURRENT_CALLS} calls a turn, SDK, hand-written, hand-written, SDK)",
        Spread(rate)
    );
    println!(
        "  during the SDK's throughput: client thread busy {}, mock thread busy {}",
        Spread(client_busy),
        Spread(mock_busy)
    );
    println!(
        "  CPU per call, SDK / hand-written: the client's thread {}, the mock's thread {}",
        Spread(client_per_call),
        Spread(mock_per_call)
    );
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    println!(
        "mock capacity / SDK throughput    {:.2}   (the mock's calls per CPU-second over the SDK's calls per second: > 1 means the mock is not the bottleneck)",
        median(&mock_capacity) / median(&sdk_rates)
    );

    tokens(gateway).await;
    refresh_window(gateway).await;
    stream_memory(gateway).await;

    match python::per_call(gateway, PYTHON_CALLS) {
        Some((as_written, session)) => {
            let ours = median(&sdk_per_call);
            println!(
                "guide's Python sample / SDK       {:.2} as written (a connection per call), {:.2} with a requests.Session  (sequential, time per call)",
                as_written.as_secs_f64() / ours,
                session.as_secs_f64() / ours
            );
        }
        None => println!(
            "guide's Python sample / SDK       skipped: RIZZITGO_BENCH_PYTHON is not set (cargo xtask bench sets it)"
        ),
    }
}

/// `RIZZITGO_BENCH_CALLS` (default 2,000) calls of one side after 100 to warm up, sequential or,
/// with `RIZZITGO_BENCH_TASKS`, from that many concurrent tasks (as the throughput turns make
/// them). Under callgrind (`cargo xtask bench --instructions`), two counts of calls give the
/// instructions per call of each side, whatever else the machine is doing.
async fn profile(url: &str, side: &str) {
    let number = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(default)
    };
    let (calls, tasks) = (
        number("RIZZITGO_BENCH_CALLS", 2_000),
        number("RIZZITGO_BENCH_TASKS", 1),
    );
    // The mock binary's seeded application.
    let credentials = || Credentials {
        client_id: seed::CLIENT_ID.to_owned(),
        client_secret: seed::CLIENT_SECRET.to_owned(),
        tenant_id: seed::TENANT_ID.to_owned(),
    };
    // Only the profiled side runs in the process, so that a profile holds nothing of the other.
    if side == "sdk" {
        let sdk = builder_for(url, credentials()).build().unwrap();
        for _ in 0..100 {
            sdk_detail(&sdk).await;
        }
        throughput(tasks, calls, move || {
            let sdk = sdk.clone();
            async move { sdk_detail(&sdk).await }
        })
        .await;
    } else {
        let hand = HandWritten::new(url, &credentials()).await;
        for _ in 0..100 {
            hand.detail().await;
        }
        throughput(tasks, calls, move || {
            let hand = hand.clone();
            async move {
                hand.detail().await;
            }
        })
        .await;
    }
}

/// Sequential latencies of each side, interleaved in rounds so both meet the same machine.
async fn latency(sdk: &Client, hand: &HandWritten) -> (Vec<Duration>, Vec<Duration>) {
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..SEQUENTIAL / ROUND {
        for _ in 0..ROUND {
            let t = Instant::now();
            sdk_detail(sdk).await;
            ours.push(t.elapsed());
        }
        for _ in 0..ROUND {
            let t = Instant::now();
            hand.detail().await;
            theirs.push(t.elapsed());
        }
    }
    ours.sort();
    theirs.sort();
    (ours, theirs)
}

/// Token requests: a cold client under 10,000 concurrent calls, then a forced expiry.
async fn tokens(gateway: &MockGateway) {
    let cold = sdk_client(gateway);
    gateway.reset_stats();
    concurrent(CONCURRENT_CALLS, &cold).await;
    let first = gateway.stats().token_requests;
    gateway.expire_all_tokens();
    gateway.reset_stats();
    concurrent(CONCURRENT_CALLS, &cold).await;
    let after_expiry = gateway.stats().token_requests;
    println!(
        "token requests, {CONCURRENT_CALLS} concurrent calls: cold {first}, across a forced expiry {after_expiry}   (target 1 and 1)"
    );
}

/// p99 of calls made while the token is in its refresh-ahead window (the first call of each
/// such round refreshes it) against rounds of the same client in steady state.
async fn refresh_window(gateway: &MockGateway) {
    let clock = Arc::new(ManualClock::new());
    let client = builder(gateway).clock(clock.clone()).build().unwrap();
    sdk_detail(&client).await;
    let ttl = Duration::from_secs(rizzitgo_mock_gateway::seed::DEFAULT_TOKEN_TTL_SECS);
    let (mut steady, mut window) = (Vec::new(), Vec::new());
    gateway.reset_stats();
    for _ in 0..10 {
        for _ in 0..WINDOW_ROUND {
            let t = Instant::now();
            sdk_detail(&client).await;
            steady.push(t.elapsed());
        }
        // 30 s before expiry: inside the last minute (refresh ahead), still usable.
        clock.advance(ttl - Duration::from_secs(30));
        for _ in 0..WINDOW_ROUND {
            let t = Instant::now();
            sdk_detail(&client).await;
            window.push(t.elapsed());
        }
    }
    steady.sort();
    window.sort();
    println!(
        "p99 in the refresh-ahead window / steady state   {:.3}   (target <= 1.10; {} refreshes in {} window calls; p99.9 {:.2})",
        percentile(&window, 0.99).as_secs_f64() / percentile(&steady, 0.99).as_secs_f64(),
        gateway.stats().token_requests,
        window.len(),
        percentile(&window, 0.999).as_secs_f64() / percentile(&steady, 0.999).as_secs_f64(),
    );
}

/// Peak heap while streaming every QC record of a day: 1,000 against 100,000 records.
async fn stream_memory(gateway: &MockGateway) {
    gateway
        .add_qc_records(1_000, "2025-01-01 12:00:00")
        .unwrap();
    gateway
        .add_qc_records(100_000, "2025-02-01 12:00:00")
        .unwrap();
    let client = sdk_client(gateway);
    sdk_detail(&client).await;
    // Each size four times, alternating; the first pass of each warms the connection's
    // buffers, and the least peak of the other three is the walk's own (anything else the
    // client's threads do meanwhile can only add to a peak).
    let mut peaks = [(0, usize::MAX), (0, usize::MAX)];
    for (pass, day) in ["2025-01-01", "2025-02-01"]
        .repeat(4)
        .into_iter()
        .enumerate()
    {
        let range = TimeRange::days(day, day).unwrap();
        let (count, peak) = memory::peak_during(async {
            let mut stream = Box::pin(
                client.goods_qc_page_stream(QcPageRequest::builder().completion_time(range)),
            );
            let mut count = 0usize;
            while stream.try_next().await.unwrap().is_some() {
                count += 1;
            }
            count
        })
        .await;
        if pass >= 2 {
            let slot = &mut peaks[pass % 2];
            *slot = (count, slot.1.min(peak));
        }
    }
    let [(small, small_peak), (large, large_peak)] = peaks;
    println!(
        "peak heap streaming {large} / {small} QC records   {:.3}   (target <= 1.10; {} KiB against {} KiB on the client's threads)",
        large_peak as f64 / small_peak as f64,
        large_peak / 1024,
        small_peak / 1024
    );
}

/// `n` calls at once (at most 500 in flight: both ends of every connection are in this
/// process's file descriptors).
async fn concurrent(n: usize, client: &Client) {
    let in_flight = Arc::new(tokio::sync::Semaphore::new(500));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (client, in_flight) = (client.clone(), in_flight.clone());
        tasks.spawn(async move {
            let _permit = in_flight.acquire_owned().await.unwrap();
            sdk_detail(&client).await;
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
}
