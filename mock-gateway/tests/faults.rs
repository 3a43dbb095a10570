//! Injected faults, rate limiting, future fields and statistics.

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::*;
use rizzitgo_mock_gateway::{DropPoint, ErrorStyle, Failure, MockGateway, seed};
use serde_json::{Value, json};

#[tokio::test]
async fn fail_next_http_is_a_real_status_in_both_styles() {
    for style in [ErrorStyle::Http200, ErrorStyle::HttpStatus] {
        let (gw, c, t) = styled(style).await;
        gw.fail_next(2, Failure::http(503).retry_after("2"));
        for _ in 0..2 {
            let r = c.call(DETAIL, &t, &goods()).await;
            r.assert_error(503, 503);
            assert_eq!(r.header("retry-after"), Some("2"));
        }
        let r = c.call(DETAIL, &t, &goods()).await;
        r.ok();
        assert_eq!(r.header("retry-after"), None);
        gw.fail_next(1, Failure::http(429));
        let r = c.call(DETAIL, &t, &goods()).await;
        r.assert_error(429, 429);
        assert_eq!(r.header("retry-after"), None);
    }
}

#[tokio::test]
async fn fail_next_code_follows_the_error_style() {
    let (gw, c, t) = styled(ErrorStyle::Http200).await;
    gw.fail_next(1, Failure::code(429, "slow down"));
    let r = c.call(DETAIL, &t, &goods()).await;
    r.assert_error(200, 429);
    assert_eq!(r.msg(), "slow down");

    let (gw, c, t) = styled(ErrorStyle::HttpStatus).await;
    gw.fail_next(
        1,
        Failure::code(429, "slow down").retry_after("Wed, 21 Oct 2026 07:28:00 GMT"),
    );
    let r = c.call(DETAIL, &t, &goods()).await;
    r.assert_error(429, 429);
    assert_eq!(
        r.header("retry-after"),
        Some("Wed, 21 Oct 2026 07:28:00 GMT")
    );
    gw.fail_next(1, Failure::code(900, "dup"));
    c.call(DETAIL, &t, &goods()).await.assert_error(200, 900);
    gw.fail_next(1, Failure::code(500, "boom"));
    c.call(DETAIL, &t, &goods()).await.assert_error(500, 500);
}

#[tokio::test]
async fn fail_next_html_sends_a_page() {
    let (gw, c, t) = setup().await;
    gw.fail_next(1, Failure::html(502));
    let r = c.call(DETAIL, &t, &goods()).await;
    assert_eq!(r.status, 502);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.text.contains("502 Bad Gateway"), "{}", r.text);
    assert!(serde_json::from_str::<Value>(&r.text).is_err());
    gw.fail_next(1, Failure::html(200));
    let r = c.call(DETAIL, &t, &goods()).await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
}

#[tokio::test]
async fn failures_are_not_processed_and_skip_token_calls() {
    let (gw, c, t) = setup().await;
    gw.fail_next(1, Failure::http(500));
    // Token calls do not consume business failures.
    c.token(&gw.credentials()).await;
    let r = c
        .call(
            REDEEM,
            &t,
            &json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::MEMBER_EMAIL}),
        )
        .await;
    r.assert_error(500, 500);
    assert_eq!(
        gw.stats()
            .redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
        0
    );
    assert_eq!(gw.stats().endpoint(REDEEM), 1);
}

#[tokio::test]
async fn fail_next_token_hits_only_the_token_endpoint() {
    let (gw, c, t) = setup().await;
    gw.fail_next_token(2, Failure::http(503).retry_after("1"));
    c.call(DETAIL, &t, &goods()).await.ok();
    for _ in 0..2 {
        let r = c
            .token_request(&gw.credentials(), "grant_type=client_credentials")
            .await;
        r.assert_error(503, 503);
        assert_eq!(r.header("retry-after"), Some("1"));
    }
    c.token(&gw.credentials()).await;
    assert_eq!(gw.stats().token_requests, 4);
}

#[tokio::test]
async fn latency_delays_responses_and_concurrency_is_measured() {
    let (gw, c, t) = setup().await;
    gw.reset_stats();
    gw.set_latency(Duration::from_millis(300));
    let started = Instant::now();
    let body = goods();
    let results = join_all((0..5).map(|_| c.call(DETAIL, &t, &body))).await;
    let elapsed = started.elapsed();
    for r in &results {
        r.ok();
    }
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert_eq!(gw.stats().max_concurrent, 5);
    gw.set_latency(Duration::ZERO);
    gw.reset_stats();
    c.call(DETAIL, &t, &goods()).await.ok();
    assert_eq!(gw.stats().max_concurrent, 1);
}

#[tokio::test]
async fn drop_before_processing_closes_without_a_response_and_commits_nothing() {
    let (gw, c, t) = setup().await;
    let req =
        json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::MEMBER_EMAIL, "requestId": "R-1"});
    gw.drop_next(1, DropPoint::BeforeProcessing);
    let err = c.try_call(REDEEM, &t, &req).await.expect_err("dropped");
    assert!(!err.is_connect(), "{err:?}");
    assert_eq!(
        gw.stats()
            .redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
        0
    );
    // Nothing was remembered: the retry is processed.
    c.call(REDEEM, &t, &req).await.ok();
    assert_eq!(
        gw.stats()
            .redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
        1
    );
}

#[tokio::test]
async fn drop_after_processing_commits_the_redemption() {
    let (gw, c, t) = setup().await;
    let req =
        json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::MEMBER_EMAIL, "requestId": "R-2"});
    gw.drop_next(1, DropPoint::AfterProcessing);
    c.try_call(REDEEM, &t, &req).await.expect_err("dropped");
    assert_eq!(
        gw.stats()
            .redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
        1
    );
    // A retry with the same requestId is recognised as a duplicate, not redeemed twice.
    c.call(REDEEM, &t, &req).await.assert_error(200, 900);
    assert_eq!(
        gw.stats()
            .redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
        1
    );
}

#[tokio::test]
async fn dropped_connections_carry_no_bytes_at_all() {
    let (gw, _c, t) = setup().await;
    let addr = gw.url().trim_start_matches("http://").to_owned();
    for at in [DropPoint::BeforeProcessing, DropPoint::AfterProcessing] {
        gw.drop_next(1, at);
        let addr = addr.clone();
        let t = t.clone();
        let received = tokio::task::spawn_blocking(move || {
            let body = goods().to_string();
            let mut s = std::net::TcpStream::connect(&addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            write!(
                s,
                "POST {DETAIL} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {t}\r\n\
                 tenant-id: 1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            let mut buf = Vec::new();
            // EOF (Ok) or a reset both mean "closed"; a timeout would be an error here.
            match s.read_to_end(&mut buf) {
                Ok(_) => buf,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => buf,
                Err(e) => panic!("{at:?}: {e}"),
            }
        })
        .await
        .unwrap();
        assert!(
            received.is_empty(),
            "{at:?}: {}",
            String::from_utf8_lossy(&received)
        );
    }
}

#[tokio::test]
async fn drops_count_business_calls_only() {
    let (gw, c, t) = setup().await;
    gw.drop_next(2, DropPoint::BeforeProcessing);
    c.token(&gw.credentials()).await;
    assert!(c.try_call(DETAIL, &t, &goods()).await.is_err());
    assert!(c.try_call(QC_DETAIL, &t, &goods()).await.is_err());
    c.call(DETAIL, &t, &goods()).await.ok();
}

#[tokio::test]
async fn qps_limit_is_per_client_per_mock_second() {
    for style in [ErrorStyle::Http200, ErrorStyle::HttpStatus] {
        let (gw, c, t) = start(MockGateway::builder().error_style(style).qps_limit(Some(2))).await;
        c.call(DETAIL, &t, &goods()).await.ok();
        c.call(QC_DETAIL, &t, &goods()).await.ok();
        let r = c.call(DETAIL, &t, &goods()).await;
        let status = if style == ErrorStyle::HttpStatus {
            429
        } else {
            200
        };
        r.assert_error(status, 429);
        assert_eq!(r.header("retry-after"), None);
        assert_eq!(gw.stats().throttled, 1, "the refusal is counted");
        // Another client has its own quota.
        let other = rizzitgo_mock_gateway::Credentials {
            client_id: seed::OTHER_CLIENT_ID.into(),
            client_secret: seed::OTHER_CLIENT_SECRET.into(),
            tenant_id: seed::OTHER_TENANT_ID.into(),
        };
        let ot = c.token(&other).await;
        let r = c
            .send(
                hyper::Method::POST,
                DETAIL,
                &[
                    ("authorization", &format!("Bearer {ot}")),
                    ("tenant-id", seed::OTHER_TENANT_ID),
                    ("content-type", "application/json"),
                ],
                &goods().to_string(),
            )
            .await;
        r.ok();
        // A mock second later the quota is back.
        gw.advance_clock(Duration::from_secs(1));
        c.call(DETAIL, &t, &goods()).await.ok();
        // Removing the limit.
        gw.set_qps_limit(None);
        for _ in 0..5 {
            c.call(DETAIL, &t, &goods()).await.ok();
        }
        gw.set_qps_limit(Some(1));
        c.call(DETAIL, &t, &goods()).await.ok();
        c.call(DETAIL, &t, &goods()).await.assert_error(status, 429);
    }
}

#[tokio::test]
async fn future_fields_reach_every_object() {
    let (gw, c, t) = setup().await;
    gw.set_future_fields(true);
    let v = c.call(DETAIL, &t, &goods()).await.json();
    assert_eq!(v["futureField"], "x");
    assert_eq!(v["data"]["futureField"], "x");
    assert_eq!(v["data"]["goodsSource"], 1);

    let v = c
        .call(
            SEARCH,
            &t,
            &json!({"imagesUrl": "https://example.com/q.jpg", "page": 1, "source": 2}),
        )
        .await
        .json();
    let list = v["data"]["goodsList"].as_array().unwrap();
    assert!(list.iter().all(|g| g["futureField"] == "x"));
    assert_eq!(list.iter().filter(|g| g["goodsSource"] == 9).count(), 1);
    assert_eq!(list.iter().filter(|g| g["goodsSource"] == 2).count(), 19);

    let v = c
        .call(
            REDEEM,
            &t,
            &json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::MEMBER_EMAIL}),
        )
        .await
        .json();
    assert_eq!(v["data"]["coupons"][0]["couponType"], 9);
    assert_eq!(v["data"]["coupons"][0]["futureField"], "x");
    assert_eq!(v["data"]["prize"], "30% OFF");

    let v = c
        .token_request(&gw.credentials(), "grant_type=client_credentials")
        .await
        .json();
    assert_eq!(v["data"]["futureField"], "x");
    let v = c.call(DETAIL, "bad", &goods()).await.json();
    assert_eq!(
        (v["code"].as_i64(), v["futureField"].as_str()),
        (Some(401), Some("x"))
    );

    gw.set_future_fields(false);
    let v = c.call(DETAIL, &t, &goods()).await.json();
    assert!(v.get("futureField").is_none());
}

#[tokio::test]
async fn stats_record_requests_with_redacted_secrets() {
    let (gw, c, t) = setup().await;
    c.call(DETAIL, &t, &goods()).await.ok();
    c.call(DETAIL, &t, &goods()).await.ok();
    c.call(QC_DETAIL, &t, &goods()).await.ok();
    let s = gw.stats();
    assert_eq!(s.token_requests, 1);
    assert_eq!(s.endpoint(DETAIL), 2);
    assert_eq!(s.endpoint(QC_DETAIL), 1);
    assert_eq!(s.endpoint(SEARCH), 0);
    assert_eq!(s.endpoint(TOKEN), 1);
    assert_eq!(s.requests.len(), 4);
    let token_req = &s.requests[0];
    assert_eq!(
        (token_req.method.as_str(), token_req.path.as_str()),
        ("POST", TOKEN)
    );
    assert_eq!(token_req.body, "grant_type=client_credentials");
    assert_eq!(
        token_req.header("authorization"),
        Some("Basic rizzitgo-demo-client:<redacted>")
    );
    assert!(!format!("{s:?}").contains(seed::CLIENT_SECRET));
    assert!(!format!("{s:?}").contains(&t));
    let detail = &s.requests[1];
    assert_eq!(
        detail.header("Authorization"),
        Some(format!("Bearer {}…", &t[..6]).as_str())
    );
    assert_eq!(detail.header("tenant-id"), Some("1"));
    assert_eq!(detail.header("content-type"), Some("application/json"));
    assert_eq!(detail.body, goods().to_string());
    gw.reset_stats();
    let s = gw.stats();
    assert!(s.requests.is_empty() && s.requests_per_endpoint.is_empty() && s.token_requests == 0);
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let (gw, c, t) = setup().await;
    c.call(DETAIL, &t, &goods()).await.ok();
    let url = gw.url();
    gw.shutdown().await;
    let fresh = Client::new(&url);
    // A timeout only turns a hang (listener still open) into a failure.
    let r = tokio::time::timeout(Duration::from_secs(5), fresh.try_call(DETAIL, &t, &goods()))
        .await
        .expect("a stopped gateway refuses connections");
    assert!(r.is_err());
}

#[tokio::test]
async fn dropping_the_gateway_stops_serving() {
    let (gw, _c, t) = setup().await;
    let url = gw.url();
    drop(gw);
    // The accept loop notices the dropped sender on its next poll.
    tokio::task::yield_now().await;
    let fresh = Client::new(&url);
    // A timeout only turns a hang (listener still open) into a failure.
    let r = tokio::time::timeout(Duration::from_secs(5), fresh.try_call(DETAIL, &t, &goods()))
        .await
        .expect("a stopped gateway refuses connections");
    assert!(r.is_err());
}
