//! `cargo run --example redeem_coupon [CODE] [EMAIL]`: redeem a code for a member (guide 7.7),
//! safely: the SDK gives the call one `requestId`, re-sent on every retry.

#[path = "support/mod.rs"]
mod support;

use rizzitgo_open_api::types::RedeemRequest;
use support::show;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _mock) = support::client().await?;
    let code = support::arg(1, "E602F4DC626E4948");
    let email = support::arg(2, "partner.member@example.com");
    // Your own requestId makes a retry of yours safe too (10 minutes); without one, the SDK
    // generates one per call.
    let request_id = format!("REQ-example-{}", std::process::id());
    let redeem = || {
        RedeemRequest::builder()
            .code(code.clone())
            .email(email.clone())
            .request_id(request_id.clone())
    };
    let result = client.redeem_coupon(redeem()).await?;
    println!("{}: {}", show(&result.prize), show(&result.message));
    for coupon in &result.coupons {
        println!(
            "  coupon {} \"{}\" valid {} to {}",
            show(&coupon.template_id),
            show(&coupon.title),
            show(&coupon.valid_start_time),
            show(&coupon.valid_end_time)
        );
    }
    // The same requestId again: the gateway refuses to redeem twice.
    match client.redeem_coupon(redeem()).await {
        Err(error) if error.is_duplicate_request() => {
            println!(
                "again with {}: refused as a duplicate",
                show(&error.request_id())
            );
        }
        other => println!("again: {other:?}"),
    }
    Ok(())
}
