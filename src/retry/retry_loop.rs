//! The retry loop of one call, as google-cloud-rust's gax `retry_loop` has it: generic over the
//! attempt, with the policy, the client's retry budget ([`RetryBudget`], gax's retry throttler)
//! and the clock; each attempt first passes its admission ([`Admit`]: the client-side limit and
//! pacing, as smithy's retry strategy consults its client rate limiter). It knows no HTTP, no
//! token and no telemetry: the attempt sends and classifies what came back, [`RetryEvents`]
//! observes, and the decision ([`verdict`], a pure function of the operation's classes and the
//! outcome) is the loop's.

use super::RetryPolicy;
use crate::clock::Clock;
use crate::operation::{Auth, RetryClass};
use crate::runtime::{Answer, Outcome, Reason};
use crate::{Error, ErrorKind, Operation};
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// One attempt of a call, as the loop drives it.
pub(crate) trait Attempt: Send {
    /// Attempt `number` (1 for the first), with `left` before the deadline (`None`: no
    /// deadline). `replay`: the previous attempt's token was refused (401), replace it first.
    /// Nothing is sent before the future is polled (once its admission let it go).
    fn attempt(
        &mut self,
        number: u32,
        left: Option<Duration>,
        replay: bool,
    ) -> impl Future<Output = Outcome> + Send;
}

/// What lets an attempt go: the client-side limit and pacing.
pub(crate) trait Admit: Sync {
    /// Makes the attempt and runs it once it may be sent, waiting no later than `deadline`:
    /// `None` when the deadline came first (nothing was made or sent). The attempt is made
    /// here, not handed over made: its future lives in this one's, not in two places.
    fn admit<A: Attempt>(
        &self,
        deadline: Option<Instant>,
        attempt: Next<'_, A>,
    ) -> impl Future<Output = Option<Admitted>> + Send;
}

/// The next attempt of a call, made when its admission lets it go.
pub(crate) struct Next<'a, A> {
    attempt: &'a mut A,
    number: u32,
    left: Option<Duration>,
    replay: bool,
}

impl<'a, A: Attempt> Next<'a, A> {
    /// Makes the attempt (see [`Attempt::attempt`]).
    pub(crate) fn make(self) -> impl Future<Output = Outcome> + Send + 'a {
        self.attempt.attempt(self.number, self.left, self.replay)
    }
}

/// No throttling: every attempt goes at once.
impl Admit for () {
    async fn admit<A: Attempt>(
        &self,
        _: Option<Instant>,
        attempt: Next<'_, A>,
    ) -> Option<Admitted> {
        Some(Admitted {
            outcome: attempt.make().await,
            waited: None,
        })
    }
}

/// An attempt its admission let go: its outcome, and how long it waited to go (`None`:
/// nothing could make it wait).
#[derive(Debug)]
pub(crate) struct Admitted {
    pub(crate) outcome: Outcome,
    pub(crate) waited: Option<Duration>,
}

/// What the loop tells its observer (spans, logs and metrics); every method does nothing by
/// default.
pub(crate) trait RetryEvents: Sync {
    /// Attempt `number` runs as `attempt` (admission included): the observer's frame of it.
    fn attempt<F>(&self, number: u32, attempt: F) -> impl Future<Output = Option<Admitted>> + Send
    where
        F: Future<Output = Option<Admitted>> + Send,
    {
        let _ = number;
        attempt
    }

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
    /// Runs `attempt`, each time as `admission` lets it go, until an outcome ends the call: a
    /// success, a final failure, the policy's last attempt, an empty budget or the deadline.
    /// No wait starts that would end past the deadline: a throttled call then ends with its
    /// rate-limit error, any other with a timeout keeping the last answer.
    pub(crate) async fn run(
        &self,
        attempt: &mut impl Attempt,
        admission: &impl Admit,
        events: &impl RetryEvents,
    ) -> Looped {
        let operation = self.operation;
        // Requests sent (the replay included), and whether one went after an attempt the
        // gateway may have processed.
        let (mut attempts, mut resent_after_doubt) = (0, false);
        // The waits before retries, made at the first retry (most calls have none).
        let mut backoff: Option<Box<dyn Iterator<Item = Duration> + Send>> = None;
        // Attempts the policy counts (a replay after a refused token is not one), and the
        // budget this call spent on retries.
        let (mut tries, mut spent) = (1, 0);
        let (mut reauthenticated, mut replay) = (false, false);
        let result = loop {
            let left = self.left();
            if left.is_some_and(|left| left.is_zero()) {
                break Err(self.past_deadline(None));
            }
            attempts += 1;
            let next = Next {
                attempt: &mut *attempt,
                number: attempts,
                left,
                replay,
            };
            let admitted = admission.admit(self.deadline.map(|d| d.at), next);
            let Some(Admitted { outcome, .. }) = events.attempt(attempts, admitted).await else {
                break Err(self.past_deadline(None));
            };
            replay = false;
            let max_retry_after = self.policy.max_retry_after();
            let verdict = verdict(
                operation.auth,
                self.retry,
                reauthenticated,
                &outcome,
                max_retry_after,
            );
            let (reason, after) = match verdict {
                Verdict::Done => {
                    if matches!(&outcome, Outcome::Answered { answer, .. } if answer.failure.is_none())
                    {
                        self.budget.succeeded(spent);
                    }
                    break into_result(outcome, operation);
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
                break into_result(outcome, operation);
            };
            let Some(cost) = self.budget.acquire(reason) else {
                events.budget_exhausted(reason);
                break into_result(outcome, operation);
            };
            spent += cost;
            tries += 1;
            resent_after_doubt |= reason.may_have_been_processed();
            let wait = after.unwrap_or(backoff);
            if self.left().is_some_and(|left| wait >= left) {
                break match into_result(outcome, operation).err() {
                    Some(throttled) if reason == Reason::Throttled => Err(throttled),
                    last => Err(self.past_deadline(last)),
                };
            }
            events.retrying(attempts, reason, after.is_some(), wait);
            self.clock.sleep(wait).await;
        };
        Looped {
            result,
            attempts,
            resent_after_doubt,
        }
    }

    /// What is left before the deadline (`None`: no deadline, and no clock read).
    fn left(&self) -> Option<Duration> {
        self.deadline
            .map(|deadline| deadline.at.saturating_duration_since(self.clock.now()))
    }

    fn past_deadline(&self, last: Option<Error>) -> Error {
        let given = self.deadline.map_or(Duration::ZERO, |d| d.given);
        Error::past_deadline(self.operation, given, last)
    }
}

/// The call's result, when `outcome` ends it.
fn into_result(outcome: Outcome, operation: &'static Operation) -> Result<Answer, Error> {
    match outcome {
        Outcome::Answered { answer, .. } => match answer.failure {
            None => Ok(answer),
            Some(_) => Err(Error::answered(operation, &answer)),
        },
        Outcome::NoAnswer { error, .. } | Outcome::Stopped { error, .. } => Err(error),
    }
}

/// What the loop does after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Hand this outcome to the caller.
    Done,
    /// The gateway refused the access token (401): replace it and send again at once. Offered
    /// once per call; a second 401 is [`Verdict::Done`].
    Reauthenticate,
    /// Send again, after `after` (the gateway's `Retry-After`) or else the policy's backoff.
    Retry {
        reason: Reason,
        after: Option<Duration>,
    },
}

/// Whether and when to send the call again, from one attempt's outcome alone: the operation's
/// auth and retry class (from the spec), `reauthenticated` (the call replaced its token once
/// already) and the `Retry-After` cap. Pure: the waiting is the loop's.
pub(crate) fn verdict(
    auth: Auth,
    retry: RetryClass,
    reauthenticated: bool,
    outcome: &Outcome,
    max_retry_after: Duration,
) -> Verdict {
    // May the gateway have acted on the request? Then only calls that are safe to repeat are
    // repeated: read-only ones, and those carrying their idempotency key.
    let repeatable = !matches!(retry, RetryClass::Never);
    match outcome {
        Outcome::Stopped { .. } => Verdict::Done,
        &Outcome::NoAnswer { reason, .. } => {
            let allowed = match reason {
                Reason::Connect => true,
                // The first attempt may still be running at the gateway: even an idempotency
                // key may not yet be recorded there, so only reads are repeated.
                Reason::Timeout => retry == RetryClass::Safe,
                _ => repeatable,
            };
            if allowed {
                Verdict::Retry {
                    reason,
                    after: None,
                }
            } else {
                Verdict::Done
            }
        }
        Outcome::Answered { answer, .. } => {
            let reason = match (answer.failure, answer.retry) {
                (None, _) => return Verdict::Done,
                (Some(ErrorKind::Unauthorized), _) => {
                    return if auth == Auth::Bearer && !reauthenticated {
                        Verdict::Reauthenticate
                    } else {
                        Verdict::Done
                    };
                }
                // Refused before processing: safe to repeat for every operation.
                (_, Some(Reason::Throttled)) => Reason::Throttled,
                (_, Some(reason)) if repeatable => reason,
                _ => return Verdict::Done,
            };
            match answer.retry_after {
                Some(after) if after > max_retry_after => Verdict::Done,
                after => Verdict::Retry { reason, after },
            }
        }
    }
}

/// What a retry costs.
const RETRY_COST: u32 = 5;
/// What a retry after a timeout costs: timeouts are the most expensive failures to repeat.
const TIMEOUT_RETRY_COST: u32 = 10;
/// What a call that succeeds at once gives back.
const SUCCESS_REFILL: u32 = 1;

/// The retry budget of a client, shared by its clones: a token bucket that retries draw from
/// and successes refill (the AWS SDKs' "retry quota", tower's `Budget`), so that a gateway
/// that is down sees each call about once, not once per attempt, however many callers there
/// are. First attempts never draw from it.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    available: AtomicU32,
    capacity: u32,
}

impl RetryBudget {
    pub(crate) fn new(capacity: u32) -> Self {
        Self {
            available: AtomicU32::new(capacity),
            capacity,
        }
    }

    /// Takes the cost of one retry for `reason`; `None` when the budget cannot pay for it.
    pub(crate) fn acquire(&self, reason: Reason) -> Option<u32> {
        let cost = match reason {
            Reason::Timeout => TIMEOUT_RETRY_COST,
            _ => RETRY_COST,
        };
        self.available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(cost))
            .ok()
            .map(|_| cost)
    }

    /// A call succeeded after spending `spent` on retries: that comes back, or a small refill
    /// when it spent nothing.
    pub(crate) fn succeeded(&self, spent: u32) {
        let refill = if spent == 0 { SUCCESS_REFILL } else { spent };
        let capacity = self.capacity;
        let _ = self
            .available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                Some(n.saturating_add(refill).min(capacity))
            });
    }

    #[cfg(test)]
    fn available(&self) -> u32 {
        self.available.load(Ordering::Acquire)
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
        Outcome::Answered {
            answer: crate::runtime::classify(
                StatusCode::from_u16(status).unwrap(),
                headers,
                bytes::Bytes::from_static(body.as_bytes()),
                SystemTime::UNIX_EPOCH,
            ),
            took: Duration::ZERO,
        }
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

    /// The loop of a read (`goods_detail`) on the manual clock, with `deadline` from now.
    fn reading<'a>(
        clock: &'a ManualClock,
        policy: &'a RetryPolicy,
        budget: &'a RetryBudget,
        deadline: Option<Duration>,
    ) -> RetryLoop<'a> {
        RetryLoop {
            operation: GOODS_DETAIL,
            retry: RetryClass::Safe,
            policy,
            budget,
            clock,
            deadline: deadline.map(|given| Deadline {
                at: clock.now() + given,
                given,
            }),
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
        let retries = reading(&clock, &policy, &budget, case.deadline);
        let mut attempt = Scripted::new(&clock, case.script);
        let events = Recorded::default();
        let looped = block_on(retries.run(&mut attempt, &(), &events));
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
        let retries = reading(&clock, &policy, &budget, Some(given));
        let script = vec![
            (300 * MS, answer(401, None)),
            (200 * MS, answer(429, Some("1"))),
            (100 * MS, answer(200, None)),
        ];
        let mut attempt = Scripted::new(&clock, script);
        let looped = block_on(retries.run(&mut attempt, &(), &()));
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

    /// An admission that lets `open` attempts go, then holds the rest past any deadline.
    struct Gate {
        open: std::sync::atomic::AtomicU32,
    }

    impl Admit for Gate {
        async fn admit<A: Attempt>(
            &self,
            _: Option<Instant>,
            attempt: Next<'_, A>,
        ) -> Option<Admitted> {
            use std::sync::atomic::Ordering::SeqCst;
            self.open
                .fetch_update(SeqCst, SeqCst, |open| open.checked_sub(1))
                .ok()?;
            Some(Admitted {
                outcome: attempt.make().await,
                waited: Some(MS),
            })
        }
    }

    #[test]
    fn an_attempt_its_admission_holds_past_the_deadline_ends_the_call_unsent() {
        let clock = Arc::new(ManualClock::new());
        let (policy, budget) = (RetryPolicy::standard(), RetryBudget::new(500));
        let given = 2000 * MS;
        let retries = reading(&clock, &policy, &budget, Some(given));
        // The first attempt goes and is throttled by the gateway; the retry is never let go.
        let script = vec![(MS, answer(429, Some("0"))), (MS, answer(200, None))];
        let mut attempt = Scripted::new(&clock, script);
        let gate = Gate {
            open: std::sync::atomic::AtomicU32::new(1),
        };
        let start = clock.now();
        let looped = block_on(retries.run(&mut attempt, &gate, &()));
        let error = looped.result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Timeout);
        assert_eq!(error.status(), None, "no answer of its own: {error:?}");
        assert_eq!(looped.attempts, 2);
        // Only the first attempt ran (its latency); the held one was never polled.
        assert_eq!(clock.now() - start, MS, "the held attempt was never sent");
    }

    #[test]
    fn an_unpaced_admission_lets_an_attempt_go_unless_its_deadline_has_passed() {
        let clock = Arc::new(ManualClock::new());
        // The client's default: adaptive pacing, unpaced until a 429; no client-side limit.
        let pacing = crate::limiter::Pacing::new(None, 0.25, false);
        let admission = crate::limiter::Admission {
            pacing: Some(&pacing),
            limiter: None,
            priority: crate::Priority::default(),
            clock: &*clock,
        };
        let mut attempt = Scripted::new(&clock, vec![(MS, answer(200, None))]);
        fn next(attempt: &mut Scripted) -> Next<'_, Scripted> {
            Next {
                attempt,
                number: 1,
                left: None,
                replay: false,
            }
        }
        // A deadline already reached: refused, nothing made.
        let now = clock.now();
        assert!(block_on(admission.admit(Some(now), next(&mut attempt))).is_none());
        assert!(lock(&attempt.seen).is_empty(), "no attempt was made");
        // A deadline ahead: let go at once, with no wait measured.
        let admitted = block_on(admission.admit(Some(now + MS), next(&mut attempt)));
        let admitted = admitted.expect("let go before its deadline");
        assert_eq!(admitted.waited, None);
        assert!(matches!(admitted.outcome, Outcome::Answered { .. }));
        assert_eq!(lock(&attempt.seen).len(), 1);
    }

    #[tokio::test]
    async fn a_cancelled_caller_stops_the_loop_and_leaves_the_budget_usable() {
        let clock = Arc::new(ManualClock::new());
        let (policy, budget) = (RetryPolicy::standard(), RetryBudget::new(10));
        let retries = reading(&clock, &policy, &budget, None);
        // The second attempt never ends: the caller gives up while it is in flight.
        let mut attempt = Scripted::new(&clock, vec![(MS, answer(503, Some("0")))]);
        let seen = Arc::clone(&attempt.seen);
        {
            let mut run = std::pin::pin!(retries.run(&mut attempt, &(), &()));
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
        let looped = retries.run(&mut next, &(), &()).await;
        assert!(looped.result.is_ok());
        assert_eq!(looped.attempts, 2);
    }

    mod verdicts {
        //! The decision after one attempt, as a table: no loop, no HTTP.

        use super::super::*;
        use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

        const CAP: Duration = Duration::from_secs(120);

        /// What the classifier knows of an operation and the call so far.
        #[derive(Clone, Copy)]
        struct Class {
            auth: Auth,
            retry: RetryClass,
            reauthenticated: bool,
        }

        const READ: Class = Class {
            auth: Auth::Bearer,
            retry: RetryClass::Safe,
            reauthenticated: false,
        };
        const REDEEM: Class = Class {
            retry: RetryClass::IdempotencyKey("requestId"),
            ..READ
        };
        const ONCE: Class = Class {
            retry: RetryClass::Never,
            ..READ
        };

        fn verdict(class: Class, status: u16, body: &str, retry_after: Option<&str>) -> Verdict {
            let mut headers = HeaderMap::new();
            if let Some(value) = retry_after {
                headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
            }
            let answer = crate::runtime::classify(
                reqwest::StatusCode::from_u16(status).unwrap(),
                headers,
                bytes::Bytes::copy_from_slice(body.as_bytes()),
                std::time::SystemTime::UNIX_EPOCH,
            );
            let outcome = Outcome::Answered {
                answer,
                took: Duration::ZERO,
            };
            super::verdict(
                class.auth,
                class.retry,
                class.reauthenticated,
                &outcome,
                CAP,
            )
        }

        fn retry(reason: Reason, after: Option<u64>) -> Verdict {
            Verdict::Retry {
                reason,
                after: after.map(Duration::from_secs),
            }
        }

        #[test]
        fn throttling_is_retried_for_every_operation_with_its_retry_after() {
            for class in [READ, REDEEM, ONCE] {
                assert_eq!(
                    verdict(class, 429, "", Some("1")),
                    retry(Reason::Throttled, Some(1))
                );
                assert_eq!(
                    verdict(class, 200, r#"{"code":429,"msg":"slow"}"#, None),
                    retry(Reason::Throttled, None)
                );
            }
            assert_eq!(verdict(READ, 429, "", Some("300")), Verdict::Done);
            assert_eq!(
                verdict(READ, 429, "", Some("120")),
                retry(Reason::Throttled, Some(120))
            );
        }

        #[test]
        fn server_errors_are_retried_when_the_call_may_be_repeated() {
            for status in [408, 500, 502, 503, 504] {
                assert_eq!(
                    verdict(READ, status, "<html>", None),
                    retry(Reason::Server, None)
                );
                assert_eq!(
                    verdict(REDEEM, status, "", None),
                    retry(Reason::Server, None)
                );
                assert_eq!(verdict(ONCE, status, "", None), Verdict::Done);
            }
            assert_eq!(
                verdict(READ, 200, r#"{"code":503,"data":null,"msg":""}"#, None),
                retry(Reason::Server, None)
            );
            assert_eq!(verdict(READ, 501, "", None), Verdict::Done);
        }

        #[test]
        fn client_and_business_errors_are_final() {
            for body in [
                r#"{"code":400,"msg":"bad"}"#,
                r#"{"code":403,"msg":"scope"}"#,
                r#"{"code":900,"msg":"Duplicate request, please do not retry"}"#,
                r#"{"code":1013020001,"msg":"expired"}"#,
                r#"{"code":0,"data":{},"msg":""}"#,
            ] {
                assert_eq!(verdict(READ, 200, body, None), Verdict::Done, "{body}");
            }
            assert_eq!(verdict(READ, 400, "", None), Verdict::Done);
            assert_eq!(verdict(READ, 302, "", None), Verdict::Done);
        }

        #[test]
        fn a_refused_token_is_replaced_once() {
            assert_eq!(verdict(READ, 401, "", None), Verdict::Reauthenticate);
            assert_eq!(
                verdict(ONCE, 200, r#"{"code":401}"#, None),
                Verdict::Reauthenticate
            );
            let again = Class {
                reauthenticated: true,
                ..READ
            };
            assert_eq!(verdict(again, 401, "", None), Verdict::Done);
            let basic = Class {
                auth: Auth::Basic,
                ..READ
            };
            assert_eq!(verdict(basic, 401, "", None), Verdict::Done);
        }
    }

    mod budget {
        //! The budget alone: what retries cost and successes give back.

        use super::super::*;

        #[test]
        fn a_budget_of_500_pays_for_100_retries_then_refills_on_success() {
            let budget = RetryBudget::new(500);
            let paid = (0..1000)
                .filter(|_| budget.acquire(Reason::Server).is_some())
                .count();
            assert_eq!(paid, 100);
            assert_eq!(budget.acquire(Reason::Throttled), None);
            budget.succeeded(0);
            budget.succeeded(0);
            assert_eq!(budget.available(), 2);
            budget.succeeded(5);
            assert_eq!(budget.acquire(Reason::Server), Some(5));
        }

        #[test]
        fn timeouts_cost_double_and_the_bucket_never_overflows() {
            let budget = RetryBudget::new(30);
            assert_eq!(budget.acquire(Reason::Timeout), Some(10));
            assert_eq!(budget.available(), 20);
            for _ in 0..100 {
                budget.succeeded(10);
            }
            assert_eq!(budget.available(), 30);
        }
    }
}
