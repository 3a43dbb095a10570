//! `rizzitgo-mock-gateway [--port N] [--error-style http200|http-status] [--token-ttl SECS]
//! [--qps-limit N] [--today yyyy-MM-dd]`: serves the mock on 127.0.0.1 until Ctrl-C. Arguments are parsed by hand to
//! keep the build small.

use std::io::Write as _;
use std::process::ExitCode;

use rizzitgo_mock_gateway::{ErrorStyle, MockGateway, MockGatewayBuilder};

const USAGE: &str = "usage: rizzitgo-mock-gateway [--port N] [--error-style http200|http-status] \
                     [--token-ttl SECS] [--qps-limit N] [--today yyyy-MM-dd]\n\
                     Prints `url: …` and the seeded credentials, then serves until Ctrl-C.\n\
                     --port 0 (the default) picks a free port.";

fn parse_args(args: impl Iterator<Item = String>) -> Result<MockGatewayBuilder, String> {
    let mut builder = MockGateway::builder();
    let mut args = args;
    while let Some(flag) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        builder = match flag.as_str() {
            "--port" => builder.port(number(&value("--port")?, "--port")?),
            "--error-style" => builder.error_style(match value("--error-style")?.as_str() {
                "http200" => ErrorStyle::Http200,
                "http-status" => ErrorStyle::HttpStatus,
                other => return Err(format!("unknown error style {other}")),
            }),
            "--token-ttl" => builder.token_ttl(number(&value("--token-ttl")?, "--token-ttl")?),
            "--qps-limit" => {
                builder.qps_limit(Some(number(&value("--qps-limit")?, "--qps-limit")?))
            }
            "--today" => builder.today(&value("--today")?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        };
    }
    Ok(builder)
}

fn number<T: std::str::FromStr>(value: &str, name: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{name}: not a valid number: {value}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let builder = match parse_args(std::env::args().skip(1)) {
        Ok(b) => b,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            eprintln!("{USAGE}");
            return if msg.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let gateway = match builder.start().await {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    let creds = gateway.credentials();
    // A local mock: printing the seeded secret is the point.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "url: {}\nclient_id: {}\nclient_secret: {}\ntenant_id: {}",
        gateway.url(),
        creds.client_id,
        creds.client_secret,
        creds.tenant_id
    );
    let _ = out.flush();
    drop(out);
    let _ = tokio::signal::ctrl_c().await;
    gateway.shutdown().await;
    ExitCode::SUCCESS
}
