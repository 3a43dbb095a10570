//! Every rule the spec states about a request, checked before anything is sent, in words a
//! person can act on, naming the field ([`crate::Error::field`]).
//!
//! typify's conversion (the builders) enforces patterns, lengths and enums; its texts are
//! replaced here by the field's message from the spec (`x-message`). The rules it does not
//! enforce (integer maxima, real calendar date-times, ordered time ranges, a non-empty
//! idempotency key) are checked on the request's JSON.

use crate::operation::{Check, RetryClass};
use crate::types::DateTime;
use crate::{Error, Operation};
use serde::Serialize;
use serde_json::Value;
use std::fmt::Display;

impl Check {
    /// Whether the request type's conversion enforces it already: typify makes lengths,
    /// patterns and integer enums checked newtypes. The other rules are checked on the JSON.
    fn enforced_by_conversion(&self) -> bool {
        match *self {
            Check::Text { .. } | Check::Other => true,
            Check::Integer { min, max, .. } => min.is_none() && max.is_none(),
            Check::DateTime | Check::DateTimeRange => false,
        }
    }

    fn accepts(&self, value: &Value) -> bool {
        match *self {
            Check::Text { min_len, max_len } => value.as_str().is_some_and(|s| {
                let n = s.chars().count() as i64;
                min_len.is_none_or(|m| n >= m) && max_len.is_none_or(|m| n <= m)
            }),
            Check::Integer { min, max, one_of } => value.as_i64().is_some_and(|n| {
                min.is_none_or(|m| n >= m)
                    && max.is_none_or(|m| n <= m)
                    && (one_of.is_empty() || one_of.contains(&n))
            }),
            Check::DateTime => value.as_str().is_some_and(|s| DateTime::parse(s).is_ok()),
            Check::DateTimeRange => match value.as_array().map(Vec::as_slice) {
                Some([Value::String(start), Value::String(end)]) => {
                    DateTime::parse(start).is_ok() && DateTime::parse(end).is_ok() && start <= end
                }
                _ => false,
            },
            Check::Other => true,
        }
    }
}

/// Converts `body` into the request type and checks every rule: the request, or the error
/// naming the first field that breaks one.
pub(crate) fn request<B, T>(operation: &'static Operation, body: B) -> Result<T, Error>
where
    B: TryInto<T>,
    B::Error: Display,
    T: Serialize,
{
    let body = body
        .try_into()
        .map_err(|e| conversion_error(operation, &e.to_string()))?;
    // The JSON copy costs more than the rest of this layer per call: made only when a rule
    // needs it.
    let needs_json = matches!(operation.retry, RetryClass::IdempotencyKey(_))
        || !operation
            .rules
            .iter()
            .all(|r| r.check.enforced_by_conversion());
    if !needs_json {
        return Ok(body);
    }
    let json = serde_json::to_value(&body).map_err(|e| {
        Error::invalid_request(
            Some(operation),
            format!("the request cannot be encoded: {e}"),
        )
    })?;
    check(operation, &json)?;
    Ok(body)
}

/// The rules of `operation` on a request's JSON.
pub(crate) fn check(operation: &'static Operation, json: &Value) -> Result<(), Error> {
    for rule in operation.rules {
        match json.get(rule.field) {
            None | Some(Value::Null) if rule.required => {
                return Err(Error::invalid_field(
                    Some(operation),
                    rule.field,
                    rule.required_message,
                ));
            }
            None | Some(Value::Null) => {}
            Some(value) if !rule.check.accepts(value) => {
                return Err(Error::invalid_field(
                    Some(operation),
                    rule.field,
                    rule.message,
                ));
            }
            Some(_) => {}
        }
    }
    // An idempotency key that is empty is no key: the gateway would not de-duplicate.
    if let RetryClass::IdempotencyKey(field) = operation.retry
        && json.get(field).and_then(Value::as_str) == Some("")
    {
        let rule = operation.rules.iter().find(|r| r.field == field);
        return Err(Error::invalid_field(
            Some(operation),
            rule.map_or(field, |r| r.field),
            format!("`{field}` must not be empty: leave it out and the SDK makes one"),
        ));
    }
    Ok(())
}

/// The field a typify conversion message names, mapped to the spec's message for it. typify's
/// own text is not shown: it speaks of patterns and integral types, not of the guide.
fn conversion_error(operation: &'static Operation, text: &str) -> Error {
    const MISSING: &str = "no value supplied for ";
    const INVALID: &str = "error converting supplied value for ";
    let named = |marker: &str| {
        text.find(marker).map(|at| {
            text[at + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
    };
    let (missing, name) = match (named(MISSING), named(INVALID)) {
        (Some(name), _) => (true, name),
        (None, Some(name)) => (false, name),
        (None, None) => (false, String::new()),
    };
    match operation.rules.iter().find(|r| r.rust_name == name) {
        Some(rule) if missing => {
            Error::invalid_field(Some(operation), rule.field, rule.required_message)
        }
        Some(rule) => Error::invalid_field(Some(operation), rule.field, rule.message),
        None => Error::invalid_request(
            Some(operation),
            "the request does not follow the spec (an unnamed field is invalid)",
        ),
    }
}
