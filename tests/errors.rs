//! Every error kind, from both error styles of the gateway: HTTP 200 with the error in
//! `code` (the Java framework's way) and real HTTP statuses.

mod common;

use rizzitgo_mock_gateway::{DropPoint, ErrorStyle, Failure, MockGateway, seed};
use rizzitgo_open_api::types::{GoodsRequest, ImageSearchRequest, QcPageRequest, RedeemRequest};
use rizzitgo_open_api::{Client, Error, RetryPolicy};
use std::time::Duration;

async fn detail(client: &Client) -> Result<(), Error> {
    client
        .goods_detail(GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1))
        .await
        .map(drop)
}

fn redeem(
    code: &str,
    email: &str,
    request_id: &str,
) -> rizzitgo_open_api::types::builder::RedeemRequest {
    RedeemRequest::builder()
        .code(code)
        .email(email)
        .request_id(request_id.to_owned())
}

/// The HTTP status the gateway uses for a global code in this style.
fn status_for(style: ErrorStyle, code: u16) -> u16 {
    match style {
        ErrorStyle::Http200 => 200,
        ErrorStyle::HttpStatus => code,
    }
}

/// A client that sends every call once: each error below is one response's classification
/// (what retries make of them is `tests/resilience.rs`).
fn once(gateway: &MockGateway) -> Client {
    common::builder(gateway)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Runs every failure against a fresh gateway in `style`; returns the error texts.
async fn every_kind(style: ErrorStyle) -> Vec<String> {
    let mut texts = Vec::new();
    let mut record = |label: &str, error: &Error| texts.push(format!("{label}: {error}"));

    // Unauthorized: a wrong secret refuses the token request.
    let gateway = common::gateway(style).await;
    let client = common::builder(&gateway)
        .client_secret("wrong-secret")
        .build()
        .unwrap();
    let error = detail(&client).await.unwrap_err();
    assert!(error.is_unauthorized(), "{error}");
    assert_eq!(
        error.status().map(|s| s.as_u16()),
        Some(status_for(style, 401))
    );
    assert_eq!(error.operation().unwrap().name, "issue_token");
    record("bad credentials", &error);

    // Unauthorized: the gateway refuses the token, and the new one too (one replay only).
    let client = once(&gateway);
    detail(&client).await.unwrap();
    gateway.fail_next(2, Failure::code(401, "Token missing, invalid or expired"));
    let error = detail(&client).await.unwrap_err();
    assert!(error.is_unauthorized() && error.is_api(), "{error}");
    assert_eq!(error.code(), Some(401));
    assert_eq!(
        error.status().map(|s| s.as_u16()),
        Some(status_for(style, 401))
    );
    assert_eq!(error.operation().unwrap().name, "goods_detail");
    assert_eq!(
        gateway.stats().token_requests,
        3,
        "one token, one after the first 401"
    );
    record("token refused twice", &error);

    // Forbidden: the application lacks the scope; the error names it.
    let gateway = MockGateway::builder()
        .error_style(style)
        .granted_scopes(&[seed::SCOPE_GOODS_DETAIL])
        .start()
        .await
        .unwrap();
    let client = once(&gateway);
    let error = client
        .goods_qc_images(GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1))
        .await
        .unwrap_err();
    assert!(error.is_forbidden(), "{error}");
    assert_eq!(error.code(), Some(403));
    assert_eq!(error.required_scopes(), ["goods:qc:read"]);
    // The gateway's message names the scope: the text says it once.
    assert_eq!(
        error.to_string().matches("goods:qc:read").count(),
        1,
        "{error}"
    );
    record("missing scope", &error);

    // Rate limited, as the gateway's own code and as a 429 with Retry-After in front of it.
    let gateway = common::gateway(style).await;
    let client = once(&gateway);
    gateway.fail_next(1, Failure::code(429, "Too many requests"));
    let error = detail(&client).await.unwrap_err();
    assert!(error.is_rate_limited(), "{error}");
    assert_eq!(error.retry_after(), None);
    record("rate limited (code)", &error);
    gateway.fail_next(1, Failure::http(429).retry_after("2"));
    let error = detail(&client).await.unwrap_err();
    assert!(error.is_rate_limited(), "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
    record("rate limited (HTTP 429)", &error);

    // Invalid parameter, found by the gateway (the SDK's own checks pass).
    gateway.fail_next(1, Failure::code(400, "pageSize must be between 1 and 100"));
    let error = client
        .goods_qc_page(QcPageRequest::builder().page_no(1u32).page_size(100u32))
        .await
        .unwrap_err();
    assert!(
        error.is_invalid_parameter() && !error.is_invalid_request(),
        "{error}"
    );
    assert_eq!(error.code(), Some(400));
    assert_eq!(
        error.status().map(|s| s.as_u16()),
        Some(status_for(style, 400))
    );
    record("invalid parameter", &error);

    // A business code: preserved as it came, with the guide's message.
    let error = client
        .search_goods_by_image(
            ImageSearchRequest::builder()
                .images_url("https://example.com/page.html")
                .page(1u32)
                .source(1),
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(seed::codes::IMAGE_URL_INVALID));
    assert_eq!(error.message(), Some(seed::messages::IMAGE_URL_INVALID));
    assert!(error.is_api() && !error.is_invalid_parameter(), "{error}");
    record("invalid image URL", &error);
    let error = client
        .redeem_coupon(redeem(
            seed::REDEEM_CODE_30_OFF,
            seed::UNKNOWN_MEMBER_EMAIL,
            "REQ-unknown",
        ))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(seed::codes::MEMBER_NOT_EXISTS));
    assert_eq!(error.message(), Some("Member does not exist"));
    record("unknown member", &error);

    // Duplicate request: the same requestId within 10 minutes is processed once.
    let request = || {
        redeem(
            seed::REDEEM_CODE_30_OFF,
            seed::MEMBER_EMAIL,
            "REQ-duplicate",
        )
    };
    client.redeem_coupon(request()).await.unwrap();
    let error = client.redeem_coupon(request()).await.unwrap_err();
    assert!(error.is_duplicate_request(), "{error}");
    assert_eq!(
        gateway
            .stats()
            .redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
        1
    );
    record("duplicate request", &error);

    // Transport: the connection closes without an answer.
    gateway.drop_next(1, DropPoint::BeforeProcessing);
    let error = detail(&client).await.unwrap_err();
    assert!(error.is_transport() && !error.is_timeout(), "{error}");
    assert!(
        std::error::Error::source(&error).is_some(),
        "the cause is kept"
    );
    record("connection dropped", &error);

    // Decode: an HTML page with HTTP 200.
    gateway.fail_next(1, Failure::html(200));
    let error = detail(&client).await.unwrap_err();
    assert!(error.is_decode(), "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(error.body_snippet().unwrap().contains("<html"), "{error:?}");
    record("HTML with 200", &error);

    // A proxy's 502 page: a server error, with the page as a detail.
    gateway.fail_next(1, Failure::html(502));
    let error = detail(&client).await.unwrap_err();
    assert!(
        error.is_server_error() && error.is_api() && !error.is_decode(),
        "{error}"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert!(error.body_snippet().is_some());
    record("HTML with 502", &error);

    // Timeout: the gateway answers after the client's deadline.
    let slow = common::builder(&gateway)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    detail(&slow).await.unwrap();
    gateway.set_latency(Duration::from_secs(2));
    let error = detail(&slow).await.unwrap_err();
    assert!(error.is_timeout() && error.is_transport(), "{error}");
    record("timeout", &error);
    texts
}

#[tokio::test]
async fn every_error_kind_with_http_200_and_the_code_in_the_body() {
    let texts = every_kind(ErrorStyle::Http200).await;
    insta::assert_snapshot!(texts.join("\n"));
}

#[tokio::test]
async fn every_error_kind_with_real_http_statuses() {
    let texts = every_kind(ErrorStyle::HttpStatus).await;
    insta::assert_snapshot!(texts.join("\n"));
}

#[tokio::test]
async fn a_bad_configuration_is_a_config_error_naming_the_field() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let cases = [
        (
            common::builder(&gateway).base_url("http://api.rizzitgo.com"),
            "base_url",
        ),
        (common::builder(&gateway).base_url("not a url"), "base_url"),
        (common::builder(&gateway).client_id(""), "client_id"),
        (common::builder(&gateway).client_id("a:b"), "client_id"),
        (common::builder(&gateway).client_secret(""), "client_secret"),
        (common::builder(&gateway).tenant_id(" "), "tenant_id"),
        (common::builder(&gateway).tenant_id("1\n2"), "tenant_id"),
        (
            common::builder(&gateway).scopes(["goods:detail:read goods:qc:read"]),
            "scopes",
        ),
    ];
    let mut texts = Vec::new();
    for (builder, field) in cases {
        let error = builder.build().unwrap_err();
        assert!(error.is_config(), "{error}");
        assert!(error.to_string().contains(field), "{error}");
        texts.push(error.to_string());
    }
    insta::assert_snapshot!(texts.join("\n"));
}
