//! Contract tests of the SDK's wire traffic: every call goes through Prism
//! (`prism proxy spec/open-api.yaml <mock gateway> --errors`), which refuses a request that
//! breaks the spec (422) and turns a response that breaks it into a 500, so a call succeeds or
//! fails exactly as asserted here only when both sides follow `spec/open-api.yaml`.
//!
//! Run by `cargo xtask contract`, which starts the mock gateway and Prism and sets
//! `RIZZITGO_CONTRACT_URL` (Prism's URL), `RIZZITGO_CONTRACT_CLIENT_ID`,
//! `RIZZITGO_CONTRACT_CLIENT_SECRET` and `RIZZITGO_CONTRACT_TENANT_ID`. Ignored in a plain
//! `cargo test`.

use rizzitgo_mock_gateway::seed;
use rizzitgo_open_api::types::{
    DateTime, GoodsRequest, ImageSearchRequest, QcPageRequest, RedeemRequest, TimeRange,
    UrlParseRequest,
};
use rizzitgo_open_api::{Client, ClientBuilder, Error};

const IGNORED: &str = "run by cargo xtask contract (through Prism)";

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run these tests with `cargo xtask contract` ({IGNORED})")
    })
}

fn builder() -> ClientBuilder {
    Client::builder()
        .base_url(var("RIZZITGO_CONTRACT_URL"))
        .client_id(var("RIZZITGO_CONTRACT_CLIENT_ID"))
        .client_secret(var("RIZZITGO_CONTRACT_CLIENT_SECRET"))
        .tenant_id(var("RIZZITGO_CONTRACT_TENANT_ID"))
}

fn client() -> Client {
    builder().build().expect("a valid contract configuration")
}

fn goods(id: &str) -> rizzitgo_open_api::types::builder::GoodsRequest {
    GoodsRequest::builder().goods_id(id).source(1)
}

/// A business error answered by the gateway (not Prism: Prism's 422/500 carry no such code).
fn assert_code(error: &Error, code: i64, message: &str) {
    assert!(error.is_api(), "expected a gateway error, got {error:?}");
    assert_eq!(error.code(), Some(code), "{error:?}");
    assert_eq!(error.message(), Some(message), "{error:?}");
    assert_eq!(
        error.status().map(|s| s.as_u16()),
        Some(200),
        "the gateway answers errors with HTTP 200; a 422/500 is Prism reporting a violation: {error:?}"
    );
}

/// A request id no earlier run used (the mock keeps redeemed ids for 10 minutes).
fn unique_request_id(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("CONTRACT-{tag}-{}-{nanos}", std::process::id())
}

#[tokio::test]
#[ignore = "run by cargo xtask contract (through Prism)"]
async fn goods_detail_answers_the_spec_example() {
    let detail = client().goods_detail(goods(seed::GOODS_ID)).await.unwrap();
    assert_eq!(detail.goods_id.as_deref(), Some("123456"));
    assert_eq!(detail.goods_title.as_deref(), Some("Sample Goods"));
    assert_eq!(detail.price.as_deref(), Some("99.00"));
    assert_eq!(detail.price_in_cents, Some(9900));
    assert_eq!(detail.orginal_price.as_deref(), Some("129.00"));
    assert_eq!(detail.goods_image_url_list.len(), 2);
    assert_eq!(detail.goods_source, Some(1));
}

#[tokio::test]
#[ignore = "run by cargo xtask contract (through Prism)"]
async fn unknown_goods_is_a_business_error() {
    let error = client()
        .goods_detail(goods(seed::UNKNOWN_GOODS_ID))
        .await
        .unwrap_err();
    assert_code(
        &error,
        seed::codes::GOODS_NOT_EXISTS,
        seed::messages::GOODS_NOT_EXISTS,
    );
}

#[tokio::test]
#[ignore = "run by cargo xtask contract (through Prism)"]
async fn qc_endpoints_answer_the_spec_examples() {
    let client = client();
    let qc = client
        .goods_qc_detail(goods(seed::GOODS_ID))
        .await
        .unwrap()
        .expect("a QC record");
    assert_eq!(qc.goods_id.as_deref(), Some("123456"));
    assert_eq!(qc.completion_time.as_deref(), Some("2026-06-02 18:30:00"));
    assert_eq!(qc.volume.as_deref(), Some("6000"));

    let images = client.goods_qc_images(goods(seed::GOODS_ID)).await.unwrap();
    assert_eq!(
        images,
        [
            "https://example.com/qc/1.jpg",
            "https://example.com/qc/2.jpg"
        ]
    );
    let none = client
        .goods_qc_images(goods(seed::GOODS_WITHOUT_QC_ID))
        .await
        .unwrap();
    assert!(none.is_empty());

    let range = TimeRange([
        "2026-06-01 00:00:00".parse::<DateTime>().unwrap(),
        "2026-06-02 23:59:59".parse::<DateTime>().unwrap(),
    ]);
    let page = client
        .goods_qc_page(
            QcPageRequest::builder()
                .page_no(1u32)
                .page_size(10u32)
                .completion_time(range),
        )
        .await
        .unwrap();
    assert_eq!(page.total, Some(1));
    assert_eq!(page.list.len(), 1);
    assert_eq!(page.list[0].goods_id.as_deref(), Some("123456"));
}

#[tokio::test]
#[ignore = "run by cargo xtask contract (through Prism)"]
async fn image_search_answers_the_spec_example_and_refuses_a_non_image_url() {
    let client = client();
    let found = client
        .search_goods_by_image(
            ImageSearchRequest::builder()
                .images_url("https://example.com/img/query.jpg")
                .page(1u32)
                .source(1),
        )
        .await
        .unwrap();
    assert_eq!(found.total_count, Some(100));
    assert_eq!(found.total_page, Some(5));
    assert_eq!(found.goods_list[0].goods_id.as_deref(), Some("123456"));

    // An http(s) URL that is not an image: the gateway's business error.
    let error = client
        .search_goods_by_image(
            ImageSearchRequest::builder()
                .images_url("https://example.com/page.html")
                .page(1u32)
                .source(1),
        )
        .await
        .unwrap_err();
    assert_code(
        &error,
        seed::codes::IMAGE_URL_INVALID,
        seed::messages::IMAGE_URL_INVALID,
    );

    // Not a URL at all: refused by the SDK before sending (it would break the spec's pattern).
    let error = client
        .search_goods_by_image(
            ImageSearchRequest::builder()
                .images_url("not a url")
                .page(1u32)
                .source(1),
        )
        .await
        .unwrap_err();
    assert!(error.is_invalid_request(), "{error:?}");
}

#[tokio::test]
#[ignore = "run by cargo xtask contract (through Prism)"]
async fn url_parse_answers_the_spec_example_and_an_unknown_platform() {
    let client = client();
    let parsed = client
        .parse_goods_url(
            UrlParseRequest::builder()
                .search_url(seed::TMALL_URL)
                .rno("ABC123"),
        )
        .await
        .unwrap();
    assert_eq!(parsed.goods_id.as_deref(), Some("768650559131"));
    assert_eq!(parsed.goods_source, Some(1));
    assert_eq!(parsed.goods_source_name.as_deref(), Some("taobao"));
    assert_eq!(parsed.success, Some(true));
    assert_eq!(
        parsed.target_goods_detail_url.as_deref(),
        Some("https://www.rizzitgo.com/detailPage?goodsId=768650559131&source=1&rno=ABC123")
    );

    let other = client
        .parse_goods_url(UrlParseRequest::builder().search_url("https://example.org/shop/42"))
        .await
        .unwrap();
    assert_eq!(other.success, Some(false));
    assert_eq!(other.goods_source, Some(4));
}

#[tokio::test]
#[ignore = "run by cargo xtask contract (through Prism)"]
async fn redeem_answers_success_unknown_member_unknown_code_and_duplicates() {
    let client = client();
    // The spec's example request: its e-mail has no member on the mock.
    let error = client
        .redeem_coupon(
            RedeemRequest::builder()
                .code("E602F4DC626E4948")
                .email("member@example.com")
                .request_id(unique_request_id("example")),
        )
        .await
        .unwrap_err();
    assert_code(
        &error,
        seed::codes::MEMBER_NOT_EXISTS,
        seed::messages::MEMBER_NOT_EXISTS,
    );

    let request_id = unique_request_id("redeem");
    let redeem = || {
        RedeemRequest::builder()
            .code(seed::REDEEM_CODE_30_OFF)
            .email(seed::MEMBER_EMAIL)
            .request_id(request_id.clone())
    };
    let result = client.redeem_coupon(redeem()).await.unwrap();
    assert_eq!(result.success, Some(true));
    assert_eq!(result.prize.as_deref(), Some("30% OFF"));
    assert_eq!(result.coupons.len(), 1);
    assert_eq!(result.coupons[0].discount_type, Some(2));
    assert_eq!(result.coupons[0].discount_price, None);

    let duplicate = client.redeem_coupon(redeem()).await.unwrap_err();
    assert!(duplicate.is_duplicate_request(), "{duplicate:?}");
    assert_code(
        &duplicate,
        seed::codes::DUPLICATE_REQUEST,
        seed::messages::DUPLICATE_REQUEST,
    );

    let error = client
        .redeem_coupon(
            RedeemRequest::builder()
                .code(seed::REDEEM_CODE_UNKNOWN)
                .email(seed::MEMBER_EMAIL)
                .request_id(unique_request_id("unknown")),
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(seed::codes::REDEEM_CODE_NOT_EXISTS));
}

#[tokio::test]
#[ignore = "run by cargo xtask contract (through Prism)"]
async fn revoke_token_revokes_and_the_next_call_fetches_a_new_token() {
    let client = client();
    assert!(!client.revoke_token().await.unwrap(), "no token yet");
    client.goods_detail(goods(seed::GOODS_ID)).await.unwrap();
    assert!(client.revoke_token().await.unwrap());
    client.goods_detail(goods(seed::GOODS_ID)).await.unwrap();
}

#[tokio::test]
#[ignore = "run by cargo xtask contract (through Prism)"]
async fn missing_scope_and_wrong_secret_are_errors_the_spec_allows() {
    let narrow = builder().scopes(["goods:detail:read"]).build().unwrap();
    narrow.goods_detail(goods(seed::GOODS_ID)).await.unwrap();
    let error = narrow
        .goods_qc_detail(goods(seed::GOODS_ID))
        .await
        .unwrap_err();
    assert!(error.is_forbidden(), "{error:?}");
    assert_eq!(error.required_scopes(), ["goods:qc:read"]);

    let wrong = builder().client_secret("not-the-secret").build().unwrap();
    let error = wrong.goods_detail(goods(seed::GOODS_ID)).await.unwrap_err();
    assert!(error.is_unauthorized(), "{error:?}");
}
