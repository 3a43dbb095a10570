//! Adaptive pacing: the quota unknown to the client (no limit configured), 64 callers; after a
//! warm-up, the share of 429s and the successful calls per second. And sporadic 429s (one
//! answer in 30, `Retry-After: 1`, no quota): throughput with pacing on against off.

use super::{CALLERS, QUOTA, builder, gateway, hand_load, sdk_load, throttled_share};
use rizzitgo_mock_gateway::{Failure, Match, MockGateway};
use std::sync::Arc;
use std::time::Duration;

/// Before measuring: the first second is unpaced, then CUBIC settles.
pub(crate) const WARM_UP: Duration = Duration::from_secs(5);

fn uniform() -> Arc<dyn Fn() -> u64 + Send + Sync> {
    Arc::new(|| fastrand::u64(..rizzitgo_mock_gateway::seed::CATALOG_SIZE))
}

/// `(ok per second, share of 429s among the gateway's answers)` after the warm-up.
pub(crate) async fn adaptive(length: Duration) -> (f64, f64) {
    let gateway = gateway().await;
    let client = builder(&gateway).build().unwrap();
    sdk_load(std::slice::from_ref(&client), WARM_UP, uniform()).await;
    gateway.reset_stats();
    let tally = sdk_load(&[client], length, uniform()).await;
    let (_, share) = throttled_share(&gateway);
    (tally.per_second(length), share)
}

/// The hand-written client's share of 429s on the same load.
pub(crate) async fn adaptive_hand(length: Duration) -> (f64, f64) {
    let gateway = gateway().await;
    hand_load(&gateway, WARM_UP, uniform()).await;
    gateway.reset_stats();
    let tally = hand_load(&gateway, length, uniform()).await;
    let (_, share) = throttled_share(&gateway);
    (tally.per_second(length), share)
}

/// Successful calls per second with one answer in 30 a 429, pacing on or off.
pub(crate) async fn sporadic(length: Duration, pacing: bool) -> f64 {
    let gateway = MockGateway::start().await.unwrap();
    gateway.set_latency(Duration::from_millis(20));
    gateway.fail_when(Match::any().every(30), Failure::http(429).retry_after("1"));
    let client = builder(&gateway).adaptive_pacing(pacing).build().unwrap();
    sdk_load(&[client], length, uniform())
        .await
        .per_second(length)
}

pub(crate) fn report_adaptive(length: Duration, sdk: (f64, f64), hand: (f64, f64)) {
    println!(
        "adaptive (quota {QUOTA} unknown to the client, {CALLERS} callers, after a {} s warm-up, {} s): SDK {:.1} ok/s, {:.2} % 429; hand-written {:.1} ok/s, {:.1} % 429: ratio {:.2}",
        WARM_UP.as_secs(),
        length.as_secs(),
        sdk.0,
        sdk.1 * 100.0,
        hand.0,
        hand.1 * 100.0,
        sdk.0 / f64::from(QUOTA),
    );
}

pub(crate) fn report_sporadic(length: Duration, on: f64, off: f64) {
    println!(
        "sporadic (no quota, 1 answer in 30 a 429 with Retry-After: 1, {CALLERS} callers, {} s): pacing on {on:.1} ok/s, off {off:.1} ok/s: ratio {:.2}",
        length.as_secs(),
        on / off.max(0.001),
    );
}
