//! The orchestrator: every phase of a call in one place, as smithy-rs's `try_op` /
//! `try_attempt` hold them. `try_op` runs the loop (rate limit, attempt, classification,
//! replay, wait); `try_attempt` authenticates, builds the request, sends it and reads the
//! answer once. The retry decisions are `crate::retry`'s; the waiting and re-sending are here.

use super::answer::{Answer, Unread};
use super::payload::Payload;
use crate::auth::TokenCache;
use crate::clock::Clock;
use crate::limiter::RateLimiter;
use crate::operation::{Auth, Retry};
use crate::retry::{Attempts, Next, Outcome, Retrier};
use crate::{Error, Operation};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, Url};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

static TENANT_ID: HeaderName = HeaderName::from_static("tenant-id");
/// How much of a body the TRACE log shows.
const TRACE_BODY_CHARS: usize = 512;

/// Everything a call needs but its token: the HTTP client, where and as whom to send, and
/// the client's retry, rate-limit and size policies. Shared by the client's clones and by
/// its token endpoint.
pub(crate) struct Runtime {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// The URL of each operation of the table, parsed once.
    urls: Box<[Url]>,
    /// `Basic base64(clientId:clientSecret)`, marked sensitive.
    pub(crate) basic: HeaderValue,
    pub(crate) tenant: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    /// The scopes the token request asks for (all granted when `None`).
    pub(crate) scopes: Option<String>,
    pub(crate) retrier: Retrier,
    pub(crate) clock: Arc<dyn Clock>,
    /// The client-side limit on business requests (every attempt counts).
    pub(crate) limiter: Option<Arc<dyn RateLimiter>>,
    pub(crate) max_response_bytes: usize,
}

/// What [`Runtime::new`] takes.
pub(crate) struct Parts {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) basic: HeaderValue,
    pub(crate) tenant: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    pub(crate) scopes: Option<String>,
    pub(crate) retrier: Retrier,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) limiter: Option<Arc<dyn RateLimiter>>,
    pub(crate) max_response_bytes: usize,
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
    pub(crate) elapsed: Duration,
}

/// What one attempt produced.
enum Attempted {
    Answered(Answer),
    /// Connecting, sending or reading failed.
    Failed(reqwest::Error),
    /// The SDK ended the attempt itself: no token, or a body over the limit.
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
                Some(kind) => Err(Error::answered(kind, operation, &answer)),
            },
            Attempted::Failed(error) => Err(Error::transport(operation, error)),
            Attempted::Stopped(error) => Err(error),
        }
    }
}

impl Runtime {
    pub(crate) fn new(parts: Parts) -> Result<Self, Error> {
        let urls = crate::Operation::all()
            .iter()
            .map(|op| {
                Url::parse(&format!("{}{}", parts.base_url, op.path)).map_err(|e| {
                    Error::config(format!("base_url does not make a URL with {}: {e}", op.path))
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            http: parts.http,
            base_url: parts.base_url,
            urls,
            basic: parts.basic,
            tenant: parts.tenant,
            user_agent: parts.user_agent,
            scopes: parts.scopes,
            retrier: parts.retrier,
            clock: parts.clock,
            limiter: parts.limiter,
            max_response_bytes: parts.max_response_bytes,
        })
    }

    /// Runs one call of `operation`: its final answer, or the error with the attempts made.
    /// `tokens` authenticates Bearer operations.
    pub(crate) async fn execute(
        &self,
        tokens: Option<&TokenCache>,
        operation: &'static Operation,
        payload: Payload,
    ) -> Result<Exchange, Error> {
        let span = tracing::info_span!(
            "rizzitgo.call",
            operation = operation.name,
            method = operation.method,
            path = operation.path,
            status = tracing::field::Empty,
            code = tracing::field::Empty,
            attempts = tracing::field::Empty,
            request_id = payload.request_id.as_deref(),
            elapsed_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        // An operation made safe by its idempotency key is repeated only with the key.
        let retry = match operation.retry {
            Retry::IdempotencyKey(_) if payload.request_id.is_none() => Retry::Never,
            retry => retry,
        };
        let mut attempts = self.retrier.start(operation, retry);
        let outcome = self
            .try_op(tokens, operation, &payload, &mut attempts)
            .instrument(span.clone())
            .await;
        let elapsed = started.elapsed();
        span.record("attempts", attempts.sent());
        span.record("elapsed_ms", elapsed.as_millis() as u64);
        match outcome {
            Ok(answer) => {
                span.record("status", answer.status.as_u16());
                span.record("code", answer.code.unwrap_or_default());
                Ok(Exchange {
                    answer,
                    attempts: attempts.sent(),
                    request_id: payload.request_id,
                    elapsed,
                })
            }
            Err(error) => {
                if let Some(status) = error.status() {
                    span.record("status", status.as_u16());
                }
                if let Some(code) = error.code() {
                    span.record("code", code);
                }
                let error = error.with_call(
                    attempts.sent(),
                    payload.request_id.as_deref(),
                    attempts.resent_after_doubt(),
                );
                let _entered = span.enter();
                tracing::debug!(error = %error, "call failed");
                Err(error)
            }
        }
    }

    /// The loop: each attempt under the rate limit, then what the retry decisions say.
    async fn try_op(
        &self,
        tokens: Option<&TokenCache>,
        operation: &'static Operation,
        payload: &Payload,
        attempts: &mut Attempts<'_>,
    ) -> Result<Answer, Error> {
        let url = self.url(operation)?;
        // The token each attempt sent: the one a 401 proves dead.
        let mut sent_token: Option<HeaderValue> = None;
        loop {
            let limiter = self.limiter.as_ref().filter(|_| operation.auth == Auth::Bearer);
            let permit = match limiter {
                Some(limiter) => Some(limiter.acquire().await),
                None => None,
            };
            let attempt = attempts.begin();
            let attempted = self
                .try_attempt(tokens, operation, payload, url, &mut sent_token)
                .instrument(tracing::debug_span!("rizzitgo.attempt", attempt))
                .await;
            if let (Some(limiter), Some(permit)) = (limiter, permit) {
                limiter
                    .release(permit, matches!(attempted, Attempted::Answered(_)))
                    .await;
            }
            match attempts.decide(&attempted.outcome()) {
                Next::Done => return attempted.into_result(operation),
                Next::Reauthenticate => {
                    if let (Some(tokens), Some(refused)) = (tokens, &sent_token) {
                        tokens.invalidate(refused);
                    }
                }
                Next::Retry(wait) => self.clock.sleep(wait).await,
            }
        }
    }

    /// One request: authenticated, sent, and its answer read once within the size limit.
    async fn try_attempt(
        &self,
        tokens: Option<&TokenCache>,
        operation: &'static Operation,
        payload: &Payload,
        url: &Url,
        sent_token: &mut Option<HeaderValue>,
    ) -> Attempted {
        let authorization = match (operation.auth, tokens) {
            (Auth::Basic, _) => self.basic.clone(),
            (Auth::Bearer, Some(tokens)) => match tokens.get().await {
                Ok(token) => {
                    *sent_token = Some(token.header.clone());
                    token.header.clone()
                }
                Err(error) => return Attempted::Stopped(error),
            },
            (Auth::Bearer, None) => {
                return Attempted::Stopped(Error::config("a Bearer operation needs the client's token"));
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
        *request.body_mut() = Some(payload.body.clone().into());
        let started = Instant::now();
        let response = match self.http.execute(request).await {
            Ok(response) => response,
            Err(error) => {
                tracing::debug!(operation = operation.name, %error, "request failed");
                return Attempted::Failed(error);
            }
        };
        let answer = match Answer::read(response, self.max_response_bytes).await {
            Ok(answer) => answer,
            Err((_, Unread::Failed(error))) => {
                tracing::debug!(operation = operation.name, %error, "reading the response failed");
                return Attempted::Failed(error);
            }
            Err((status, Unread::TooLarge)) => {
                return Attempted::Stopped(Error::too_large(
                    operation,
                    status,
                    self.max_response_bytes,
                ));
            }
        };
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

    fn url(&self, operation: &'static Operation) -> Result<&Url, Error> {
        operation
            .index()
            .and_then(|i| self.urls.get(i))
            .ok_or_else(|| Error::invalid_request(Some(operation), "not an operation of the spec"))
    }
}

impl Exchange {
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
            elapsed: Duration::ZERO,
        }
    }
}
