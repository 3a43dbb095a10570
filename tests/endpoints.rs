//! Every business endpoint, typed, against the mock gateway over real HTTP.

mod common;

use rizzitgo_mock_gateway::seed;
use rizzitgo_open_api::types::{
    DateTime, GoodsRequest, ImageSearchRequest, QcPageRequest, RedeemRequest, TimeRange,
    UrlParseRequest,
};

#[tokio::test]
async fn all_seven_business_endpoints_answer_typed_data_with_one_token() {
    for style in common::BOTH_STYLES {
        let gateway = common::gateway(style).await;
        let client = common::client(&gateway);
        let goods = || GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1);

        let detail = client.goods_detail(goods()).await.unwrap();
        assert_eq!(detail.goods_id.as_deref(), Some(seed::GOODS_ID));
        assert_eq!(detail.price_in_cents, Some(9900));
        assert_eq!(detail.orginal_price.as_deref(), Some("129.00"));
        assert_eq!(detail.goods_image_url_list.len(), 2);

        let qc = client
            .goods_qc_detail(goods())
            .await
            .unwrap()
            .expect("a QC record");
        assert_eq!(qc.completion_time.as_deref(), Some("2026-06-02 18:30:00"));
        assert_eq!(qc.weight.as_deref(), Some("500"));

        let images = client.goods_qc_images(goods()).await.unwrap();
        assert_eq!(
            images,
            [
                "https://example.com/qc/1.jpg",
                "https://example.com/qc/2.jpg"
            ]
        );

        let range = TimeRange([
            "2026-06-01 00:00:00".parse::<DateTime>().unwrap(),
            "2026-06-30 23:59:59".parse::<DateTime>().unwrap(),
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
        assert_eq!(page.total, Some(seed::QC_JUNE_2026_COUNT as i64));
        assert_eq!(page.list.len(), 10);

        let found = client
            .search_goods_by_image(
                ImageSearchRequest::builder()
                    .images_url("https://example.com/img/query.jpg")
                    .page(1u32)
                    .source(1),
            )
            .await
            .unwrap();
        assert_eq!(found.total_count, Some(seed::IMAGE_SEARCH_TOTALS[0] as i64));
        assert_eq!(found.size, Some(20));
        assert_eq!(found.goods_list.len(), 20);

        let parsed = client
            .parse_goods_url(
                UrlParseRequest::builder()
                    .search_url(seed::TMALL_URL)
                    .rno("ABC123"),
            )
            .await
            .unwrap();
        assert_eq!(parsed.goods_id.as_deref(), Some(seed::TMALL_GOODS_ID));
        assert_eq!(parsed.success, Some(true));
        assert_eq!(
            parsed.target_goods_detail_url.as_deref(),
            Some("https://www.rizzitgo.com/detailPage?goodsId=768650559131&source=1&rno=ABC123")
        );

        let redeemed = client
            .redeem_coupon(
                RedeemRequest::builder()
                    .code(seed::REDEEM_CODE_30_OFF)
                    .email(seed::MEMBER_EMAIL)
                    .request_id(format!("REQ-endpoints-{style:?}")),
            )
            .await
            .unwrap();
        assert_eq!(redeemed.success, Some(true));
        assert_eq!(redeemed.prize.as_deref(), Some("30% OFF"));
        assert_eq!(redeemed.coupons.len(), 1);

        let stats = gateway.stats();
        assert_eq!(
            stats.token_requests, 1,
            "one token serves all calls ({style:?})"
        );
        assert_eq!(
            stats.redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL),
            1
        );
    }
}

#[tokio::test]
async fn unknown_fields_and_unknown_enum_values_decode() {
    let gateway = common::gateway(rizzitgo_mock_gateway::ErrorStyle::Http200).await;
    gateway.set_future_fields(true);
    let client = common::client(&gateway);
    let goods = || GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1);

    client.goods_detail(goods()).await.unwrap();
    client.goods_qc_detail(goods()).await.unwrap();
    client
        .redeem_coupon(
            RedeemRequest::builder()
                .code(seed::REDEEM_CODE_10_USD_OFF)
                .email(seed::MEMBER_EMAIL),
        )
        .await
        .unwrap();
    let found = client
        .search_goods_by_image(
            ImageSearchRequest::builder()
                .images_url("https://example.com/img/query.jpg")
                .page(1u32)
                .source(1),
        )
        .await
        .unwrap();
    assert!(
        found.goods_list.iter().any(|g| g.goods_source == Some(9)),
        "the mock sends one goods with the unknown source 9, and it decodes"
    );
}

#[tokio::test]
async fn a_goods_without_qc_record_has_no_qc_detail() {
    let gateway = common::gateway(rizzitgo_mock_gateway::ErrorStyle::Http200).await;
    let client = common::client(&gateway);
    let goods = || {
        GoodsRequest::builder()
            .goods_id(seed::GOODS_WITHOUT_QC_ID)
            .source(1)
    };
    assert_eq!(client.goods_qc_detail(goods()).await.unwrap(), None);
    assert!(client.goods_qc_images(goods()).await.unwrap().is_empty());
}
