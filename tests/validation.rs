//! Every rule of the spec is checked before sending: the request never leaves the process, the
//! message is the documented one (the guide's words where it has them), `field()` names the
//! field by its wire name.

mod common;

use rizzitgo_mock_gateway::{ErrorStyle, MockGateway};
use rizzitgo_open_api::types::{
    GoodsRequest, ImageSearchRequest, QcPageRequest, RedeemRequest, TimeRange, UrlParseRequest,
};
use rizzitgo_open_api::{Client, Error, ErrorKind};

async fn setup() -> (MockGateway, Client) {
    let gateway = common::gateway(ErrorStyle::Http200).await;
    let client = common::client(&gateway);
    (gateway, client)
}

/// The refused request's field and message; checks nothing was sent, not even for a token.
fn refused(gateway: &MockGateway, result: Result<impl std::fmt::Debug, Error>) -> (String, String) {
    let error = result.expect_err("refused before sending");
    assert!(error.is_invalid_request(), "{error}");
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(error.status(), None);
    assert_eq!(error.attempts(), 0);
    assert!(
        gateway.stats().requests.is_empty(),
        "nothing left the process: {error}"
    );
    let text = error.to_string();
    assert!(
        !text.contains("pattern") && !text.contains("integral") && !text.contains("supplied value"),
        "typify's own words: {text}"
    );
    (
        error.field().expect("the field is named").to_owned(),
        error.message().unwrap().to_owned(),
    )
}

fn june() -> TimeRange {
    TimeRange::days("2026-06-01", "2026-06-30").unwrap()
}

#[tokio::test]
async fn every_rule_of_every_request_is_checked_before_sending() {
    let (gateway, client) = setup().await;
    let goods = || GoodsRequest::builder().goods_id("123456").source(1);
    let page = || QcPageRequest::builder().page_no(1u32).page_size(10u32);
    let search = || {
        ImageSearchRequest::builder()
            .images_url("https://example.com/img/query.jpg")
            .page(1u32)
            .source(1)
    };
    let redeem = || {
        RedeemRequest::builder()
            .code("E602F4DC626E4948")
            .email("partner.member@example.com")
    };
    let mut cases: Vec<(&str, (String, String))> = Vec::new();
    macro_rules! case {
        ($label:expr, $call:expr) => {
            cases.push(($label, refused(&gateway, $call.await)))
        };
    }
    case!("goodsId empty", client.goods_detail(goods().goods_id("")));
    case!("goodsId 0", client.goods_qc_detail(goods().goods_id("0")));
    case!(
        "goodsId missing",
        client.goods_qc_images(GoodsRequest::builder().source(1))
    );
    case!("source 7", client.goods_detail(goods().source(7)));
    case!(
        "source missing",
        client.goods_detail(GoodsRequest::builder().goods_id("1"))
    );
    case!("pageNo 0", client.goods_qc_page(page().page_no(0u32)));
    case!(
        "pageNo missing",
        client.goods_qc_page(QcPageRequest::builder().page_size(10u32))
    );
    case!("pageSize 0", client.goods_qc_page(page().page_size(0u32)));
    case!(
        "pageSize 500",
        client.goods_qc_page(page().page_size(500u32))
    );
    let june_31 = TimeRange([
        "2026-06-01 00:00:00".parse().unwrap(),
        "2026-06-31 00:00:00".parse().unwrap(),
    ]);
    case!(
        "completionTime with June 31",
        client.goods_qc_page(page().completion_time(june_31))
    );
    let backwards = TimeRange([june().end().clone(), june().start().clone()]);
    case!(
        "createTime backwards",
        client.goods_qc_page(page().create_time(backwards))
    );
    case!(
        "imagesUrl not a URL",
        client.search_goods_by_image(search().images_url("query.jpg"))
    );
    case!("page 0", client.search_goods_by_image(search().page(0u32)));
    case!(
        "source 4 in a search",
        client.search_goods_by_image(search().source(4))
    );
    case!(
        "searchUrl missing",
        client.parse_goods_url(UrlParseRequest::builder().rno("ABC123"))
    );
    case!("code empty", client.redeem_coupon(redeem().code("")));
    case!("email empty", client.redeem_coupon(redeem().email("")));
    case!(
        "email missing",
        client.redeem_coupon(RedeemRequest::builder().code("E602F4DC626E4948"))
    );
    case!(
        "requestId empty",
        client.redeem_coupon(redeem().request_id(String::new()))
    );

    // The guide's own words where it has them.
    let message = |label: &str| &cases.iter().find(|(l, _)| *l == label).unwrap().1;
    assert_eq!(message("email empty").1, "Email is required");
    assert_eq!(message("email missing").1, "Email is required");
    assert_eq!(
        message("imagesUrl not a URL").1,
        "The image URL format is invalid"
    );
    assert_eq!(
        message("pageSize 500").1,
        "pageSize must be between 1 and 100"
    );
    assert_eq!(message("pageSize 500").0, "pageSize");
    let table: Vec<String> = cases
        .iter()
        .map(|(label, (field, message))| format!("{label}: {field}: {message}"))
        .collect();
    insta::assert_snapshot!(table.join("\n"));
}

#[tokio::test]
async fn valid_requests_still_go_out() {
    let (gateway, client) = setup().await;
    client
        .goods_qc_page(
            QcPageRequest::builder()
                .page_no(1u32)
                .page_size(100u32)
                .completion_time(june()),
        )
        .await
        .unwrap();
    client
        .redeem_coupon(
            RedeemRequest::builder()
                .code("E602F4DC626E4948")
                .email("partner.member@example.com")
                .request_id("REQ-1"),
        )
        .await
        .unwrap();
    assert_eq!(gateway.stats().endpoint("/open-api/goods/qc-page"), 1);
}
