//! The client secret and the access token never appear in Debug or Display output.

mod common;

use base64::Engine;
use rizzitgo_mock_gateway::{ErrorStyle, Failure, seed};
use rizzitgo_open_api::types::GoodsRequest;
use rizzitgo_open_api::{Client, SecretToken};

fn assert_clean(what: &str, text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{what} shows a secret: {text}"
        );
    }
}

#[tokio::test]
async fn no_secret_or_token_in_debug_or_display() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let builder = common::builder(&gateway);
    let client = builder.clone().build().unwrap();
    let detail = || GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1);
    client.goods_detail(detail()).await.unwrap();

    // The mock records the first 6 characters of the token it issued.
    let stats = gateway.stats();
    let business = stats
        .requests
        .iter()
        .find(|r| r.path == "/open-api/goods/detail")
        .unwrap();
    let token_start = business.header("authorization").unwrap()["Bearer ".len()..]
        .trim_end_matches('…')
        .to_owned();
    assert_eq!(token_start.len(), 6);
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        seed::CLIENT_ID,
        seed::CLIENT_SECRET
    ));
    let secrets = [seed::CLIENT_SECRET.to_owned(), basic, token_start];

    assert_clean("ClientBuilder Debug", &format!("{builder:?}"), &secrets);
    assert_clean("Client Debug", &format!("{client:?}"), &secrets);
    assert_clean("Client Debug (pretty)", &format!("{client:#?}"), &secrets);

    let mut errors = Vec::new();
    gateway.fail_next(1, Failure::html(200));
    errors.push(client.goods_detail(detail()).await.unwrap_err());
    gateway.fail_next(3, Failure::http(503));
    errors.push(client.goods_detail(detail()).await.unwrap_err());
    gateway.fail_next(2, Failure::code(401, "Token missing, invalid or expired"));
    errors.push(client.goods_detail(detail()).await.unwrap_err());
    let wrong = common::builder(&gateway)
        .client_secret("another-secret")
        .build()
        .unwrap();
    errors.push(wrong.goods_detail(detail()).await.unwrap_err());
    errors.push(
        Client::builder()
            .base_url("http://example.com")
            .client_id(seed::CLIENT_ID)
            .client_secret(seed::CLIENT_SECRET)
            .tenant_id(seed::TENANT_ID)
            .build()
            .unwrap_err(),
    );
    for error in &errors {
        assert_clean("Error Display", &error.to_string(), &secrets);
        assert_clean("Error Debug", &format!("{error:?}"), &secrets);
        assert_clean(
            "Error Debug",
            &format!("{error:#?}"),
            &["another-secret".into()],
        );
    }

    let token = SecretToken::new("0123456789abcdef0123456789abcdef");
    assert_eq!(format!("{token:?}"), "SecretToken([REDACTED])");
    assert_eq!(token.to_string(), "[REDACTED]");
    assert_eq!(token.expose(), "0123456789abcdef0123456789abcdef");
}
