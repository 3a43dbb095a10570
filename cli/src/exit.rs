//! Exit codes: one per kind of SDK error, so that scripts can branch without parsing stderr.

use rizzitgo_open_api::ErrorKind;

/// Anything without a code of its own (an error kind added to the SDK later, a failed write).
pub(crate) const OTHER: u8 = 1;
/// The command line is wrong (clap's code): an unknown flag, an unreadable `--json-body`.
pub(crate) const USAGE: u8 = 2;

/// Every SDK error kind with its exit code and the name the help shows.
pub(crate) const KINDS: &[(ErrorKind, u8, &str)] = &[
    (
        ErrorKind::Config,
        3,
        "configuration: missing credentials, a bad base URL",
    ),
    (
        ErrorKind::InvalidRequest,
        4,
        "invalid request: a field breaks the spec; nothing was sent",
    ),
    (
        ErrorKind::Unauthorized,
        5,
        "unauthorized (401): credentials or token refused",
    ),
    (
        ErrorKind::Forbidden,
        6,
        "forbidden (403): a scope is missing, or another tenant",
    ),
    (
        ErrorKind::RateLimited,
        7,
        "rate limited (429), after the retries",
    ),
    (
        ErrorKind::InvalidParameter,
        8,
        "invalid parameter (400) from the gateway",
    ),
    (
        ErrorKind::DuplicateRequest,
        9,
        "duplicate request (900): that requestId was already processed",
    ),
    (
        ErrorKind::Business,
        10,
        "business error: any other code from the gateway",
    ),
    (
        ErrorKind::ServerError,
        11,
        "server error (5xx), after the retries",
    ),
    (
        ErrorKind::Redirect,
        12,
        "redirect (3xx): not followed; check the base URL",
    ),
    (ErrorKind::Timeout, 13, "timeout: no response in time"),
    (
        ErrorKind::Transport,
        14,
        "transport: connecting, sending or reading failed",
    ),
    (
        ErrorKind::Decode,
        15,
        "decode: the answer is not the expected JSON",
    ),
];

/// The exit code of an SDK error kind.
pub(crate) fn code(kind: ErrorKind) -> u8 {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or(OTHER, |(_, code, _)| *code)
}

/// The table `rizzitgo --help` ends with.
pub(crate) fn help_table() -> String {
    let mut text = String::from(
        "Exit codes:\n  0   success\n  1   other error\n  2   usage: a wrong flag or --json-body\n",
    );
    for (_, code, what) in KINDS {
        text.push_str(&format!("  {code:<3} {what}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_code_distinct_from_success_other_and_usage() {
        let mut codes: Vec<u8> = KINDS.iter().map(|(_, code, _)| *code).collect();
        codes.extend([0, OTHER, USAGE]);
        let count = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), count, "two meanings share an exit code");
        assert_eq!(code(ErrorKind::RateLimited), 7);
    }

    #[test]
    fn the_guide_documents_every_code() {
        let page = include_str!("../../src/guide/command_line.md");
        for (kind, code, _) in KINDS {
            let row = format!("| {code} | `{kind:?}`");
            assert!(
                page.contains(&row),
                "src/guide/command_line.md lacks the row {row:?}"
            );
        }
    }
}
