//! `Client::issue_token` and `Client::revoke` against the mock gateway, and
//! `Operation::request_from_json`'s field-named errors.

mod common;

use rizzitgo_mock_gateway::{ErrorStyle, seed};
use rizzitgo_open_api::types::{GoodsRequest, QcPageRequest};
use rizzitgo_open_api::{ErrorKind, Operation};
use std::time::Duration;

#[tokio::test]
async fn an_issued_token_shows_its_scopes_and_lifetime_and_can_be_revoked_once() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = common::client(&gateway);
    let issued = client.issue_token().await.unwrap();
    assert_eq!(issued.scopes(), seed::ALL_SCOPES);
    assert_eq!(
        issued.lifetime(),
        Duration::from_secs(seed::DEFAULT_TOKEN_TTL_SECS)
    );
    assert!(issued.remaining() <= issued.lifetime());
    assert!(
        issued
            .token_type()
            .is_some_and(|t| t.eq_ignore_ascii_case("bearer"))
    );
    let token = issued.token().expose().to_owned();
    assert_eq!(token.len(), 32);
    assert!(!format!("{issued:?}").contains(&token), "{issued:?}");
    assert_eq!(gateway.stats().token_requests, 1);

    assert!(client.revoke(issued.token()).await.unwrap());
    assert!(!client.revoke(issued.token()).await.unwrap());
    assert_eq!(gateway.stats().revoke_requests, 2);
}

#[tokio::test]
async fn the_requested_scopes_are_the_ones_shown() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = common::builder(&gateway)
        .scopes([seed::SCOPE_GOODS_QC])
        .build()
        .unwrap();
    let issued = client.issue_token().await.unwrap();
    assert_eq!(issued.scopes(), [seed::SCOPE_GOODS_QC]);
}

#[test]
fn a_json_request_is_refused_naming_the_field_the_typed_way() {
    let detail = Operation::find("goods_detail").unwrap();
    let ok: Result<GoodsRequest, _> =
        detail.request_from_json(serde_json::json!({"goodsId": "123456", "source": 2}));
    assert!(ok.is_ok(), "{ok:?}");
    for (body, field) in [
        // A rule of the spec (its x-message).
        (
            serde_json::json!({"goodsId": "123456", "source": 9}),
            "source",
        ),
        // The pattern, which typify's decoding checks.
        (serde_json::json!({"goodsId": "0", "source": 1}), "goodsId"),
        // A wrong JSON type.
        (
            serde_json::json!({"goodsId": 123456, "source": 1}),
            "goodsId",
        ),
        // Missing.
        (serde_json::json!({"source": 1}), "goodsId"),
    ] {
        let error = detail
            .request_from_json::<GoodsRequest>(body.clone())
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{body}: {error}");
        assert_eq!(error.field(), Some(field), "{body}: {error}");
    }
    let page = Operation::find("goods_qc_page").unwrap();
    let error = page
        .request_from_json::<QcPageRequest>(serde_json::json!({"pageNo": 1, "pageSize": 500}))
        .unwrap_err();
    assert_eq!(error.field(), Some("pageSize"));
    assert!(
        error
            .to_string()
            .contains("pageSize must be between 1 and 100"),
        "{error}"
    );
    let error = page
        .request_from_json::<QcPageRequest>(serde_json::json!([1, 2]))
        .unwrap_err();
    assert!(
        error.to_string().contains("must be a JSON object"),
        "{error}"
    );
}
