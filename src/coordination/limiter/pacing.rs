//! Adaptive pacing: the client learns the gateway's quota from its 429s and paces to it, so
//! that an unknown quota costs a few 429s instead of most requests. How the rate is learned
//! (CUBIC over one-second windows, its constants, what counts as a signal): [`super::cubic`].
//!
//! Alone, a client spaces its business calls by the learned rate, in its priority lanes. In
//! fleet mode the rate is the fleet's: the Redis limiter admits the replicas' requests under
//! it (its leases), a replica's learner proposes its cuts (and the undoing of a cut whose
//! trial failed) with its next admission, and every admission's answer carries the fleet's
//! state, which the learner adopts. A cut stands only if no other replica cut since the
//! proposer last looked, and not within a window of the last one: one cut per window,
//! fleet-wide. While Redis does not answer, the fleet's fallback limit holds (the learned
//! limit Redis last gave, shared by the replicas), and the replica also paces itself by what
//! it learns meanwhile (alone: the only pacing when the fleet never had a rate).
//!
//! [`Admission`] lets a business attempt go: this pacing first, then the client-side limit,
//! in the call's lane and before its deadline; both hear how the attempt ended. It is the
//! retry loop's admission ([`Admit`]), so every attempt passes it once.

use super::cubic::{FLOOR, Learner};
#[cfg(feature = "redis")]
use super::cubic::{FleetRate, Proposal};
use super::lanes::{Lanes, Spacing};
use super::{Priority, RateLimiter, ReleaseFuture};
use crate::ErrorKind;
use crate::clock::{Clock, SystemClock, within};
use crate::retry::{Admit, Admitted, Attempt, Next};
use crate::runtime::Outcome;
use crate::sync::lock;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The pacing of one client's business calls: its lanes, spaced by the learned rate.
pub(crate) struct Pacing {
    lanes: Arc<Lanes<Learned>>,
}

impl fmt::Debug for Pacing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacing")
            .field("rate", &self.rate())
            .field("fleet", &self.learned().shared)
            .finish_non_exhaustive()
    }
}

impl Pacing {
    /// Pacing under `ceiling` calls per second, if any; waiting lanes get at least `share` of
    /// the admissions. `shared`: the rate is the fleet's, its Redis limiter admits the calls.
    pub(crate) fn new(ceiling: Option<f64>, share: f64, shared: bool) -> Self {
        let learned = Learned {
            ceiling,
            shared,
            paced: AtomicBool::new(ceiling.is_some()),
            succeeded: AtomicU32::new(0),
            throttled: AtomicU32::new(0),
            fleet_down: AtomicBool::new(false),
            state: Mutex::new(Learner::new(SystemClock.now(), shared)),
        };
        Self {
            lanes: Arc::new(Lanes::new(learned, share)),
        }
    }

    fn learned(&self) -> &Learned {
        self.lanes.spacing()
    }

    /// Whether calls wait for the learned rate (or the ceiling) now.
    pub(crate) fn is_paced(&self) -> bool {
        self.learned().paced.load(Ordering::Acquire)
    }

    /// Waits until a call of `priority` may be sent at the learned rate; when it was let go.
    pub(crate) async fn admit(&self, priority: Priority) -> Sent {
        // Unpaced (no 429 yet): nothing to wait for, and no clock to read.
        if !self.is_paced() {
            return Sent(None);
        }
        // The fleet's limiter admits the calls of a fleet under its rate, unless Redis is down:
        // its fallback then caps the replica, and the replica's own learning paces it too
        // (what it learned alone, when the fleet never had a rate).
        let learned = self.learned();
        if !learned.shared || learned.fleet_down.load(Ordering::Acquire) {
            self.lanes.admit(priority).await;
        }
        Sent(Some(SystemClock.now()))
    }

    /// The attempt let go at `sent` was answered; `throttled` when with a 429.
    pub(crate) fn answered(&self, sent: Sent, throttled: bool) {
        self.learned().record(throttled, sent.0, SystemClock.now());
    }

    /// The rate paced to now (calls per second); `None` while unpaced.
    pub(crate) fn rate(&self) -> Option<f64> {
        self.learned().rate(SystemClock.now())
    }

    #[cfg(feature = "redis")]
    /// Fleet mode: what to propose to the fleet's state with the next admission, taken.
    pub(crate) fn proposal(&self) -> Option<Proposal> {
        lock(&self.learned().state).take_proposal()
    }

    #[cfg(feature = "redis")]
    /// Fleet mode: whether the fleet's Redis limiter runs on its fallback (Redis down).
    pub(crate) fn fleet_down(&self, down: bool) {
        self.learned().fleet_down.store(down, Ordering::Release);
    }

    #[cfg(feature = "redis")]
    /// Fleet mode: the successes and the 429s answered since the last admission, taken (the
    /// fleet's state counts them: its first cut, and that cut's trial).
    pub(crate) fn take_answers(&self) -> (u32, u32) {
        let learned = self.learned();
        (
            learned.succeeded.swap(0, Ordering::AcqRel),
            learned.throttled.swap(0, Ordering::AcqRel),
        )
    }

    #[cfg(feature = "redis")]
    /// Fleet mode: Redis did not answer; `proposal` and the answers are told again.
    pub(crate) fn restore(&self, proposal: Option<Proposal>, (succeeded, throttled): (u32, u32)) {
        self.learned()
            .throttled
            .fetch_add(throttled, Ordering::AcqRel);
        self.learned()
            .succeeded
            .fetch_add(succeeded, Ordering::AcqRel);
        if let Some(proposal) = proposal {
            lock(&self.learned().state).restore(proposal);
        }
    }

    #[cfg(feature = "redis")]
    /// Fleet mode: the fleet's state as an admission's answer gave it; `applied` when it
    /// holds this replica's proposal, `refused` when the fleet did not take it.
    pub(crate) fn adopt(&self, fleet: FleetRate, applied: bool, refused: bool) {
        let learned = self.learned();
        let now = SystemClock.now();
        let changed = {
            let mut learner = lock(&learned.state);
            let before = learner.rate(now);
            let changed = learner.adopt(fleet, applied, refused, now);
            learned.paced.store(
                learned.ceiling.is_some() || learner.w_max.is_some(),
                Ordering::Release,
            );
            changed.then(|| (before, learner.rate(now)))
        };
        if let Some((from, to)) = changed {
            tracing::debug!(
                from,
                to,
                generation = fleet.generation,
                own = applied,
                "pacing: the fleet's learned rate changed"
            );
        }
    }
}

/// What lets a business attempt go, for one call: the client's pacing and its client-side
/// limit (either may be absent: a token request has neither), in the call's lane.
pub(crate) struct Admission<'a> {
    pub(crate) pacing: Option<&'a Pacing>,
    pub(crate) limiter: Option<&'a dyn RateLimiter>,
    pub(crate) priority: Priority,
    pub(crate) clock: &'a dyn Clock,
}

impl Admit for Admission<'_> {
    async fn admit<A: Attempt>(
        &self,
        deadline: Option<Instant>,
        attempt: Next<'_, A>,
    ) -> Option<Admitted> {
        // Nothing may make the attempt wait (no limit, pacing unpaced): no wait is made, so the
        // common path builds none of the waits' state.
        let gated = self.limiter.is_some() || self.pacing.is_some_and(Pacing::is_paced);
        let let_go = if gated {
            self.wait(deadline).await?
        } else {
            self.ungated(deadline)?
        };
        let waited = let_go.waited;
        let outcome = attempt.make().await;
        if let Some(release) = self.hear(let_go, &outcome) {
            release.await;
        }
        Some(Admitted { outcome, waited })
    }
}

impl Admission<'_> {
    /// What lets an attempt go that nothing makes wait: `None` when the deadline has passed
    /// (as a wait would have found it).
    fn ungated(&self, deadline: Option<Instant>) -> Option<LetGo> {
        let sent = match self.pacing {
            Some(_) if deadline.is_some_and(|at| self.clock.now() >= at) => return None,
            Some(_) => Some(Sent(None)),
            None => None,
        };
        Some(LetGo {
            sent,
            permit: None,
            waited: None,
        })
    }

    /// Waits for the pacing, then the limit, no later than `deadline` (`None`: it came first).
    async fn wait(&self, deadline: Option<Instant>) -> Option<LetGo> {
        let clock = self.clock;
        // Each wait gets what the one before it left.
        let left = || deadline.map(|at| at.saturating_duration_since(clock.now()));
        let asked = clock.now();
        let sent = match self.pacing {
            Some(pacing) => Some(within(clock, left(), pacing.admit(self.priority)).await?),
            None => None,
        };
        let permit = match self.limiter {
            Some(limiter) => Some(within(clock, left(), limiter.acquire_for(self.priority)).await?),
            None => None,
        };
        let waited = Some(clock.now().saturating_duration_since(asked));
        Some(LetGo {
            sent,
            permit,
            waited,
        })
    }

    /// Tells the pacing and the limit how the attempt they let go ended: the limit's release,
    /// to await, if it has one.
    fn hear(&self, let_go: LetGo, outcome: &Outcome) -> Option<ReleaseFuture<'_>> {
        if let (Some(pacing), Some(sent), Outcome::Answered { answer, .. }) =
            (self.pacing, let_go.sent, outcome)
        {
            pacing.answered(sent, answer.failure == Some(ErrorKind::RateLimited));
        }
        let (limiter, permit) = (self.limiter?, let_go.permit?);
        Some(limiter.release(permit, matches!(outcome, Outcome::Answered { .. })))
    }
}

/// What an admission gave the attempt it let go.
struct LetGo {
    sent: Option<Sent>,
    permit: Option<super::Permit>,
    waited: Option<Duration>,
}

/// When an attempt was let go (`None`: unpaced): its answer tells of the rate of that moment.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sent(Option<Instant>);

/// The learned rate, as the lanes' spacing.
struct Learned {
    ceiling: Option<f64>,
    /// Fleet mode: the rate is the fleet's (see the module's doc).
    shared: bool,
    /// Whether calls are paced (a ceiling, or a cut made): read without the lock.
    paced: AtomicBool,
    /// Fleet mode: successes and 429s not yet told to the fleet's state.
    succeeded: AtomicU32,
    throttled: AtomicU32,
    /// Fleet mode: Redis does not answer; the replica paces itself meanwhile.
    fleet_down: AtomicBool,
    state: Mutex<Learner>,
}

impl Learned {
    fn rate(&self, now: Instant) -> Option<f64> {
        let learned = lock(&self.state).rate(now);
        match (learned, self.ceiling) {
            (Some(rate), Some(ceiling)) => Some(rate.min(ceiling)),
            (rate, ceiling) => rate.or(ceiling),
        }
    }

    fn record(&self, throttled: bool, sent: Option<Instant>, now: Instant) {
        if self.shared {
            let count = if throttled {
                &self.throttled
            } else {
                &self.succeeded
            };
            count.fetch_add(1, Ordering::AcqRel);
        }
        let cut = {
            let mut learner = lock(&self.state);
            let cut = learner.record(throttled, sent, now, self.ceiling);
            self.paced.store(
                self.ceiling.is_some() || learner.w_max.is_some(),
                Ordering::Release,
            );
            cut
        };
        // A fleet's cut is told when the fleet's state has it (`Pacing::adopt`).
        if let Some(cut) = cut.filter(|_| !self.shared) {
            tracing::debug!(
                from = cut.from,
                to = cut.to,
                throttled = cut.throttled,
                answered = cut.answered,
                "pacing: the learned rate changed after a window of 429s"
            );
        }
    }
}

impl Spacing for Learned {
    fn interval(&self) -> Option<Duration> {
        self.rate(SystemClock.now())
            .map(|rate| Duration::from_secs_f64(1.0 / rate.max(FLOOR)))
    }
}
