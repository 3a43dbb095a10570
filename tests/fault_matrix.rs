//! Every fault the mock gateway offers × every business endpoint × both error styles → the
//! outcome and the number of requests sent, with the default retry policy.
//!
//! The matrix is an insta snapshot and, rendered as a table, the README section "What happens
//! when things go wrong". When the behaviour changes on purpose:
//! `INSTA_UPDATE=always RIZZITGO_BLESS=1 cargo test --test fault_matrix` rewrites both.

mod common;

use rizzitgo_mock_gateway::{DropPoint, ErrorStyle, Failure, MockGateway, seed};
use rizzitgo_open_api::{Client, Error};
use std::time::Duration;

/// The client's timeout in the latency row, and the mock's latency there.
const TIMEOUT: Duration = Duration::from_millis(200);
const LATENCY: Duration = Duration::from_millis(500);

#[derive(Clone, Copy, Debug)]
enum Fault {
    Throttled(Option<&'static str>),
    Status(u16),
    Html502,
    Status503Times5,
    Latency,
    Drop(DropPoint),
    TokenExpired,
    TokenRevoked,
}

const FAULTS: [(Fault, &str); 11] = [
    (Fault::Throttled(Some("1")), "429, `Retry-After: 1`"),
    (Fault::Throttled(Some("300")), "429, `Retry-After: 300`"),
    (Fault::Throttled(None), "429, no `Retry-After`"),
    (Fault::Status(500), "500"),
    (Fault::Html502, "502 HTML page from a proxy"),
    (Fault::Status503Times5, "503, five times"),
    (Fault::Latency, "no answer within the timeout"),
    (
        Fault::Drop(DropPoint::BeforeProcessing),
        "connection dropped before processing",
    ),
    (
        Fault::Drop(DropPoint::AfterProcessing),
        "connection dropped after processing",
    ),
    (Fault::TokenExpired, "token expired early"),
    (Fault::TokenRevoked, "token revoked"),
];

/// A status as the gateway sends it in `style`: HTTP 200 with the code in the body (the
/// framework's way), or the real HTTP status (a gateway in front of it).
fn failure(style: ErrorStyle, status: u16) -> Failure {
    match style {
        ErrorStyle::Http200 => Failure::code(i64::from(status), "injected"),
        ErrorStyle::HttpStatus => Failure::http(status),
    }
}

fn inject(gateway: &MockGateway, style: ErrorStyle, fault: Fault) {
    match fault {
        Fault::Throttled(after) => {
            let f = failure(style, 429);
            gateway.fail_next(1, after.map_or(f.clone(), |a| f.retry_after(a)));
        }
        Fault::Status(status) => gateway.fail_next(1, failure(style, status)),
        Fault::Html502 => gateway.fail_next(1, Failure::html(502)),
        Fault::Status503Times5 => gateway.fail_next(5, failure(style, 503)),
        Fault::Latency => gateway.set_latency(LATENCY),
        Fault::Drop(at) => gateway.drop_next(1, at),
        Fault::TokenExpired => gateway.expire_all_tokens(),
        Fault::TokenRevoked => gateway.revoke_all_tokens(),
    }
}

/// What the caller sees, in the words of the error predicates.
fn outcome(result: &Result<(), Error>) -> &'static str {
    match result {
        Ok(()) => "ok",
        Err(e) if e.is_duplicate_request() => "duplicate request",
        Err(e) if e.is_rate_limited() => "rate limited",
        Err(e) if e.is_server_error() => "server error",
        Err(e) if e.is_unauthorized() => "unauthorized",
        Err(e) if e.is_timeout() => "timeout",
        Err(e) if e.is_transport() => "transport error",
        Err(_) => "other error",
    }
}

/// One cell: a fresh client with its token, the fault, the call. Returns the cell's text.
async fn cell(gateway: &MockGateway, style: ErrorStyle, fault: Fault, operation: &str) -> String {
    let (builder, clock) = common::manual_builder(gateway);
    let builder = match fault {
        Fault::Latency => builder.timeout(TIMEOUT),
        _ => builder,
    };
    let client: Client = builder.build().unwrap();
    common::call(&client, "goods_detail").await.unwrap();
    gateway.reset_stats();
    inject(gateway, style, fault);
    let result = common::call(&client, operation).await;
    // Clear whatever the call did not consume.
    gateway.fail_next(0, Failure::http(500));
    gateway.drop_next(0, DropPoint::BeforeProcessing);
    gateway.set_latency(Duration::ZERO);

    let stats = gateway.stats();
    let sent = stats.endpoint(common::path_of(operation));
    if let Err(error) = &result {
        assert_eq!(u64::from(error.attempts()), sent, "{operation}: {error}");
    }
    let redeemed = stats.redemptions_of(seed::REDEEM_CODE_30_OFF, seed::MEMBER_EMAIL);
    let mut text = format!("{} · {sent}", outcome(&result));
    if operation == "redeem_coupon" && fault_is_answered(fault) {
        // Exactly one redemption per logical redeem that the gateway processed.
        let processed = matches!(outcome(&result), "ok" | "duplicate request");
        assert_eq!(redeemed, u64::from(processed), "{fault:?} {style:?}");
        text.push_str(&format!(", {redeemed} redeemed"));
    }
    if let Some(wait) = clock.slept().iter().find(|w| **w >= Duration::from_secs(1)) {
        text.push_str(&format!(", waited {} s", wait.as_secs()));
    }
    text
}

/// Whether the gateway has finished with the call when it returns (a timed-out one may still
/// be running there).
fn fault_is_answered(fault: Fault) -> bool {
    !matches!(fault, Fault::Latency)
}

/// Rows of `(fault, one cell per operation)`, for one error style.
async fn matrix(style: ErrorStyle) -> Vec<(&'static str, Vec<String>)> {
    let mut rows = Vec::new();
    for (fault, label) in FAULTS {
        // A gateway per row: work a timed-out call left running stays in its own row.
        let gateway = common::gateway(style).await;
        let mut cells = Vec::new();
        for operation in common::BUSINESS_OPERATIONS {
            cells.push(cell(&gateway, style, fault, operation).await);
        }
        rows.push((label, cells));
    }
    rows
}

fn render(rows: &[(&str, Vec<String>)]) -> String {
    let mut table = String::from("| fault |");
    for operation in common::BUSINESS_OPERATIONS {
        table.push_str(&format!(" `{operation}` |"));
    }
    table.push_str("\n|---|");
    table.push_str(&"---|".repeat(common::BUSINESS_OPERATIONS.len()));
    table.push('\n');
    for (label, cells) in rows {
        table.push_str(&format!("| {label} | {} |\n", cells.join(" | ")));
    }
    table
}

const START: &str = "<!-- fault-matrix:start (generated by tests/fault_matrix.rs) -->\n";
const END: &str = "<!-- fault-matrix:end -->";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_on_every_endpoint_in_both_error_styles() {
    let http200 = matrix(ErrorStyle::Http200).await;
    let http_status = matrix(ErrorStyle::HttpStatus).await;
    assert_eq!(
        http200, http_status,
        "both error styles give the same outcomes and attempt counts"
    );
    let table = render(&http200);
    insta::assert_snapshot!(table);

    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/guide/retries_and_faults.md"
    );
    let readme = std::fs::read_to_string(path).unwrap();
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("src/guide/retries_and_faults.md has no fault-matrix section");
    };
    let current = &readme[start + START.len()..end];
    if current != table {
        if std::env::var_os("RIZZITGO_BLESS").is_some() {
            let updated = format!(
                "{}{table}{}",
                &readme[..start + START.len()],
                &readme[end..]
            );
            std::fs::write(path, updated).unwrap();
        } else {
            panic!(
                "The guide page's fault matrix is stale: run `RIZZITGO_BLESS=1 cargo test --test \
                 fault_matrix`"
            );
        }
    }
}
