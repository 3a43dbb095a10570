//! Shared set-up: a mock gateway on 127.0.0.1 and an SDK client pointed at it.
#![allow(dead_code)] // each test binary uses its own subset

use rizzitgo_mock_gateway::{ErrorStyle, MockGateway};
use rizzitgo_open_api::{Client, ClientBuilder};

pub const BOTH_STYLES: [ErrorStyle; 2] = [ErrorStyle::Http200, ErrorStyle::HttpStatus];

/// A builder with the mock's URL and seeded credentials.
pub fn builder(gateway: &MockGateway) -> ClientBuilder {
    let credentials = gateway.credentials();
    Client::builder()
        .base_url(gateway.url())
        .client_id(credentials.client_id)
        .client_secret(credentials.client_secret)
        .tenant_id(credentials.tenant_id)
}

pub fn client(gateway: &MockGateway) -> Client {
    builder(gateway).build().expect("a valid configuration")
}

pub async fn gateway(style: ErrorStyle) -> MockGateway {
    MockGateway::builder()
        .error_style(style)
        .start()
        .await
        .expect("the mock gateway starts")
}
