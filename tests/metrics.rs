//! The SDK's metrics (feature `opentelemetry`), read back with the OpenTelemetry SDK's
//! in-memory exporter: a call that succeeds after one retry, and a call refused before sending.
#![cfg(feature = "opentelemetry")]

mod common;

use opentelemetry::metrics::MeterProvider;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use rizzitgo_mock_gateway::{Failure, MockGateway, seed};
use rizzitgo_open_api::Client;
use rizzitgo_open_api::types::GoodsRequest;

/// Every data point of `name` as (attributes "k=v" sorted, value).
fn points(metrics: &[ResourceMetrics], name: &str) -> Vec<(Vec<String>, f64)> {
    let mut out = Vec::new();
    for resource in metrics {
        for scope in resource.scope_metrics() {
            for metric in scope.metrics().filter(|m| m.name() == name) {
                let attributes = |kvs: &mut dyn Iterator<Item = &opentelemetry::KeyValue>| {
                    let mut v: Vec<String> =
                        kvs.map(|kv| format!("{}={}", kv.key, kv.value)).collect();
                    v.sort();
                    v
                };
                match metric.data() {
                    AggregatedMetrics::F64(MetricData::Histogram(h)) => {
                        for p in h.data_points() {
                            out.push((attributes(&mut p.attributes()), p.count() as f64));
                        }
                    }
                    AggregatedMetrics::F64(MetricData::Gauge(g)) => {
                        for p in g.data_points() {
                            out.push((attributes(&mut p.attributes()), p.value()));
                        }
                    }
                    AggregatedMetrics::U64(MetricData::Sum(s)) => {
                        for p in s.data_points() {
                            out.push((attributes(&mut p.attributes()), p.value() as f64));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// A mock gateway and a client recording into an in-memory exporter.
async fn measured() -> (
    MockGateway,
    Client,
    SdkMeterProvider,
    InMemoryMetricExporter,
) {
    let exporter = InMemoryMetricExporter::default();
    let provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(exporter.clone()).build())
        .build();
    let gateway = MockGateway::start().await.unwrap();
    let client = common::builder(&gateway)
        .meter(provider.meter("test"))
        .build()
        .unwrap();
    (gateway, client, provider, exporter)
}

fn has(attributes: &[String], wanted: &str) -> bool {
    attributes.iter().any(|a| a == wanted)
}

#[tokio::test]
async fn a_call_that_succeeds_after_one_retry_is_measured_per_attempt_and_per_call() {
    let (gateway, client, provider, exporter) = measured().await;
    gateway.fail_next(1, Failure::http(503));
    client
        .goods_detail(GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1))
        .await
        .unwrap();
    // Refused before sending: counted with its outcome and no attempt.
    let refused = client
        .goods_detail(GoodsRequest::builder().goods_id("123456").source(7))
        .await
        .unwrap_err();
    assert!(refused.is_invalid_request());
    provider.force_flush().unwrap();
    let metrics = exporter.get_finished_metrics().unwrap();

    let attempts = points(&metrics, "http.client.request.duration");
    let business: Vec<_> = attempts
        .iter()
        .filter(|(a, _)| has(a, "rizzitgo.operation=goods_detail"))
        .collect();
    assert_eq!(business.len(), 2, "one series per status: {attempts:?}");
    let failed = business
        .iter()
        .find(|(a, _)| has(a, "http.response.status_code=503"))
        .unwrap();
    assert_eq!(failed.1, 1.0);
    assert!(has(&failed.0, "error.type=503") && has(&failed.0, "http.request.method=POST"));
    assert!(has(&failed.0, "server.address=127.0.0.1"));
    let ok = business
        .iter()
        .find(|(a, _)| has(a, "http.response.status_code=200"))
        .unwrap();
    assert_eq!(ok.1, 1.0);
    assert!(!ok.0.iter().any(|a| a.starts_with("error.type")));

    let calls = points(&metrics, "rizzitgo.client.call.duration");
    let succeeded = calls
        .iter()
        .find(|(a, _)| has(a, "rizzitgo.operation=goods_detail") && has(a, "rizzitgo.outcome=ok"))
        .unwrap();
    assert_eq!(succeeded.1, 1.0);
    assert!(has(&succeeded.0, "rizzitgo.attempts=2"), "{succeeded:?}");
    let invalid = calls
        .iter()
        .find(|(a, _)| has(a, "rizzitgo.outcome=invalid_request"))
        .unwrap();
    assert!(has(&invalid.0, "rizzitgo.attempts=0"), "{invalid:?}");

    let retries = points(&metrics, "rizzitgo.client.retries");
    assert_eq!(
        retries,
        [(
            vec![
                "rizzitgo.operation=goods_detail".to_owned(),
                "rizzitgo.retry.reason=server_error".to_owned()
            ],
            1.0
        )]
    );
    let tokens = points(&metrics, "rizzitgo.client.token.fetches");
    assert_eq!(tokens, [(vec!["rizzitgo.outcome=ok".to_owned()], 1.0)]);
    assert!(points(&metrics, "rizzitgo.client.reauthentications").is_empty());
}

#[tokio::test]
async fn a_refused_token_is_counted_as_a_reauthentication() {
    let (gateway, client, provider, exporter) = measured().await;
    let request = || GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1);
    client.goods_detail(request()).await.unwrap();
    gateway.revoke_all_tokens();
    client.goods_detail(request()).await.unwrap();
    provider.force_flush().unwrap();
    let metrics = exporter.get_finished_metrics().unwrap();
    let replays = points(&metrics, "rizzitgo.client.reauthentications");
    assert_eq!(
        replays,
        [(vec!["rizzitgo.operation=goods_detail".to_owned()], 1.0)]
    );
    let tokens = points(&metrics, "rizzitgo.client.token.fetches");
    assert_eq!(tokens, [(vec!["rizzitgo.outcome=ok".to_owned()], 2.0)]);
}

#[tokio::test]
async fn the_rate_pacing_learned_is_a_gauge() {
    let (gateway, client, provider, exporter) = measured().await;
    let request = || GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1);
    client.goods_detail(request()).await.unwrap();
    provider.force_flush().unwrap();
    let metrics = exporter.get_finished_metrics().unwrap();
    assert!(
        points(&metrics, "rizzitgo.client.pacing.rate").is_empty(),
        "unpaced before any 429"
    );
    // A quota of 10 and 8 callers for a second and a half: the first second is cut.
    gateway.set_qps_limit(Some(10));
    let until = std::time::Instant::now() + std::time::Duration::from_millis(1500);
    let callers = (0..8).map(|_| async {
        while std::time::Instant::now() < until {
            let _ = client
                .goods_detail(request())
                .retry_policy(rizzitgo_open_api::RetryPolicy::none())
                .await;
        }
    });
    futures_util::future::join_all(callers).await;
    provider.force_flush().unwrap();
    let metrics = exporter.get_finished_metrics().unwrap();
    let rates = points(&metrics, "rizzitgo.client.pacing.rate");
    let (_, rate) = rates.last().expect("a learned rate");
    assert!(*rate >= 1.0 && *rate <= 12.0, "{rates:?}");
}
