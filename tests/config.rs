//! Configuration: builder, environments, `RIZZITGO_*` variables.

mod common;

use rizzitgo_mock_gateway::{ErrorStyle, seed};
use rizzitgo_open_api::types::GoodsRequest;
use rizzitgo_open_api::{Client, ClientBuilder, Environment, env_vars};
use std::collections::HashMap;

fn from_vars(vars: &[(&str, &str)]) -> ClientBuilder {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ClientBuilder::from_env_with(move |name| vars.get(name).cloned())
}

#[test]
fn the_client_is_send_sync_and_clone() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<Client>();
    fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<rizzitgo_open_api::Error>();
}

#[tokio::test]
async fn variables_configure_a_working_client() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let url = gateway.url();
    let client = from_vars(&[
        (env_vars::CLIENT_ID, seed::CLIENT_ID),
        (env_vars::CLIENT_SECRET, seed::CLIENT_SECRET),
        (env_vars::TENANT_ID, seed::TENANT_ID),
        (env_vars::ENVIRONMENT, &url),
        (env_vars::SCOPES, "goods:detail:read goods:qc:read"),
    ])
    .build()
    .unwrap();
    assert_eq!(client.base_url(), url);
    assert_eq!(client.tenant_id(), seed::TENANT_ID);
    assert_eq!(client.client_id(), seed::CLIENT_ID);
    client
        .goods_detail(GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1))
        .await
        .unwrap();
    let token_request = &gateway.stats().requests[0];
    assert!(
        token_request
            .body
            .ends_with("scope=goods%3Adetail%3Aread+goods%3Aqc%3Aread")
    );
}

#[test]
fn environments_resolve_to_the_guide_domains() {
    let vars = [
        (env_vars::CLIENT_ID, "id"),
        (env_vars::CLIENT_SECRET, "secret"),
        (env_vars::TENANT_ID, "1"),
    ];
    let production = from_vars(&vars).build().unwrap();
    assert_eq!(production.base_url(), "https://api.rizzitgo.com");
    let mut sandbox_vars = vars.to_vec();
    sandbox_vars.push((env_vars::ENVIRONMENT, "sandbox"));
    let sandbox = from_vars(&sandbox_vars).build().unwrap();
    assert_eq!(sandbox.base_url(), "https://api-qa.rizzitbuy.com");
    assert_eq!(Environment::parse("PRODUCTION"), Environment::Production);
    assert_eq!(Environment::parse("qa"), Environment::Sandbox);
}

#[test]
fn base_urls_are_https_or_loopback() {
    let builder = || {
        Client::builder()
            .client_id("id")
            .client_secret("secret")
            .tenant_id("1")
    };
    for ok in [
        "https://gateway.example.com/",
        "https://gateway.example.com/prefix",
        "http://127.0.0.1:8080",
        "http://127.9.9.9:1",
        "http://localhost:8080/",
        "http://[::1]:8080",
    ] {
        let client = builder().base_url(ok).build().unwrap();
        assert!(!client.base_url().ends_with('/'), "{ok}");
    }
    for refused in [
        "http://10.0.0.1",
        "http://gateway.example.com",
        "ftp://127.0.0.1",
        "https://x.example.com/?a=1",
    ] {
        let error = builder().base_url(refused).build().unwrap_err();
        assert!(
            error.is_config() && error.to_string().contains("base_url"),
            "{refused}: {error}"
        );
    }
}

#[test]
fn a_missing_variable_is_named() {
    let error = from_vars(&[(env_vars::CLIENT_ID, "id"), (env_vars::TENANT_ID, "1")])
        .build()
        .unwrap_err();
    assert!(error.is_config());
    assert!(
        error.to_string().contains("RIZZITGO_CLIENT_SECRET"),
        "{error}"
    );
}

#[cfg(feature = "schemars")]
#[test]
fn generated_types_export_their_json_schema() {
    let schema = schemars::schema_for!(rizzitgo_open_api::types::GoodsDetail);
    let json = serde_json::to_value(&schema).unwrap();
    let properties = json["properties"].as_object().unwrap();
    assert!(
        properties.contains_key("orginalPrice"),
        "the wire name, quirk included"
    );
    assert!(properties.contains_key("priceInCents"));
    let request = serde_json::to_value(schemars::schema_for!(
        rizzitgo_open_api::types::GoodsRequest
    ))
    .unwrap();
    assert_eq!(
        request["required"],
        serde_json::json!(["goodsId", "source"])
    );
}
