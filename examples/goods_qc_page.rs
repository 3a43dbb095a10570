//! `cargo run --example goods_qc_page`: every QC record completed in June 2026 (guide 7.4), as
//! one page and then as a stream over all pages.

#[path = "support/mod.rs"]
mod support;

use futures_util::TryStreamExt;
use rizzitgo_open_api::types::{QcPageRequest, TimeRange};
use support::show;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _mock) = support::client().await?;
    let june = TimeRange::days("2026-06-01", "2026-06-30")?;

    // One page, as the guide shows it.
    let page = client
        .goods_qc_page(
            QcPageRequest::builder()
                .page_no(1u32)
                .page_size(10u32)
                .completion_time(june.clone()),
        )
        .await?;
    println!(
        "page 1: {} of {} records",
        page.list.len(),
        show(&page.total)
    );

    // Every record: the SDK walks the pages (100 a page unless the filter sets `page_size`).
    let mut records =
        Box::pin(client.goods_qc_page_stream(QcPageRequest::builder().completion_time(june)));
    let mut count = 0;
    while let Some(record) = records.try_next().await? {
        count += 1;
        if count <= 3 {
            println!(
                "  {} completed {}",
                show(&record.goods_id),
                show(&record.completion_time)
            );
        }
    }
    println!("{count} records in all");
    Ok(())
}
