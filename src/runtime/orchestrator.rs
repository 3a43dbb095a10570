//! The orchestrator: every phase of a call in one place, in order, as smithy-rs's `try_op`
//! holds them. A call gets its ids and its observer, then runs its attempts in the retry loop
//! (each attempt: rate limit, auth, send, one read, one classification: [`HttpAttempt`]), and
//! ends as a [`Finished`] call or an error carrying the call's facts. The call layers that share
//! work between calls (coalescing, a cache) wrap this, in `Call`.

use super::attempt::{Authorizer, HttpAttempt};
use super::finished::Finished;
use super::observer::Observer;
use super::options::CallOptions;
use super::request::Payload;
use super::response::ServedFrom;
use crate::clock::Clock;
use crate::error::CallFacts;
use crate::limiter::{Pacing, Priority, RateLimiter};
use crate::metrics::Metrics;
use crate::operation::RetryClass;
use crate::retry::{Deadline, RetryBudget, RetryLoop, RetryPolicy};
use crate::{Error, Operation};
use reqwest::Url;
use reqwest::header::{HeaderName, HeaderValue};
use std::fmt;
use std::sync::Arc;
use tracing::Instrument;

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
    pub(crate) policy: RetryPolicy,
    /// The client's retry budget, shared by its clones.
    pub(crate) budget: RetryBudget,
    pub(crate) clock: Arc<dyn Clock>,
    /// The client-side limit on business requests (every attempt counts).
    pub(crate) limiter: Option<Arc<dyn RateLimiter>>,
    /// Adaptive pacing of business requests, when on.
    pub(crate) pacing: Option<Arc<Pacing>>,
    /// The lane of a call that names none.
    pub(crate) priority: Priority,
    pub(crate) max_response_bytes: usize,
    pub(crate) metrics: Metrics,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("base_url", &self.base_url)
            .field("policy", &self.policy)
            .field("limiter", &self.limiter)
            .field("pacing", &self.pacing)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
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
        let request_id = payload.request_id.as_deref();
        let observer = Observer::start(
            &self.metrics,
            operation,
            options,
            request_id,
            correlation_id.as_deref(),
        );
        let deadline = options.deadline.map(|given| Deadline {
            at: started + given,
            given,
        });
        // An operation made safe by its idempotency key is repeated only with the key.
        let retry = match operation.retry {
            RetryClass::IdempotencyKey(_) if request_id.is_none() => RetryClass::Never,
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
            observer: &observer,
            deadline,
        };
        let looped = retries
            .run(&mut attempt, &observer)
            .instrument(observer.span().clone())
            .await;
        let elapsed = clock.now().saturating_duration_since(started);
        let sent = looped.attempts;
        let result = looped.result.map_err(|error| {
            error.with_call(CallFacts {
                attempts: sent,
                request_id,
                correlation_id: correlation_id.as_deref(),
                resent_after_doubt: looped.resent_after_doubt,
            })
        });
        observer.ended(result.as_ref(), sent, elapsed, correlation_id.as_deref());
        let answer = result?;
        Ok(Finished {
            answer,
            attempts: sent,
            request_id: payload.request_id,
            correlation_id,
            elapsed,
            served_from: ServedFrom::Gateway,
            age: None,
        })
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
