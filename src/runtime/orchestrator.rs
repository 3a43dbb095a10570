//! The orchestrator: every phase of a call in one place, as smithy-rs's `try_op` /
//! `try_attempt` hold them. `try_op` runs the loop (deadline, rate limit, attempt,
//! classification, replay, wait); `try_attempt` authenticates, builds the request, sends it
//! and reads the answer once. The retry decisions are `crate::retry`'s; the waiting and
//! re-sending are here, and so are the call's log line and metrics.

use super::answer::{Answer, Unread};
use super::options::CallOptions;
use super::payload::Payload;
use super::response::ResponseMetadata;
use crate::auth::TokenCache;
use crate::clock::Clock;
use crate::error::CallFacts;
use crate::limiter::RateLimiter;
use crate::metrics::{AttemptEnd, Metrics};
use crate::operation::{Auth, RetryClass};
use crate::retry::{Attempts, Next, Outcome, Reason, Retrier};
use crate::{Error, ErrorKind, Operation};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, Url};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// The event that ends a call: DEBUG for the requests the SDK makes for itself (the token
/// request), INFO for the caller's.
macro_rules! call_ended {
    ($internal:expr, $($event:tt)+) => {
        if $internal {
            tracing::debug!($($event)+)
        } else {
            tracing::info!($($event)+)
        }
    };
}

static TENANT_ID: HeaderName = HeaderName::from_static("tenant-id");
/// How much of a body the TRACE log shows.
const TRACE_BODY_CHARS: usize = 512;

/// Everything a call needs but its token: the HTTP client, where and as whom to send, and
/// the client's retry, rate-limit and size policies. Shared by the client's clones and by
/// its token endpoint.
pub(crate) struct Runtime {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// The URL of each operation of the table, parsed once ([`Runtime::urls`]).
    pub(crate) urls: Box<[Url]>,
    /// `Basic base64(clientId:clientSecret)`, marked sensitive.
    pub(crate) basic: HeaderValue,
    pub(crate) tenant: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    /// The header that carries each call's correlation id (none: not sent).
    pub(crate) correlation_header: Option<HeaderName>,
    /// The scopes the token request asks for (all granted when `None`).
    pub(crate) scopes: Option<String>,
    pub(crate) retrier: Retrier,
    pub(crate) clock: Arc<dyn Clock>,
    /// The client-side limit on business requests (every attempt counts).
    pub(crate) limiter: Option<Arc<dyn RateLimiter>>,
    pub(crate) max_response_bytes: usize,
    pub(crate) metrics: Metrics,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("base_url", &self.base_url)
            .field("retrier", &self.retrier)
            .field("limiter", &self.limiter)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// The final answer of a call (a success: no failure in it), and how it was obtained.
#[derive(Debug)]
pub(crate) struct Exchange {
    pub(crate) answer: Answer,
    /// Requests sent, the replay after a refused token included.
    pub(crate) attempts: u32,
    /// The idempotency key every attempt carried.
    pub(crate) request_id: Option<String>,
    pub(crate) correlation_id: Option<String>,
    pub(crate) elapsed: Duration,
}

impl Exchange {
    /// The facts an error of this call carries.
    pub(crate) fn facts(&self) -> CallFacts<'_> {
        CallFacts {
            attempts: self.attempts,
            request_id: self.request_id.as_deref(),
            correlation_id: self.correlation_id.as_deref(),
            resent_after_doubt: false,
        }
    }

    pub(crate) fn into_metadata(self) -> ResponseMetadata {
        ResponseMetadata {
            status: self.answer.status,
            headers: self.answer.headers,
            attempts: self.attempts,
            elapsed: self.elapsed,
            request_id: self.request_id,
            correlation_id: self.correlation_id,
        }
    }

    /// A call answered once with `body` (the decoder of `__examples`: tests and fuzzing).
    pub(crate) fn answered(status: reqwest::StatusCode, body: &[u8]) -> Self {
        Self {
            answer: Answer::new(
                status,
                reqwest::header::HeaderMap::new(),
                bytes::Bytes::copy_from_slice(body),
            ),
            attempts: 1,
            request_id: None,
            correlation_id: None,
            elapsed: Duration::ZERO,
        }
    }
}

/// What one attempt produced.
enum Attempted {
    Answered(Answer),
    /// Connecting, sending or reading failed.
    Failed(reqwest::Error),
    /// The SDK ended the attempt itself: no token, a body over the limit, the deadline.
    Stopped(Error),
}

impl Attempted {
    fn outcome(&self) -> Outcome<'_> {
        match self {
            Attempted::Answered(answer) => Outcome::Answered(answer),
            Attempted::Failed(error) => Outcome::Failed(error),
            Attempted::Stopped(_) => Outcome::Stopped,
        }
    }

    /// The call's result, when this attempt ends it.
    fn into_result(self, operation: &'static Operation) -> Result<Answer, Error> {
        match self {
            Attempted::Answered(answer) => match answer.failure {
                None => Ok(answer),
                Some(kind) => Err(Error::answered(kind, operation, answer.as_answered())),
            },
            Attempted::Failed(error) => Err(Error::transport(operation, error)),
            Attempted::Stopped(error) => Err(error),
        }
    }
}

/// One call in progress: what every attempt reads.
struct CallState<'c> {
    tokens: Option<&'c TokenCache>,
    operation: &'static Operation,
    payload: &'c Payload,
    options: &'c CallOptions,
    correlation: Option<HeaderValue>,
    /// When the call must be over, and the deadline it was given.
    deadline: Option<(Instant, Duration)>,
}

impl CallState<'_> {
    /// What is left before the deadline (`None`: no deadline).
    fn left(&self) -> Option<Duration> {
        self.deadline
            .map(|(at, _)| at.saturating_duration_since(Instant::now()))
    }

    fn past_deadline(&self, last: Option<Error>) -> Error {
        let given = self.deadline.map_or(Duration::ZERO, |(_, given)| given);
        Error::past_deadline(self.operation, given, last)
    }
}

impl Runtime {
    /// The URL of every operation of the table on `base_url`.
    pub(crate) fn urls(base_url: &str) -> Result<Box<[Url]>, Error> {
        crate::Operation::all()
            .iter()
            .map(|op| {
                Url::parse(&format!("{base_url}{}", op.path)).map_err(|e| {
                    Error::config(format!(
                        "base_url does not make a URL with {}: {e}",
                        op.path
                    ))
                })
            })
            .collect()
    }

    /// Runs one call of `operation`: its final answer, or the error with the call's facts.
    /// `tokens` authenticates Bearer operations.
    pub(crate) async fn execute(
        &self,
        tokens: Option<&TokenCache>,
        operation: &'static Operation,
        payload: Payload,
        options: &CallOptions,
    ) -> Result<Exchange, Error> {
        let started = Instant::now();
        let correlation_id = self.correlation_header.as_ref().map(|_| correlation_id());
        let span = tracing::info_span!(
            "rizzitgo.call",
            operation = operation.name,
            method = operation.method,
            path = operation.path,
            status = tracing::field::Empty,
            code = tracing::field::Empty,
            attempts = tracing::field::Empty,
            request_id = payload.request_id.as_deref(),
            correlation_id = correlation_id.as_deref(),
            elapsed_ms = tracing::field::Empty,
        );
        // An operation made safe by its idempotency key is repeated only with the key.
        let retry = match operation.retry {
            RetryClass::IdempotencyKey(_) if payload.request_id.is_none() => RetryClass::Never,
            retry => retry,
        };
        let mut attempts = self
            .retrier
            .start(operation, retry, options.retry_policy.as_ref());
        let call = CallState {
            tokens,
            operation,
            payload: &payload,
            options,
            correlation: correlation_id
                .as_deref()
                .and_then(|id| HeaderValue::try_from(id).ok()),
            deadline: options.deadline.map(|given| (started + given, given)),
        };
        let outcome = self
            .try_op(&call, &mut attempts)
            .instrument(span.clone())
            .await;
        let elapsed = started.elapsed();
        let sent = attempts.sent();
        span.record("attempts", sent);
        span.record("elapsed_ms", elapsed.as_millis() as u64);
        let _entered = span.enter();
        match outcome {
            Ok(answer) => {
                let (status, code) = (answer.status.as_u16(), answer.code.unwrap_or_default());
                span.record("status", status);
                span.record("code", code);
                self.metrics.call(operation, "ok", sent, elapsed);
                let elapsed_ms = elapsed.as_millis() as u64;
                let id = correlation_id.as_deref();
                call_ended!(
                    options.internal,
                    operation = operation.name,
                    outcome = "ok",
                    status,
                    attempts = sent,
                    elapsed_ms,
                    correlation_id = id,
                    "call ended"
                );
                Ok(Exchange {
                    answer,
                    attempts: sent,
                    request_id: payload.request_id,
                    correlation_id,
                    elapsed,
                })
            }
            Err(error) => {
                let error = error.with_call(CallFacts {
                    attempts: sent,
                    request_id: payload.request_id.as_deref(),
                    correlation_id: correlation_id.as_deref(),
                    resent_after_doubt: attempts.resent_after_doubt(),
                });
                if let Some(status) = error.status() {
                    span.record("status", status.as_u16());
                }
                if let Some(code) = error.code() {
                    span.record("code", code);
                }
                self.log_failure(operation, &error, elapsed, options.internal);
                Err(error)
            }
        }
    }

    /// A call refused before anything was sent (an invalid request or option): counted and
    /// logged like any other.
    pub(crate) fn refused(&self, operation: &'static Operation, error: &Error) {
        self.log_failure(operation, error, Duration::ZERO, false);
    }

    fn log_failure(
        &self,
        operation: &'static Operation,
        error: &Error,
        elapsed: Duration,
        internal: bool,
    ) {
        let outcome = error.kind().as_str();
        self.metrics
            .call(operation, outcome, error.attempts(), elapsed);
        let (status, code) = (error.status().map(|s| s.as_u16()), error.code());
        let (attempts, elapsed_ms) = (error.attempts(), elapsed.as_millis() as u64);
        let correlation_id = error.correlation_id();
        call_ended!(
            internal,
            operation = operation.name,
            outcome,
            status,
            code,
            attempts,
            elapsed_ms,
            correlation_id,
            error = %error,
            "call ended"
        );
    }

    /// The loop: each attempt under the deadline and the rate limit, then what the retry
    /// decisions say.
    async fn try_op(
        &self,
        call: &CallState<'_>,
        attempts: &mut Attempts<'_>,
    ) -> Result<Answer, Error> {
        let operation = call.operation;
        let url = self.url(operation)?;
        // The token each attempt sent: the one a 401 proves dead.
        let mut sent_token: Option<HeaderValue> = None;
        loop {
            if call.left().is_some_and(|left| left.is_zero()) {
                return Err(call.past_deadline(None));
            }
            let limiter = self
                .limiter
                .as_ref()
                .filter(|_| operation.auth == Auth::Bearer);
            let permit = match limiter {
                Some(limiter) => {
                    let asked = Instant::now();
                    match within(call.left(), limiter.acquire()).await {
                        Some(permit) => {
                            self.metrics.rate_limit_wait(operation, asked.elapsed());
                            Some(permit)
                        }
                        None => return Err(call.past_deadline(None)),
                    }
                }
                None => None,
            };
            let attempt = attempts.begin();
            let attempted = self
                .try_attempt(call, url, &mut sent_token)
                .instrument(tracing::debug_span!("rizzitgo.attempt", attempt))
                .await;
            if let (Some(limiter), Some(permit)) = (limiter, permit) {
                limiter
                    .release(permit, matches!(attempted, Attempted::Answered(_)))
                    .await;
            }
            match attempts.decide(&attempted.outcome()) {
                Next::Done => return attempted.into_result(operation),
                Next::Exhausted => {
                    self.metrics.retry_budget_exhausted(operation);
                    return attempted.into_result(operation);
                }
                Next::Reauthenticate => {
                    self.metrics.reauthentication(operation);
                    if let (Some(tokens), Some(refused)) = (call.tokens, &sent_token) {
                        tokens.invalidate(refused);
                    }
                }
                Next::Retry { wait, reason } => {
                    // No wait starts that would end past the deadline.
                    if call.left().is_some_and(|left| wait >= left) {
                        let last = attempted.into_result(operation).err();
                        return match last {
                            Some(throttled) if reason == Reason::Throttled => Err(throttled),
                            last => Err(call.past_deadline(last)),
                        };
                    }
                    self.metrics.retry(operation, reason.label());
                    self.clock.sleep(wait).await;
                }
            }
        }
    }

    /// One request: authenticated, sent, and its answer read once within the size limit.
    async fn try_attempt(
        &self,
        call: &CallState<'_>,
        url: &Url,
        sent_token: &mut Option<HeaderValue>,
    ) -> Attempted {
        let operation = call.operation;
        let authorization = match (operation.auth, call.tokens) {
            (Auth::Basic, _) => self.basic.clone(),
            (Auth::Bearer, Some(tokens)) => match within(call.left(), tokens.get()).await {
                Some(Ok(token)) => {
                    *sent_token = Some(token.header.clone());
                    token.header.clone()
                }
                Some(Err(error)) => return Attempted::Stopped(error),
                None => return Attempted::Stopped(call.past_deadline(None)),
            },
            (Auth::Bearer, None) => {
                return Attempted::Stopped(Error::config(
                    "a Bearer operation needs the client's token",
                ));
            }
        };
        let method = Method::from_bytes(operation.method.as_bytes()).unwrap_or(Method::POST);
        let mut request = reqwest::Request::new(method, url.clone());
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(TENANT_ID.clone(), self.tenant.clone());
        headers.insert(USER_AGENT, self.user_agent.clone());
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(operation.body.content_type()),
        );
        if let (Some(name), Some(id)) = (&self.correlation_header, &call.correlation) {
            headers.insert(name.clone(), id.clone());
        }
        for (name, value) in &call.options.headers {
            headers.append(name.clone(), value.clone());
        }
        // The attempt's own timeout, cut to what the deadline leaves.
        let timeout = match (call.options.attempt_timeout, call.left()) {
            (Some(own), Some(left)) => Some(own.min(left)),
            (own, left) => own.or(left),
        };
        *request.timeout_mut() = timeout;
        *request.body_mut() = Some(call.payload.body.clone().into());
        let started = Instant::now();
        let response = match self.http.execute(request).await {
            Ok(response) => response,
            Err(error) => return self.no_answer(operation, error, started, "sending the request"),
        };
        let answer = match Answer::read(response, self.max_response_bytes).await {
            Ok(answer) => answer,
            Err((_, Unread::Failed(error))) => {
                return self.no_answer(operation, error, started, "reading the response");
            }
            Err((status, Unread::TooLarge)) => {
                self.metrics.attempt(
                    operation,
                    AttemptEnd::Failed("response_too_large"),
                    started.elapsed(),
                );
                return Attempted::Stopped(Error::too_large(
                    operation,
                    status,
                    self.max_response_bytes,
                ));
            }
        };
        self.metrics.attempt(
            operation,
            AttemptEnd::Answered(answer.status.as_u16()),
            started.elapsed(),
        );
        tracing::debug!(
            operation = operation.name,
            status = answer.status.as_u16(),
            bytes = answer.body.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "response"
        );
        // Bodies only at TRACE, truncated; never those of the token endpoints (they carry the
        // access token).
        if operation.auth == Auth::Bearer && tracing::enabled!(tracing::Level::TRACE) {
            let text = String::from_utf8_lossy(&answer.body);
            let excerpt: String = text.chars().take(TRACE_BODY_CHARS).collect();
            tracing::trace!(operation = operation.name, body = %excerpt, "response body");
        }
        Attempted::Answered(answer)
    }

    /// An attempt that got no answer: `step` (sending, reading) failed.
    fn no_answer(
        &self,
        operation: &'static Operation,
        error: reqwest::Error,
        started: Instant,
        step: &str,
    ) -> Attempted {
        tracing::debug!(operation = operation.name, %error, "{step} failed");
        let error_type = failure_type(&error);
        self.metrics
            .attempt(operation, AttemptEnd::Failed(error_type), started.elapsed());
        Attempted::Failed(error)
    }

    fn url(&self, operation: &'static Operation) -> Result<&Url, Error> {
        operation
            .index()
            .and_then(|i| self.urls.get(i))
            .ok_or_else(|| Error::invalid_request(Some(operation), "not an operation of the spec"))
    }
}

/// `future`, given at most `left` when there is a deadline (`None` when it ran out).
async fn within<F: std::future::Future>(left: Option<Duration>, future: F) -> Option<F::Output> {
    match left {
        None => Some(future.await),
        Some(left) => tokio::time::timeout(left, future).await.ok(),
    }
}

/// `error.type` of an attempt that got no answer.
fn failure_type(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        ErrorKind::Timeout.as_str()
    } else if error.is_connect() {
        "connect"
    } else {
        ErrorKind::Transport.as_str()
    }
}

/// A per-call id: random, not secret (no need for the system's entropy per call).
fn correlation_id() -> String {
    let bytes = fastrand::u128(..).to_le_bytes();
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}
