//! `cargo run --example goods_qc_detail [GOODS_ID] [SOURCE]`: the latest QC record of a goods
//! (guide 7.2), or none yet.

#[path = "support/mod.rs"]
mod support;

use rizzitgo_open_api::types::{DateTime, GoodsRequest};
use support::show;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _mock) = support::client().await?;
    let goods_id = support::arg(1, "123456");
    let source: i32 = support::arg(2, "1").parse()?;
    let request = GoodsRequest::builder().goods_id(goods_id).source(source);
    // `data: null` when the goods exists but has no QC record yet.
    let Some(qc) = client.goods_qc_detail(request).await? else {
        println!("no QC record yet");
        return Ok(());
    };
    println!(
        "{} x {} x {} cm, {} g, {} cm3, {} photos",
        show(&qc.length),
        show(&qc.width),
        show(&qc.height),
        show(&qc.weight),
        show(&qc.volume),
        qc.qc_path_list.len()
    );
    // Response date-times stay strings; parse one when you need its parts.
    if let Some(done) = qc.completion_time.as_deref() {
        let done = DateTime::parse(done)?.civil();
        println!(
            "completed on day {} of {}/{} (UTC+8)",
            done.day, done.month, done.year
        );
    }
    Ok(())
}
