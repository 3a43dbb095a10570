//! `cargo run --example redeem_handler`: the redeem endpoint of a web backend. Its order id
//! becomes the `requestId`, so a retry of the whole request (by the browser, a queue, a
//! person) never redeems twice; every failure maps to one answer by `ErrorKind`.

#[path = "support/mod.rs"]
mod support;

use rizzitgo_open_api::types::RedeemRequest;
use rizzitgo_open_api::{Client, ErrorKind};
use std::time::Duration;

/// What the backend answers its own caller.
enum Reply {
    /// 200: the coupons were issued.
    Redeemed { prize: String, coupons: usize },
    /// 200: this order's redemption happened already (a retry of ours or of theirs).
    AlreadyRedeemed,
    /// 422: the input breaks a rule; the field says which.
    Invalid { field: String, message: String },
    /// 404: no member has this email.
    UnknownMember,
    /// 409: the code cannot be redeemed (unknown, expired, voided, limits).
    Refused(String),
    /// 503: try again later (after the SDK's own retries).
    TryLater(Option<Duration>),
    /// 502: the gateway failed; the log has the details.
    Unavailable,
}

impl Reply {
    /// The HTTP answer: status and JSON body.
    fn to_http(&self) -> (u16, String) {
        match self {
            Reply::Redeemed { prize, coupons } => (
                200,
                format!(r#"{{"redeemed":true,"prize":"{prize}","coupons":{coupons}}}"#),
            ),
            Reply::AlreadyRedeemed => (200, r#"{"redeemed":true,"again":true}"#.to_owned()),
            Reply::Invalid { field, message } => (
                422,
                format!(r#"{{"field":"{field}","message":"{message}"}}"#),
            ),
            Reply::UnknownMember => (404, r#"{"message":"no such member"}"#.to_owned()),
            Reply::Refused(message) => (409, format!(r#"{{"message":"{message}"}}"#)),
            Reply::TryLater(after) => (
                503,
                format!(
                    r#"{{"retryAfterSeconds":{}}}"#,
                    after.map_or(1, |d| d.as_secs())
                ),
            ),
            Reply::Unavailable => (502, "{}".to_owned()),
        }
    }
}

async fn redeem(client: &Client, order_id: &str, code: &str, email: &str) -> Reply {
    let request = RedeemRequest::new(code, email).request_id(format!("ORDER-{order_id}"));
    let error = match client.redeem_coupon(request).await {
        Ok(result) => {
            return Reply::Redeemed {
                prize: result.prize.unwrap_or_default(),
                coupons: result.coupons.len(),
            };
        }
        Err(error) => error,
    };
    match error.kind() {
        ErrorKind::DuplicateRequest => Reply::AlreadyRedeemed,
        ErrorKind::InvalidRequest => Reply::Invalid {
            field: error.field().unwrap_or("request").to_owned(),
            message: error.message().unwrap_or_default().to_owned(),
        },
        // The guide gives the message, not the code.
        ErrorKind::Business if error.message() == Some("Member does not exist") => {
            Reply::UnknownMember
        }
        ErrorKind::Business => Reply::Refused(error.message().unwrap_or_default().to_owned()),
        ErrorKind::RateLimited => Reply::TryLater(error.retry_after()),
        _ => {
            // Never a secret in there: safe to log as it is.
            eprintln!("redeem failed after {} attempts: {error}", error.attempts());
            Reply::Unavailable
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _mock) = support::client().await?;
    let order = format!("{}", std::process::id());
    let member = "partner.member@example.com";
    for (what, order_id, code, email) in [
        ("first try", order.as_str(), "E602F4DC626E4948", member),
        (
            "the same order again",
            order.as_str(),
            "E602F4DC626E4948",
            member,
        ),
        ("no email", "2", "E602F4DC626E4948", ""),
        (
            "unknown member",
            "3",
            "E602F4DC626E4948",
            "nobody@example.com",
        ),
        ("expired code", "4", "A1B2C3D4E5F6E001", member),
    ] {
        let (status, body) = redeem(&client, order_id, code, email).await.to_http();
        println!("{what:22} -> {status} {body}");
    }
    Ok(())
}
