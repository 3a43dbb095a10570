//! What real gateways send beyond the guide's shapes decodes to the same typed values: the
//! mock in each of the framework's styles (date-times as epoch milliseconds, integers as
//! strings, `msg: null`, all of them), every operation, compared with the guide's style.

mod common;

use rizzitgo_mock_gateway::{MockGateway, ResponseStyle, seed};
use rizzitgo_open_api::Client;
use rizzitgo_open_api::types::{
    GoodsRequest, ImageSearchRequest, QcPageRequest, RedeemRequest, TimeRange, UrlParseRequest,
};

/// Every operation's typed answer, as text (the types are `PartialEq` but of many kinds).
async fn every_answer(client: &Client) -> Vec<String> {
    let goods = || GoodsRequest::new(seed::GOODS_ID, 1);
    let june = TimeRange::days("2026-06-01", "2026-06-30").unwrap();
    let mut out = vec![
        format!("{:?}", client.goods_detail(goods()).await.unwrap()),
        format!("{:?}", client.goods_qc_detail(goods()).await.unwrap()),
        format!("{:?}", client.goods_qc_images(goods()).await.unwrap()),
        format!(
            "{:?}",
            client
                .goods_qc_page(QcPageRequest::new(1u32, 100u32).completion_time(june))
                .await
                .unwrap()
        ),
        format!(
            "{:?}",
            client
                .search_goods_by_image(ImageSearchRequest::new(
                    "https://example.com/img/query.jpg",
                    1u32,
                    1,
                ))
                .await
                .unwrap()
        ),
        format!(
            "{:?}",
            client
                .parse_goods_url(UrlParseRequest::new(seed::TMALL_URL).rno("ABC123"))
                .await
                .unwrap()
        ),
    ];
    for code in [seed::REDEEM_CODE_MULTI, seed::REDEEM_CODE_LONG_TEMPLATE] {
        let redeemed = client
            .redeem_coupon(RedeemRequest::new(code, seed::MEMBER_EMAIL).request_id(code))
            .await
            .unwrap();
        out.push(format!("{redeemed:?}"));
    }
    out
}

#[tokio::test]
async fn every_operation_decodes_the_same_in_every_style() {
    let styles = [
        ("guide", ResponseStyle::guide()),
        ("millis", ResponseStyle::guide().date_times_as_millis(true)),
        ("strings", ResponseStyle::guide().integers_as_strings(true)),
        ("null msg", ResponseStyle::guide().null_msg(true)),
        ("framework", ResponseStyle::framework()),
    ];
    let mut guide = None;
    for (name, style) in styles {
        let gateway = MockGateway::builder()
            .response_style(style)
            .start()
            .await
            .unwrap();
        let client = common::client(&gateway);
        let answers = every_answer(&client).await;
        // The token (`expires_in` a string too) was read: one for every call.
        assert_eq!(gateway.stats().token_requests, 1, "{name}");
        assert!(client.revoke_token().await.unwrap(), "{name}");
        let guide = guide.get_or_insert_with(|| answers.clone());
        assert_eq!(&answers, guide, "{name}");
    }
    let guide = guide.unwrap();
    // The guide's values, so the comparison is not of errors or of nothing.
    assert!(guide[1].contains("\"2026-06-02 18:30:00\""), "{}", guide[1]);
    assert!(guide[3].contains("total: Some(54)"), "{}", guide[3]);
    assert!(
        guide[7].contains("template_id: Some(9007199254740993)"),
        "{}",
        guide[7]
    );
    assert!(
        guide[7].contains("valid_start_time: Some(\"2026-06-01 00:00:00\")"),
        "{}",
        guide[7]
    );
}
