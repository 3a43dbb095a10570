//! The orchestrator: every phase of a call in one place, in order, as smithy-rs's
//! `orchestrator.rs` holds them in `try_op` and `try_attempt`.
//!
//! [`Runtime::execute`] (try_op) gives the call its ids and its observer's frame, then runs the
//! retry loop, whose admission (the client-side limit and pacing) lets each attempt go.
//! [`HttpAttempt`] (try_attempt) is one attempt: the auth step, the request, the send, one read
//! of the answer within the size limit and its one classification ([`classify`]). The call
//! layers that share work between calls (coalescing, a cache) wrap this, in `Call`, which
//! decodes the final answer.

use super::answer::{Answer, Outcome, Reason};
use super::components::Runtime;
use super::finished::Finished;
use super::observer::Observer;
use super::options::CallOptions;
use super::request::Payload;
use super::response::ServedFrom;
use crate::auth::Authorizer;
use crate::error::{CallFacts, DUPLICATE_REQUEST_MSG};
use crate::limiter::Admission;
use crate::operation::{Auth, RetryClass};
use crate::retry::{Attempt, Deadline, RetryLoop};
use crate::{Error, ErrorKind, Operation};
use bytes::Bytes;
use reqwest::header::{
    AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER, USER_AGENT,
};
use reqwest::{Method, StatusCode, Url};
use std::borrow::Cow;
use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

static TENANT_ID: HeaderName = HeaderName::from_static("tenant-id");

impl Runtime {
    /// Runs one call of `operation`, authenticated by `auth`: its final answer, or the error
    /// with the call's facts.
    pub(crate) async fn execute(
        &self,
        auth: Authorizer<'_>,
        operation: &'static Operation,
        payload: Payload,
        options: &CallOptions,
    ) -> Result<Finished, Error> {
        let clock = &*self.clock;
        let started = clock.now();
        let correlation_id = self.correlation_header.as_ref().map(|_| correlation_id());
        let deadline = options.deadline.map(|given| Deadline {
            at: started + given,
            given,
        });
        // An operation made safe by its idempotency key is repeated only with the key.
        let retry = match operation.retry {
            RetryClass::IdempotencyKey(_) if payload.request_id.is_none() => RetryClass::Never,
            retry => retry,
        };
        let retries = RetryLoop {
            operation,
            retry,
            policy: options.retry_policy.as_ref().unwrap_or(&self.policy),
            budget: &self.budget,
            clock,
            deadline,
        };
        let url = self.urls.get(operation.index).ok_or_else(|| {
            Error::invalid_request(Some(operation), "not an operation of the spec")
        })?;
        // Business requests wait for the client-side limit and pacing; every attempt counts,
        // in the call's lane.
        let business = operation.auth == Auth::Bearer;
        let admission = Admission {
            pacing: self.pacing.as_deref().filter(|_| business),
            limiter: self.limiter.as_deref().filter(|_| business),
            priority: options.priority.unwrap_or(self.priority),
            clock,
        };
        let mut attempt = HttpAttempt {
            runtime: self,
            operation,
            url,
            payload: &payload,
            options,
            correlation: correlation_id
                .as_deref()
                .and_then(|id| HeaderValue::try_from(id).ok()),
            auth,
            deadline,
        };
        let observer = Observer {
            metrics: &self.metrics,
            operation,
            internal: options.internal,
        };
        let (request_id, correlation) = (payload.request_id.as_deref(), correlation_id.as_deref());
        let run = async {
            let looped = retries.run(&mut attempt, &admission, &observer).await;
            let elapsed = clock.now().saturating_duration_since(started);
            let attempts = looped.attempts;
            let result = match looped.result {
                Ok(answer) => Ok(Finished {
                    answer,
                    attempts,
                    request_id: payload.request_id.clone(),
                    correlation_id: correlation_id.clone(),
                    elapsed,
                    served_from: ServedFrom::Gateway,
                    age: None,
                }),
                Err(error) => Err(error.with_call(CallFacts {
                    attempts,
                    request_id,
                    correlation_id: correlation,
                    resent_after_doubt: looped.resent_after_doubt,
                })),
            };
            (result, elapsed)
        };
        observer.call(request_id, correlation, run).await
    }
}

/// What every attempt of one call reads, and the auth step that carries over between them.
pub(crate) struct HttpAttempt<'c> {
    runtime: &'c Runtime,
    operation: &'static Operation,
    url: &'c Url,
    payload: &'c Payload,
    options: &'c CallOptions,
    correlation: Option<HeaderValue>,
    auth: Authorizer<'c>,
    deadline: Option<Deadline>,
}

impl Attempt for HttpAttempt<'_> {
    // The number is the observer's and the time left is read again when the attempt runs
    // (after its admission): neither is needed here. Boxed (one small allocation an attempt):
    // inline, its bytes would be in every future around it, and copied with each.
    fn attempt(
        &mut self,
        _: u32,
        _: Option<Duration>,
        replay: bool,
    ) -> impl Future<Output = Outcome> + Send {
        Box::pin(self.send(replay))
    }
}

impl HttpAttempt<'_> {
    /// Authenticates, sends, reads and classifies.
    async fn send(&mut self, replay: bool) -> Outcome {
        let runtime = self.runtime;
        let clock = &*runtime.clock;
        let operation = self.operation;
        let authorization = match self.auth.authorize(clock, self.left(), replay).await {
            Some(Ok(header)) => header,
            Some(Err(error)) => return Outcome::Stopped { error, took: None },
            None => {
                let error = self.past_deadline();
                return Outcome::Stopped { error, took: None };
            }
        };
        let sending = runtime.http.execute(self.request(authorization));
        let started = clock.now();
        let mut response = match sending.await {
            Ok(response) => response,
            Err(error) => return self.no_answer(error, started, "sending the request"),
        };
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        // The wall clock dates an HTTP-date `Retry-After`: read only for an answer that has one.
        let wall = if headers.contains_key(RETRY_AFTER) {
            clock.wall()
        } else {
            SystemTime::UNIX_EPOCH
        };
        let limit = runtime.max_response_bytes;
        let read = read_body(&mut response, limit).await;
        let took = clock.now().saturating_duration_since(started);
        match read {
            Ok(body) => Outcome::Answered {
                answer: classify(status, headers, body, wall),
                took,
            },
            Err(Unread::Failed(error)) => self.no_answer(error, started, "reading the response"),
            Err(Unread::TooLarge) => Outcome::Stopped {
                error: Error::too_large(operation, status, limit),
                took: Some(took),
            },
        }
    }

    /// The request of this attempt, sent with `authorization`. Made outside `send`, so that its
    /// bytes are not kept in the attempt's future while it waits for the answer.
    fn request(&self, authorization: HeaderValue) -> reqwest::Request {
        let (runtime, operation) = (self.runtime, self.operation);
        let method = Method::from_bytes(operation.method.as_bytes()).unwrap_or(Method::POST);
        let mut request = reqwest::Request::new(method, self.url.clone());
        // Sized once for the SDK's headers, the call's own and those reqwest adds.
        let mut headers = HeaderMap::with_capacity(8 + self.options.headers.len());
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(TENANT_ID.clone(), runtime.tenant.clone());
        headers.insert(USER_AGENT, runtime.user_agent.clone());
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(operation.body.content_type()),
        );
        if let (Some(name), Some(id)) = (&runtime.correlation_header, &self.correlation) {
            headers.insert(name.clone(), id.clone());
        }
        for (name, value) in &self.options.headers {
            headers.append(name.clone(), value.clone());
        }
        *request.headers_mut() = headers;
        // The attempt's own timeout, cut to what the deadline leaves.
        *request.timeout_mut() = match (self.options.attempt_timeout, self.left()) {
            (Some(own), Some(left)) => Some(own.min(left)),
            (own, left) => own.or(left),
        };
        *request.body_mut() = Some(self.payload.body.clone().into());
        request
    }

    /// What is left before the deadline now (each wait spends some of it).
    fn left(&self) -> Option<Duration> {
        let clock = &self.runtime.clock;
        self.deadline
            .map(|d| d.at.saturating_duration_since(clock.now()))
    }

    /// An attempt that got no answer: `step` (sending, reading) failed.
    fn no_answer(&self, error: reqwest::Error, started: Instant, step: &'static str) -> Outcome {
        let took = self.runtime.clock.now().saturating_duration_since(started);
        let reason = if error.is_connect() {
            Reason::Connect
        } else if error.is_timeout() {
            Reason::Timeout
        } else {
            Reason::Dropped
        };
        let error_type = if error.is_timeout() {
            ErrorKind::Timeout.as_str()
        } else if error.is_connect() {
            "connect"
        } else {
            ErrorKind::Transport.as_str()
        };
        let error = Error::transport(self.operation, error);
        Outcome::NoAnswer {
            reason,
            error,
            step,
            error_type,
            took,
        }
    }

    fn past_deadline(&self) -> Error {
        let given = self.deadline.map_or(Duration::ZERO, |d| d.given);
        Error::past_deadline(self.operation, given, None)
    }
}

/// Why a body was not read to the end.
enum Unread {
    /// Larger than the limit: nothing more is read.
    TooLarge,
    /// Reading failed (a dropped connection, the attempt's timeout).
    Failed(reqwest::Error),
}

/// The body, read chunk by chunk so that an endless or oversized one costs no more memory than
/// the limit (and is refused at once when its `Content-Length` says so).
async fn read_body(response: &mut reqwest::Response, limit: usize) -> Result<Bytes, Unread> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(Unread::TooLarge);
    }
    let first = match response.chunk().await.map_err(Unread::Failed)? {
        Some(chunk) => chunk,
        None => return Ok(Bytes::new()),
    };
    if first.len() > limit {
        return Err(Unread::TooLarge);
    }
    // Most answers arrive in one chunk: kept as it is, without a copy.
    let Some(second) = response.chunk().await.map_err(Unread::Failed)? else {
        return Ok(first);
    };
    let mut body = Vec::new();
    append(&mut body, &first, limit)?;
    append(&mut body, &second, limit)?;
    while let Some(chunk) = response.chunk().await.map_err(Unread::Failed)? {
        append(&mut body, &chunk, limit)?;
    }
    Ok(Bytes::from(body))
}

/// Appends `chunk`, growing `body` by hand and never past `limit`: a doubling buffer would
/// hold its old and new allocations at once, three times the limit at the end.
fn append(body: &mut Vec<u8>, chunk: &[u8], limit: usize) -> Result<(), Unread> {
    let needed = body.len() + chunk.len();
    if needed > limit {
        return Err(Unread::TooLarge);
    }
    if needed > body.capacity() {
        let grown = (body.capacity() * 2).max(needed).min(limit);
        body.reserve_exact(grown - body.len());
    }
    body.extend_from_slice(chunk);
    Ok(())
}

/// The one classification of a response read to the end (`wall`: when, for an HTTP-date
/// `Retry-After`): what failed, and whether that may be sent again. Pure; the cache's shared
/// tier makes its answers with it too.
pub(crate) fn classify(
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    wall: SystemTime,
) -> Answer {
    let (code, msg) = envelope_head(status, &body);
    let failure = failure_of(status, code, &msg);
    let retry = match failure {
        Some(ErrorKind::RateLimited) => Some(Reason::Throttled),
        Some(_)
            if [408, 500, 502, 503, 504]
                .into_iter()
                .any(|n| says(status, code, n)) =>
        {
            Some(Reason::Server)
        }
        _ => None,
    };
    let retry_after = retry_after(&headers, wall);
    Answer {
        status,
        headers,
        body,
        code,
        msg,
        failure,
        retry,
        retry_after,
    }
}

/// The failure an answer of the gateway reports, if any: a failure `code` counts whatever the
/// HTTP status, an error status whatever the body.
pub(crate) fn failure_of(status: StatusCode, code: Option<i64>, msg: &str) -> Option<ErrorKind> {
    /// The code the gateway uses for a repeated request (upstream's idempotency guard).
    const CODE_REPEATED_REQUEST: i64 = 900;
    let failed = code.filter(|&c| c != 0);
    if failed.is_none() && status.is_success() {
        return None;
    }
    if status.is_redirection() {
        return Some(ErrorKind::Redirect);
    }
    let is = |n: u16| says(status, code, n);
    Some(if is(401) {
        ErrorKind::Unauthorized
    } else if is(403) {
        ErrorKind::Forbidden
    } else if is(429) {
        ErrorKind::RateLimited
    } else if failed == Some(CODE_REPEATED_REQUEST) || msg == DUPLICATE_REQUEST_MSG {
        ErrorKind::DuplicateRequest
    } else if is(400) {
        ErrorKind::InvalidParameter
    } else if status.is_server_error() || failed.is_some_and(|c| (500..600).contains(&c)) {
        ErrorKind::ServerError
    } else {
        ErrorKind::Business
    })
}

/// Whether the answer says `n`: as its status, or as its envelope's failure code.
fn says(status: StatusCode, code: Option<i64>, n: u16) -> bool {
    status == n || code.filter(|&c| c != 0) == Some(i64::from(n))
}

/// `Retry-After`, as seconds or an HTTP-date (counted from `wall`).
fn retry_after(headers: &HeaderMap, wall: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(wall).unwrap_or(Duration::ZERO))
}

/// The envelope's `code`, and its `msg` when the code is a failure: the gateway's framework
/// writes `code` first, so a success is known without scanning the body (the full decode into
/// the operation's type happens once, later, for the answer that ends the call).
fn envelope_head(status: StatusCode, body: &[u8]) -> (Option<i64>, Cow<'static, str>) {
    #[derive(serde::Deserialize)]
    struct Head {
        code: i64,
        #[serde(default)]
        msg: Option<String>,
    }
    if status.is_redirection() || !body.starts_with(b"{") {
        return (None, Cow::Borrowed(""));
    }
    if body.starts_with(br#"{"code":0,"#) {
        return (Some(0), Cow::Borrowed(""));
    }
    match serde_json::from_slice::<Head>(body) {
        Ok(head) => (Some(head.code), Cow::Owned(head.msg.unwrap_or_default())),
        Err(_) => (None, Cow::Borrowed("")),
    }
}

/// A per-call id: random, not secret (no need for the system's entropy per call), written
/// without the formatting machinery.
fn correlation_id() -> String {
    let bytes = fastrand::u128(..).to_le_bytes();
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
    uuid.hyphenated().encode_lower(&mut text).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_success_prefix_reads_as_the_full_parse_does() {
        for body in [
            r#"{"code":0,"data":{"goodsId":"1"},"msg":""}"#,
            r#"{"code":0,"data":null}"#,
            r#"{"code":0}"#,
            r#"{ "code": 0, "data": 1 }"#,
            r#"{"data":1,"code":0}"#,
            r#"{"code":401,"msg":"expired"}"#,
            r#"{"code":0"#,
        ] {
            let full = serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v.get("code")?.as_i64());
            assert_eq!(
                envelope_head(StatusCode::OK, body.as_bytes()).0,
                full,
                "{body}"
            );
        }
    }

    #[test]
    fn a_failure_is_read_once_from_the_status_or_the_code() {
        let answer = |status: u16, body: &'static str| {
            classify(
                StatusCode::from_u16(status).unwrap(),
                HeaderMap::new(),
                Bytes::from_static(body.as_bytes()),
                SystemTime::UNIX_EPOCH,
            )
        };
        assert_eq!(answer(200, r#"{"code":0,"data":1}"#).failure, None);
        assert_eq!(
            answer(200, r#"{"code":401,"msg":"x"}"#).failure,
            Some(ErrorKind::Unauthorized)
        );
        assert_eq!(answer(401, "").failure, Some(ErrorKind::Unauthorized));
        assert_eq!(
            answer(200, r#"{"code":900,"msg":"x"}"#).failure,
            Some(ErrorKind::DuplicateRequest)
        );
        assert_eq!(
            answer(
                400,
                r#"{"code":400,"msg":"Duplicate request, please do not retry"}"#
            )
            .failure,
            Some(ErrorKind::DuplicateRequest)
        );
        assert_eq!(answer(502, "<html>").failure, Some(ErrorKind::ServerError));
        assert_eq!(answer(302, "").failure, Some(ErrorKind::Redirect));
        assert_eq!(
            answer(200, r#"{"code":1008005000,"msg":"no"}"#).failure,
            Some(ErrorKind::Business)
        );
        assert_eq!(answer(200, "<html>").failure, None, "a decode error, later");
    }
}
