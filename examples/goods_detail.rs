//! `cargo run --example goods_detail [GOODS_ID] [SOURCE]`: one goods, as the guide's 7.1.

#[path = "support/mod.rs"]
mod support;

use rizzitgo_open_api::types::GoodsRequest;
use support::show;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _mock) = support::client().await?;
    let goods_id = support::arg(1, "123456");
    let source: i32 = support::arg(2, "1").parse()?;
    let goods = client
        .goods_detail(GoodsRequest::builder().goods_id(goods_id).source(source))
        .await?;
    println!("{} \"{}\"", show(&goods.goods_id), show(&goods.goods_title));
    // `orginalPrice` (sic) on the wire: the guide's spelling is kept.
    println!(
        "price {} yuan ({} cents), was {}; shipping {}",
        show(&goods.price),
        show(&goods.price_in_cents),
        show(&goods.orginal_price),
        show(&goods.post_fee)
    );
    println!(
        "{} in stock, {} sold, {} images",
        show(&goods.stock_num),
        show(&goods.sales_count),
        goods.goods_image_url_list.len()
    );
    Ok(())
}
