//! A request body encoded once per call, as the operation's content type wants it, with the
//! idempotency key of an operation that has one (`x-idempotency-key`, e.g. redeem's
//! `requestId`) generated once per logical call when the caller gave none: every attempt
//! sends the same bytes.

use crate::operation::{BodyFormat, RetryClass};
use crate::{Error, Operation};
use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;

/// The encoded body of one call.
#[derive(Debug, Clone)]
pub(crate) struct Payload {
    pub(crate) body: Bytes,
    /// The idempotency key every attempt carries, if the operation has one.
    pub(crate) request_id: Option<String>,
}

impl Payload {
    /// Encodes `body` for `operation`.
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
