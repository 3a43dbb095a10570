//! Coupon redemption (guide 7.7).

mod common;

use std::time::Duration;

use common::*;
use rizzitgo_mock_gateway::{ErrorStyle, seed};
use serde_json::{Value, json};

fn body(code: &str, email: &str) -> Value {
    json!({"code": code, "email": email})
}

#[tokio::test]
async fn guide_code_issues_a_30_percent_coupon() {
    let (gw, c, t) = setup().await;
    let r = c
        .call(
            REDEEM,
            &t,
            &json!({"code": "E602F4DC626E4948", "email": seed::MEMBER_EMAIL, "requestId": "REQ-20260604-0001"}),
        )
        .await;
    assert_eq!(
        r.json(),
        json!({
          "code": 0,
          "data": {
            "code": "E602F4DC626E4948",
            "email": seed::MEMBER_EMAIL,
            "prize": "30% OFF",
            "success": true,
            "message": "兑换成功,共获得 1 张优惠券",
            "coupons": [{
                "templateId": 1001,
                "title": "满100享7折",
                "couponType": 2,
                "discountType": 2,
                "discountPrice": null,
                "discountPercent": 70,
                "usePriceCondition": 10000,
                "validStartTime": "2026-06-01 00:00:00",
                "validEndTime": "2026-06-30 23:59:59"
            }]
          },
          "msg": ""
        })
    );
    assert_eq!(
        gw.stats()
            .redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
        1
    );
}

#[tokio::test]
async fn prize_texts() {
    let (_gw, c, t) = setup().await;
    for (code, prize, coupons) in [
        (seed::REDEEM_CODE_10_USD_OFF, "$10 OFF", 1),
        (seed::REDEEM_CODE_10_50_USD_OFF, "$10.50 OFF", 1),
        (seed::REDEEM_CODE_MULTI, "30% OFF,$10 OFF", 2),
        (seed::REDEEM_CODE_TITLE_ONLY, "Free Shipping Voucher", 1),
    ] {
        let d = c
            .call(REDEEM, &t, &body(code, seed::MEMBER_EMAIL))
            .await
            .ok();
        assert_eq!(d["prize"], prize, "{code}");
        assert_eq!(d["coupons"].as_array().unwrap().len(), coupons);
        assert_eq!(d["message"], format!("兑换成功,共获得 {coupons} 张优惠券"));
    }
    // The guide's amount coupon shape is template 1002.
    let d = c
        .call(
            REDEEM,
            &t,
            &body(seed::REDEEM_CODE_10_USD_OFF, seed::SECOND_MEMBER_EMAIL),
        )
        .await
        .ok();
    assert_eq!(
        d["coupons"][0],
        json!({
            "templateId": 1002, "title": "满100减10", "couponType": 2, "discountType": 1,
            "discountPrice": 1000, "discountPercent": null, "usePriceCondition": 10000,
            "validStartTime": "2026-06-01 00:00:00", "validEndTime": "2026-06-30 23:59:59"
        })
    );
}

#[tokio::test]
async fn member_and_parameter_errors() {
    let (gw, c, t) = styled(ErrorStyle::HttpStatus).await;
    let r = c
        .call(REDEEM, &t, &body(seed::REDEEM_CODE_30_OFF, ""))
        .await;
    r.assert_error(400, 400);
    assert_eq!(r.msg(), "Email is required");
    let r = c
        .call(REDEEM, &t, &json!({"code": seed::REDEEM_CODE_30_OFF}))
        .await;
    assert_eq!(r.msg(), "Email is required");
    let r = c
        .call(
            REDEEM,
            &t,
            &json!({"code": seed::REDEEM_CODE_30_OFF, "email": null}),
        )
        .await;
    assert_eq!(r.msg(), "Email is required");
    c.call(
        REDEEM,
        &t,
        &json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::MEMBER_EMAIL, "requestId": null}),
    )
    .await
    .assert_error(400, 400);
    let r = c
        .call(
            REDEEM,
            &t,
            &body(seed::REDEEM_CODE_30_OFF, seed::UNKNOWN_MEMBER_EMAIL),
        )
        .await;
    r.assert_error(200, seed::codes::MEMBER_NOT_EXISTS);
    assert_eq!(r.msg(), "Member does not exist");
    // Exact match: case matters.
    c.call(
        REDEEM,
        &t,
        &body(seed::REDEEM_CODE_30_OFF, "Partner.Member@example.com"),
    )
    .await
    .assert_error(200, seed::codes::MEMBER_NOT_EXISTS);
    c.call(REDEEM, &t, &body("", seed::MEMBER_EMAIL))
        .await
        .assert_error(400, 400);
    c.call(REDEEM, &t, &json!({"email": seed::MEMBER_EMAIL}))
        .await
        .assert_error(400, 400);
    assert!(gw.stats().redemptions.is_empty());
}

#[tokio::test]
async fn code_errors_use_promotion_business_codes() {
    let (gw, c, t) = setup().await;
    for (code, err) in [
        (
            seed::REDEEM_CODE_UNKNOWN,
            seed::codes::REDEEM_CODE_NOT_EXISTS,
        ),
        (seed::REDEEM_CODE_EXPIRED, seed::codes::REDEEM_CODE_EXPIRED),
        (seed::REDEEM_CODE_VOIDED, seed::codes::REDEEM_CODE_VOIDED),
        (
            seed::REDEEM_CODE_EXHAUSTED,
            seed::codes::REDEEM_CODE_EXHAUSTED,
        ),
    ] {
        let r = c.call(REDEEM, &t, &body(code, seed::MEMBER_EMAIL)).await;
        r.assert_error(200, err);
        assert!((1_013_000_000..1_014_000_000).contains(&err));
    }
    // Per-member limit.
    c.call(
        REDEEM,
        &t,
        &body(seed::REDEEM_CODE_ONCE_PER_MEMBER, seed::MEMBER_EMAIL),
    )
    .await
    .ok();
    c.call(
        REDEEM,
        &t,
        &body(seed::REDEEM_CODE_ONCE_PER_MEMBER, seed::MEMBER_EMAIL),
    )
    .await
    .assert_error(200, seed::codes::REDEEM_CODE_MEMBER_LIMIT);
    c.call(
        REDEEM,
        &t,
        &body(seed::REDEEM_CODE_ONCE_PER_MEMBER, seed::SECOND_MEMBER_EMAIL),
    )
    .await
    .ok();
    // Total quota of two.
    c.call(
        REDEEM,
        &t,
        &body(seed::REDEEM_CODE_QUOTA_2, seed::MEMBER_EMAIL),
    )
    .await
    .ok();
    c.call(
        REDEEM,
        &t,
        &body(seed::REDEEM_CODE_QUOTA_2, seed::SECOND_MEMBER_EMAIL),
    )
    .await
    .ok();
    c.call(
        REDEEM,
        &t,
        &body(seed::REDEEM_CODE_QUOTA_2, seed::THIRD_MEMBER_EMAIL),
    )
    .await
    .assert_error(200, seed::codes::REDEEM_CODE_EXHAUSTED);
    let s = gw.stats();
    assert_eq!(
        s.redemptions_of(seed::REDEEM_CODE_ONCE_PER_MEMBER, seed::MEMBER_EMAIL),
        1
    );
    assert_eq!(
        s.redemptions_of(seed::REDEEM_CODE_QUOTA_2, seed::THIRD_MEMBER_EMAIL),
        0
    );
    assert_eq!(s.redemptions.values().sum::<u64>(), 4);
}

#[tokio::test]
async fn duplicate_request_id_within_ten_minutes_is_processed_once() {
    let (gw, c, t) = setup().await;
    let req = json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::MEMBER_EMAIL, "requestId": "REQ-1"});
    c.call(REDEEM, &t, &req).await.ok();
    gw.advance_clock(Duration::from_secs(9 * 60 + 59));
    let r = c.call(REDEEM, &t, &req).await;
    r.assert_error(200, 900);
    assert_eq!(r.msg(), "Duplicate request, please do not retry");
    // Even with another member: the id is what counts.
    c.call(
        REDEEM,
        &t,
        &json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::SECOND_MEMBER_EMAIL, "requestId": "REQ-1"}),
    )
    .await
    .assert_error(200, 900);
    // Another id is fine.
    c.call(
        REDEEM,
        &t,
        &json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::MEMBER_EMAIL, "requestId": "REQ-2"}),
    )
    .await
    .ok();
    assert_eq!(
        gw.stats()
            .redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
        2
    );
    gw.advance_clock(Duration::from_secs(2 * 60));
    c.call(REDEEM, &t, &req).await.ok();
    assert_eq!(
        gw.stats()
            .redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
        3
    );
}

#[tokio::test]
async fn request_id_is_allowed_again_after_eleven_minutes() {
    let (gw, c, t) = setup().await;
    let req = json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::MEMBER_EMAIL, "requestId": "REQ-X"});
    c.call(REDEEM, &t, &req).await.ok();
    c.call(REDEEM, &t, &req).await.assert_error(200, 900);
    gw.advance_clock(Duration::from_secs(11 * 60));
    c.call(REDEEM, &t, &req).await.ok();
    assert_eq!(
        gw.stats()
            .redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
        2
    );
}

#[tokio::test]
async fn failed_attempts_do_not_occupy_the_request_id() {
    let (_gw, c, t) = setup().await;
    let id = "REQ-FAIL";
    c.call(
        REDEEM,
        &t,
        &json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::UNKNOWN_MEMBER_EMAIL, "requestId": id}),
    )
    .await
    .assert_error(200, seed::codes::MEMBER_NOT_EXISTS);
    c.call(
        REDEEM,
        &t,
        &json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::MEMBER_EMAIL, "requestId": id}),
    )
    .await
    .ok();
}

#[tokio::test]
async fn concurrent_duplicates_commit_once() {
    let (gw, c, t) = setup().await;
    let req = json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::MEMBER_EMAIL, "requestId": "REQ-RACE"});
    gw.set_latency(Duration::from_millis(50));
    let calls = (0..8).map(|_| c.call(REDEEM, &t, &req));
    let results = join_all(calls).await;
    let ok = results.iter().filter(|r| r.code() == 0).count();
    let dup = results.iter().filter(|r| r.code() == 900).count();
    assert_eq!((ok, dup), (1, 7));
    assert_eq!(
        gw.stats()
            .redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
        1
    );
    assert!(gw.stats().max_concurrent >= 2);
}
