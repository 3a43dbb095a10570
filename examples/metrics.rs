//! The SDK's metrics exported to stdout (feature `opentelemetry`): a few calls against the
//! mock gateway, one of them retried, then the meter provider's export.
//!
//! `cargo run --example metrics --features opentelemetry,mock-gateway`

use opentelemetry::metrics::MeterProvider;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use rizzitgo_mock_gateway::{Failure, MockGateway, seed};
use rizzitgo_open_api::Client;
use rizzitgo_open_api::types::GoodsRequest;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let exporter = opentelemetry_stdout::MetricExporter::default();
    let provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(exporter).build())
        .build();
    // Or install it globally (`opentelemetry::global::set_meter_provider`): the SDK then uses
    // the global provider's `rizzitgo-open-api` meter without `.meter(…)`.
    let gateway = MockGateway::start().await?;
    let client = Client::builder()
        .mock(&gateway)
        .meter(provider.meter("rizzitgo-open-api"))
        .build()?;
    gateway.fail_next(1, Failure::http(503)); // the first call is retried once
    for _ in 0..3 {
        client
            .goods_detail(GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1))
            .await?;
    }
    provider.shutdown()?; // exports what was recorded
    Ok(())
}
