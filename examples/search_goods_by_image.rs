//! `cargo run --example search_goods_by_image [IMAGE_URL]`: goods that look like an image
//! (guide 7.5), every page of them.

#[path = "support/mod.rs"]
mod support;

use futures_util::TryStreamExt;
use rizzitgo_open_api::types::ImageSearchRequest;
use support::show;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _mock) = support::client().await?;
    let image = support::arg(1, "https://example.com/img/query.jpg");
    let filter = ImageSearchRequest::builder().images_url(image).source(1);
    // The pages form: each page with its counts.
    let mut pages = Box::pin(client.search_goods_by_image_pages(filter));
    let mut hits = 0;
    while let Some(page) = pages.try_next().await? {
        hits += page.goods_list.len();
        println!(
            "page {} of {}: {} goods",
            show(&page.page),
            show(&page.total_page),
            page.goods_list.len()
        );
        if let Some(first) = page.goods_list.first() {
            println!(
                "  e.g. {} \"{}\" {} yuan",
                show(&first.goods_id),
                show(&first.goods_title),
                show(&first.price)
            );
        }
    }
    println!("{hits} goods found");
    Ok(())
}
