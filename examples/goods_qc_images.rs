//! `cargo run --example goods_qc_images [GOODS_ID] [SOURCE]`: the QC photos of a goods
//! (guide 7.3).

#[path = "support/mod.rs"]
mod support;

use rizzitgo_open_api::types::GoodsRequest;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _mock) = support::client().await?;
    let goods_id = support::arg(1, "123456");
    let source: i32 = support::arg(2, "1").parse()?;
    let photos = client
        .goods_qc_images(GoodsRequest::builder().goods_id(goods_id).source(source))
        .await?;
    println!("{} QC photos", photos.len());
    for url in photos {
        println!("  {url}");
    }
    Ok(())
}
