//! Metrics through the global meter provider reach the provider that is set, whenever it is
//! set: before the client is built, after it, and when the application replaces it. One test
//! alone in its binary: the global provider is the process's.
#![cfg(feature = "opentelemetry")]

mod common;

use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use rizzitgo_mock_gateway::{MockGateway, seed};
use rizzitgo_open_api::types::GoodsRequest;
use rizzitgo_open_api::{CacheConfig, Client};

fn provider() -> (SdkMeterProvider, InMemoryMetricExporter) {
    let exporter = InMemoryMetricExporter::default();
    let provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(exporter.clone()).build())
        .build();
    (provider, exporter)
}

/// The names of the metrics `provider` exported.
fn names(provider: &SdkMeterProvider, exporter: &InMemoryMetricExporter) -> Vec<String> {
    provider.force_flush().unwrap();
    let metrics: Vec<ResourceMetrics> = exporter.get_finished_metrics().unwrap();
    let mut names: Vec<String> = metrics
        .iter()
        .flat_map(|r| r.scope_metrics())
        .flat_map(|s| s.metrics())
        .map(|m| m.name().to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}

async fn call(client: &Client) {
    client
        .goods_detail(GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_global_provider_is_followed_whenever_it_is_set() {
    let gateway = MockGateway::start().await.unwrap();
    // Built while the process has only the no-op provider.
    let early = common::builder(&gateway)
        .cache(CacheConfig::new())
        .build()
        .unwrap();
    let (first, first_export) = provider();
    opentelemetry::global::set_meter_provider(first.clone());
    call(&early).await;
    let seen = names(&first, &first_export);
    for name in [
        "http.client.request.duration",
        "rizzitgo.client.call.duration",
        "rizzitgo.client.cache.lookups",
        "rizzitgo.client.cache.entries",
    ] {
        assert!(seen.contains(&name.to_owned()), "{name} missing: {seen:?}");
    }

    // Built after the provider was set: the usual order.
    let late = common::client(&gateway);
    first_export.reset();
    call(&late).await;
    assert!(names(&first, &first_export).contains(&"rizzitgo.client.call.duration".to_owned()));

    // The application replaces the provider: both clients follow.
    let (second, second_export) = provider();
    opentelemetry::global::set_meter_provider(second.clone());
    first_export.reset();
    call(&late).await;
    call(&early).await;
    let seen = names(&second, &second_export);
    assert!(
        seen.contains(&"rizzitgo.client.call.duration".to_owned()),
        "{seen:?}"
    );
    assert!(
        seen.contains(&"rizzitgo.client.cache.entries".to_owned()),
        "{seen:?}"
    );
}
