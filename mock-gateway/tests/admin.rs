//! The admin HTTP API under /__mock.

mod common;

use common::*;
use hyper::Method;
use rizzitgo_mock_gateway::{ErrorStyle, MockGateway, seed};
use serde_json::json;

#[tokio::test]
async fn fail_next_variants() {
    let (_gw, c, t) = setup().await;
    admin_ok(
        &c,
        "/__mock/fail-next",
        json!({"n": 2, "status": 429, "retryAfter": "1"}),
    )
    .await;
    for _ in 0..2 {
        let r = c.call(DETAIL, &t, &goods()).await;
        r.assert_error(429, 429);
        assert_eq!(r.header("retry-after"), Some("1"));
    }
    c.call(DETAIL, &t, &goods()).await.ok();

    admin_ok(
        &c,
        "/__mock/fail-next",
        json!({"code": 1013020000, "msg": "injected"}),
    )
    .await;
    let r = c.call(DETAIL, &t, &goods()).await;
    r.assert_error(200, 1_013_020_000);
    assert_eq!(r.msg(), "injected");

    admin_ok(
        &c,
        "/__mock/fail-next",
        json!({"status": 504, "html": true, "retryAfter": 3}),
    )
    .await;
    let r = c.call(DETAIL, &t, &goods()).await;
    assert_eq!(r.status, 504);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(r.header("retry-after"), Some("3"));

    admin_ok(
        &c,
        "/__mock/fail-next",
        json!({"status": 302, "html": true, "location": "http://127.0.0.1:9/elsewhere"}),
    )
    .await;
    let r = c.call(DETAIL, &t, &goods()).await;
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some("http://127.0.0.1:9/elsewhere"));

    admin_ok(&c, "/__mock/fail-next-token", json!({"status": 503})).await;
    c.call(DETAIL, &t, &goods()).await.ok();
    let r = c
        .token_request(
            &rizzitgo_mock_gateway::Credentials {
                client_id: seed::CLIENT_ID.into(),
                client_secret: seed::CLIENT_SECRET.into(),
                tenant_id: seed::TENANT_ID.into(),
            },
            "grant_type=client_credentials",
        )
        .await;
    r.assert_error(503, 503);
}

#[tokio::test]
async fn clock_tokens_latency_qps_future_and_drops() {
    let (gw, c, t) = setup().await;
    admin_ok(&c, "/__mock/expire-tokens", json!({})).await;
    c.call(DETAIL, &t, &goods()).await.assert_error(200, 401);
    let t = c.token(&gw.credentials()).await;
    admin_ok(&c, "/__mock/revoke-tokens", json!({})).await;
    c.call(DETAIL, &t, &goods()).await.assert_error(200, 401);
    let t = c.token(&gw.credentials()).await;

    admin_ok(&c, "/__mock/advance-clock", json!({"secs": 1799})).await;
    c.call(DETAIL, &t, &goods()).await.ok();
    admin_ok(&c, "/__mock/advance-clock", json!({"ms": 1000})).await;
    c.call(DETAIL, &t, &goods()).await.assert_error(200, 401);
    let t = c.token(&gw.credentials()).await;

    admin_ok(&c, "/__mock/qps-limit", json!({"limit": 1})).await;
    c.call(DETAIL, &t, &goods()).await.ok();
    c.call(DETAIL, &t, &goods()).await.assert_error(200, 429);
    admin_ok(&c, "/__mock/qps-limit", json!({"limit": null})).await;
    c.call(DETAIL, &t, &goods()).await.ok();

    admin_ok(&c, "/__mock/future-fields", json!({"on": true})).await;
    assert_eq!(
        c.call(DETAIL, &t, &goods()).await.json()["futureField"],
        "x"
    );
    admin_ok(&c, "/__mock/future-fields", json!({"on": false})).await;

    let qc = json!({"goodsId": seed::GOODS_ID, "source": 1});
    admin_ok(
        &c,
        "/__mock/response-style",
        json!({"dateTimesAsMillis": true, "nullMsg": true}),
    )
    .await;
    let r = c.call(QC_DETAIL, &t, &qc).await;
    assert_eq!(r.json()["msg"], serde_json::Value::Null);
    // 2026-06-02 18:30:00 in UTC+8.
    assert_eq!(r.json()["data"]["completionTime"], 1_780_396_200_000_i64);
    admin_ok(
        &c,
        "/__mock/response-style",
        json!({"integersAsStrings": true}),
    )
    .await;
    let r = c
        .call(QC_PAGE, &t, &json!({"pageNo": 1, "pageSize": 1}))
        .await;
    assert_eq!(r.json()["data"]["total"], seed::QC_RECORD_COUNT.to_string());
    assert_eq!(r.json()["msg"], "");
    // Errors keep their shape.
    let r = c
        .call(QC_PAGE, &t, &json!({"pageNo": 0, "pageSize": 1}))
        .await;
    r.assert_error(200, 400);
    admin_ok(&c, "/__mock/response-style", json!({})).await;
    let r = c.call(QC_DETAIL, &t, &qc).await;
    assert_eq!(r.json()["data"]["completionTime"], "2026-06-02 18:30:00");

    admin_ok(&c, "/__mock/latency", json!({"ms": 150})).await;
    let started = std::time::Instant::now();
    c.call(DETAIL, &t, &goods()).await.ok();
    assert!(started.elapsed() >= std::time::Duration::from_millis(150));
    admin_ok(&c, "/__mock/latency", json!({"ms": 0})).await;

    let redeem =
        json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::MEMBER_EMAIL, "requestId": "A-1"});
    admin_ok(&c, "/__mock/drop-next", json!({"n": 1, "at": "after"})).await;
    assert!(c.try_call(REDEEM, &t, &redeem).await.is_err());
    assert_eq!(
        gw.stats()
            .redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
        1
    );
    admin_ok(&c, "/__mock/drop-next", json!({"n": 1, "at": "before"})).await;
    assert!(c.try_call(DETAIL, &t, &goods()).await.is_err());
    c.call(DETAIL, &t, &goods()).await.ok();
}

#[tokio::test]
async fn stats_reset_and_credentials() {
    let (gw, c, t) = setup().await;
    c.call(DETAIL, &t, &goods()).await.ok();
    c.call(
        REDEEM,
        &t,
        &json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::MEMBER_EMAIL}),
    )
    .await
    .ok();
    let s = c.send(Method::GET, "/__mock/stats", &[], "").await.json();
    assert_eq!(s["tokenRequests"], 1);
    assert_eq!(s["revokeRequests"], 0);
    assert_eq!(s["requestsPerEndpoint"][DETAIL], 1);
    assert_eq!(
        s["redemptions"],
        json!([{"code": seed::REDEEM_CODE_30_OFF, "email": seed::MEMBER_EMAIL, "count": 1}])
    );
    // Admin calls are not recorded: token + detail + redeem only.
    assert_eq!(s["requests"].as_array().unwrap().len(), 3);
    assert_eq!(s["maxConcurrent"], 1);
    assert!(!s.to_string().contains(&t));
    admin_ok(&c, "/__mock/reset-stats", json!({})).await;
    assert_eq!(gw.stats().requests.len(), 0);
    let creds = c
        .send(Method::GET, "/__mock/credentials", &[], "")
        .await
        .json();
    assert_eq!(
        creds,
        json!({"clientId": seed::CLIENT_ID, "clientSecret": seed::CLIENT_SECRET, "tenantId": "1"})
    );
    assert_eq!(gw.stats().requests.len(), 0);
}

#[tokio::test]
async fn admin_errors() {
    let (gw, c) = start_bare(MockGateway::builder().error_style(ErrorStyle::HttpStatus)).await;
    for (path, body) in [
        ("/__mock/fail-next", json!({"n": 1})),
        ("/__mock/fail-next", json!({"status": 42})),
        ("/__mock/latency", json!({})),
        ("/__mock/drop-next", json!({"at": "middle"})),
        ("/__mock/future-fields", json!({"on": "yes"})),
        ("/__mock/response-style", json!({"nullMsg": 1})),
        ("/__mock/response-style", json!({"datesAsMillis": true})),
        ("/__mock/qps-limit", json!({"limit": -1})),
    ] {
        let r = admin(&c, path, body).await;
        assert_eq!(r.status, 400, "{path}: {}", r.text);
        assert!(r.json()["error"].is_string());
    }
    let r = c
        .send(Method::POST, "/__mock/latency", &[], "not json")
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(admin(&c, "/__mock/nope", json!({})).await.status, 404);
    assert_eq!(
        c.send(Method::GET, "/__mock/latency", &[], "").await.status,
        405
    );
    assert_eq!(
        c.send(Method::POST, "/__mock/stats", &[], "").await.status,
        405
    );
    assert!(gw.stats().requests.is_empty());
}
