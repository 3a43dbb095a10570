//! A load of goods-detail calls and what it measured, for the pacing tests (one client, or a
//! fleet's replicas): each call sent back to back, each end recorded with its time.

use futures_util::future::join_all;
use rizzitgo_mock_gateway::seed;
use rizzitgo_open_api::types::GoodsRequest;
use rizzitgo_open_api::{Client, ErrorKind};
use std::time::{Duration, Instant};

/// What one call of a load ended with, and when (from the load's start).
#[derive(Clone, Copy, Debug)]
pub struct Ended {
    pub at: Duration,
    pub throttled: bool,
}

/// `callers` calling goods detail back to back on `client` until `start + length`;
/// `during(elapsed)` runs between calls of the first caller (to change the gateway mid-load).
/// A failure other than a 429 fails the test.
pub async fn load(
    client: &Client,
    callers: usize,
    start: Instant,
    length: Duration,
    during: impl Fn(Duration) + Sync,
) -> Vec<Ended> {
    let callers = (0..callers).map(|caller| {
        let during = &during;
        async move {
            let mut ended = Vec::new();
            while start.elapsed() < length {
                if caller == 0 {
                    during(start.elapsed());
                }
                let outcome = client
                    .goods_detail(GoodsRequest::new(seed::GOODS_ID, 1))
                    .await;
                let throttled = match outcome {
                    Ok(_) => false,
                    Err(e) if e.kind() == ErrorKind::RateLimited => true,
                    Err(e) => panic!("{e}"),
                };
                ended.push(Ended {
                    at: start.elapsed(),
                    throttled,
                });
            }
            ended
        }
    });
    join_all(callers).await.into_iter().flatten().collect()
}

/// `(successes per second, share of 429s)` of the calls that ended in `[from, to)`.
pub fn measure(ended: &[Ended], from: Duration, to: Duration) -> (f64, f64) {
    let window: Vec<&Ended> = ended.iter().filter(|e| e.at >= from && e.at < to).collect();
    let throttled = window.iter().filter(|e| e.throttled).count();
    (
        (window.len() - throttled) as f64 / (to - from).as_secs_f64(),
        throttled as f64 / window.len().max(1) as f64,
    )
}
