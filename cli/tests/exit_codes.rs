//! The exit code of every SDK error kind, caused for real against the mock gateway, with the
//! SDK's error text on stderr and no secret or token anywhere.

mod common;

use common::{Creds, DEMO, assert_no_secret, rizzitgo};
use rizzitgo_mock_gateway::{DropPoint, Failure, MockGateway, seed};
use std::time::Duration;

const DETAIL: &[&str] = &["goods-detail", "--goods-id", "123456", "--source", "1"];

/// Runs `args` against a fresh gateway prepared by `setup`; checks the exit code, a word of
/// the SDK's message on stderr, and that nothing secret was printed.
async fn expect(
    code: i32,
    message: &str,
    creds: Option<&Creds>,
    args: &[&str],
    setup: impl FnOnce(&MockGateway),
) -> MockGateway {
    let gateway = MockGateway::start().await.unwrap();
    setup(&gateway);
    let run = rizzitgo(Some(&gateway), creds, args, None).await;
    assert_eq!(run.code, code, "{args:?}: stderr {}", run.stderr);
    assert!(run.stdout.is_empty(), "{args:?}: stdout {}", run.stdout);
    assert!(
        run.stderr.contains(message),
        "{args:?}: expected {message:?} in {}",
        run.stderr
    );
    assert_no_secret(&run, Some(&gateway));
    gateway
}

#[tokio::test(flavor = "multi_thread")]
async fn config_without_credentials_is_3() {
    let gateway = expect(3, "configuration error", None, DETAIL, |_| {}).await;
    assert_eq!(gateway.stats().token_requests, 0);
    // A base URL that would send the credentials in clear text over a network.
    let run = rizzitgo(
        None,
        Some(&DEMO),
        &["--base-url", "http://example.com", "token"],
        None,
    )
    .await;
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("must use https"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_request_is_4_and_sends_nothing() {
    let args = ["goods-detail", "--goods-id", "123456", "--source", "7"];
    let gateway = expect(4, "`source` must be 1 (Taobao)", Some(&DEMO), &args, |_| {}).await;
    assert_eq!(gateway.stats().endpoint("/open-api/goods/detail"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn unauthorized_is_5() {
    let wrong = Creds {
        client_secret: "wrong-secret",
        ..DEMO
    };
    expect(5, "unauthorized", Some(&wrong), DETAIL, |_| {}).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_is_6() {
    // The second application is granted goods:detail:read only.
    let other = Creds {
        client_id: seed::OTHER_CLIENT_ID,
        client_secret: seed::OTHER_CLIENT_SECRET,
        tenant_id: seed::OTHER_TENANT_ID,
    };
    let args = ["goods-qc-detail", "--goods-id", "123456", "--source", "1"];
    expect(6, "requires goods:qc:read", Some(&other), &args, |_| {}).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limited_is_7() {
    // A Retry-After beyond the SDK's limit: no retry, the error at once.
    expect(7, "rate limited", Some(&DEMO), DETAIL, |g| {
        g.fail_next(1, Failure::http(429).retry_after("300"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_parameter_is_8() {
    expect(8, "invalid parameter", Some(&DEMO), DETAIL, |g| {
        g.fail_next(1, Failure::code(400, "Bad parameter"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_request_is_9() {
    let gateway = MockGateway::start().await.unwrap();
    let args = [
        "redeem-coupon",
        "--code",
        seed::REDEEM_CODE_10_USD_OFF,
        "--email",
        seed::MEMBER_EMAIL,
        "--request-id",
        "cli-test-0001",
    ];
    let first = rizzitgo(Some(&gateway), Some(&DEMO), &args, None).await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    let again = rizzitgo(Some(&gateway), Some(&DEMO), &args, None).await;
    assert_eq!(again.code, 9, "{}", again.stderr);
    assert!(
        again.stderr.contains("Duplicate request"),
        "{}",
        again.stderr
    );
    assert_no_secret(&again, Some(&gateway));
}

#[tokio::test(flavor = "multi_thread")]
async fn business_error_is_10() {
    let args = [
        "goods-detail",
        "--goods-id",
        seed::UNKNOWN_GOODS_ID,
        "--source",
        "1",
    ];
    expect(10, "Goods does not exist", Some(&DEMO), &args, |_| {}).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn server_error_is_11() {
    expect(11, "server error", Some(&DEMO), DETAIL, |g| {
        g.fail_next(5, Failure::http(503))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn redirect_is_12() {
    expect(12, "does not follow redirects", Some(&DEMO), DETAIL, |g| {
        g.fail_next(1, Failure::html(302).location("https://elsewhere.example/"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn timeout_is_13() {
    let args = [
        "--timeout",
        "0.2",
        DETAIL[0],
        DETAIL[1],
        DETAIL[2],
        DETAIL[3],
        DETAIL[4],
    ];
    expect(13, "timeout", Some(&DEMO), &args, |g| {
        g.set_latency(Duration::from_secs(5))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn transport_is_14() {
    expect(14, "transport error", Some(&DEMO), DETAIL, |g| {
        g.drop_next(5, DropPoint::BeforeProcessing)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn decode_is_15() {
    expect(15, "decode error", Some(&DEMO), DETAIL, |g| {
        g.fail_next(1, Failure::html(200))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_is_2() {
    let gateway = MockGateway::start().await.unwrap();
    let run = rizzitgo(
        Some(&gateway),
        Some(&DEMO),
        &["goods-detail", "--source", "one"],
        None,
    )
    .await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--source"), "{}", run.stderr);
    assert_eq!(gateway.stats().token_requests, 0);
}
