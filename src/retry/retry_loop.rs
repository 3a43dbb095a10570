//! The retry loop of one call, as google-cloud-rust's gax `retry_loop` has it: generic over the
//! attempt, driven by the classifier, the policy, the client's budget and the clock. It knows
//! no HTTP, no token and no telemetry: the attempt sends, [`RetryEvents`] observes.

use super::classify::{Outcome, Reason, Verdict, classify};
use super::{RetryBudget, RetryPolicy};
use crate::clock::Clock;
use crate::operation::RetryClass;
use crate::runtime::Answer;
use crate::{Error, Operation};
use std::future::Future;
use std::time::{Duration, Instant};

/// One attempt of a call, as the loop drives it.
pub(crate) trait Attempt: Send {
    /// Sends attempt `number` (1 for the first) with `left` before the deadline (`None`: no
    /// deadline). `replay`: the previous attempt's token was refused (401), replace it first.
    fn attempt(
        &mut self,
        number: u32,
        left: Option<Duration>,
        replay: bool,
    ) -> impl Future<Output = Outcome> + Send;
}

/// What the loop tells its observer (logs and metrics); every method does nothing by default.
pub(crate) trait RetryEvents: Sync {
    /// Attempt `attempt` failed for `reason`; the next one follows after `wait` (the gateway's
    /// `Retry-After` when `retry_after`).
    fn retrying(&self, attempt: u32, reason: Reason, retry_after: bool, wait: Duration) {
        let _ = (attempt, reason, retry_after, wait);
    }

    /// The token was refused: the call is replayed at once with a new one.
    fn reauthenticating(&self) {}

    /// A retry for `reason` was due but the client's retry budget cannot pay for it.
    fn budget_exhausted(&self, reason: Reason) {
        let _ = reason;
    }
}

impl RetryEvents for () {}

/// When a call must be over, and the deadline it was given.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline {
    pub(crate) at: Instant,
    pub(crate) given: Duration,
}

/// How the loop ended: the final answer or error, and what it took.
#[derive(Debug)]
pub(crate) struct Looped {
    pub(crate) result: Result<Answer, Error>,
    /// Requests sent, the replay after a refused token included.
    pub(crate) attempts: u32,
    /// Whether the call was sent again after an attempt the gateway may have processed.
    pub(crate) resent_after_doubt: bool,
}

/// The rules one call's attempts run under.
pub(crate) struct RetryLoop<'a> {
    pub(crate) operation: &'static Operation,
    /// The operation's retry class for this call.
    pub(crate) retry: RetryClass,
    pub(crate) policy: &'a RetryPolicy,
    pub(crate) budget: &'a RetryBudget,
    pub(crate) clock: &'a dyn Clock,
    pub(crate) deadline: Option<Deadline>,
}

impl RetryLoop<'_> {
    /// Runs `attempt` until an outcome ends the call: a success, a final failure, the policy's
    /// last attempt, an empty budget or the deadline. No wait starts that would end past the
    /// deadline: a throttled call then ends with its rate-limit error, any other with a
    /// timeout keeping the last answer.
    pub(crate) async fn run(
        &self,
        attempt: &mut impl Attempt,
        events: &impl RetryEvents,
    ) -> Looped {
        let operation = self.operation;
        let mut looped = Looped {
            result: Err(self.past_deadline(None)),
            attempts: 0,
            resent_after_doubt: false,
        };
        // The waits before retries, made at the first retry (most calls have none).
        let mut backoff: Option<Box<dyn Iterator<Item = Duration> + Send>> = None;
        // Attempts the policy counts (a replay after a refused token is not one), and the
        // budget this call spent on retries.
        let (mut tries, mut spent) = (1, 0);
        let (mut reauthenticated, mut replay) = (false, false);
        loop {
            let left = self.left();
            if left.is_some_and(|left| left.is_zero()) {
                looped.result = Err(self.past_deadline(None));
                return looped;
            }
            looped.attempts += 1;
            let outcome = attempt.attempt(looped.attempts, left, replay).await;
            replay = false;
            let max_retry_after = self.policy.max_retry_after();
            let verdict = classify(
                operation.auth,
                self.retry,
                reauthenticated,
                &outcome,
                max_retry_after,
            );
            let (reason, after) = match verdict {
                Verdict::Done => {
                    if outcome.succeeded() {
                        self.budget.succeeded(spent);
                    }
                    looped.result = outcome.into_result(operation);
                    return looped;
                }
                Verdict::Reauthenticate => {
                    events.reauthenticating();
                    (reauthenticated, replay) = (true, true);
                    continue;
                }
                Verdict::Retry { reason, after } => (reason, after),
            };
            let policy = self.policy;
            let next = backoff
                .get_or_insert_with(|| Box::new(policy.backoff()))
                .next()
                .filter(|_| tries < policy.max_attempts());
            let Some(backoff) = next else {
                looped.result = outcome.into_result(operation);
                return looped;
            };
            let Some(cost) = self.budget.acquire(reason) else {
                events.budget_exhausted(reason);
                looped.result = outcome.into_result(operation);
                return looped;
            };
            spent += cost;
            tries += 1;
            looped.resent_after_doubt |= reason.may_have_been_processed();
            let wait = after.unwrap_or(backoff);
            if self.left().is_some_and(|left| wait >= left) {
                looped.result = match outcome.into_result(operation).err() {
                    Some(throttled) if reason == Reason::Throttled => Err(throttled),
                    last => Err(self.past_deadline(last)),
                };
                return looped;
            }
            events.retrying(looped.attempts, reason, after.is_some(), wait);
            self.clock.sleep(wait).await;
        }
    }

    /// What is left before the deadline (`None`: no deadline).
    fn left(&self) -> Option<Duration> {
        let now = self.clock.now();
        self.deadline
            .map(|deadline| deadline.at.saturating_duration_since(now))
    }

    fn past_deadline(&self, last: Option<Error>) -> Error {
        let given = self.deadline.map_or(Duration::ZERO, |d| d.given);
        Error::past_deadline(self.operation, given, last)
    }
}

#[cfg(test)]
mod tests {
    //! The loop driven by a scripted attempt on the manual clock: no HTTP, no real wait.

    use super::*;
    use crate::ErrorKind;
    use crate::clock::ManualClock;
    use crate::generated::ops::GOODS_DETAIL;
    use crate::sync::lock;
    use reqwest::StatusCode;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};
    use std::time::SystemTime;

    const MS: Duration = Duration::from_millis(1);

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    fn answer(status: u16, retry_after: Option<&str>) -> Outcome {
        let mut headers = HeaderMap::new();
        if let Some(after) = retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from_str(after).unwrap());
        }
        let body = if status == 200 {
            r#"{"code":0,"data":{},"msg":""}"#
        } else {
            ""
        };
        Outcome::Answered(Answer::new(
            StatusCode::from_u16(status).unwrap(),
            headers,
            bytes::Bytes::from_static(body.as_bytes()),
            SystemTime::UNIX_EPOCH,
        ))
    }

    /// Each attempt's number, time left and replay flag.
    type Seen = Arc<Mutex<Vec<(u32, Option<Duration>, bool)>>>;

    /// Answers from a script, each after a latency on the manual clock; with the script
    /// spent, an attempt never ends (a caller that gives up).
    struct Scripted {
        clock: Arc<ManualClock>,
        script: VecDeque<(Duration, Outcome)>,
        /// What each attempt was given: its number, the time left, whether it replays.
        seen: Seen,
    }

    impl Scripted {
        fn new(clock: &Arc<ManualClock>, script: Vec<(Duration, Outcome)>) -> Self {
            Self {
                clock: Arc::clone(clock),
                script: script.into(),
                seen: Arc::default(),
            }
        }
    }

    impl Attempt for Scripted {
        fn attempt(
            &mut self,
            number: u32,
            left: Option<Duration>,
            replay: bool,
        ) -> impl Future<Output = Outcome> + Send {
            lock(&self.seen).push((number, left, replay));
            let next = self.script.pop_front();
            let clock = Arc::clone(&self.clock);
            async move {
                match next {
                    Some((latency, outcome)) => {
                        clock.advance(latency);
                        outcome
                    }
                    None => std::future::pending().await,
                }
            }
        }
    }

    #[derive(Default)]
    struct Recorded(Mutex<Vec<String>>);

    impl RetryEvents for Recorded {
        fn retrying(&self, attempt: u32, reason: Reason, retry_after: bool, wait: Duration) {
            lock(&self.0).push(format!(
                "retry {attempt} {} {retry_after} {}ms",
                reason.label(),
                wait.as_millis()
            ));
        }
        fn reauthenticating(&self) {
            lock(&self.0).push("reauthenticate".into());
        }
        fn budget_exhausted(&self, reason: Reason) {
            lock(&self.0).push(format!("exhausted {}", reason.label()));
        }
    }

    struct Case {
        name: &'static str,
        script: Vec<(Duration, Outcome)>,
        deadline: Option<Duration>,
        budget: u32,
        /// The call's result: `Ok`, or the error's kind and status.
        result: Result<(), (ErrorKind, Option<u16>)>,
        attempts: u32,
        slept: Vec<Duration>,
        events: Vec<&'static str>,
    }

    fn run(case: Case) {
        let clock = Arc::new(ManualClock::new());
        let policy = RetryPolicy::standard();
        let budget = RetryBudget::new(case.budget);
        let retries = RetryLoop {
            operation: GOODS_DETAIL,
            retry: RetryClass::Safe,
            policy: &policy,
            budget: &budget,
            clock: &*clock,
            deadline: case.deadline.map(|given| Deadline {
                at: clock.now() + given,
                given,
            }),
        };
        let mut attempt = Scripted::new(&clock, case.script);
        let events = Recorded::default();
        let looped = block_on(retries.run(&mut attempt, &events));
        let name = case.name;
        let result = looped
            .result
            .as_ref()
            .map(drop)
            .map_err(|e| (e.kind(), e.status().map(|s| s.as_u16())));
        assert_eq!(result, case.result, "{name}: {:?}", looped.result);
        assert_eq!(looped.attempts, case.attempts, "{name}: attempts");
        assert_eq!(clock.slept(), case.slept, "{name}: waits");
        assert_eq!(*lock(&events.0), case.events, "{name}: events");
    }

    #[test]
    fn the_deadline_stops_any_wait_that_would_end_past_it() {
        run(Case {
            name: "503 with Retry-After 1 s, deadline 2 s, 100 ms per attempt",
            script: vec![
                (100 * MS, answer(503, Some("1"))),
                (100 * MS, answer(503, Some("1"))),
            ],
            deadline: Some(2000 * MS),
            budget: 500,
            // At 1.2 s a wait of 1 s would end at 2.2 s: the call ends, a timeout keeping the
            // last answer's status.
            result: Err((ErrorKind::Timeout, Some(503))),
            attempts: 2,
            slept: vec![1000 * MS],
            events: vec!["retry 1 server_error true 1000ms"],
        });
        run(Case {
            name: "429 whose Retry-After outlasts the deadline",
            script: vec![(100 * MS, answer(429, Some("5")))],
            deadline: Some(2000 * MS),
            budget: 500,
            result: Err((ErrorKind::RateLimited, Some(429))),
            attempts: 1,
            slept: vec![],
            events: vec![],
        });
        run(Case {
            name: "an attempt that spends the whole deadline",
            script: vec![(3000 * MS, answer(503, None))],
            deadline: Some(2000 * MS),
            budget: 500,
            result: Err((ErrorKind::Timeout, Some(503))),
            attempts: 1,
            slept: vec![],
            events: vec![],
        });
    }

    #[test]
    fn retry_after_is_waited_exactly_then_the_call_succeeds() {
        run(Case {
            name: "429 Retry-After 3, then 200",
            script: vec![(MS, answer(429, Some("3"))), (MS, answer(200, None))],
            deadline: None,
            budget: 500,
            result: Ok(()),
            attempts: 2,
            slept: vec![3000 * MS],
            events: vec!["retry 1 throttled true 3000ms"],
        });
    }

    #[test]
    fn the_budget_pays_for_what_it_holds_and_no_more() {
        run(Case {
            name: "a budget of one retry",
            script: vec![
                (MS, answer(503, Some("0"))),
                (MS, answer(503, Some("0"))),
                (MS, answer(200, None)),
            ],
            deadline: None,
            budget: 5,
            result: Err((ErrorKind::ServerError, Some(503))),
            attempts: 2,
            slept: vec![Duration::ZERO],
            events: vec!["retry 1 server_error true 0ms", "exhausted server_error"],
        });
        run(Case {
            name: "the policy's 3 attempts",
            script: vec![
                (MS, answer(503, Some("0"))),
                (MS, answer(503, Some("0"))),
                (MS, answer(503, Some("0"))),
                (MS, answer(200, None)),
            ],
            deadline: None,
            budget: 500,
            result: Err((ErrorKind::ServerError, Some(503))),
            attempts: 3,
            slept: vec![Duration::ZERO, Duration::ZERO],
            events: vec![
                "retry 1 server_error true 0ms",
                "retry 2 server_error true 0ms",
            ],
        });
    }

    #[test]
    fn a_refused_token_is_replayed_once_at_once() {
        run(Case {
            name: "401 then 200",
            script: vec![(MS, answer(401, None)), (MS, answer(200, None))],
            deadline: None,
            budget: 500,
            result: Ok(()),
            attempts: 2,
            slept: vec![],
            events: vec!["reauthenticate"],
        });
        run(Case {
            name: "401 twice",
            script: vec![
                (MS, answer(401, None)),
                (MS, answer(401, None)),
                (MS, answer(200, None)),
            ],
            deadline: None,
            budget: 500,
            result: Err((ErrorKind::Unauthorized, Some(401))),
            attempts: 2,
            slept: vec![],
            events: vec!["reauthenticate"],
        });
    }

    #[test]
    fn each_attempt_is_told_the_time_left_and_whether_it_replays() {
        let clock = Arc::new(ManualClock::new());
        let (policy, budget) = (RetryPolicy::standard(), RetryBudget::new(500));
        let given = 2000 * MS;
        let retries = RetryLoop {
            operation: GOODS_DETAIL,
            retry: RetryClass::Safe,
            policy: &policy,
            budget: &budget,
            clock: &*clock,
            deadline: Some(Deadline {
                at: clock.now() + given,
                given,
            }),
        };
        let script = vec![
            (300 * MS, answer(401, None)),
            (200 * MS, answer(429, Some("1"))),
            (100 * MS, answer(200, None)),
        ];
        let mut attempt = Scripted::new(&clock, script);
        let looped = block_on(retries.run(&mut attempt, &()));
        assert!(looped.result.is_ok());
        assert_eq!(
            *lock(&attempt.seen),
            [
                (1, Some(given), false),
                (2, Some(1700 * MS), true),
                (3, Some(500 * MS), false),
            ]
        );
    }

    #[tokio::test]
    async fn a_cancelled_caller_stops_the_loop_and_leaves_the_budget_usable() {
        let clock = Arc::new(ManualClock::new());
        let (policy, budget) = (RetryPolicy::standard(), RetryBudget::new(10));
        let retries = RetryLoop {
            operation: GOODS_DETAIL,
            retry: RetryClass::Safe,
            policy: &policy,
            budget: &budget,
            clock: &*clock,
            deadline: None,
        };
        // The second attempt never ends: the caller gives up while it is in flight.
        let mut attempt = Scripted::new(&clock, vec![(MS, answer(503, Some("0")))]);
        let seen = Arc::clone(&attempt.seen);
        {
            let mut run = std::pin::pin!(retries.run(&mut attempt, &()));
            // Polled until the retry is in flight (the wait before it yields once).
            for _ in 0..10 {
                assert!(futures::poll!(run.as_mut()).is_pending());
                if lock(&seen).len() == 2 {
                    break;
                }
            }
        }
        assert_eq!(lock(&seen).len(), 2, "the retry was sent, then dropped");
        // The retry it paid for stays paid (it was sent); what is left serves the next call.
        let mut next = Scripted::new(
            &clock,
            vec![(MS, answer(503, Some("0"))), (MS, answer(200, None))],
        );
        let looped = retries.run(&mut next, &()).await;
        assert!(looped.result.is_ok());
        assert_eq!(looped.attempts, 2);
    }
}
