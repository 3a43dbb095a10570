//! The request a call sends, prepared once before anything is sent: every rule the spec
//! states about it checked, in words a person can act on, naming the field
//! ([`crate::Error::field`]); then the body encoded as the operation's content type wants it,
//! with the idempotency key of an operation that has one (`x-idempotency-key`, e.g. redeem's
//! `requestId`) generated once per logical call when the caller gave none: every attempt sends
//! the same bytes.
//!
//! typify's conversion (the builders) enforces patterns, lengths and enums; the builder's
//! error names the field (by its wire name) and whether it was missing, and the SDK says the
//! field's message from the spec (`x-message`) instead of typify's words. The rules it does not
//! enforce (integer maxima, real calendar date-times, ordered time ranges, a non-empty
//! idempotency key) are checked on the request's JSON.

use crate::operation::{BodyFormat, Check, RetryClass};
use crate::types::DateTime;
use crate::types::error::ConversionError;
use crate::{Error, Operation};
use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;
use std::any::Any;
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
fn convert<B, T>(operation: &'static Operation, body: B) -> Result<T, Error>
where
    B: TryInto<T>,
    B::Error: Display + 'static,
    T: Serialize,
{
    let body = body
        .try_into()
        .map_err(|e| conversion_error(operation, &e))?;
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

/// The error of a request that did not convert into its type: the spec's message for the field
/// the builder names (its [`ConversionError`] says which, and whether it was missing). Any
/// other conversion error names no field of the spec.
fn conversion_error<E: Display + 'static>(operation: &'static Operation, error: &E) -> Error {
    let failed = (error as &dyn Any)
        .downcast_ref::<ConversionError>()
        .and_then(ConversionError::field);
    let rule = failed.and_then(|(field, missing)| {
        let rule = operation.rules.iter().find(|r| r.field == field)?;
        Some((rule, missing))
    });
    match rule {
        Some((rule, true)) => {
            Error::invalid_field(Some(operation), rule.field, rule.required_message)
        }
        Some((rule, false)) => Error::invalid_field(Some(operation), rule.field, rule.message),
        None => Error::invalid_request(
            Some(operation),
            "the request does not follow the spec (an unnamed field is invalid)",
        ),
    }
}

/// The encoded body of one call.
#[derive(Debug, Clone)]
pub(crate) struct Payload {
    pub(crate) body: Bytes,
    /// The idempotency key every attempt carries, if the operation has one.
    pub(crate) request_id: Option<String>,
}

impl Payload {
    /// The request a call of `operation` sends: `body` converted into the request type `R`,
    /// every rule of the spec checked, then encoded (the one step between a generated method
    /// and the [`Call`](crate::Call) it returns).
    pub(crate) fn prepare<B, R>(operation: &'static Operation, body: B) -> Result<Self, Error>
    where
        B: TryInto<R>,
        B::Error: Display + 'static,
        R: Serialize,
    {
        let request: R = convert(operation, body)?;
        Self::encode(operation, &request)
    }

    /// Encodes `body` for `operation`, a request already of its type and checked.
    pub(crate) fn encode<B: Serialize>(
        operation: &'static Operation,
        body: &B,
    ) -> Result<Self, Error> {
        let unencodable = |e: &dyn std::fmt::Display| {
            Error::invalid_request(
                Some(operation),
                format!("the request cannot be encoded: {e}"),
            )
        };
        let (body, request_id) = match (operation.body, operation.retry) {
            (BodyFormat::Form, _) => (
                serde_urlencoded::to_string(body)
                    .map_err(|e| unencodable(&e))?
                    .into_bytes(),
                None,
            ),
            (BodyFormat::Json, RetryClass::IdempotencyKey(field)) => {
                let mut json = serde_json::to_value(body).map_err(|e| unencodable(&e))?;
                let request_id = ensure_key(&mut json, field);
                (
                    serde_json::to_vec(&json).map_err(|e| unencodable(&e))?,
                    request_id,
                )
            }
            (BodyFormat::Json, _) => (serde_json::to_vec(body).map_err(|e| unencodable(&e))?, None),
        };
        Ok(Self {
            body: Bytes::from(body),
            request_id,
        })
    }
}

/// Makes sure the JSON object carries `field`, and returns its value. The caller's own value
/// is never replaced; an absent or `null` one becomes a new UUID v4. `None` when the body is
/// not a JSON object (then the call is not repeated).
fn ensure_key(body: &mut Value, field: &str) -> Option<String> {
    let body = body.as_object_mut()?;
    match body.get(field) {
        Some(Value::String(key)) => return Some(key.clone()),
        Some(Value::Null) | None => {}
        Some(other) => return Some(other.to_string()),
    }
    let key = uuid::Uuid::new_v4().to_string();
    body.insert(field.to_owned(), Value::String(key.clone()));
    tracing::debug!(field, request_id = %key, "generated an idempotency key");
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_builder_names_the_field_it_lacks_or_refused_by_its_wire_name() {
        use crate::types::{GoodsRequest, GoodsRequestBuilder};
        let missing = GoodsRequest::try_from(GoodsRequestBuilder::default().source(1)).unwrap_err();
        assert_eq!(missing.field(), Some(("goodsId", true)));
        assert_eq!(missing.to_string(), "no value supplied for `goodsId`");
        let refused =
            GoodsRequest::try_from(GoodsRequest::builder().goods_id("0").source(1)).unwrap_err();
        assert_eq!(refused.field(), Some(("goodsId", false)));
        let operation = crate::generated::ops::GOODS_DETAIL;
        let error = conversion_error(operation, &missing);
        assert_eq!(error.field(), Some("goodsId"));
        let rule = operation
            .rules
            .iter()
            .find(|r| r.field == "goodsId")
            .unwrap();
        assert!(error.to_string().contains(rule.required_message), "{error}");
        let error = conversion_error(operation, &refused);
        assert!(error.to_string().contains(rule.message), "{error}");
        // An error of another type names no field.
        let other = conversion_error(operation, &"goodsId: not a builder's error");
        assert_eq!(other.field(), None);
    }

    #[test]
    fn a_missing_key_is_generated_once_and_kept() {
        let mut body = json!({"code": "C", "email": "e@example.com"});
        let key = ensure_key(&mut body, "requestId").unwrap();
        assert!(uuid::Uuid::parse_str(&key).is_ok());
        assert_eq!(body["requestId"], key.as_str());
        assert_eq!(body["code"], "C");
        assert_eq!(ensure_key(&mut body, "requestId").unwrap(), key);
    }

    #[test]
    fn the_callers_key_is_never_replaced() {
        let mut body = json!({"code": "C", "requestId": "REQ-1"});
        assert_eq!(ensure_key(&mut body, "requestId").unwrap(), "REQ-1");
        assert_eq!(body["requestId"], "REQ-1");
        let mut body = json!({"code": "C", "requestId": null});
        assert_ne!(ensure_key(&mut body, "requestId").unwrap(), "null");
    }

    #[test]
    fn a_body_that_is_not_a_json_object_gets_no_key() {
        assert_eq!(ensure_key(&mut json!([1]), "requestId"), None);
    }
}
