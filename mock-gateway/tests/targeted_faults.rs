//! Targeted faults (`fail_when`, `drop_when`, `/__mock/fail-when`): only the calls a path, body
//! field values and a call index select.

mod common;

use common::*;
use rizzitgo_mock_gateway::{DropPoint, Failure, Match, MockGateway, seed};
use serde_json::{Value, json};

fn page(n: i64) -> Value {
    json!({"pageNo": n, "pageSize": 10})
}

/// Committed redemptions of `code` for the member the tests redeem for.
fn redeemed(gw: &MockGateway, code: &str) -> u64 {
    gw.stats().redemptions_of(code, seed::MEMBER_EMAIL)
}

fn redeem(code: &str) -> Value {
    json!({"code": code, "email": seed::MEMBER_EMAIL})
}

#[tokio::test]
async fn a_fault_on_page_2_hits_page_2_only_every_time() {
    let (gw, c, t) = setup().await;
    gw.fail_when(Match::path(QC_PAGE).field("pageNo", 2), Failure::http(503));
    c.call(QC_PAGE, &t, &page(1)).await.ok();
    c.call(QC_PAGE, &t, &page(2)).await.assert_error(503, 503);
    c.call(QC_PAGE, &t, &page(2)).await.assert_error(503, 503);
    c.call(QC_PAGE, &t, &page(3)).await.ok();
    // pageNo 2 on another path, and "2" as a string, are not page 2 of qc-page.
    c.call(
        SEARCH,
        &t,
        &json!({"imagesUrl": "https://example.com/a.jpg", "page": 2, "source": 1, "pageNo": 2}),
    )
    .await
    .ok();
    let r = c
        .call(QC_PAGE, &t, &json!({"pageNo": "2", "pageSize": 10}))
        .await;
    r.assert_error(200, 400);

    gw.clear_faults();
    c.call(QC_PAGE, &t, &page(2)).await.ok();
}

#[tokio::test]
async fn a_fault_on_the_redeem_path_leaves_the_other_paths_alone() {
    let (gw, c, t) = setup().await;
    gw.fail_when(Match::path(REDEEM), Failure::http(502));
    c.call(DETAIL, &t, &goods()).await.ok();
    c.call(QC_PAGE, &t, &page(1)).await.ok();
    for code in [seed::REDEEM_CODE_10_USD_OFF, seed::REDEEM_CODE_30_OFF] {
        c.call(REDEEM, &t, &redeem(code))
            .await
            .assert_error(502, 502);
        // Answered without being processed: nothing committed.
        assert_eq!(redeemed(&gw, code), 0);
    }
}

#[tokio::test]
async fn a_fault_on_one_redeem_code_hits_that_code_only_and_times_spends_it() {
    let (gw, c, t) = setup().await;
    gw.fail_when(
        Match::path(REDEEM)
            .field("code", seed::REDEEM_CODE_10_USD_OFF)
            .times(2),
        Failure::code(
            seed::codes::REDEEM_CODE_VOIDED,
            "Redeem code has been voided",
        ),
    );
    c.call(REDEEM, &t, &redeem(seed::REDEEM_CODE_30_OFF))
        .await
        .ok();
    for _ in 0..2 {
        let r = c
            .call(REDEEM, &t, &redeem(seed::REDEEM_CODE_10_USD_OFF))
            .await;
        r.assert_error(200, seed::codes::REDEEM_CODE_VOIDED);
        assert_eq!(r.msg(), "Redeem code has been voided");
    }
    let data = c
        .call(REDEEM, &t, &redeem(seed::REDEEM_CODE_10_USD_OFF))
        .await
        .ok();
    assert_eq!(data["success"], true, "spent after two: {data}");
}

#[tokio::test]
async fn nth_lets_the_first_matching_calls_through() {
    let (gw, c, t) = setup().await;
    gw.fail_when(Match::path(DETAIL).nth(3).times(1), Failure::http(500));
    // Calls to other paths do not count.
    c.call(QC_DETAIL, &t, &goods()).await.ok();
    c.call(DETAIL, &t, &goods()).await.ok();
    c.call(DETAIL, &t, &goods()).await.ok();
    c.call(DETAIL, &t, &goods()).await.assert_error(500, 500);
    c.call(DETAIL, &t, &goods()).await.ok();
}

#[tokio::test]
async fn every_fails_one_matching_call_in_k() {
    let (gw, c, t) = setup().await;
    gw.fail_when(
        Match::any().nth(2).every(3),
        Failure::http(429).retry_after("1"),
    );
    let mut failed = Vec::new();
    for i in 1..=8 {
        let r = c.call(DETAIL, &t, &goods()).await;
        if r.status == 429 {
            assert_eq!(r.header("retry-after"), Some("1"));
            failed.push(i);
        }
    }
    assert_eq!(failed, [2, 5, 8]);
    let r = admin(&c, "/__mock/fail-when", json!({"every": 0, "status": 429})).await;
    assert_eq!(r.status, 400, "{}", r.text);
}

#[tokio::test]
async fn a_targeted_hit_does_not_consume_fail_next() {
    let (gw, c, t) = setup().await;
    gw.fail_next(1, Failure::http(429));
    gw.fail_when(Match::path(REDEEM).times(1), Failure::http(503));
    c.call(REDEEM, &t, &redeem(seed::REDEEM_CODE_30_OFF))
        .await
        .assert_error(503, 503);
    c.call(DETAIL, &t, &goods()).await.assert_error(429, 429);
    c.call(DETAIL, &t, &goods()).await.ok();
}

#[tokio::test]
async fn drop_when_after_processing_commits_one_code_and_answers_nothing() {
    let (gw, c, t) = setup().await;
    gw.drop_when(
        Match::path(REDEEM).field("code", seed::REDEEM_CODE_10_USD_OFF),
        DropPoint::AfterProcessing,
    );
    c.call(REDEEM, &t, &redeem(seed::REDEEM_CODE_30_OFF))
        .await
        .ok();
    c.try_call(REDEEM, &t, &redeem(seed::REDEEM_CODE_10_USD_OFF))
        .await
        .expect_err("dropped");
    assert_eq!(redeemed(&gw, seed::REDEEM_CODE_10_USD_OFF), 1);
}

#[tokio::test]
async fn the_admin_api_sets_and_clears_targeted_faults() {
    let (_gw, c, t) = setup().await;
    admin_ok(
        &c,
        "/__mock/fail-when",
        json!({"path": QC_PAGE, "fields": {"pageNo": 2}, "times": 1, "status": 503, "retryAfter": "1"}),
    )
    .await;
    c.call(QC_PAGE, &t, &page(1)).await.ok();
    let r = c.call(QC_PAGE, &t, &page(2)).await;
    r.assert_error(503, 503);
    assert_eq!(r.header("retry-after"), Some("1"));
    c.call(QC_PAGE, &t, &page(2)).await.ok();

    admin_ok(
        &c,
        "/__mock/fail-when",
        json!({"fields": {"code": seed::REDEEM_CODE_30_OFF}, "nth": 2, "code": 1013020001, "msg": "Redeem code has expired"}),
    )
    .await;
    c.call(REDEEM, &t, &redeem(seed::REDEEM_CODE_30_OFF))
        .await
        .ok();
    c.call(REDEEM, &t, &redeem(seed::REDEEM_CODE_30_OFF))
        .await
        .assert_error(200, 1_013_020_001);
    admin_ok(&c, "/__mock/clear-faults", json!({})).await;
    c.call(REDEEM, &t, &redeem(seed::REDEEM_CODE_30_OFF))
        .await
        .ok();

    admin_ok(
        &c,
        "/__mock/drop-when",
        json!({"path": DETAIL, "at": "before", "times": 1}),
    )
    .await;
    c.try_call(DETAIL, &t, &goods()).await.expect_err("dropped");
    c.call(DETAIL, &t, &goods()).await.ok();
}

#[tokio::test]
async fn the_admin_api_names_the_bad_member() {
    let (_gw, c, _t) = setup().await;
    for (path, body, names) in [
        (
            "/__mock/fail-when",
            json!({"path": "/open-api/goods/qc_page", "status": 503}),
            "path",
        ),
        (
            "/__mock/fail-when",
            json!({"path": TOKEN, "status": 503}),
            "path",
        ),
        (
            "/__mock/fail-when",
            json!({"fields": [1], "status": 503}),
            "fields",
        ),
        ("/__mock/fail-when", json!({"nth": 0, "status": 503}), "nth"),
        (
            "/__mock/fail-when",
            json!({"times": -1, "status": 503}),
            "times",
        ),
        ("/__mock/fail-when", json!({"path": QC_PAGE}), "status"),
        ("/__mock/drop-when", json!({"at": "later"}), "at"),
    ] {
        let r = admin(&c, path, body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        let error = r.json()["error"].as_str().unwrap().to_owned();
        assert!(error.starts_with(names), "{body}: {error}");
    }
}
