//! Why a command failed, and its exit code.

use crate::exit;
use rizzitgo_open_api::Error;
use std::fmt;

/// A command's failure.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The SDK's error (its `Display` never shows the secret or a token).
    Sdk(Error),
    /// The command line itself is wrong (an unreadable `--json-body`, a flag value that is not
    /// JSON): exit code 2, like clap's usage errors.
    Usage(String),
    /// Writing the output failed.
    Output(std::io::Error),
}

impl Failure {
    /// The process exit code (see `exit`).
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Failure::Sdk(error) => exit::code(error.kind()),
            Failure::Usage(_) => exit::USAGE,
            Failure::Output(_) => exit::OTHER,
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Sdk(error)
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Failure::Output(error)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Sdk(error) => write!(f, "{error}"),
            Failure::Usage(message) => f.write_str(message),
            Failure::Output(error) => write!(f, "cannot write the output: {error}"),
        }
    }
}
