//! Authentication, tenant, scope, routing and body rules of business calls, in both styles.

mod common;

use std::time::Duration;

use common::*;
use hyper::Method;
use rizzitgo_mock_gateway::{ErrorStyle, MockGateway, seed};
use serde_json::json;

/// (style, HTTP status expected for a global code)
fn statuses(style: ErrorStyle, code: u16) -> u16 {
    match style {
        ErrorStyle::Http200 => 200,
        ErrorStyle::HttpStatus => code,
    }
}

#[tokio::test]
async fn token_problems_are_401_in_both_styles() {
    for style in [ErrorStyle::Http200, ErrorStyle::HttpStatus] {
        let (_gw, c, _) = styled(style).await;
        let s = statuses(style, 401);
        // Missing Authorization.
        c.send(
            Method::POST,
            DETAIL,
            &[("tenant-id", "1"), ("content-type", "application/json")],
            &goods().to_string(),
        )
        .await
        .assert_error(s, 401);
        // Unknown token, and a Basic header instead of Bearer.
        c.call(DETAIL, &"0".repeat(32), &goods())
            .await
            .assert_error(s, 401);
        c.send(
            Method::POST,
            DETAIL,
            &[
                (
                    "authorization",
                    &basic(seed::CLIENT_ID, seed::CLIENT_SECRET),
                ),
                ("tenant-id", "1"),
                ("content-type", "application/json"),
            ],
            &goods().to_string(),
        )
        .await
        .assert_error(s, 401);
    }
}

#[tokio::test]
async fn tokens_expire_on_the_mock_clock() {
    let (gw, c, t) = start(MockGateway::builder().token_ttl(100)).await;
    gw.advance_clock(Duration::from_secs(99));
    c.call(DETAIL, &t, &goods()).await.ok();
    gw.advance_clock(Duration::from_secs(1));
    let r = c.call(DETAIL, &t, &goods()).await;
    r.assert_error(200, 401);
    assert!(r.msg().contains("expired"), "{}", r.msg());
    // A new token works again.
    let t2 = c.token(&gw.credentials()).await;
    c.call(DETAIL, &t2, &goods()).await.ok();
}

#[tokio::test]
async fn expire_all_tokens_expires_issued_tokens_only() {
    let (gw, c, t) = setup().await;
    c.call(DETAIL, &t, &goods()).await.ok();
    gw.expire_all_tokens();
    c.call(DETAIL, &t, &goods()).await.assert_error(200, 401);
    let fresh = c.token(&gw.credentials()).await;
    c.call(DETAIL, &fresh, &goods()).await.ok();
}

#[tokio::test]
async fn revoke_all_tokens_revokes_issued_tokens_only() {
    let (gw, c, t) = setup().await;
    c.call(DETAIL, &t, &goods()).await.ok();
    gw.revoke_all_tokens();
    let r = c.call(DETAIL, &t, &goods()).await;
    r.assert_error(200, 401);
    assert_eq!(r.msg(), "Access token revoked");
    let fresh = c.token(&gw.credentials()).await;
    c.call(DETAIL, &fresh, &goods()).await.ok();
}

#[tokio::test]
async fn tenant_rules() {
    for style in [ErrorStyle::Http200, ErrorStyle::HttpStatus] {
        let (_gw, c, t) = styled(style).await;
        let auth = format!("Bearer {t}");
        let send = |tenant: Option<&'static str>| {
            let mut h = vec![
                ("authorization", auth.as_str()),
                ("content-type", "application/json"),
            ];
            if let Some(tenant) = tenant {
                h.push(("tenant-id", tenant));
            }
            let c = &c;
            async move { c.send(Method::POST, DETAIL, &h, &goods().to_string()).await }
        };
        let r = send(None).await;
        r.assert_error(statuses(style, 400), 400);
        assert_eq!(r.msg(), "tenant not passed");
        send(Some("2"))
            .await
            .assert_error(statuses(style, 403), 403);
        send(Some("1")).await.ok();
    }
}

#[tokio::test]
async fn scope_is_checked_per_endpoint() {
    let (_gw, c, t) = start(
        MockGateway::builder()
            .error_style(ErrorStyle::HttpStatus)
            .granted_scopes(&[seed::SCOPE_GOODS_DETAIL]),
    )
    .await;
    c.call(DETAIL, &t, &goods()).await.ok();
    for (path, scope) in [
        (QC_DETAIL, "goods:qc:read"),
        (QC_IMAGES, "goods:qc:read"),
        (QC_PAGE, "goods:qc:read"),
        (SEARCH, "goods:search:read"),
        (URL_PARSE, "goods:search:read"),
        (REDEEM, "promotion:redeem-code:redeem"),
    ] {
        let r = c.call(path, &t, &json!({})).await;
        r.assert_error(403, 403);
        assert!(r.msg().contains(scope), "{path}: {}", r.msg());
    }
}

#[tokio::test]
async fn every_scope_opens_its_endpoints() {
    let (_gw, c, t) = setup().await;
    c.call(QC_IMAGES, &t, &goods()).await.ok();
    c.call(QC_PAGE, &t, &json!({"pageNo": 1, "pageSize": 1}))
        .await
        .ok();
    c.call(URL_PARSE, &t, &json!({"searchUrl": seed::TMALL_URL}))
        .await
        .ok();
    c.call(
        REDEEM,
        &t,
        &json!({"code": seed::REDEEM_CODE_30_OFF, "email": seed::MEMBER_EMAIL}),
    )
    .await
    .ok();
}

#[tokio::test]
async fn undeclared_methods_are_405_and_unknown_paths_404() {
    for style in [ErrorStyle::Http200, ErrorStyle::HttpStatus] {
        let (gw, c, t) = styled(style).await;
        let auth = format!("Bearer {t}");
        for method in [Method::GET, Method::PUT, Method::DELETE, Method::PATCH] {
            for path in [DETAIL, REDEEM, TOKEN, REVOKE] {
                let r = c
                    .send(
                        method.clone(),
                        path,
                        &[("authorization", &auth), ("tenant-id", "1")],
                        "",
                    )
                    .await;
                r.assert_error(405, 405);
                assert_eq!(r.header("allow"), Some("POST"));
            }
        }
        let r = c.call("/open-api/goods/nope", &t, &goods()).await;
        r.assert_error(404, 404);
        // Not routed: the 405s and 404 were recorded but nothing was processed.
        assert_eq!(gw.stats().endpoint("/open-api/goods/nope"), 1);
    }
}

#[tokio::test]
async fn body_must_be_a_json_object() {
    for style in [ErrorStyle::Http200, ErrorStyle::HttpStatus] {
        let (_gw, c, t) = styled(style).await;
        let s = statuses(style, 400);
        let auth = format!("Bearer {t}");
        let send = |ct: &'static str, body: &'static str| {
            let c = &c;
            let auth = auth.clone();
            async move {
                c.send(
                    Method::POST,
                    DETAIL,
                    &[
                        ("authorization", &auth),
                        ("tenant-id", "1"),
                        ("content-type", ct),
                    ],
                    body,
                )
                .await
            }
        };
        send("application/json", "").await.assert_error(s, 400);
        send("application/json", "{not json")
            .await
            .assert_error(s, 400);
        send("application/json", "[1]").await.assert_error(s, 400);
        send("text/plain", r#"{"goodsId":"123456","source":1}"#)
            .await
            .assert_error(s, 400);
        send(
            "application/json; charset=utf-8",
            r#"{"goodsId":"123456","source":1}"#,
        )
        .await
        .ok();
    }
}

#[tokio::test]
async fn business_codes_stay_http_200_in_http_status_style() {
    let (_gw, c, t) = styled(ErrorStyle::HttpStatus).await;
    let r = c
        .call(
            DETAIL,
            &t,
            &json!({"goodsId": seed::UNKNOWN_GOODS_ID, "source": 1}),
        )
        .await;
    r.assert_error(200, seed::codes::GOODS_NOT_EXISTS);
    assert_eq!(r.msg(), "Goods does not exist");
}
