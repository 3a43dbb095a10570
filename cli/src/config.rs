//! Where to connect and as whom: the SDK's `RIZZITGO_*` variables, `--sandbox`, `--base-url`,
//! `--timeout`, or `--mock` (the embedded mock gateway, started in this process).

use crate::failure::Failure;
use clap::{Arg, ArgMatches};
use rizzitgo_mock_gateway::MockGateway;
use rizzitgo_open_api::{Client, ClientBuilder, Environment};
use std::time::Duration;

/// The help section of the flags every command takes.
pub(crate) const GLOBAL: &str = "Global options";

/// The global flags of the connection.
pub(crate) fn args() -> [Arg; 4] {
    [
        crate::switch(
            "mock",
            "Start the embedded mock gateway on 127.0.0.1; credentials not set in RIZZITGO_* are its demo ones",
        )
        .global(true)
        .help_heading(GLOBAL)
        .conflicts_with_all(["sandbox", "base-url"]),
        crate::switch(
            "sandbox",
            "Use the sandbox gateway (as RIZZITGO_ENVIRONMENT=sandbox)",
        )
        .global(true)
        .help_heading(GLOBAL)
        .conflicts_with("base-url"),
        Arg::new("base-url")
            .long("base-url")
            .value_name("URL")
            .help("The gateway's base URL (https, or http on a loopback address)")
            .global(true)
            .help_heading(GLOBAL),
        Arg::new("timeout")
            .long("timeout")
            .value_name("SECONDS")
            .help("Timeout of each request, in seconds (default 30)")
            .value_parser(clap::value_parser!(f64))
            .global(true)
            .help_heading(GLOBAL),
    ]
}

/// A configured client, and the mock gateway it talks to when `--mock` started one.
pub(crate) struct Session {
    client: Client,
    /// Kept alive for as long as the command runs.
    _mock: Option<MockGateway>,
}

impl Session {
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }
}

/// The client the flags and the environment describe.
pub(crate) async fn connect(matches: &ArgMatches) -> Result<Session, Failure> {
    let mut mock = None;
    let mut builder = if matches.get_flag("mock") {
        let gateway = MockGateway::start()
            .await
            .map_err(|e| Failure::Usage(format!("cannot start the mock gateway: {e}")))?;
        let (builder, sources) = crate::mock::builder(&gateway, |name| std::env::var(name).ok());
        eprintln!("{}", sources.notice(&gateway.url()));
        mock = Some(gateway);
        builder
    } else {
        ClientBuilder::from_env()
    };
    if matches.get_flag("sandbox") {
        builder = builder.environment(Environment::Sandbox);
    }
    if let Some(url) = matches.get_one::<String>("base-url") {
        builder = builder.base_url(url.clone());
    }
    if let Some(&seconds) = matches.get_one::<f64>("timeout") {
        let timeout = Duration::try_from_secs_f64(seconds)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "--timeout {seconds}: not a positive number of seconds"
                ))
            })?;
        builder = builder.timeout(timeout);
    }
    Ok(Session {
        client: builder.build()?,
        _mock: mock,
    })
}
