//! What every example shares: a client of the real gateway when the `RIZZITGO_*` variables are
//! set, else of the mock gateway started in-process on 127.0.0.1.
#![allow(dead_code)] // each example uses a subset

use rizzitgo_mock_gateway::MockGateway;
use rizzitgo_open_api::{Client, env_vars};

/// The client, and the mock gateway it talks to when no credentials are set (keep it alive:
/// dropping it stops the mock).
pub async fn client() -> Result<(Client, Option<MockGateway>), Box<dyn std::error::Error>> {
    if std::env::var_os(env_vars::CLIENT_ID).is_some() {
        let client = Client::from_env()?;
        println!("gateway {}", client.base_url());
        return Ok((client, None));
    }
    let gateway = MockGateway::start().await?;
    let credentials = gateway.credentials();
    let client = Client::builder()
        .base_url(gateway.url())
        .client_id(credentials.client_id)
        .client_secret(credentials.client_secret)
        .tenant_id(credentials.tenant_id)
        .build()?;
    println!(
        "mock gateway {} (set {} and the others for a real one)",
        gateway.url(),
        env_vars::CLIENT_ID
    );
    Ok((client, Some(gateway)))
}

/// An optional response field, or `-`.
pub fn show<T: std::fmt::Display>(value: &Option<T>) -> String {
    value.as_ref().map_or_else(|| "-".to_owned(), T::to_string)
}

/// A value from the command line, or the guide's example.
pub fn arg(n: usize, default: &str) -> String {
    std::env::args()
        .nth(n)
        .unwrap_or_else(|| default.to_owned())
}
