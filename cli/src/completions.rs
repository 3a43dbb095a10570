//! `rizzitgo completions bash|zsh|fish|…`: the shell's completion script, on stdout.

use crate::failure::Failure;
use clap::{Arg, ArgMatches, Command};
use clap_complete::Shell;

pub(crate) const NAME: &str = "completions";

pub(crate) fn command() -> Command {
    Command::new(NAME)
        .about("Print the completion script of a shell (e.g. `rizzitgo completions bash > /etc/bash_completion.d/rizzitgo`)")
        .arg(
            Arg::new("shell")
                .value_name("SHELL")
                .required(true)
                .value_parser(clap::value_parser!(Shell)),
        )
}

pub(crate) fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let Some(&shell) = matches.get_one::<Shell>("shell") else {
        return Err(Failure::Usage("a shell is required".into()));
    };
    let mut command = crate::command();
    clap_complete::generate(shell, &mut command, "rizzitgo", &mut std::io::stdout());
    Ok(())
}
