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
    gateway.fail_next(1, Failure::http(503));
    errors.push(client.goods_detail(detail()).await.unwrap_err());
    gateway.expire_all_tokens();
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

/// Collects everything the SDK (and reqwest, hyper) log, at every level.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_or_token_in_logs() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let gateway = common::gateway(ErrorStyle::Http200).await;
    let clock = std::sync::Arc::new(rizzitgo_open_api::clock::ManualClock::new());
    let client = common::builder(&gateway)
        .clock(clock.clone())
        .build()
        .unwrap();
    let detail = || GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1);
    client.goods_detail(detail()).await.unwrap();
    // A failed refresh is logged as a warning.
    clock.advance(std::time::Duration::from_secs(1750));
    gateway.fail_next_token(1, Failure::http(500));
    client.goods_detail(detail()).await.unwrap();
    gateway.drop_next(1, rizzitgo_mock_gateway::DropPoint::BeforeProcessing);
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
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("token refresh failed"),
        "the warning was logged: {logs}"
    );
    assert!(logs.contains("access token issued"));
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        seed::CLIENT_ID,
        seed::CLIENT_SECRET
    ));
    let mut secrets = vec![seed::CLIENT_SECRET.to_owned(), basic];
    secrets.extend(token_starts);
    assert_clean("logs", &logs, &secrets);
}
