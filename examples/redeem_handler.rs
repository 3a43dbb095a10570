//! `cargo run --example redeem_handler`: the redeem endpoint of a web backend. Its order id
//! becomes the `requestId`, and the backend stores the `requestId` and then the outcome of each
//! order: a retry of the whole request (by the browser, a queue, a person), even hours later
//! when the gateway has forgotten the `requestId` (after 10 minutes), answers the stored outcome
//! and never redeems twice. Failures map to answers by `ErrorKind` and `BusinessCode`.

#[path = "support/mod.rs"]
mod support;

use rizzitgo_mock_gateway::DropPoint;
use rizzitgo_open_api::types::RedeemRequest;
use rizzitgo_open_api::{BusinessCode, Client, ErrorKind};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What the backend answers its own caller.
#[derive(Clone, Debug, PartialEq)]
enum Reply {
    /// 200: the coupons were issued.
    Redeemed { prize: String, coupons: usize },
    /// 200: this order's redemption happened already, but its answer was lost (the gateway's
    /// duplicate answer carries no result).
    AlreadyRedeemed,
    /// 422: the input breaks a rule; the field says which.
    Invalid { field: String, message: String },
    /// 404: no member has this email.
    UnknownMember,
    /// 404: no such code.
    UnknownCode,
    /// 410: the code was valid once (expired, voided, used up).
    CodeGone(&'static str),
    /// 409: this member has redeemed the code as often as it allows.
    LimitReached,
    /// 409: another refusal of the gateway, with its message.
    Refused(String),
    /// 503: try again later (after the SDK's own retries); the same order is safe to retry.
    TryLater(Option<Duration>),
    /// 500: sent more than 10 minutes ago with no outcome: the gateway no longer knows the
    /// `requestId`, so re-sending could redeem twice. Someone checks the member's coupons.
    NeedsReconciliation,
    /// 502: the gateway failed; the log has the details.
    Unavailable,
}

impl Reply {
    /// The HTTP answer: status and JSON body.
    fn to_http(&self) -> (u16, String) {
        let message = |status, text: &str| (status, format!(r#"{{"message":"{text}"}}"#));
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
            Reply::UnknownMember => message(404, "no such member"),
            Reply::UnknownCode => message(404, "no such code"),
            Reply::CodeGone(why) => message(410, why),
            Reply::LimitReached => message(409, "already redeemed as often as allowed"),
            Reply::Refused(text) => message(409, text),
            Reply::TryLater(after) => (
                503,
                format!(
                    r#"{{"retryAfterSeconds":{}}}"#,
                    after.map_or(1, |d| d.as_secs())
                ),
            ),
            Reply::NeedsReconciliation => message(500, "outcome unknown, being checked"),
            Reply::Unavailable => (502, "{}".to_owned()),
        }
    }

    /// An outcome the gateway will not change: stored and replayed for the order. The others
    /// (try later, unavailable) leave the order pending, to be retried with the same
    /// `requestId`; an invalid input was never sent, and may be corrected.
    fn is_final(&self) -> bool {
        !matches!(
            self,
            Reply::TryLater(_)
                | Reply::Unavailable
                | Reply::NeedsReconciliation
                | Reply::Invalid { .. }
        )
    }
}

/// How long the gateway remembers a `requestId` (guide §7.7), less a margin for clocks and
/// the call's own duration: within it, re-sending the same `requestId` is safe.
const REPLAY_WINDOW: Duration = Duration::from_secs(9 * 60);

/// One order's row in the backend's database (a table keyed by order id in a real service:
/// written before the call and after it, in the same store as the order).
#[derive(Clone, Debug)]
enum Stored {
    /// Sent (or about to be) with this `requestId`, outcome not known yet.
    Pending { request_id: String, since: Instant },
    /// The outcome, answered again to every retry of the order.
    Done(Reply),
}

/// The outcome store: a map here, a database table in a real service.
#[derive(Default)]
struct Outcomes(Mutex<HashMap<String, Stored>>);

impl Outcomes {
    fn get(&self, order_id: &str) -> Option<Stored> {
        self.0.lock().unwrap().get(order_id).cloned()
    }

    fn put(&self, order_id: &str, row: Stored) {
        self.0.lock().unwrap().insert(order_id.to_owned(), row);
    }
}

async fn redeem(
    client: &Client,
    outcomes: &Outcomes,
    order_id: &str,
    code: &str,
    email: &str,
    now: Instant,
) -> Reply {
    let request_id = match outcomes.get(order_id) {
        // Answered before: the stored outcome, whatever the gateway remembers.
        Some(Stored::Done(reply)) => return reply,
        // Sent before without an outcome: the same requestId is safe while the gateway
        // remembers it, and only then.
        Some(Stored::Pending { request_id, since }) => {
            if now.duration_since(since) > REPLAY_WINDOW {
                return Reply::NeedsReconciliation;
            }
            request_id
        }
        None => {
            let request_id = format!("ORDER-{order_id}");
            // Stored before sending: a crash after the send still leaves the requestId.
            outcomes.put(
                order_id,
                Stored::Pending {
                    request_id: request_id.clone(),
                    since: now,
                },
            );
            request_id
        }
    };
    let request = RedeemRequest::new(code, email).request_id(request_id);
    let reply = match client.redeem_coupon(request).await {
        Ok(result) => Reply::Redeemed {
            prize: result.prize.unwrap_or_default(),
            coupons: result.coupons.len(),
        },
        Err(error) => match (error.kind(), error.business_code()) {
            // An earlier send of this order was processed and its answer lost: no result to
            // show, but it happened.
            (ErrorKind::DuplicateRequest, _) => Reply::AlreadyRedeemed,
            (ErrorKind::InvalidRequest, _) => Reply::Invalid {
                field: error.field().unwrap_or("request").to_owned(),
                message: error.message().unwrap_or_default().to_owned(),
            },
            (_, Some(BusinessCode::MemberNotExists)) => Reply::UnknownMember,
            (_, Some(BusinessCode::RedeemCodeNotExists)) => Reply::UnknownCode,
            (_, Some(BusinessCode::RedeemCodeExpired)) => Reply::CodeGone("expired"),
            (_, Some(BusinessCode::RedeemCodeVoided)) => Reply::CodeGone("voided"),
            (_, Some(BusinessCode::RedeemCodeExhausted)) => Reply::CodeGone("used up"),
            (_, Some(BusinessCode::RedeemLimitReached)) => Reply::LimitReached,
            // A code the SDK does not name yet: refused all the same.
            (ErrorKind::Business, _) => Reply::Refused(error.message().unwrap_or_default().into()),
            (ErrorKind::RateLimited, _) => Reply::TryLater(error.retry_after()),
            _ => {
                // Never a secret in there: safe to log as it is.
                eprintln!("redeem failed after {} attempts: {error}", error.attempts());
                Reply::Unavailable
            }
        },
    };
    if reply.is_final() {
        outcomes.put(order_id, Stored::Done(reply.clone()));
    }
    reply
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, mock) = support::client().await?;
    let outcomes = Outcomes::default();
    let start = Instant::now();
    let order = format!("{}", std::process::id());
    let member = "partner.member@example.com";
    let mut replies = Vec::new();
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
        ("unknown code", "4", "0000000000000000", member),
        ("expired code", "5", "A1B2C3D4E5F6E001", member),
        ("voided code", "6", "A1B2C3D4E5F6E002", member),
    ] {
        let reply = redeem(&client, &outcomes, order_id, code, email, start).await;
        let (status, body) = reply.to_http();
        println!("{what:22} -> {status} {body}");
        replies.push(reply);
    }
    // An hour later the gateway has forgotten the requestId: the first order's retry is
    // answered from the store, without a call.
    let later = start + Duration::from_secs(3600);
    let replay = redeem(
        &client,
        &outcomes,
        &order,
        "E602F4DC626E4948",
        member,
        later,
    )
    .await;
    let (status, body) = replay.to_http();
    println!("{:22} -> {status} {body}", "the order, an hour on");
    assert_eq!(replay, replies[0], "a stored outcome is answered again");
    if let Some(mock) = mock {
        // The gateway redeems, then the connection drops before its answer: the SDK re-sends
        // the same requestId and gets "Duplicate request": the order is redeemed, its result
        // lost (which is why the outcome is stored when it does come).
        mock.drop_next(1, DropPoint::AfterProcessing);
        let lost = redeem(&client, &outcomes, "8", "A1B2C3D4E5F60003", member, start).await;
        let (status, body) = lost.to_http();
        println!("{:22} -> {status} {body}", "answer lost on the way");
        assert_eq!(lost, Reply::AlreadyRedeemed);
        assert_eq!(mock.stats().redemptions_of("A1B2C3D4E5F60003", member), 1);
        // Checked against the mock: one redemption for the order, however often it came.
        assert_eq!(mock.stats().redemptions_of("E602F4DC626E4948", member), 1);
        assert!(matches!(replies[0], Reply::Redeemed { .. }));
        assert_eq!(replies[3], Reply::UnknownMember);
        assert_eq!(replies[4], Reply::UnknownCode);
        assert_eq!(replies[5], Reply::CodeGone("expired"));
        assert_eq!(replies[6], Reply::CodeGone("voided"));
    }
    Ok(())
}
