//! The one observer of a call's phases: it makes the call's span, its end event, the attempt
//! and retry events, and every metric. The orchestrator, the attempt and the retry loop only
//! report what happened.

use super::answer::Answer;
use super::options::CallOptions;
use crate::Error;
use crate::Operation;
use crate::metrics::{AttemptEnd, Metrics};
use crate::operation::Auth;
use crate::retry::{Reason, RetryEvents};
use std::time::Duration;
use tracing::Span;

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

/// What one call reports to.
pub(crate) struct Observer<'a> {
    metrics: &'a Metrics,
    operation: &'static Operation,
    /// A call the SDK makes for itself: its end is logged at DEBUG.
    internal: bool,
    span: Span,
}

impl<'a> Observer<'a> {
    /// The observer of a call of `operation`, with its span open.
    pub(crate) fn start(
        metrics: &'a Metrics,
        operation: &'static Operation,
        options: &CallOptions,
        request_id: Option<&str>,
        correlation_id: Option<&str>,
    ) -> Self {
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
        Self {
            metrics,
            operation,
            internal: options.internal,
            span,
        }
    }

    /// A call refused before anything was sent (an invalid request or option): counted and
    /// logged like any other, with no span of its own.
    pub(crate) fn refused(metrics: &Metrics, operation: &'static Operation, error: &Error) {
        log_failure(metrics, operation, error, Duration::ZERO, false);
    }

    pub(crate) fn span(&self) -> &Span {
        &self.span
    }

    /// The call's attempt `attempt` begins.
    pub(crate) fn attempt_span(&self, attempt: u32) -> Span {
        tracing::debug_span!(parent: &self.span, "rizzitgo.attempt", attempt)
    }

    /// The call waited `waited` for the client-side rate limit.
    pub(crate) fn rate_limit_waited(&self, waited: Duration) {
        self.metrics.rate_limit_wait(self.operation, waited);
    }

    /// An attempt was answered after `took`.
    pub(crate) fn answered(&self, answer: &Answer, took: Duration) {
        let operation = self.operation;
        let status = answer.status.as_u16();
        self.metrics
            .attempt(operation, AttemptEnd::Answered(status), took);
        tracing::debug!(
            operation = operation.name,
            status,
            bytes = answer.body.len(),
            elapsed_ms = took.as_millis() as u64,
            "response"
        );
        // Bodies only at TRACE, truncated; never those of the token endpoints (they carry the
        // access token).
        if operation.auth == Auth::Bearer && tracing::enabled!(tracing::Level::TRACE) {
            let text = String::from_utf8_lossy(&answer.body);
            let excerpt: String = text.chars().take(TRACE_BODY_CHARS).collect();
            tracing::trace!(operation = operation.name, body = %excerpt, "response body");
        }
    }

    /// An attempt got no answer after `took`: `step` (sending, reading) failed; `error_type`
    /// is its `error.type`.
    pub(crate) fn unanswered(
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

    /// The call ended with `result` after `attempts` requests and `elapsed`.
    pub(crate) fn ended(
        &self,
        result: Result<&Answer, &Error>,
        attempts: u32,
        elapsed: Duration,
        correlation_id: Option<&str>,
    ) {
        let span = &self.span;
        span.record("attempts", attempts);
        span.record("elapsed_ms", elapsed.as_millis() as u64);
        let _entered = span.enter();
        let operation = self.operation;
        match result {
            Ok(answer) => {
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
}

impl RetryEvents for Observer<'_> {
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
