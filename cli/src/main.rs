//! `rizzitgo`: the Rizzitgo Open Platform from the command line.
//!
//! One subcommand per business operation of `spec/open-api.yaml`, generated at build time
//! (`build.rs`, into OUT_DIR) by the SDK's codegen, each calling the SDK's method: tokens,
//! retries, validation and errors are the SDK's. The hand-written rest: configuration
//! (`config`), request assembly (`request`), output (`output`), exit codes (`exit`), the
//! `token` and `completions` commands.

mod completions;
mod config;
mod exit;
mod failure;
mod generated;
mod hint;
mod mock;
mod output;
mod request;
mod token;

use clap::{Arg, ArgAction, ArgMatches, Command};
use failure::Failure;
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap prints usage errors and exits 2 itself.
    let matches = command().get_matches();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::OTHER);
        }
    };
    match runtime.block_on(run(&matches)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // The SDK's error text: it never carries the secret or a token.
            eprintln!("error: {failure}");
            if let Some(hint) = hint::for_failure(&failure) {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(failure.exit_code())
        }
    }
}

/// The whole command line: the global flags, the generated operations, `token`, `completions`.
pub(crate) fn command() -> Command {
    Command::new("rizzitgo")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The Rizzitgo Open Platform (partner Open API, guide v1.4) from the command line")
        .long_about(
            "The Rizzitgo Open Platform (partner Open API, guide v1.4) from the command line.\n\n\
             Credentials come from RIZZITGO_CLIENT_ID, RIZZITGO_CLIENT_SECRET and \
             RIZZITGO_TENANT_ID (and optionally RIZZITGO_ENVIRONMENT, RIZZITGO_SCOPES), as for \
             the SDK. --mock runs every command against the embedded mock gateway: the \
             credentials set in those variables are used, the mock's demo ones stand in for \
             the others.",
        )
        .after_long_help(exit::help_table())
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(config::args())
        .arg(output::arg())
        .subcommands(
            generated::OPERATIONS
                .iter()
                .map(|spec| request::command(spec)),
        )
        .subcommand(token::command())
        .subcommand(completions::command())
}

async fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let Some((name, sub)) = matches.subcommand() else {
        return Err(Failure::Usage(
            "a subcommand is required (see --help)".into(),
        ));
    };
    if name == completions::NAME {
        return completions::run(sub);
    }
    let out = output::Output::new(sub);
    let session = config::connect(sub).await?;
    if name == token::NAME {
        return token::run(&session, sub, &out).await;
    }
    match generated::run(session.client(), name, sub, &out).await {
        Some(outcome) => outcome,
        None => Err(Failure::Usage(format!("unknown command {name}"))),
    }
}

/// A flag without a value.
pub(crate) fn switch(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .help(help)
        .action(ArgAction::SetTrue)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_consistent() {
        // clap's own checks of every subcommand (ids, conflicts, value names).
        super::command().debug_assert();
    }
}
