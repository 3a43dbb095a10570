//! What the SDK costs over a hand-written client, measured in one run against the mock gateway
//! on 127.0.0.1 and printed as ratios (these machines are shared and noisy: absolute times alone
//! mean nothing). `cargo bench --bench overhead` (release); see BENCHMARKS.md.
//!
//! The mock serves on its own runtime thread; the clients run on another. The hand-written
//! client is what a careful partner would write with the same stack: reqwest with the same
//! features, one token fetched up front, the same headers, typed decoding of the envelope.

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use rizzitgo_mock_gateway::MockGateway;
use rizzitgo_open_api::Client;
use rizzitgo_open_api::types::{GoodsRequest, Source};
use serde::Deserialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SEQUENTIAL: usize = 10_000;
const ROUND: usize = 500;
const CONCURRENT_TASKS: usize = 64;
const CONCURRENT_CALLS: usize = 10_000;

/// The hand-written baseline: a token fetched once, then goods detail with typed decoding, on a
/// reqwest client configured as the SDK's (timeouts, no redirects).
#[derive(Clone)]
struct HandWritten {
    http: reqwest::Client,
    url: String,
    bearer: HeaderValue,
    tenant: HeaderValue,
}

#[derive(Deserialize)]
struct Envelope<T> {
    code: i64,
    data: Option<T>,
    #[allow(dead_code)]
    msg: Option<String>,
}

#[derive(Deserialize)]
struct Token {
    access_token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct GoodsDetail {
    goods_id: Option<String>,
    goods_title: Option<String>,
    goods_detail_url: Option<String>,
    goods_pic_url: Option<String>,
    price: Option<String>,
    price_in_cents: Option<i64>,
    orginal_price: Option<String>,
    stock_num: Option<String>,
    sales_count: Option<String>,
    #[serde(default)]
    goods_image_url_list: Vec<String>,
    post_fee: Option<String>,
    goods_source: Option<i64>,
}

impl HandWritten {
    async fn new(gateway: &MockGateway) -> Self {
        let credentials = gateway.credentials();
        // The same HTTP client configuration as the SDK's: timeouts, no redirects.
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let basic = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{}:{}", credentials.client_id, credentials.client_secret),
        );
        let token: Envelope<Token> = http
            .post(format!("{}/open-api/system/oauth2/token", gateway.url()))
            .header(AUTHORIZATION, format!("Basic {basic}"))
            .header("tenant-id", &credentials.tenant_id)
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = token.data.unwrap().access_token;
        Self {
            http,
            url: format!("{}/open-api/goods/detail", gateway.url()),
            bearer: HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
            tenant: HeaderValue::from_str(&credentials.tenant_id).unwrap(),
        }
    }

    async fn detail(&self) -> GoodsDetail {
        let envelope: Envelope<GoodsDetail> = self
            .http
            .post(&self.url)
            .header(AUTHORIZATION, self.bearer.clone())
            .header("tenant-id", self.tenant.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(r#"{"goodsId":"123456","source":1}"#)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(envelope.code, 0);
        envelope.data.unwrap()
    }
}

async fn sdk_detail(client: &Client) {
    client
        .goods_detail(GoodsRequest::new("123456", Source::Taobao))
        .await
        .unwrap();
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
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

fn main() {
    let (gateway, mock_thread, stop) = start_mock();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(&gateway));
    let _ = stop.send(());
    drop(gateway);
    mock_thread.join().unwrap();
}

/// An SDK client of the mock, with a cold token cache.
fn sdk_client(gateway: &MockGateway) -> Client {
    let credentials = gateway.credentials();
    Client::builder()
        .base_url(gateway.url())
        .client_id(credentials.client_id)
        .client_secret(credentials.client_secret)
        .tenant_id(credentials.tenant_id)
        .build()
        .unwrap()
}

async fn run(gateway: &MockGateway) {
    let sdk = sdk_client(gateway);
    let hand = HandWritten::new(gateway).await;
    // Warm both: connections, token.
    for _ in 0..200 {
        sdk_detail(&sdk).await;
        hand.detail().await;
    }

    // Latency, interleaved rounds so that both meet the same machine.
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..SEQUENTIAL / ROUND {
        for _ in 0..ROUND {
            let t = Instant::now();
            sdk_detail(&sdk).await;
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
    let ratio = |p| percentile(&ours, p).as_secs_f64() / percentile(&theirs, p).as_secs_f64();
    println!(
        "latency p50  SDK {:>8.1?}  hand-written {:>8.1?}  ratio {:.3}  (target <= 1.05)",
        percentile(&ours, 0.5),
        percentile(&theirs, 0.5),
        ratio(0.5)
    );
    println!(
        "latency p99  SDK {:>8.1?}  hand-written {:>8.1?}  ratio {:.3}  (target <= 1.10)",
        percentile(&ours, 0.99),
        percentile(&theirs, 0.99),
        ratio(0.99)
    );

    // Throughput with 64 concurrent tasks, in alternating rounds (the machine changes under a
    // long run: both sides meet the same changes).
    let (mut sdk_calls, mut hand_calls) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let sdk = sdk.clone();
        sdk_calls.push(
            throughput(move || {
                let sdk = sdk.clone();
                async move { sdk_detail(&sdk).await }
            })
            .await,
        );
        let hand = hand.clone();
        hand_calls.push(
            throughput(move || {
                let hand = hand.clone();
                async move {
                    hand.detail().await;
                }
            })
            .await,
        );
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (sdk_rate, hand_rate) = (median(&mut sdk_calls), median(&mut hand_calls));
    println!(
        "throughput   SDK {sdk_rate:>8.0}/s  hand-written {hand_rate:>8.0}/s  ratio {:.3}  (target >= 0.95; median of 3 alternating rounds)",
        sdk_rate / hand_rate
    );

    // Token requests: a cold client under 10,000 concurrent calls, then a forced expiry.
    let cold = sdk_client(gateway);
    gateway.reset_stats();
    concurrent(CONCURRENT_CALLS, &cold).await;
    let first = gateway.stats().token_requests;
    gateway.expire_all_tokens();
    gateway.reset_stats();
    concurrent(CONCURRENT_CALLS, &cold).await;
    let after_expiry = gateway.stats().token_requests;
    println!(
        "token requests for {CONCURRENT_CALLS} concurrent calls: cold {first}, across a forced expiry {after_expiry}  (target 1 and 1)"
    );
}

/// Calls per second of `call`, from 64 tasks taking calls from one counter until none are left
/// (each future is made when its task is ready to run it).
async fn throughput<F, Fut>(call: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let left = Arc::new(std::sync::atomic::AtomicUsize::new(CONCURRENT_CALLS));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENT_TASKS {
        let (left, call) = (left.clone(), call.clone());
        tasks.spawn(async move {
            while left
                .fetch_update(
                    std::sync::atomic::Ordering::AcqRel,
                    std::sync::atomic::Ordering::Acquire,
                    |n| n.checked_sub(1),
                )
                .is_ok()
            {
                call().await;
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    CONCURRENT_CALLS as f64 / started.elapsed().as_secs_f64()
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
