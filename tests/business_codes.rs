//! The module codes `BusinessCode` names (member, goods, the redeem-code family): a redeem
//! handler tells every refusal of the mock gateway apart by `match`ing on them, in both error
//! styles, and the names stay in step with the numbers the mock answers.

mod common;

use common::BOTH_STYLES;
use rizzitgo_mock_gateway::seed::{self, codes};
use rizzitgo_open_api::types::{GoodsRequest, RedeemRequest};
use rizzitgo_open_api::{BusinessCode, Client, ErrorKind};

/// What a redeem handler answers, decided by code alone (no message text).
#[derive(Debug, PartialEq)]
enum Refusal {
    Member,
    NotFound,
    Expired,
    Voided,
    Exhausted,
    Limit,
    Other(i64),
}

async fn redeem(client: &Client, code: &str, email: &str) -> Result<(), Refusal> {
    let error = match client.redeem_coupon(RedeemRequest::new(code, email)).await {
        Ok(_) => return Ok(()),
        Err(error) => error,
    };
    assert_eq!(error.kind(), ErrorKind::Business, "{error}");
    Err(match error.business_code().expect("an envelope code") {
        BusinessCode::MemberNotExists => Refusal::Member,
        BusinessCode::RedeemCodeNotExists => Refusal::NotFound,
        BusinessCode::RedeemCodeExpired => Refusal::Expired,
        BusinessCode::RedeemCodeVoided => Refusal::Voided,
        BusinessCode::RedeemCodeExhausted => Refusal::Exhausted,
        BusinessCode::RedeemLimitReached => Refusal::Limit,
        other => Refusal::Other(other.code()),
    })
}

#[tokio::test]
async fn a_redeem_handler_tells_every_refusal_apart_by_code() {
    for style in BOTH_STYLES {
        let gateway = common::gateway(style).await;
        let client = common::client(&gateway);
        let member = seed::MEMBER_EMAIL;
        assert_eq!(
            redeem(&client, seed::REDEEM_CODE_30_OFF, "nobody@example.com").await,
            Err(Refusal::Member),
            "{style:?}"
        );
        assert_eq!(
            redeem(&client, "0000000000000000", member).await,
            Err(Refusal::NotFound)
        );
        assert_eq!(
            redeem(&client, seed::REDEEM_CODE_EXPIRED, member).await,
            Err(Refusal::Expired)
        );
        assert_eq!(
            redeem(&client, seed::REDEEM_CODE_VOIDED, member).await,
            Err(Refusal::Voided)
        );
        assert_eq!(
            redeem(&client, seed::REDEEM_CODE_EXHAUSTED, member).await,
            Err(Refusal::Exhausted)
        );
        // Once per member: the second redemption (another requestId) hits the limit.
        assert_eq!(
            redeem(&client, seed::REDEEM_CODE_ONCE_PER_MEMBER, member).await,
            Ok(())
        );
        assert_eq!(
            redeem(&client, seed::REDEEM_CODE_ONCE_PER_MEMBER, member).await,
            Err(Refusal::Limit)
        );
        // A code the SDK does not name stays open, with its number.
        gateway.fail_next(
            1,
            rizzitgo_mock_gateway::Failure::code(1_013_099_001, "new"),
        );
        assert_eq!(
            redeem(&client, seed::REDEEM_CODE_30_OFF, member).await,
            Err(Refusal::Other(1_013_099_001))
        );
    }
}

#[tokio::test]
async fn unknown_goods_is_goods_not_exists() {
    let gateway = common::gateway(BOTH_STYLES[0]).await;
    let client = common::client(&gateway);
    let error = client
        .goods_detail(GoodsRequest::new(seed::UNKNOWN_GOODS_ID, 1))
        .await
        .unwrap_err();
    assert_eq!(error.business_code(), Some(BusinessCode::GoodsNotExists));
}

#[test]
fn the_named_codes_are_the_numbers_the_mock_answers() {
    for (name, code) in [
        (BusinessCode::MemberNotExists, codes::MEMBER_NOT_EXISTS),
        (BusinessCode::GoodsNotExists, codes::GOODS_NOT_EXISTS),
        (BusinessCode::ImageUrlInvalid, codes::IMAGE_URL_INVALID),
        (
            BusinessCode::RedeemCodeNotExists,
            codes::REDEEM_CODE_NOT_EXISTS,
        ),
        (BusinessCode::RedeemCodeExpired, codes::REDEEM_CODE_EXPIRED),
        (BusinessCode::RedeemCodeVoided, codes::REDEEM_CODE_VOIDED),
        (
            BusinessCode::RedeemCodeExhausted,
            codes::REDEEM_CODE_EXHAUSTED,
        ),
        (
            BusinessCode::RedeemLimitReached,
            codes::REDEEM_CODE_MEMBER_LIMIT,
        ),
    ] {
        assert_eq!(name.code(), code, "{name:?}");
        assert_eq!(BusinessCode::from(code), name);
        assert!(name.meaning().is_some());
    }
}
