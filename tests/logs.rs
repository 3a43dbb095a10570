//! The client secret and the access token never appear in logs, at any level (the SDK's own
//! events and those of reqwest and hyper). Alone in its binary: the subscriber is global.

mod common;

use base64::Engine;
use rizzitgo_mock_gateway::{ErrorStyle, Failure, seed};
use rizzitgo_open_api::types::GoodsRequest;

fn assert_clean(text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "the logs show a secret: {text}"
        );
    }
}

#[tokio::test]
async fn no_secret_or_token_in_logs() {
    let captured = common::Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let gateway = common::gateway(ErrorStyle::Http200).await;
    let clock = std::sync::Arc::new(rizzitgo_open_api::clock::ManualClock::new());
    let client = common::builder(&gateway)
        .clock(clock.clone())
        .build()
        .unwrap();
    let detail = || GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1);
    client.goods_detail(detail()).await.unwrap();
    // A failed refresh (every attempt of it) is logged as a warning.
    clock.advance(std::time::Duration::from_secs(1750));
    gateway.fail_next_token(3, Failure::http(500));
    client.goods_detail(detail()).await.unwrap();
    // A retried call, and one that fails after its attempts.
    gateway.fail_next(1, Failure::http(503));
    client.goods_detail(detail()).await.unwrap();
    gateway.drop_next(3, rizzitgo_mock_gateway::DropPoint::BeforeProcessing);
    client.goods_detail(detail()).await.unwrap_err();
    client.revoke_token().await.unwrap();

    let stats = gateway.stats();
    let token_starts: Vec<String> = stats
        .requests
        .iter()
        .filter_map(|r| {
            r.header("authorization")?
                .strip_prefix("Bearer ")
                .map(str::to_owned)
        })
        .map(|t| t.trim_end_matches('…').to_owned())
        .collect();
    assert!(!token_starts.is_empty());
    let logs = captured.text();
    assert!(
        logs.contains("token refresh failed"),
        "the warning was logged: {logs}"
    );
    assert!(logs.contains("access token issued"));
    // One span per call with its outcome, one per attempt, an event per retry.
    assert!(
        logs.contains("rizzitgo.call{operation=\"goods_detail\""),
        "{logs}"
    );
    assert!(logs.contains("rizzitgo.attempt{attempt=2}"), "{logs}");
    assert!(
        logs.lines().any(
            |line| line.contains("rizzitgo.call{operation=\"goods_detail\"")
                && line.contains("}:rizzitgo.attempt{attempt=2}")
        ),
        "an attempt's span is its call's child: {logs}"
    );
    // An attempt the gateway dropped says which step failed, in the transport's words.
    assert!(
        logs.contains("sending the request failed") || logs.contains("reading the response failed"),
        "{logs}"
    );
    assert!(logs.contains("retrying"), "{logs}");
    assert!(logs.contains("reason=\"server error\""), "{logs}");
    assert!(logs.contains("response body"), "bodies at TRACE: {logs}");
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        seed::CLIENT_ID,
        seed::CLIENT_SECRET
    ));
    let mut secrets = vec![seed::CLIENT_SECRET.to_owned(), basic];
    secrets.extend(token_starts);
    assert_clean(&logs, &secrets);
}
