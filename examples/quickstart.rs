//! Quickstart: the SDK against the mock gateway, started in-process on 127.0.0.1.
//!
//! `cargo run --example quickstart`. Against the real gateway, build the client with
//! `Client::from_env()` (RIZZITGO_CLIENT_ID, RIZZITGO_CLIENT_SECRET, RIZZITGO_TENANT_ID,
//! RIZZITGO_ENVIRONMENT=sandbox) instead.

use rizzitgo_mock_gateway::{MockGateway, seed};
use rizzitgo_open_api::types::{
    GoodsRequest, ImageSearchRequest, QcPageRequest, RedeemRequest, TimeRange, UrlParseRequest,
};
use rizzitgo_open_api::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let gateway = MockGateway::start().await?;
    let credentials = gateway.credentials();
    println!("mock gateway at {}", gateway.url());

    let client = Client::builder()
        .base_url(gateway.url())
        .client_id(credentials.client_id)
        .client_secret(credentials.client_secret)
        .tenant_id(credentials.tenant_id)
        .build()?;
    let goods = || GoodsRequest::builder().goods_id("123456").source(1);

    let detail = client.goods_detail(goods()).await?;
    println!(
        "goods detail     {} \"{}\": {} yuan (was {}), {} sold",
        show(&detail.goods_id),
        show(&detail.goods_title),
        show(&detail.price),
        show(&detail.orginal_price),
        show(&detail.sales_count),
    );

    // `None` when the goods has no QC record yet.
    let qc = client.goods_qc_detail(goods()).await?.unwrap_or_default();
    println!(
        "QC detail        {} x {} x {} cm, {} g, done {}",
        show(&qc.length),
        show(&qc.width),
        show(&qc.height),
        show(&qc.weight),
        show(&qc.completion_time),
    );

    let images = client.goods_qc_images(goods()).await?;
    println!(
        "QC images        {} photos, first {}",
        images.len(),
        images.first().map_or("-", String::as_str)
    );

    let june = TimeRange::days("2026-06-01", "2026-06-30")?;
    let page = client
        .goods_qc_page(
            QcPageRequest::builder()
                .page_no(1u32)
                .page_size(10u32)
                .completion_time(june),
        )
        .await?;
    println!(
        "QC page          {} of {} records completed in June 2026",
        page.list.len(),
        page.total.unwrap_or_default()
    );

    let found = client
        .search_goods_by_image(
            ImageSearchRequest::builder()
                .images_url("https://example.com/img/query.jpg")
                .page(1u32)
                .source(1),
        )
        .await?;
    println!(
        "image search     {} goods on page {} of {} ({} in all)",
        found.goods_list.len(),
        found.page.unwrap_or_default(),
        found.total_page.unwrap_or_default(),
        found.total_count.unwrap_or_default(),
    );

    let parsed = client
        .parse_goods_url(
            UrlParseRequest::builder()
                .search_url("https://detail.tmall.com/item.htm?id=768650559131")
                .rno("ABC123"),
        )
        .await?;
    println!(
        "URL parse        {} goods {} -> {}",
        show(&parsed.goods_source_name),
        show(&parsed.goods_id),
        show(&parsed.target_goods_detail_url),
    );

    let redeemed = client
        .redeem_coupon(
            RedeemRequest::builder()
                .code(seed::REDEEM_CODE_30_OFF)
                .email(seed::MEMBER_EMAIL)
                .request_id("REQ-quickstart-0001"),
        )
        .await?;
    println!(
        "redeem           {} for {}: {} coupon(s)",
        show(&redeemed.prize),
        show(&redeemed.email),
        redeemed.coupons.len()
    );

    // Errors are one type with predicates; the code and message are the gateway's.
    let again = client
        .redeem_coupon(
            RedeemRequest::builder()
                .code(seed::REDEEM_CODE_30_OFF)
                .email(seed::MEMBER_EMAIL)
                .request_id("REQ-quickstart-0001"),
        )
        .await;
    if let Err(error) = &again {
        report(error);
    }

    let stats = gateway.stats();
    println!(
        "{} token request for {} calls",
        stats.token_requests,
        stats.requests.len() as u64 - stats.token_requests
    );
    Ok(())
}

fn report(error: &Error) {
    let kind = if error.is_duplicate_request() {
        "duplicate request"
    } else {
        "error"
    };
    println!("redeem again     {kind}: {error}");
}

fn show<T: std::fmt::Display>(value: &Option<T>) -> String {
    value.as_ref().map_or_else(|| "-".to_owned(), T::to_string)
}
