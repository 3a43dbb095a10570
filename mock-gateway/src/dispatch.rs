//! The request pipeline: record, delay, route, fault, authenticate, rate-limit, scope,
//! validate, handle.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use serde_json::Value;

use crate::auth;
use crate::endpoint::{Endpoint, REVOKE_PATH, TOKEN_PATH};
use crate::envelope::{ApiError, Reply};
use crate::failure::DropPoint;
use crate::state::{GatewayState, lock};
use crate::stats;
use crate::{admin, validate};

/// Largest request body read; partners send small JSON or form bodies.
const MAX_BODY: usize = 1 << 20;

/// Returned instead of a response to make hyper close the connection without writing one.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose by the mock")
    }
}

impl std::error::Error for DropConnection {}

/// What a request ends with.
enum Outcome {
    Reply(Reply),
    Drop,
}

/// Answers one request.
pub(crate) async fn handle(
    shared: Arc<GatewayState>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    if path == "/__mock" || path.starts_with("/__mock/") {
        return Ok(admin::handle(&shared, &parts.method, &path, &body));
    }
    let _in_flight = shared.stats.begin(stats::record(
        parts.method.as_str(),
        &path,
        &parts.headers,
        &body,
    ));
    let latency = lock(&shared.faults).latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match route(&shared, &parts.method, &path, &parts.headers, &body) {
        Outcome::Reply(reply) => Ok(reply.into_response(shared.future_fields())),
        Outcome::Drop => Err(DropConnection),
    }
}

fn route(
    shared: &GatewayState,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Outcome {
    let style = shared.style;
    let endpoint = Endpoint::from_path(path);
    if endpoint.is_none() && path != TOKEN_PATH && path != REVOKE_PATH {
        let err = ApiError::new(404, format!("Not found: {path}"));
        return Outcome::Reply(Reply::error_with_status(&err, StatusCode::NOT_FOUND));
    }
    if method != Method::POST {
        // A real 405 in both styles: it is the router's answer, and clients and conformance
        // tools rely on it.
        let err = ApiError::new(405, format!("Request method '{method}' is not supported"));
        return Outcome::Reply(
            Reply::error_with_status(&err, StatusCode::METHOD_NOT_ALLOWED)
                .with_header("allow", "POST".to_owned()),
        );
    }
    let Some(endpoint) = endpoint else {
        if path == REVOKE_PATH {
            return Outcome::Reply(answer(shared, auth::revoke_token(shared, headers, body)));
        }
        if let Some(failure) = lock(&shared.faults).take_token_failure() {
            return Outcome::Reply(failure.reply(style));
        }
        return Outcome::Reply(answer(shared, auth::issue_token(shared, headers, body)));
    };
    let (drop, failure) = lock(&shared.faults).take_business(path, body);
    if drop == Some(DropPoint::BeforeProcessing) {
        return Outcome::Drop;
    }
    let reply = match failure {
        Some(failure) => failure.reply(style),
        None => answer(shared, business(shared, endpoint, headers, body)),
    };
    if drop == Some(DropPoint::AfterProcessing) {
        Outcome::Drop
    } else {
        Outcome::Reply(reply)
    }
}

fn business(
    shared: &GatewayState,
    endpoint: Endpoint,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, ApiError> {
    let caller = auth::authenticate_bearer(shared, headers)?;
    if !lock(&shared.rate).admit(&caller.client_id, shared.clock.now()) {
        shared.stats.throttled();
        // Like upstream's limiter: no Retry-After header.
        return Err(ApiError::new(
            429,
            "Too many requests: rate limited per clientId, slow down",
        ));
    }
    caller.require(endpoint.scope())?;
    let body = validate::json_body(headers, body)?;
    endpoint.handle(shared, &caller, &body)
}

fn answer(shared: &GatewayState, result: Result<Value, ApiError>) -> Reply {
    match result {
        Ok(mut data) => {
            let style = *lock(&shared.response_style);
            style.restyle(&mut data);
            Reply::ok(data, style.has_null_msg())
        }
        Err(err) => Reply::error(&err, shared.style),
    }
}
