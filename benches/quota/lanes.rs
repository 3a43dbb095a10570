//! Priority lanes under a full quota: qc-page walks keep the client-side limit busy while
//! interactive goods-detail calls arrive at 5 per second; how long those wait (p99), with lanes,
//! without them (every call in one lane) and with the hand-written client (no limit: it
//! retries its 429s).

use super::{QUOTA, builder, catalog_id, hand_written::HandWritten};
use futures_util::TryStreamExt;
use rizzitgo_mock_gateway::MockGateway;
use rizzitgo_open_api::types::{GoodsRequest, QcPageRequest};
use rizzitgo_open_api::{Client, Priority};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Concurrent walks: always more waiting than the limit admits.
pub(crate) const WALKS: usize = 16;
/// Interactive calls per second.
const INTERACTIVE_PER_SECOND: u64 = 5;
/// The mock's latency, taken off a call's time to give its wait.
pub(crate) const LATENCY: Duration = Duration::from_millis(20);

/// What a run measured.
pub(crate) struct Lanes {
    /// The interactive calls' waits (their time less the gateway's latency), sorted.
    pub(crate) waits: Vec<Duration>,
    /// Pages the walks got per second.
    pub(crate) pages_per_second: f64,
    pub(crate) failed: u64,
}

impl Lanes {
    pub(crate) fn p99(&self) -> Duration {
        let at = (self.waits.len() * 99 / 100).min(self.waits.len().saturating_sub(1));
        self.waits.get(at).copied().unwrap_or_default()
    }
}

/// `WALKS` walks on `walkers` and interactive calls on `storefront`; `lanes: false` puts
/// every call in the same lane.
pub(crate) async fn sdk(
    storefront: &Client,
    walkers: &[Client],
    length: Duration,
    lanes: bool,
) -> Lanes {
    let until = Instant::now() + length;
    let (walk_lane, call_lane) = if lanes {
        (Priority::Background, Priority::Interactive)
    } else {
        (Priority::Normal, Priority::Normal)
    };
    let pages = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let mut walks = walk(walkers, WALKS, walk_lane, until, &pages, &failed);
    let waits = calls(storefront, call_lane, until, &failed).await;
    while walks.join_next().await.is_some() {}
    Lanes {
        waits,
        pages_per_second: pages.load(Ordering::Relaxed) as f64 / length.as_secs_f64(),
        failed: failed.load(Ordering::Relaxed),
    }
}

/// The storefront: goods-detail calls in `lane`, `INTERACTIVE_PER_SECOND` a second until
/// `until`; their waits, sorted.
pub(crate) async fn calls(
    storefront: &Client,
    lane: Priority,
    until: Instant,
    failed: &Arc<AtomicU64>,
) -> Vec<Duration> {
    interactive(until, {
        let storefront = storefront.clone();
        let failed = Arc::clone(failed);
        move |n| {
            let call = storefront
                .goods_detail(GoodsRequest::new(catalog_id(n), 1))
                .priority(lane);
            let failed = Arc::clone(&failed);
            async move {
                if call.await.is_err() {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    })
    .await
}

/// `walks` qc-page walks on `walkers` (round robin) in `lane` until `until`, counting their
/// pages and failures.
pub(crate) fn walk(
    walkers: &[Client],
    walks: usize,
    lane: Priority,
    until: Instant,
    pages: &Arc<AtomicU64>,
    failed: &Arc<AtomicU64>,
) -> tokio::task::JoinSet<()> {
    let mut set = tokio::task::JoinSet::new();
    for w in 0..walks {
        let client = walkers[w % walkers.len()].clone();
        let (pages, failed) = (Arc::clone(pages), Arc::clone(failed));
        set.spawn(async move {
            while Instant::now() < until {
                let mut walk = client
                    .goods_qc_page_pages(QcPageRequest::builder().page_size(1u32))
                    .priority(lane);
                loop {
                    match walk.try_next().await {
                        Ok(Some(_)) => pages.fetch_add(1, Ordering::Relaxed),
                        Ok(None) => break,
                        Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                    };
                    if Instant::now() >= until {
                        return;
                    }
                }
            }
        });
    }
    set
}

/// The same with the hand-written client: its batch sends as fast as it can, each caller
/// retrying a 429 after 50 ms, as a careful loop does.
pub(crate) async fn hand(gateway: &MockGateway, length: Duration) -> Lanes {
    let hand = HandWritten::new(&gateway.url(), &gateway.credentials()).await;
    let until = Instant::now() + length;
    let pages = Arc::new(AtomicU64::new(0));
    let mut batch = tokio::task::JoinSet::new();
    for w in 0..WALKS as u64 {
        let (hand, pages) = (hand.clone(), Arc::clone(&pages));
        batch.spawn(async move {
            let mut n = w * 1_000;
            while Instant::now() < until {
                if succeed(&hand, &catalog_id(n), until).await {
                    pages.fetch_add(1, Ordering::Relaxed);
                }
                n += 1;
            }
        });
    }
    let waits = interactive(until, move |n| {
        let hand = hand.clone();
        async move {
            succeed(
                &hand,
                &catalog_id(50_000 + n),
                until + Duration::from_secs(10),
            )
            .await;
        }
    })
    .await;
    while batch.join_next().await.is_some() {}
    Lanes {
        waits,
        pages_per_second: pages.load(Ordering::Relaxed) as f64 / length.as_secs_f64(),
        failed: 0,
    }
}

/// Goods detail until it succeeds (a 429 retried after 50 ms) or `until`.
async fn succeed(hand: &HandWritten, goods_id: &str, until: Instant) -> bool {
    while Instant::now() < until {
        if hand.detail_of(goods_id).await.is_ok() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// Starts `call(n)` `INTERACTIVE_PER_SECOND` times a second until `until`; their waits,
/// sorted.
async fn interactive<F, Fut>(until: Instant, call: F) -> Vec<Duration>
where
    F: Fn(u64) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let mut tick = tokio::time::interval(Duration::from_millis(1000 / INTERACTIVE_PER_SECOND));
    let mut calls = tokio::task::JoinSet::new();
    let mut n = 0;
    while Instant::now() < until {
        tick.tick().await;
        let started = Instant::now();
        let call = call(n);
        calls.spawn(async move {
            call.await;
            started.elapsed().saturating_sub(LATENCY)
        });
        n += 1;
    }
    let mut waits = Vec::new();
    while let Some(wait) = calls.join_next().await {
        waits.push(wait.unwrap());
    }
    waits.sort();
    waits
}

/// The line of one lanes figure.
pub(crate) fn report(name: &str, on: &Lanes, off: &Lanes, hand: &Lanes) {
    println!(
        "{name}: interactive p99 wait {:.0} ms with lanes, {:.0} ms without, {:.0} ms hand-written ({} calls); walks {:.1} pages/s ({:.0} % of the quota), {} failed: ratio {:.2}",
        on.p99().as_secs_f64() * 1000.0,
        off.p99().as_secs_f64() * 1000.0,
        hand.p99().as_secs_f64() * 1000.0,
        on.waits.len(),
        on.pages_per_second,
        on.pages_per_second / f64::from(QUOTA) * 100.0,
        on.failed,
        off.p99().as_secs_f64() / on.p99().as_secs_f64().max(0.001),
    );
}

/// Clients of `gateway` for the lanes: one request per call, the limit under the quota.
pub(crate) fn limited(gateway: &MockGateway, pace: u32) -> Client {
    builder(gateway)
        .max_requests_per_second(pace)
        .coalescing(false)
        .build()
        .unwrap()
}
