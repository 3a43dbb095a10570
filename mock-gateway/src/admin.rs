//! The admin HTTP API under `/__mock/...` (a prefix the spec never uses), so the binary can be
//! driven from any language. Admin calls are not counted in the statistics.

use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Response, StatusCode};
use serde_json::{Map, Value, json};

use crate::failure::{DropPoint, Failure};
use crate::fault_match::{self, Action, Match};
use crate::response_style::ResponseStyle;
use crate::seed;
use crate::state::{GatewayState, lock};

type AdminResult = Result<Value, (StatusCode, String)>;

/// Answers one admin request.
pub(crate) fn handle(
    shared: &GatewayState,
    method: &Method,
    path: &str,
    body: &[u8],
) -> Response<Full<Bytes>> {
    let result = match (method, path) {
        (&Method::GET, "/__mock/stats") => Ok(shared.stats.snapshot().to_json()),
        (&Method::GET, "/__mock/credentials") => Ok(json!({
            "clientId": seed::CLIENT_ID,
            "clientSecret": seed::CLIENT_SECRET,
            "tenantId": seed::TENANT_ID,
        })),
        (&Method::POST, _) => parse(body).and_then(|b| post(shared, path, &b)),
        (_, p) if is_admin_path(p) => Err((
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} not allowed on {path}"),
        )),
        _ => Err((StatusCode::NOT_FOUND, format!("unknown admin path {path}"))),
    };
    let (status, value) = match result {
        Ok(v) => (StatusCode::OK, v),
        Err((status, msg)) => (status, json!({ "error": msg })),
    };
    let mut resp = Response::new(Full::new(Bytes::from(value.to_string())));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

fn is_admin_path(path: &str) -> bool {
    matches!(
        path,
        "/__mock/stats"
            | "/__mock/credentials"
            | "/__mock/fail-next"
            | "/__mock/fail-next-token"
            | "/__mock/latency"
            | "/__mock/drop-next"
            | "/__mock/fail-when"
            | "/__mock/drop-when"
            | "/__mock/clear-faults"
            | "/__mock/expire-tokens"
            | "/__mock/revoke-tokens"
            | "/__mock/advance-clock"
            | "/__mock/qps-limit"
            | "/__mock/future-fields"
            | "/__mock/response-style"
            | "/__mock/reset-stats"
            | "/__mock/add-qc-records"
    )
}

fn ok() -> AdminResult {
    Ok(json!({ "ok": true }))
}

fn bad(msg: impl Into<String>) -> (StatusCode, String) {
    (StatusCode::BAD_REQUEST, msg.into())
}

/// An empty body counts as `{}`.
fn parse(body: &[u8]) -> Result<Map<String, Value>, (StatusCode, String)> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(bad("body must be a JSON object")),
    }
}

fn uint(body: &Map<String, Value>, name: &str) -> Result<Option<u64>, (StatusCode, String)> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| bad(format!("{name} must be a non-negative integer"))),
    }
}

fn count(body: &Map<String, Value>) -> Result<u32, (StatusCode, String)> {
    let n = uint(body, "n")?.unwrap_or(1);
    u32::try_from(n).map_err(|_| bad("n is too large"))
}

fn post(shared: &GatewayState, path: &str, body: &Map<String, Value>) -> AdminResult {
    match path {
        "/__mock/fail-next" => {
            let (n, failure) = (count(body)?, failure(body)?);
            lock(&shared.faults).set_fail_business(n, failure);
            ok()
        }
        "/__mock/fail-next-token" => {
            let (n, failure) = (count(body)?, failure(body)?);
            lock(&shared.faults).set_fail_token(n, failure);
            ok()
        }
        "/__mock/latency" => {
            let ms = uint(body, "ms")?.ok_or_else(|| bad("ms is required"))?;
            lock(&shared.faults).latency = Duration::from_millis(ms);
            ok()
        }
        "/__mock/drop-next" => {
            let at = drop_point(body)?;
            lock(&shared.faults).set_drop(count(body)?, at);
            ok()
        }
        "/__mock/fail-when" => {
            let action = Action::Fail(failure(body)?);
            lock(&shared.faults).targeted.add(matcher(body)?, action);
            ok()
        }
        "/__mock/drop-when" => {
            let action = Action::Drop(drop_point(body)?);
            lock(&shared.faults).targeted.add(matcher(body)?, action);
            ok()
        }
        "/__mock/clear-faults" => {
            lock(&shared.faults).clear();
            ok()
        }
        "/__mock/expire-tokens" => {
            let now = shared.clock.now();
            lock(&shared.tokens).expire_all(now);
            ok()
        }
        "/__mock/revoke-tokens" => {
            lock(&shared.tokens).revoke_all();
            ok()
        }
        "/__mock/advance-clock" => {
            let secs = uint(body, "secs")?.unwrap_or(0);
            let ms = uint(body, "ms")?.unwrap_or(0);
            shared
                .clock
                .advance(Duration::from_secs(secs) + Duration::from_millis(ms));
            ok()
        }
        "/__mock/qps-limit" => {
            let limit = uint(body, "limit")?
                .map(|l| u32::try_from(l).map_err(|_| bad("limit is too large")))
                .transpose()?;
            lock(&shared.rate).set_limit(limit);
            ok()
        }
        "/__mock/future-fields" => {
            let on = body
                .get("on")
                .and_then(Value::as_bool)
                .ok_or_else(|| bad("on must be a boolean"))?;
            shared.future_fields.store(on, Ordering::SeqCst);
            ok()
        }
        "/__mock/response-style" => {
            *lock(&shared.response_style) = ResponseStyle::from_json(body).map_err(bad)?;
            ok()
        }
        "/__mock/reset-stats" => {
            shared.stats.reset();
            ok()
        }
        "/__mock/add-qc-records" => {
            let n = uint(body, "n")?.unwrap_or(1);
            let n = usize::try_from(n).map_err(|_| bad("n is too large"))?;
            let time = match body.get("completionTime") {
                Some(Value::String(t)) => t,
                None | Some(Value::Null) => return Err(bad("completionTime is required")),
                Some(_) => return Err(bad("completionTime must be a string")),
            };
            shared.add_qc_records(n, time).map_err(bad)?;
            ok()
        }
        _ if is_admin_path(path) => Err((
            StatusCode::METHOD_NOT_ALLOWED,
            format!("POST not allowed on {path}"),
        )),
        _ => Err((StatusCode::NOT_FOUND, format!("unknown admin path {path}"))),
    }
}

/// `{"code": N, "msg": "..."}` → [`Failure::code`]; `{"status": S, "html": true}` →
/// [`Failure::html`]; `{"status": S}` → [`Failure::http`]; `retryAfter` and `location` add
/// those headers.
fn failure(body: &Map<String, Value>) -> Result<Failure, (StatusCode, String)> {
    let status = || -> Result<u16, (StatusCode, String)> {
        let s = uint(body, "status")?.ok_or_else(|| bad("status or code is required"))?;
        u16::try_from(s)
            .ok()
            .filter(|s| StatusCode::from_u16(*s).is_ok())
            .ok_or_else(|| bad(format!("invalid HTTP status {s}")))
    };
    let failure = if let Some(code) = body.get("code") {
        let code = code
            .as_i64()
            .ok_or_else(|| bad("code must be an integer"))?;
        let msg = body
            .get("msg")
            .and_then(Value::as_str)
            .unwrap_or("Injected failure");
        Failure::code(code, msg)
    } else if body.get("html").and_then(Value::as_bool).unwrap_or(false) {
        Failure::html(status()?)
    } else {
        Failure::http(status()?)
    };
    let failure = match body.get("retryAfter") {
        None | Some(Value::Null) => failure,
        Some(Value::String(v)) => failure.retry_after(v),
        Some(Value::Number(n)) => failure.retry_after(&n.to_string()),
        Some(_) => return Err(bad("retryAfter must be a string or a number")),
    };
    Ok(match body.get("location") {
        None | Some(Value::Null) => failure,
        Some(Value::String(v)) => failure.location(v),
        Some(_) => return Err(bad("location must be a string")),
    })
}

/// `"at": "before"` (the default) or `"after"`.
fn drop_point(body: &Map<String, Value>) -> Result<DropPoint, (StatusCode, String)> {
    match body.get("at") {
        None | Some(Value::Null) => Ok(DropPoint::BeforeProcessing),
        Some(Value::String(at)) if at == "before" => Ok(DropPoint::BeforeProcessing),
        Some(Value::String(at)) if at == "after" => Ok(DropPoint::AfterProcessing),
        Some(other) => Err(bad(format!("at must be before or after, not {other}"))),
    }
}

/// `{"path": P, "fields": {NAME: VALUE, …}, "nth": K, "every": E, "times": N}`, every member
/// optional →
/// [`Match`].
fn matcher(body: &Map<String, Value>) -> Result<Match, (StatusCode, String)> {
    let mut when = match body.get("path") {
        None | Some(Value::Null) => Match::any(),
        Some(Value::String(p)) if fault_match::is_business_path(p) => Match::path(p),
        Some(other) => {
            return Err(bad(format!(
                "path must be one of the business paths, not {other}"
            )));
        }
    };
    match body.get("fields") {
        None | Some(Value::Null) => {}
        Some(Value::Object(fields)) => {
            for (name, value) in fields {
                when = when.field(name, value.clone());
            }
        }
        Some(_) => return Err(bad("fields must be an object of field values")),
    }
    if let Some(k) = uint(body, "nth")? {
        let k = u32::try_from(k)
            .ok()
            .filter(|k| *k > 0)
            .ok_or_else(|| bad("nth must be an integer from 1"))?;
        when = when.nth(k);
    }
    if let Some(e) = uint(body, "every")? {
        let e = u32::try_from(e)
            .ok()
            .filter(|e| *e > 0)
            .ok_or_else(|| bad("every must be an integer from 1"))?;
        when = when.every(e);
    }
    if let Some(n) = uint(body, "times")? {
        when = when.times(u32::try_from(n).map_err(|_| bad("times is too large"))?);
    }
    Ok(when)
}
