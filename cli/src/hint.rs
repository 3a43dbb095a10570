//! What to do about a failure, when the command line knows better than the SDK's message: the
//! flag behind a request field the SDK names, or the variables to set.

use crate::failure::Failure;

/// The hint printed under the error, if there is one.
pub(crate) fn for_failure(failure: &Failure) -> Option<String> {
    let Failure::Sdk(error) = failure else {
        return None;
    };
    if let Some(field) = error.field() {
        let operation = error.operation().map(|op| op.name).unwrap_or_default();
        return Some(match crate::request::flag_of(operation, field) {
            Some(flag) => format!("check --{flag} (or the `{field}` field of --json-body)"),
            None => format!("check the `{field}` field of --json-body"),
        });
    }
    if error.is_config() && error.to_string().contains("RIZZITGO_") {
        return Some(
            "set RIZZITGO_CLIENT_ID, RIZZITGO_CLIENT_SECRET and RIZZITGO_TENANT_ID, or try \
             --mock"
                .into(),
        );
    }
    None
}
