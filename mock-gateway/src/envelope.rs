//! The unified `{code, data, msg}` envelope, the two error styles, and the final HTTP response.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::{Value, json};

/// How errors travel on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ErrorStyle {
    /// Like the Java framework: every error is HTTP 200 with `{code, msg, data: null}`.
    #[default]
    Http200,
    /// The same body, but the global codes 400/401/403/404/429/500 are also the HTTP status
    /// (as a gateway in front of the framework may answer). Business codes stay HTTP 200.
    HttpStatus,
}

impl ErrorStyle {
    /// The HTTP status carrying an error envelope with `code` in this style.
    pub(crate) fn status_for(self, code: i64) -> StatusCode {
        match self {
            ErrorStyle::Http200 => StatusCode::OK,
            ErrorStyle::HttpStatus => match code {
                400 | 401 | 403 | 404 | 429 | 500 => {
                    StatusCode::from_u16(code as u16).unwrap_or(StatusCode::OK)
                }
                _ => StatusCode::OK,
            },
        }
    }
}

/// A failure answered as an error envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) code: i64,
    pub(crate) msg: String,
}

impl ApiError {
    pub(crate) fn new(code: i64, msg: impl Into<String>) -> Self {
        Self {
            code,
            msg: msg.into(),
        }
    }

    pub(crate) fn bad_request(msg: impl Into<String>) -> Self {
        Self::new(400, msg)
    }

    pub(crate) fn unauthorized(msg: impl Into<String>) -> Self {
        Self::new(401, msg)
    }

    pub(crate) fn forbidden(msg: impl Into<String>) -> Self {
        Self::new(403, msg)
    }
}

/// `{code, data, msg}`.
pub(crate) fn envelope(code: i64, data: Value, msg: &str) -> Value {
    json!({ "code": code, "data": data, "msg": msg })
}

/// What a request is answered with, before it becomes bytes.
#[derive(Debug)]
pub(crate) enum Reply {
    /// A JSON body.
    Json {
        status: StatusCode,
        body: Value,
        headers: Vec<(&'static str, String)>,
    },
    /// An HTML page (like a proxy's error page).
    Html {
        status: StatusCode,
        body: String,
        headers: Vec<(&'static str, String)>,
    },
}

impl Reply {
    /// Success: HTTP 200, `code` 0, `msg` "" (or null, as the framework may write it).
    pub(crate) fn ok(data: Value, null_msg: bool) -> Self {
        let mut body = envelope(0, data, "");
        if null_msg {
            body["msg"] = Value::Null;
        }
        Reply::Json {
            status: StatusCode::OK,
            body,
            headers: Vec::new(),
        }
    }

    /// An error envelope in the given style.
    pub(crate) fn error(err: &ApiError, style: ErrorStyle) -> Self {
        Self::error_with_status(err, style.status_for(err.code))
    }

    /// An error envelope with an explicit HTTP status, whatever the style (routing answers
    /// such as 404/405, and injected HTTP failures).
    pub(crate) fn error_with_status(err: &ApiError, status: StatusCode) -> Self {
        Reply::Json {
            status,
            body: envelope(err.code, Value::Null, &err.msg),
            headers: Vec::new(),
        }
    }

    /// Adds a response header.
    pub(crate) fn with_header(mut self, name: &'static str, value: String) -> Self {
        match &mut self {
            Reply::Json { headers, .. } | Reply::Html { headers, .. } => {
                headers.push((name, value));
            }
        }
        self
    }

    /// The HTTP response; `future_fields` adds `"futureField": "x"` to every JSON object.
    pub(crate) fn into_response(self, future_fields: bool) -> Response<Full<Bytes>> {
        let (status, content_type, body, headers) = match self {
            Reply::Json {
                status,
                mut body,
                headers,
            } => {
                if future_fields {
                    add_future_fields(&mut body);
                }
                (
                    status,
                    "application/json",
                    Bytes::from(body.to_string()),
                    headers,
                )
            }
            Reply::Html {
                status,
                body,
                headers,
            } => (
                status,
                "text/html; charset=utf-8",
                Bytes::from(body),
                headers,
            ),
        };
        let mut resp = Response::new(Full::new(body));
        *resp.status_mut() = status;
        let h = resp.headers_mut();
        h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        for (name, value) in headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                h.append(name, v);
            }
        }
        resp
    }
}

/// Adds `"futureField": "x"` to every object, recursively: a server addition clients must
/// tolerate.
pub(crate) fn add_future_fields(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for v in map.values_mut() {
                add_future_fields(v);
            }
            map.insert("futureField".to_owned(), Value::from("x"));
        }
        Value::Array(items) => items.iter_mut().for_each(add_future_fields),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_status_style_maps_only_global_codes() {
        let s = ErrorStyle::HttpStatus;
        assert_eq!(s.status_for(401), StatusCode::UNAUTHORIZED);
        assert_eq!(s.status_for(429), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(s.status_for(900), StatusCode::OK);
        assert_eq!(s.status_for(1_013_020_000), StatusCode::OK);
        assert_eq!(ErrorStyle::Http200.status_for(401), StatusCode::OK);
    }

    #[test]
    fn future_fields_reach_nested_objects() {
        let mut v = json!({"data": {"list": [{"a": 1}], "n": 2}});
        add_future_fields(&mut v);
        assert_eq!(v["futureField"], "x");
        assert_eq!(v["data"]["futureField"], "x");
        assert_eq!(v["data"]["list"][0]["futureField"], "x");
    }
}
