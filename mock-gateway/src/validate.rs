//! Request-body validation shared by the business endpoints. Types are strict (a number is not
//! a string and vice versa): a faithful client sends what the guide declares.

use hyper::HeaderMap;
use hyper::header::CONTENT_TYPE;
use serde_json::{Map, Value};

use crate::envelope::ApiError;

/// A JSON object body.
pub(crate) type Body = Map<String, Value>;

/// Parses a business request body: `application/json`, a JSON object.
pub(crate) fn json_body(headers: &HeaderMap, body: &[u8]) -> Result<Body, ApiError> {
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|m| m == "application/json" || m.ends_with("+json"));
    if !is_json {
        return Err(ApiError::bad_request(
            "Content-Type must be application/json",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request("Request body must be a JSON object")),
        Err(_) => Err(ApiError::bad_request(
            "Request body is missing or is not valid JSON",
        )),
    }
}

/// A present field. An explicit `null` is rejected: no request field is nullable in the
/// guide's contract (Jackson would accept it; a client should omit the field instead).
fn field<'a>(body: &'a Body, name: &str) -> Result<Option<&'a Value>, ApiError> {
    match body.get(name) {
        None => Ok(None),
        Some(Value::Null) => Err(ApiError::bad_request(format!("{name} must not be null"))),
        Some(v) => Ok(Some(v)),
    }
}

/// An optional string field.
pub(crate) fn opt_str<'a>(body: &'a Body, name: &str) -> Result<Option<&'a str>, ApiError> {
    match field(body, name)? {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::bad_request(format!("{name} must be a string"))),
    }
}

/// A required string field.
pub(crate) fn req_str<'a>(body: &'a Body, name: &str) -> Result<&'a str, ApiError> {
    opt_str(body, name)?.ok_or_else(|| ApiError::bad_request(format!("{name} is required")))
}

/// An optional integer field within the int32 range (the Java side's `Integer`).
pub(crate) fn opt_int(body: &Body, name: &str) -> Result<Option<i64>, ApiError> {
    match field(body, name)? {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .filter(|n| i32::try_from(*n).is_ok())
            .map(Some)
            .ok_or_else(|| ApiError::bad_request(format!("{name} must be a 32-bit integer"))),
    }
}

/// A required integer field.
pub(crate) fn req_int(body: &Body, name: &str) -> Result<i64, ApiError> {
    opt_int(body, name)?.ok_or_else(|| ApiError::bad_request(format!("{name} is required")))
}

/// `goodsId`: required, not empty, not "0" (guide 7.1).
pub(crate) fn goods_id(body: &Body) -> Result<&str, ApiError> {
    match req_str(body, "goodsId")? {
        "" => Err(ApiError::bad_request("goodsId must not be empty")),
        "0" => Err(ApiError::bad_request("goodsId must not be 0")),
        id => Ok(id),
    }
}

/// A goods source value: 1=Taobao, 2=1688, 3=Weidian.
pub(crate) fn check_source(source: i64) -> Result<i64, ApiError> {
    if (1..=3).contains(&source) {
        Ok(source)
    } else {
        Err(ApiError::bad_request(
            "source must be 1 (Taobao), 2 (1688) or 3 (Weidian)",
        ))
    }
}

/// An inclusive `[start, end]` range of `yyyy-MM-dd HH:mm:ss` strings, if present.
/// Only the shape is checked (as the spec's pattern does); fixed width makes string order
/// time order.
pub(crate) fn time_range(body: &Body, name: &str) -> Result<Option<(String, String)>, ApiError> {
    let Some(value) = field(body, name)? else {
        return Ok(None);
    };
    let bad = || {
        ApiError::bad_request(format!(
            "{name} must be [start, end] with yyyy-MM-dd HH:mm:ss values"
        ))
    };
    let items = value.as_array().ok_or_else(bad)?;
    match items.as_slice() {
        [Value::String(a), Value::String(b)] if is_date_time(a) && is_date_time(b) => {
            Ok(Some((a.clone(), b.clone())))
        }
        _ => Err(bad()),
    }
}

/// `yyyy-MM-dd HH:mm:ss` by shape.
fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Body {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn goods_id_rules() {
        assert!(goods_id(&obj(json!({"goodsId": "0"}))).is_err());
        assert!(goods_id(&obj(json!({"goodsId": ""}))).is_err());
        assert!(goods_id(&obj(json!({"goodsId": 123456}))).is_err());
        assert_eq!(goods_id(&obj(json!({"goodsId": "00"}))).unwrap(), "00");
    }

    #[test]
    fn time_ranges_need_two_well_formed_values() {
        let ok = obj(json!({"t": ["2026-06-01 00:00:00", "2026-06-02 23:59:59"]}));
        assert!(time_range(&ok, "t").unwrap().is_some());
        for bad in [
            json!({"t": ["2026-06-01 00:00:00"]}),
            json!({"t": ["2026-06-01", "2026-06-02"]}),
            json!({"t": "2026-06-01 00:00:00"}),
            json!({"t": []}),
        ] {
            assert!(time_range(&obj(bad), "t").is_err());
        }
        assert!(time_range(&obj(json!({"t": null})), "t").is_err());
        assert!(time_range(&obj(json!({})), "t").unwrap().is_none());
    }

    #[test]
    fn integers_are_strict() {
        assert!(req_int(&obj(json!({"n": "1"})), "n").is_err());
        assert!(req_int(&obj(json!({"n": 1.5})), "n").is_err());
        assert!(req_int(&obj(json!({"n": 3_000_000_000u64})), "n").is_err());
        assert_eq!(req_int(&obj(json!({"n": 2})), "n").unwrap(), 2);
    }
}
