//! The one observer of a call's phases: it makes the call's span, its end event, the attempt
//! spans and events, the retry events, and every metric. It frames the call (the orchestrator
//! hands it the call to run) and each attempt (the retry loop hands it the attempt to run), and
//! reads what they return: neither the attempt nor the loop reports anything itself.

use super::answer::{Outcome, Reason};
use super::finished::Finished;
use crate::metrics::{AttemptEnd, Metrics};
use crate::operation::Auth;
use crate::retry::{Admitted, RetryEvents};
use crate::{Error, Operation};
use futures_util::FutureExt;
use std::future::Future;
use std::time::Duration;
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

/// How much of a body the TRACE log shows.
const TRACE_BODY_CHARS: usize = 512;

/// What one call reports to: its two frames, around the call ([`Observer::call`]) and around
/// each attempt (the loop's [`RetryEvents::attempt`]), and the loop's retry events.
pub(crate) struct Observer<'a> {
    pub(crate) metrics: &'a Metrics,
    pub(crate) operation: &'static Operation,
    /// A call the SDK makes for itself: its end is logged at DEBUG.
    pub(crate) internal: bool,
}

impl Observer<'_> {
    /// A call refused before anything was sent (an invalid request or option): counted and
    /// logged like any other, with no span of its own.
    pub(crate) fn refused(metrics: &Metrics, operation: &'static Operation, error: &Error) {
        log_failure(metrics, operation, error, Duration::ZERO, false);
    }

    /// Runs the call `run` in its span, then reports how it ended (`run` gives its result and
    /// how long it took). A combinator, not an `async fn`: it holds `run` once (an `async fn`
    /// would keep a second copy of its argument, and the call's future would double in size).
    pub(crate) fn call<F>(
        &self,
        request_id: Option<&str>,
        correlation_id: Option<&str>,
        run: F,
    ) -> impl Future<Output = Result<Finished, Error>>
    where
        F: Future<Output = (Result<Finished, Error>, Duration)>,
    {
        let operation = self.operation;
        let span = tracing::info_span!(
            "rizzitgo.call",
            operation = operation.name,
            method = operation.method,
            path = operation.path,
            status = tracing::field::Empty,
            code = tracing::field::Empty,
            attempts = tracing::field::Empty,
            request_id,
            correlation_id,
            elapsed_ms = tracing::field::Empty,
        );
        run.instrument(span.clone()).map(move |(result, elapsed)| {
            self.ended(&span, &result, elapsed);
            result
        })
    }

    /// The call ended with `result` after `elapsed`.
    fn ended(&self, span: &tracing::Span, result: &Result<Finished, Error>, elapsed: Duration) {
        let operation = self.operation;
        let attempts = match result {
            Ok(finished) => finished.attempts,
            Err(error) => error.attempts(),
        };
        span.record("attempts", attempts);
        span.record("elapsed_ms", elapsed.as_millis() as u64);
        let _entered = span.enter();
        match result {
            Ok(finished) => {
                let (answer, correlation_id) =
                    (&finished.answer, finished.correlation_id.as_deref());
                let (status, code) = (answer.status.as_u16(), answer.code.unwrap_or_default());
                span.record("status", status);
                span.record("code", code);
                self.metrics.call(operation, "ok", attempts, elapsed);
                let elapsed_ms = elapsed.as_millis() as u64;
                call_ended!(
                    self.internal,
                    operation = operation.name,
                    outcome = "ok",
                    served_from = "gateway",
                    status,
                    attempts,
                    elapsed_ms,
                    correlation_id,
                    "call ended"
                );
            }
            Err(error) => {
                if let Some(status) = error.status() {
                    span.record("status", status.as_u16());
                }
                if let Some(code) = error.code() {
                    span.record("code", code);
                }
                log_failure(self.metrics, operation, error, elapsed, self.internal);
            }
        }
    }

    /// What an attempt that ran reports: its wait for the client-side limit, then its answer
    /// or why it has none.
    fn attempted(&self, admitted: &Admitted) {
        let (metrics, operation) = (self.metrics, self.operation);
        if let Some(waited) = admitted.waited {
            metrics.rate_limit_wait(operation, waited);
        }
        match &admitted.outcome {
            Outcome::Answered { answer, took } => {
                let status = answer.status.as_u16();
                metrics.attempt(operation, AttemptEnd::Answered(status), *took);
                tracing::debug!(
                    operation = operation.name,
                    status,
                    bytes = answer.body.len(),
                    elapsed_ms = took.as_millis() as u64,
                    "response"
                );
                // Bodies only at TRACE, truncated; never those of the token endpoints (they
                // carry the access token).
                if operation.auth == Auth::Bearer && tracing::enabled!(tracing::Level::TRACE) {
                    let text = String::from_utf8_lossy(&answer.body);
                    let excerpt: String = text.chars().take(TRACE_BODY_CHARS).collect();
                    tracing::trace!(operation = operation.name, body = %excerpt, "response body");
                }
            }
            Outcome::NoAnswer {
                error,
                step,
                error_type,
                took,
                ..
            } => {
                // The transport's own words (the error's source), as they came.
                let cause = std::error::Error::source(error);
                let said: &dyn std::fmt::Display = match &cause {
                    Some(cause) => cause,
                    None => error,
                };
                self.unanswered(step, said, error_type, *took);
            }
            // A body over the size limit: the reading was given up.
            Outcome::Stopped {
                error,
                took: Some(took),
            } => self.unanswered("reading the response", error, "response_too_large", *took),
            Outcome::Stopped { took: None, .. } => {}
        }
    }

    /// An attempt got no answer after `took`: `step` (sending, reading) failed; `error_type`
    /// is its `error.type`.
    fn unanswered(
        &self,
        step: &str,
        error: &dyn std::fmt::Display,
        error_type: &str,
        took: Duration,
    ) {
        tracing::debug!(operation = self.operation.name, %error, "{step} failed");
        self.metrics
            .attempt(self.operation, AttemptEnd::Failed(error_type), took);
    }
}

impl RetryEvents for Observer<'_> {
    fn attempt<F>(&self, number: u32, attempt: F) -> impl Future<Output = Option<Admitted>> + Send
    where
        F: Future<Output = Option<Admitted>> + Send,
    {
        // The call's span is the current one here: the loop runs in it. A combinator, holding
        // the attempt once (see `call`).
        let span = tracing::debug_span!("rizzitgo.attempt", attempt = number);
        attempt
            .map(move |admitted| {
                if let Some(admitted) = &admitted {
                    self.attempted(admitted);
                }
                admitted
            })
            .instrument(span)
    }

    fn retrying(&self, attempt: u32, reason: Reason, retry_after: bool, wait: Duration) {
        tracing::info!(
            operation = self.operation.name,
            attempt,
            reason = reason.as_str(),
            retry_after,
            wait_ms = wait.as_millis() as u64,
            "retrying"
        );
        self.metrics.retry(self.operation, reason.label());
    }

    fn reauthenticating(&self) {
        tracing::debug!(
            operation = self.operation.name,
            "401: replaying with a new token"
        );
        self.metrics.reauthentication(self.operation);
    }

    fn budget_exhausted(&self, reason: Reason) {
        tracing::warn!(
            operation = self.operation.name,
            reason = reason.as_str(),
            "retry budget exhausted: not retrying"
        );
        self.metrics.retry_budget_exhausted(self.operation);
    }
}

/// A call answered without a request of its own (coalesced, from the cache): counted and
/// logged like any call, with where its answer came from.
pub(crate) fn observe_served(
    runtime: &super::Runtime,
    operation: &'static Operation,
    result: Result<&super::Finished, &Error>,
    elapsed: Duration,
) {
    match result {
        Ok(finished) => {
            runtime
                .metrics
                .call(operation, "ok", finished.attempts, elapsed);
            let served_from = finished.served_from.as_str();
            tracing::info!(
                operation = operation.name,
                outcome = "ok",
                served_from,
                status = finished.answer.status.as_u16(),
                attempts = finished.attempts,
                age_ms = finished.age.map(|age| age.as_millis() as u64),
                elapsed_ms = elapsed.as_millis() as u64,
                "call ended"
            );
        }
        Err(error) => log_failure(&runtime.metrics, operation, error, elapsed, false),
    }
}

fn log_failure(
    metrics: &Metrics,
    operation: &'static Operation,
    error: &Error,
    elapsed: Duration,
    internal: bool,
) {
    let outcome = error.kind().as_str();
    metrics.call(operation, outcome, error.attempts(), elapsed);
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
