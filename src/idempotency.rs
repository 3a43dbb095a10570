//! The idempotency key of an operation that has one (`x-idempotency-key` in the spec, e.g.
//! redeem's `requestId`): generated once per logical call when the caller gave none, so that
//! every attempt of the call carries the same value.

use serde_json::Value;

/// Makes sure the JSON body of `request` carries `field`, and returns its value. The caller's
/// own value is never replaced; an absent or `null` one becomes a new UUID v4. `None` when the
/// body is not a JSON object (then the call is not repeated).
pub(crate) fn ensure_key(request: &mut reqwest::Request, field: &str) -> Option<String> {
    let bytes = request.body()?.as_bytes()?;
    let mut body: serde_json::Map<String, Value> = serde_json::from_slice(bytes).ok()?;
    match body.get(field) {
        Some(Value::String(key)) => return Some(key.clone()),
        Some(Value::Null) | None => {}
        Some(other) => return Some(other.to_string()),
    }
    let key = uuid::Uuid::new_v4().to_string();
    body.insert(field.to_owned(), Value::String(key.clone()));
    let encoded = serde_json::to_vec(&body).ok()?;
    *request.body_mut() = Some(encoded.into());
    tracing::debug!(field, request_id = %key, "generated an idempotency key");
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &str) -> reqwest::Request {
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            "http://127.0.0.1/open-api/promotion/redeem-code/redeem"
                .parse()
                .unwrap(),
        );
        *request.body_mut() = Some(body.to_owned().into());
        request
    }

    fn body_of(request: &reqwest::Request) -> Value {
        serde_json::from_slice(request.body().unwrap().as_bytes().unwrap()).unwrap()
    }

    #[test]
    fn a_missing_key_is_generated_once_and_kept() {
        let mut r = request(r#"{"code":"C","email":"e@example.com"}"#);
        let key = ensure_key(&mut r, "requestId").unwrap();
        assert!(uuid::Uuid::parse_str(&key).is_ok());
        assert_eq!(body_of(&r)["requestId"], key.as_str());
        assert_eq!(body_of(&r)["code"], "C");
        // A second look (a resend) finds the same key.
        assert_eq!(ensure_key(&mut r, "requestId").unwrap(), key);
    }

    #[test]
    fn the_callers_key_is_never_replaced() {
        let mut r = request(r#"{"code":"C","requestId":"REQ-1"}"#);
        assert_eq!(ensure_key(&mut r, "requestId").unwrap(), "REQ-1");
        assert_eq!(body_of(&r)["requestId"], "REQ-1");
        let mut r = request(r#"{"code":"C","requestId":null}"#);
        let key = ensure_key(&mut r, "requestId").unwrap();
        assert_ne!(key, "null");
    }

    #[test]
    fn a_body_that_is_not_a_json_object_gets_no_key() {
        assert_eq!(ensure_key(&mut request("[1]"), "requestId"), None);
        assert_eq!(ensure_key(&mut request("token=x"), "requestId"), None);
    }
}
