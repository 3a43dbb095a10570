//! Token and revoke endpoints (guide §5, §8).

mod common;

use common::*;
use hyper::Method;
use rizzitgo_mock_gateway::{Credentials, ErrorStyle, MockGateway, seed};
use serde_json::json;

#[tokio::test]
async fn issues_an_opaque_bearer_token_with_all_granted_scopes() {
    let (gw, c) = start_bare(MockGateway::builder()).await;
    let data = c
        .token_request(&gw.credentials(), "grant_type=client_credentials")
        .await
        .ok();
    let token = data["access_token"].as_str().unwrap();
    assert_eq!(token.len(), 32);
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(data["refresh_token"], "");
    assert_eq!(data["token_type"], "Bearer");
    assert_eq!(data["expires_in"], 1800);
    assert_eq!(data["scope"], seed::ALL_SCOPES.join(" "));
}

#[tokio::test]
async fn requested_scope_narrows_the_token() {
    let (gw, c, _) = setup().await;
    let data = c
        .token_request(
            &gw.credentials(),
            "grant_type=client_credentials&scope=goods:detail:read",
        )
        .await
        .ok();
    assert_eq!(data["scope"], "goods:detail:read");
    let token = data["access_token"].as_str().unwrap();
    let goods = json!({"goodsId": "123456", "source": 1});
    c.call(DETAIL, token, &goods).await.ok();
    let r = c.call(QC_DETAIL, token, &goods).await;
    r.assert_error(200, 403);
    assert!(r.msg().contains("goods:qc:read"), "{}", r.msg());
}

#[tokio::test]
async fn scope_beyond_the_grant_is_400() {
    let (gw, c) =
        start_bare(MockGateway::builder().granted_scopes(&[seed::SCOPE_GOODS_DETAIL])).await;
    let r = c
        .token_request(
            &gw.credentials(),
            "grant_type=client_credentials&scope=goods:detail:read+goods:qc:read",
        )
        .await;
    r.assert_error(200, 400);
    assert!(r.msg().contains("goods:qc:read"));
    let all = c
        .token_request(&gw.credentials(), "grant_type=client_credentials")
        .await
        .ok();
    assert_eq!(all["scope"], "goods:detail:read");
}

#[tokio::test]
async fn grant_type_rules() {
    let (gw, c) = start_bare(MockGateway::builder()).await;
    for grant in [
        "authorization_code",
        "password",
        "refresh_token",
        "implicit",
    ] {
        let r = c
            .token_request(&gw.credentials(), &format!("grant_type={grant}"))
            .await;
        r.assert_error(200, 400);
        assert_eq!(
            r.msg(),
            "the open platform only supports the client_credentials grant"
        );
    }
    let r = c
        .token_request(&gw.credentials(), "scope=goods:detail:read")
        .await;
    r.assert_error(200, 400);
    assert!(r.msg().contains("grant_type"));
}

#[tokio::test]
async fn client_authentication_and_tenant_rules() {
    let (gw, c) = start_bare(MockGateway::builder().error_style(ErrorStyle::HttpStatus)).await;
    let good = gw.credentials();
    let wrong_secret = Credentials {
        client_secret: "nope".into(),
        ..good.clone()
    };
    c.token_request(&wrong_secret, "grant_type=client_credentials")
        .await
        .assert_error(401, 401);
    let unknown = Credentials {
        client_id: "someone".into(),
        ..good.clone()
    };
    c.token_request(&unknown, "grant_type=client_credentials")
        .await
        .assert_error(401, 401);
    // The app exists, but not in this tenant.
    let other_tenant = Credentials {
        tenant_id: seed::OTHER_TENANT_ID.into(),
        ..good.clone()
    };
    c.token_request(&other_tenant, "grant_type=client_credentials")
        .await
        .assert_error(401, 401);
    // No Basic header at all.
    c.send(
        Method::POST,
        TOKEN,
        &[
            ("tenant-id", "1"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        "grant_type=client_credentials",
    )
    .await
    .assert_error(401, 401);
    // No tenant-id.
    let r = c
        .send(
            Method::POST,
            TOKEN,
            &[
                (
                    "authorization",
                    &basic(&good.client_id, &good.client_secret),
                ),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            "grant_type=client_credentials",
        )
        .await;
    r.assert_error(400, 400);
    assert_eq!(r.msg(), "tenant not passed");
    // Neither credentials nor tenant: authentication is checked first.
    c.send(
        Method::POST,
        TOKEN,
        &[("content-type", "application/x-www-form-urlencoded")],
        "grant_type=client_credentials",
    )
    .await
    .assert_error(401, 401);
    c.send(Method::POST, REVOKE, &[], "token=x")
        .await
        .assert_error(401, 401);
    // The second seeded app works in its own tenant.
    let other = Credentials {
        client_id: seed::OTHER_CLIENT_ID.into(),
        client_secret: seed::OTHER_CLIENT_SECRET.into(),
        tenant_id: seed::OTHER_TENANT_ID.into(),
    };
    let data = c
        .token_request(&other, "grant_type=client_credentials")
        .await
        .ok();
    assert_eq!(data["scope"], "goods:detail:read");
}

#[tokio::test]
async fn token_ttl_is_configurable() {
    let (gw, c) = start_bare(MockGateway::builder().token_ttl(60)).await;
    let data = c
        .token_request(&gw.credentials(), "grant_type=client_credentials")
        .await
        .ok();
    assert_eq!(data["expires_in"], 60);
}

#[tokio::test]
async fn revoke_invalidates_only_that_token() {
    let (gw, c, token) = setup().await;
    let other = c.token(&gw.credentials()).await;
    let creds = gw.credentials();
    let auth = basic(&creds.client_id, &creds.client_secret);
    let revoke = |t: String| {
        let c = &c;
        let auth = auth.clone();
        async move {
            c.send(
                Method::POST,
                REVOKE,
                &[
                    ("authorization", &auth),
                    ("tenant-id", "1"),
                    ("content-type", "application/x-www-form-urlencoded"),
                ],
                &format!("token={t}"),
            )
            .await
        }
    };
    assert_eq!(revoke(token.clone()).await.ok(), json!(true));
    // Already revoked, or unknown: false.
    assert_eq!(revoke(token.clone()).await.ok(), json!(false));
    assert_eq!(revoke("f".repeat(32)).await.ok(), json!(false));
    let goods = json!({"goodsId": "123456", "source": 1});
    let r = c.call(DETAIL, &token, &goods).await;
    r.assert_error(200, 401);
    c.call(DETAIL, &other, &goods).await.ok();

    // Revoke needs client authentication and a token parameter.
    c.send(
        Method::POST,
        REVOKE,
        &[
            ("tenant-id", "1"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        &format!("token={other}"),
    )
    .await
    .assert_error(200, 401);
    c.send(
        Method::POST,
        REVOKE,
        &[
            ("authorization", &auth),
            ("tenant-id", "1"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        "",
    )
    .await
    .assert_error(200, 400);

    let stats = gw.stats();
    assert_eq!(stats.revoke_requests, 5);
    assert_eq!(stats.token_requests, 2);
    // The recorded revoke body keeps only a token prefix.
    let recorded = stats.requests.iter().find(|r| r.path == REVOKE).unwrap();
    assert_eq!(recorded.body, format!("token={}…", &token[..6]));
    assert_eq!(
        recorded.header("Authorization"),
        Some(format!("Basic {}:<redacted>", seed::CLIENT_ID).as_str())
    );
}

#[tokio::test]
async fn another_clients_token_cannot_be_revoked() {
    let (gw, c, token) = setup().await;
    let auth = basic(seed::OTHER_CLIENT_ID, seed::OTHER_CLIENT_SECRET);
    let r = c
        .send(
            Method::POST,
            REVOKE,
            &[
                ("authorization", &auth),
                ("tenant-id", seed::OTHER_TENANT_ID),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            &format!("token={token}"),
        )
        .await;
    assert_eq!(r.ok(), json!(false));
    c.call(DETAIL, &token, &json!({"goodsId": "123456", "source": 1}))
        .await
        .ok();
    drop(gw);
}

#[test]
fn credentials_debug_redacts_the_secret() {
    let creds = Credentials {
        client_id: "id".into(),
        client_secret: "top-secret".into(),
        tenant_id: "1".into(),
    };
    let dbg = format!("{creds:?}");
    assert!(!dbg.contains("top-secret"), "{dbg}");
    assert!(dbg.contains("id"));
}
