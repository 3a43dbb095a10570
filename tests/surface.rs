//! The surface a person reads: constructors with the required fields, builder names, named
//! values, named codes, one error kind per failure, and the meaning of `success` fields.

mod common;

use rizzitgo_mock_gateway::{DropPoint, ErrorStyle, Failure, seed};
use rizzitgo_open_api::types::{
    GoodsRequest, QcPageRequest, QcPageRequestBuilder, RedeemRequest, Source, TimeRange,
    UrlParseRequest,
};
use rizzitgo_open_api::{BusinessCode, ErrorKind, RetryPolicy};

#[tokio::test]
async fn requests_are_built_from_their_required_fields_and_named_values() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = common::client(&gateway);
    let goods = client
        .goods_detail(GoodsRequest::new(seed::GOODS_ID, Source::Taobao))
        .await
        .unwrap();
    assert_eq!(goods.goods_id.as_deref(), Some(seed::GOODS_ID));
    // Responses carry plain integers: a name where the spec has one, the number otherwise.
    assert_eq!(Source::from(goods.goods_source.unwrap()), Source::Taobao);
    assert_eq!(Source::from(4), Source::Other);
    assert_eq!(Source::from(9), Source::Unknown(9));
    assert_eq!(Source::Weidian.code(), 3);

    // The builder has a name of its own.
    let filter: QcPageRequestBuilder = QcPageRequest::new(1u32, 10u32)
        .completion_time(TimeRange::days("2026-06-01", "2026-06-30").unwrap());
    let page = client.goods_qc_page(filter).await.unwrap();
    assert_eq!(page.total, Some(seed::QC_JUNE_2026_COUNT as i64));

    // A named value the request does not allow is refused before sending.
    let error = client
        .goods_detail(GoodsRequest::new(seed::GOODS_ID, Source::Other))
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("source"));
}

#[tokio::test]
async fn optional_fields_take_their_value_and_set_takes_an_option() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = common::client(&gateway);
    // Optional text fields take `&str` like required ones (typify's setter wanted an Option).
    let parsed = client
        .parse_goods_url(
            UrlParseRequest::builder()
                .search_url(seed::TMALL_URL)
                .rno("ABC123"),
        )
        .await
        .unwrap();
    assert!(parsed.is_parsed());
    // `set_…` passes an optional value through; `None` sends no field at all.
    let passed_through: Option<String> = None;
    client
        .parse_goods_url(
            UrlParseRequest::builder()
                .search_url(seed::TMALL_URL)
                .set_rno(passed_through),
        )
        .await
        .unwrap();
    let bodies: Vec<String> = gateway
        .stats()
        .requests
        .into_iter()
        .filter(|r| r.path.ends_with("/goods/search-url-parse"))
        .map(|r| r.body)
        .collect();
    assert_eq!(bodies.len(), 2);
    assert!(bodies[0].contains(r#""rno":"ABC123""#), "{}", bodies[0]);
    assert!(!bodies[1].contains("rno"), "{}", bodies[1]);
}

#[tokio::test]
async fn every_failure_has_one_kind_and_codes_have_names() {
    let gateway = common::gateway(ErrorStyle::HttpStatus).await;
    let client = common::builder(&gateway)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let detail = || client.goods_detail(GoodsRequest::new(seed::GOODS_ID, 1));
    detail().await.unwrap();
    let cases = [
        (
            Failure::http(429),
            ErrorKind::RateLimited,
            Some(BusinessCode::TooManyRequests),
        ),
        (
            Failure::http(403),
            ErrorKind::Forbidden,
            Some(BusinessCode::Forbidden),
        ),
        (
            Failure::http(400),
            ErrorKind::InvalidParameter,
            Some(BusinessCode::BadRequest),
        ),
        (
            Failure::http(503),
            ErrorKind::ServerError,
            Some(BusinessCode::Unknown(503)),
        ),
        (Failure::html(502), ErrorKind::ServerError, None),
        (Failure::html(200), ErrorKind::Decode, None),
        (
            Failure::html(302).location("http://127.0.0.1:9/"),
            ErrorKind::Redirect,
            None,
        ),
        (
            Failure::code(900, "Duplicate request, please do not retry"),
            ErrorKind::DuplicateRequest,
            Some(BusinessCode::RepeatedRequest),
        ),
        (
            Failure::code(1_013_020_001, "Redeem code has expired"),
            ErrorKind::Business,
            Some(BusinessCode::RedeemCodeExpired),
        ),
        (
            Failure::code(1_013_099_001, "A code the spec does not name"),
            ErrorKind::Business,
            Some(BusinessCode::Unknown(1_013_099_001)),
        ),
    ];
    for (failure, kind, code) in cases {
        gateway.fail_next(1, failure);
        let error = detail().await.unwrap_err();
        assert_eq!(error.kind(), kind, "{error}");
        assert_eq!(error.business_code(), code, "{error}");
    }
    assert_eq!(BusinessCode::TooManyRequests.code(), 429);
    assert!(
        BusinessCode::TooManyRequests
            .meaning()
            .unwrap()
            .contains("per clientId")
    );
    gateway.drop_next(3, DropPoint::BeforeProcessing);
    assert_eq!(detail().await.unwrap_err().kind(), ErrorKind::Transport);
    let error = client
        .redeem_coupon(RedeemRequest::new("E602F4DC626E4948", ""))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn a_link_the_platform_cannot_read_is_ok_but_not_parsed() {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = common::client(&gateway);
    let parsed = client
        .parse_goods_url(UrlParseRequest::new(seed::TMALL_URL))
        .await
        .unwrap();
    assert!(parsed.is_parsed());
    let unknown = client
        .parse_goods_url(UrlParseRequest::new("https://example.com/not-a-goods-page"))
        .await
        .unwrap();
    assert!(!unknown.is_parsed());
    assert_eq!(unknown.success, Some(false));
    assert_eq!(unknown.goods_source.map(Source::from), Some(Source::Other));
}

#[cfg(feature = "mock-gateway")]
#[tokio::test]
async fn a_client_for_the_mock_in_one_line() {
    let gateway = rizzitgo_mock_gateway::MockGateway::start().await.unwrap();
    let client = rizzitgo_open_api::Client::for_mock(&gateway).unwrap();
    client
        .goods_qc_images(GoodsRequest::new(seed::GOODS_ID, Source::Taobao))
        .await
        .unwrap();
    assert_eq!(gateway.stats().token_requests, 1);
}
