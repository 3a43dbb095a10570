//! Adaptive pacing over real HTTP: a client that does not know the quota learns it from the
//! gateway's 429s, follows it when it rises, and is not moved by 429s that do not follow its
//! rate. Each test runs a load for a few seconds of real time: the quota is counted in the
//! gateway's seconds.

mod common;

use common::load::{Ended, measure};
use rizzitgo_mock_gateway::{Failure, Match, MockGateway};
use rizzitgo_open_api::{Client, RetryPolicy};
use std::time::{Duration, Instant};

/// `callers` calling goods detail back to back for `length` from now (`common::load`).
async fn load(
    client: &Client,
    callers: usize,
    length: Duration,
    during: impl Fn(Duration) + Sync,
) -> Vec<Ended> {
    common::load::load(client, callers, Instant::now(), length, during).await
}

/// A client of `gateway` that sends each call once (so every 429 shows), paced or not.
fn client(gateway: &MockGateway, pacing: bool) -> Client {
    common::builder(gateway)
        .retry_policy(RetryPolicy::none())
        .coalescing(false)
        .adaptive_pacing(pacing)
        .build()
        .unwrap()
}

fn capture() -> (common::Captured, tracing::subscriber::DefaultGuard) {
    let captured = common::Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || sink.clone())
        .finish();
    // This thread only: the test's runtime, client and gateway all run on it.
    (captured, tracing::subscriber::set_default(subscriber))
}

const CUT: &str = "pacing: the learned rate changed";

#[tokio::test]
async fn an_unknown_quota_is_learned_from_its_429s() {
    let (captured, _guard) = capture();
    let gateway = MockGateway::builder()
        .qps_limit(Some(20))
        .start()
        .await
        .unwrap();
    let client = client(&gateway, true);
    let ended = load(&client, 12, Duration::from_secs(4), |_| {}).await;
    // The first second, unpaced, is mostly 429s; after it, few.
    let (_, first) = measure(&ended, Duration::ZERO, Duration::from_millis(900));
    assert!(first > 0.5, "unpaced at first: {first}");
    let (ok, throttled) = measure(&ended, Duration::from_secs(2), Duration::from_secs(4));
    assert!(throttled <= 0.05, "429s after learning: {throttled}");
    assert!(ok >= 16.0, "successes per second, quota 20: {ok}");
    assert!(captured.count(CUT) >= 1, "{}", captured.text());
}

#[tokio::test]
async fn without_pacing_the_same_load_is_mostly_429s() {
    let gateway = MockGateway::builder()
        .qps_limit(Some(20))
        .start()
        .await
        .unwrap();
    let client = client(&gateway, false);
    let ended = load(&client, 12, Duration::from_secs(2), |_| {}).await;
    let (_, throttled) = measure(&ended, Duration::from_secs(1), Duration::from_secs(2));
    assert!(throttled > 0.5, "{throttled}");
}

#[tokio::test]
async fn the_learned_rate_follows_a_quota_that_rises() {
    let gateway = MockGateway::builder()
        .qps_limit(Some(10))
        .start()
        .await
        .unwrap();
    let client = client(&gateway, true);
    let raised = std::sync::atomic::AtomicBool::new(false);
    let ended = load(&client, 8, Duration::from_secs(10), |elapsed| {
        if elapsed >= Duration::from_secs(3)
            && !raised.swap(true, std::sync::atomic::Ordering::AcqRel)
        {
            gateway.set_qps_limit(Some(20));
        }
    })
    .await;
    let (before, _) = measure(&ended, Duration::from_secs(2), Duration::from_secs(3));
    assert!(
        (7.0..=11.0).contains(&before),
        "under the first quota: {before}"
    );
    // CUBIC climbs past the old rate within seconds (probing beyond it, cut back when the
    // new quota answers 429s): most of the new quota by then.
    let (after, _) = measure(&ended, Duration::from_secs(8), Duration::from_secs(10));
    assert!(after >= 14.0, "successes per second, quota 20: {after}");
}

#[tokio::test]
async fn sporadic_429s_that_do_not_follow_the_rate_move_nothing() {
    let (captured, _guard) = capture();
    let gateway = MockGateway::start().await.unwrap();
    // One answer in 30 is a 429, whatever the rate, as a proxy in front may do.
    gateway.fail_when(Match::any().every(30), Failure::http(429).retry_after("1"));
    let client = client(&gateway, true);
    let ended = load(&client, 8, Duration::from_secs(4), |_| {}).await;
    // At most one cut, undone the next window; then unpaced.
    assert!(captured.count(CUT) <= 1, "{}", captured.text());
    assert_eq!(
        captured.count(CUT),
        captured.count("the last cut undone"),
        "{}",
        captured.text()
    );
    let (_, throttled) = measure(&ended, Duration::from_secs(2), Duration::from_secs(4));
    assert!((0.02..0.05).contains(&throttled), "one in 30: {throttled}");
}
