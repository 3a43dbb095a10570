//! `cargo run --example parse_goods_url [LINK] [RNO]`: a goods link (or pasted text around one)
//! to the platform's goods and share link (guide 7.6).

#[path = "support/mod.rs"]
mod support;

use rizzitgo_open_api::types::UrlParseRequest;
use support::show;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _mock) = support::client().await?;
    let link = support::arg(1, "https://detail.tmall.com/item.htm?id=768650559131");
    let rno = std::env::args()
        .nth(2)
        .unwrap_or_else(|| "ABC123".to_owned());
    let parsed = client
        .parse_goods_url(UrlParseRequest::builder().search_url(link).rno(rno))
        .await?;
    // A link the gateway cannot read is not an error: `success` is false.
    if parsed.success != Some(true) {
        println!(
            "not a goods link the platform knows: {}",
            show(&parsed.search_url)
        );
        return Ok(());
    }
    println!(
        "{} goods {} (source {})",
        show(&parsed.goods_source_name),
        show(&parsed.goods_id),
        show(&parsed.goods_source)
    );
    println!("share link {}", show(&parsed.target_goods_detail_url));
    Ok(())
}
