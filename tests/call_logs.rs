//! A plain `tracing_subscriber::fmt()` at INFO shows one line for each call that ends, with
//! what an operator looks for; the token request the SDK makes for itself stays at DEBUG.

mod common;

use rizzitgo_mock_gateway::{Failure, MockGateway, seed};
use rizzitgo_open_api::RetryPolicy;
use rizzitgo_open_api::types::GoodsRequest;

#[tokio::test]
async fn a_plain_fmt_subscriber_at_info_shows_one_line_per_call() {
    let captured = common::Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    // This thread only: the test's runtime, client and gateway all run on it.
    let _guard = tracing::subscriber::set_default(subscriber);

    let gateway = MockGateway::start().await.unwrap();
    let client = common::builder(&gateway)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let request = || GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1);
    client.goods_detail(request()).await.unwrap();
    gateway.fail_next(1, Failure::http(503));
    let error = client.goods_detail(request()).await.unwrap_err();

    let text = captured.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "one line per call, none for the token:\n{text}"
    );
    let (ok, failed) = (lines[0], lines[1]);
    for line in [ok, failed] {
        assert!(line.contains(" INFO "), "{line}");
        assert!(line.contains("call ended"), "{line}");
        assert!(line.contains("operation=\"goods_detail\""), "{line}");
        assert!(line.contains("attempts=1"), "{line}");
        assert!(line.contains("elapsed_ms="), "{line}");
    }
    assert!(
        ok.contains("outcome=\"ok\"") && ok.contains("status=200"),
        "{ok}"
    );
    assert!(
        failed.contains("outcome=\"server_error\"") && failed.contains("status=503"),
        "{failed}"
    );
    let id = error.correlation_id().unwrap();
    assert!(
        failed.contains(id),
        "the correlation id is on the line: {failed}"
    );
}
