//! The retry decisions of one call: how many requests it sent, whether the next outcome ends
//! it, is replayed with a new token, or waits and goes again. It decides; the orchestrator
//! (`crate::runtime`) owns the loop, the waits and the sends.

use super::RetryPolicy;
use super::classify::{Class, Outcome, Reason, Verdict, classify};
use super::quota::RetryQuota;
use crate::Operation;
use crate::operation::RetryClass;
use std::time::Duration;

/// The retry state of one client, shared by its clones: the policy and the retry budget.
#[derive(Debug)]
pub(crate) struct Retrier {
    policy: RetryPolicy,
    quota: RetryQuota,
}

impl Retrier {
    pub(crate) fn new(policy: RetryPolicy) -> Self {
        Self {
            quota: RetryQuota::new(policy.budget()),
            policy,
        }
    }

    /// The attempts of one call of `operation`; `retry` is its retry class for this call,
    /// `policy` the call's own policy if it has one (the client's budget still applies).
    pub(crate) fn start<'r>(
        &'r self,
        operation: &'static Operation,
        retry: RetryClass,
        policy: Option<&'r RetryPolicy>,
    ) -> Attempts<'r> {
        Attempts {
            retrier: self,
            policy: policy.unwrap_or(&self.policy),
            operation,
            retry,
            backoff: None,
            attempts: 0,
            tries: 1,
            spent: 0,
            reauthenticated: false,
            resent_after_doubt: false,
        }
    }
}

/// What the call does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// The outcome is the call's.
    Done,
    /// The outcome is the call's: the retry budget is spent.
    Exhausted,
    /// Replay at once with a new token (the last one was refused).
    Reauthenticate,
    /// Wait this long, then send again.
    Retry { wait: Duration, reason: Reason },
}

/// The retry state of one call.
pub(crate) struct Attempts<'r> {
    retrier: &'r Retrier,
    policy: &'r RetryPolicy,
    operation: &'static Operation,
    retry: RetryClass,
    /// The waits before retries, made at the first retry (most calls have none).
    backoff: Option<Box<dyn Iterator<Item = Duration> + Send>>,
    /// Requests sent.
    attempts: u32,
    /// Attempts the policy counts (a replay after a refused token is not one).
    tries: u32,
    /// Budget spent on retries.
    spent: u32,
    reauthenticated: bool,
    resent_after_doubt: bool,
}

impl Attempts<'_> {
    /// Counts a request about to be sent; its number (1 for the first).
    pub(crate) fn begin(&mut self) -> u32 {
        self.attempts += 1;
        self.attempts
    }

    /// Requests sent so far.
    pub(crate) fn sent(&self) -> u32 {
        self.attempts
    }

    /// Whether the call was sent again after an attempt the gateway may have processed.
    pub(crate) fn resent_after_doubt(&self) -> bool {
        self.resent_after_doubt
    }

    /// What follows `outcome`, by the classifier, the policy and the budget.
    pub(crate) fn decide(&mut self, outcome: &Outcome<'_>) -> Next {
        let class = Class {
            auth: self.operation.auth,
            retry: self.retry,
            reauthenticated: self.reauthenticated,
        };
        let policy = self.policy;
        let name = self.operation.name;
        match classify(class, outcome, policy.max_retry_after()) {
            Verdict::Done => {
                if matches!(outcome, Outcome::Answered(answer) if answer.failure.is_none()) {
                    self.retrier.quota.succeeded(self.spent);
                }
                Next::Done
            }
            Verdict::Reauthenticate => {
                tracing::debug!(operation = name, "401: replaying with a new token");
                self.reauthenticated = true;
                Next::Reauthenticate
            }
            Verdict::Retry { reason, after } => {
                let Some(backoff) = self
                    .backoff
                    .get_or_insert_with(|| Box::new(policy.backoff()))
                    .next()
                    .filter(|_| self.tries < policy.max_attempts())
                else {
                    return Next::Done;
                };
                let Some(cost) = self.retrier.quota.acquire(reason) else {
                    tracing::warn!(
                        operation = name,
                        reason = reason.as_str(),
                        "retry budget exhausted: not retrying"
                    );
                    return Next::Exhausted;
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
                Next::Retry { wait, reason }
            }
        }
    }
}
