//! The loop that sends, asks the classifier, waits and sends again.

use super::RetryPolicy;
use super::classify::{Class, Outcome, Verdict, classify};
use super::quota::RetryQuota;
use crate::clock::Clock;
use crate::limiter::{Permit, RateLimiter};
use crate::operation::{Auth, Retry};
use crate::transport::Buffered;
use crate::{Error, Operation};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The retry state of one client, shared by its clones: policy, budget, clock, rate limit.
pub(crate) struct Retrier {
    policy: RetryPolicy,
    quota: RetryQuota,
    clock: Arc<dyn Clock>,
    /// The client-side limit on business requests (every attempt counts).
    limiter: Option<Arc<dyn RateLimiter>>,
}

impl fmt::Debug for Retrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Retrier")
            .field("policy", &self.policy)
            .field("quota", &self.quota)
            .field("limiter", &self.limiter)
            .finish_non_exhaustive()
    }
}

/// What the loop tells a send about the attempt it is making.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Resend {
    /// 1 for the first request of the call.
    pub(crate) attempt: u32,
    /// The previous attempt's token was refused (401): forget it and use a new one.
    pub(crate) after_unauthorized: bool,
}

/// What one send produced.
pub(crate) enum Sent {
    Response(Buffered),
    Transport(reqwest::Error),
    /// The SDK stopped before sending (no token could be had).
    Local(Error),
}

impl Sent {
    fn outcome(&self) -> Outcome<'_> {
        match self {
            Sent::Response(r) => Outcome::Response {
                status: r.status,
                headers: &r.headers,
                body: &r.body,
            },
            Sent::Transport(e) => Outcome::Transport(e),
            Sent::Local(_) => Outcome::Local,
        }
    }
}

/// How a call ended, and how hard the loop tried.
pub(crate) struct Report {
    pub(crate) sent: Sent,
    /// Requests sent, the replay after a refused token included.
    pub(crate) attempts: u32,
    /// Whether the call was sent again after an attempt the gateway may have processed.
    pub(crate) resent_after_doubt: bool,
}

impl Retrier {
    pub(crate) fn new(
        policy: RetryPolicy,
        clock: Arc<dyn Clock>,
        limiter: Option<Arc<dyn RateLimiter>>,
    ) -> Self {
        Self {
            quota: RetryQuota::new(policy.budget()),
            policy,
            clock,
            limiter,
        }
    }

    /// The attempts of one call of `operation`; `retry` is its retry class for this call.
    pub(crate) fn attempts(&self, operation: &'static Operation, retry: Retry) -> Attempts<'_> {
        Attempts {
            retrier: self,
            operation,
            retry,
            backoff: None,
            attempts: 0,
            tries: 1,
            spent: 0,
            reauthenticated: false,
            after_unauthorized: false,
            resent_after_doubt: false,
            permit: None,
        }
    }
}

/// The retry loop of one call, driven by its caller (a closure could not be both re-borrowed
/// per attempt and `Send`):
///
/// ```text
/// let mut attempts = retrier.attempts(operation, retry);
/// let report = loop {
///     let resend = attempts.next().await;          // the rate limit, the attempt number
///     let sent = send(resend).instrument(resend.span()).await;
///     if let Some(report) = attempts.after(sent).await { break report }  // classify, wait
/// };
/// ```
pub(crate) struct Attempts<'r> {
    retrier: &'r Retrier,
    operation: &'static Operation,
    retry: Retry,
    /// The waits before retries, made at the first retry (most calls have none).
    backoff: Option<Box<dyn Iterator<Item = Duration> + Send>>,
    /// Requests sent.
    attempts: u32,
    /// Attempts the policy counts (a replay after a refused token is not one).
    tries: u32,
    /// Budget spent on retries.
    spent: u32,
    reauthenticated: bool,
    after_unauthorized: bool,
    resent_after_doubt: bool,
    /// The rate limiter's permit of the attempt in flight, handed back when it is over.
    permit: Option<Permit>,
}

impl Resend {
    /// The span of this attempt.
    pub(crate) fn span(&self) -> tracing::Span {
        tracing::debug_span!("rizzitgo.attempt", attempt = self.attempt)
    }
}

impl Attempts<'_> {
    /// Waits for the client-side rate limit, then describes the attempt about to be sent.
    pub(crate) async fn next(&mut self) -> Resend {
        if self.operation.auth == Auth::Bearer
            && let Some(limiter) = &self.retrier.limiter
        {
            self.permit = Some(limiter.acquire().await);
        }
        self.attempts += 1;
        Resend {
            attempt: self.attempts,
            after_unauthorized: std::mem::take(&mut self.after_unauthorized),
        }
    }

    /// Classifies what the attempt produced: the call's report when it is over, or `None`
    /// after waiting for the next attempt.
    pub(crate) async fn after(&mut self, sent: Sent) -> Option<Report> {
        if let (Some(permit), Some(limiter)) = (self.permit.take(), &self.retrier.limiter) {
            limiter
                .release(permit, matches!(sent, Sent::Response(_)))
                .await;
        }
        let class = Class {
            auth: self.operation.auth,
            retry: self.retry,
            reauthenticated: self.reauthenticated,
        };
        let policy = &self.retrier.policy;
        let verdict = classify(class, &sent.outcome(), policy.max_retry_after());
        let name = self.operation.name;
        match verdict {
            Verdict::Done => {
                if matches!(&sent, Sent::Response(r) if r.status.is_success()) {
                    self.retrier.quota.succeeded(self.spent);
                }
                Some(self.report(sent))
            }
            Verdict::Reauthenticate => {
                tracing::debug!(operation = name, "401: replaying with a new token");
                self.reauthenticated = true;
                self.after_unauthorized = true;
                None
            }
            Verdict::Retry { reason, after } => {
                let retrier = self.retrier;
                let Some(backoff) = self
                    .backoff
                    .get_or_insert_with(|| Box::new(retrier.policy.backoff()))
                    .next()
                    .filter(|_| self.tries < policy.max_attempts())
                else {
                    return Some(self.report(sent));
                };
                let Some(cost) = self.retrier.quota.acquire(reason) else {
                    tracing::warn!(
                        operation = name,
                        reason = reason.as_str(),
                        "retry budget exhausted: not retrying"
                    );
                    return Some(self.report(sent));
                };
                self.spent += cost;
                self.tries += 1;
                self.resent_after_doubt |= reason.may_have_been_processed();
                let wait = after.unwrap_or(backoff);
                tracing::info!(
                    operation = name,
                    attempt = self.attempts,
                    reason = reason.as_str(),
                    retry_after = after.is_some(),
                    wait_ms = wait.as_millis() as u64,
                    "retrying"
                );
                self.retrier.clock.sleep(wait).await;
                None
            }
        }
    }

    fn report(&self, sent: Sent) -> Report {
        Report {
            sent,
            attempts: self.attempts,
            resent_after_doubt: self.resent_after_doubt,
        }
    }
}
