//! The fleet-wide rate limit on Redis: one budget per (base URL, clientId), shared by every
//! replica, as the gateway's own limit is (guide §9: the 429 is per clientId).
//!
//! Why leases and not a GCRA or a token bucket: those count a request when it is *sent*,
//! while the gateway counts it when it *arrives*, in a sliding one-second window per clientId
//! (the mock does the same: `mock-gateway/src/state.rs`, `RateLimiter::admit`, at most N
//! arrivals in any `(t - 1 s, t]`). Between the two instants lies the trip through the
//! network and both processes' schedulers. At exactly N per second, a request delayed a little
//! more than one sent a second after it puts N + 1 arrivals into one window: a 429, and at a
//! sustained rate that happens about every other window. A send-counting limiter needs a
//! margin under the gateway's quota, and how much depends on timing nobody controls.
//!
//! So a request holds a lease from the moment it is admitted (before it is sent) until one
//! window after its answer came back (Redis's clock, at release), and at most N leases exist
//! at once. Its arrival lies between admission and answer, so any N + 1 requests that arrive
//! within one window all held their leases at the moment the last of them was admitted: the
//! script refuses the (N + 1)-th. That holds whatever the delays, as long as Redis's clock and
//! the gateway's run at the same rate; the window is 2 ms longer than a second for clock-rate
//! error and rounding. The cost: throughput is N per (window + latency), a few per cent under
//! the quota. A request that failed in transit (the gateway may still process it) keeps its
//! lease to the end of its hold time.
//!
//! Leases Redis grants end by themselves [`PENDING`] after admission unless renewed: while
//! its request is in flight, the replica renews its lease (a background task, every 250 ms,
//! one command for all the leases due); its release then sets the lease's end. An admission
//! whose reply was lost (a timeout, or a paused server that runs the command when it
//! resumes) is renewed by nobody and holds its place no longer than that, nor does the lease
//! of a replica that died.
//!
//! **Lanes.** A request of a lower lane than interactive is admitted only while fewer than
//! the limit less a reserve (a tenth of it, at least one) leases are taken: the fleet's batch
//! never takes the reserve, so an interactive call of any replica is admitted at once while
//! the batch fills the rest. Within a replica, callers wait for the turn to ask by lane, and a
//! holder waiting for room steps aside when a higher lane waits.
//!
//! **Outages.** While Redis does not answer, each replica grants itself leases (the same
//! rule, in its [`Ledger`]), as many as the fleet's limit divided by the number of replicas
//! that were live at the last answer (each admission registers its replica with a TTL), or
//! the configured fallback. The ledger also holds the replica's Redis-era leases, still in
//! the gateway's window at the switch; and callers wait in one queue whichever side admits
//! them, so that none is sent on the old side's schedule after a switch. When Redis answers
//! again, the first admission hands it every running lease of the replica: the fallback
//! traffic of the last second counts in the fleet's budget from then on.

use super::connection::Connection;
use super::ledger::Ledger;
use super::scripts;
use super::turn::Turn;
use crate::clock::{Clock, SystemClock};
use crate::limiter::{
    FleetRate, Pacing, Permit, PermitFuture, Priority, Proposal, RateLimiter, ReleaseFuture,
};
use crate::sync::lock;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

/// The gateway's window, plus a margin for clock-rate differences and rounding.
const WINDOW: Duration = Duration::from_millis(1_002);
/// How long a lease Redis grants lasts unless renewed: a window, plus time for the renewal.
pub(crate) const PENDING: Duration = Duration::from_millis(1_502);
/// How often the leases of requests in flight are renewed (those older than this).
const RENEW_EVERY: Duration = Duration::from_millis(250);
/// How long after a switch between Redis and the fallback a replica holds no more leases than
/// it held at the switch: a window, and time for the other replicas to notice the switch too
/// (they probe a Redis that failed every 100 ms).
const SWITCH_GRACE: Duration = Duration::from_millis(1_502);
/// How long a replica counts as live after its last admission.
const REPLICA_TTL: Duration = Duration::from_secs(10);
/// The longest wait between two looks at a full budget (and at whether Redis is back).
const POLL: Duration = Duration::from_millis(10);

/// The limit of one replica while Redis does not answer.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Fallback {
    /// Set by the operator: this many leases.
    Fixed(NonZeroU32),
    /// The fleet's limit shared by the replicas live at Redis's last answer, never more than
    /// this replica's own limit (the builder's `max_requests_per_second`) when it has one.
    Share(Option<NonZeroU32>),
}

pub(crate) struct RedisRateLimiter {
    pub(crate) connection: Arc<Connection>,
    pub(crate) key: String,
    /// The sorted set of live replicas of the clientId.
    pub(crate) replicas_key: String,
    /// This replica's name there.
    pub(crate) replica: String,
    /// The fleet-wide limit configured (`None`: the learned rate alone).
    pub(crate) per_second: Option<NonZeroU32>,
    /// Adaptive pacing, fleet-wide: the learned rate kept under `learned_key` beside the
    /// leases, this replica's learner proposing its cuts with its admissions.
    pub(crate) pacing: Option<Arc<Pacing>>,
    pub(crate) learned_key: String,
    /// The fleet's answers of the last window, successes and 429s (an unpaced fleet's cut
    /// and its trial).
    pub(crate) answers_key: String,
    /// The limit Redis last applied (`u32::MAX`: none), for the fallback.
    pub(crate) known_limit: AtomicU32,
    /// How long a lease lasts when its request failed in transit or was dropped.
    pub(crate) hold: Duration,
    /// How long a caller waits for its turn before sending anyway.
    pub(crate) max_wait: Duration,
    pub(crate) fallback: Fallback,
    /// Live replicas as Redis counted them (0: never heard), and since when: a smaller count
    /// is believed only once the larger one is `REPLICA_TTL` old (a restarted Redis counts
    /// the replicas again as they come back).
    pub(crate) fleet_size: std::sync::Mutex<(u32, Instant)>,
    pub(crate) ledger: Ledger,
    /// Whether the last lease came from the fallback.
    pub(crate) fallback_mode: AtomicBool,
    /// This limiter, for its renewal task.
    pub(crate) me: Weak<RedisRateLimiter>,
    /// The renewal task, while leases are in flight.
    pub(crate) renewer: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// One caller of this client asks for a lease at a time, from Redis or from the fallback;
    /// the others queue here, higher lanes first, in order within a lane.
    pub(crate) turn: Arc<Turn>,
}

impl fmt::Debug for RedisRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisRateLimiter")
            .field("key", &self.key)
            .field("per_second", &self.per_second)
            .field("fallback", &self.fallback)
            .field("down", &self.connection.is_down())
            .finish_non_exhaustive()
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// What Redis said to an admission.
enum Answer {
    Admitted,
    /// Full: the first lease ends this much later.
    Full(Duration),
}

/// The ACQUIRE script's reply (see `scripts::ACQUIRE`).
type Reply = (u64, u32, i64, i64, u64, u64, u64, u8);

impl RedisRateLimiter {
    /// Leases this replica may hold while Redis does not answer.
    fn fallback_capacity(&self) -> u32 {
        match self.fallback {
            Fallback::Fixed(n) => n.get(),
            Fallback::Share(own) => {
                let replicas = self.fleet_size().max(1);
                // At least one, or the replica could not send at all (a fleet with more
                // replicas than requests per second then goes over during an outage).
                let share = (self.known_limit.load(Ordering::Relaxed) / replicas).max(1);
                own.map_or(share, |own| share.min(own.get()))
            }
        }
    }

    fn fleet_size(&self) -> u32 {
        lock(&self.fleet_size).0
    }

    /// Redis counted `replicas` live replicas.
    fn counted(&self, replicas: u32) {
        let mut size = lock(&self.fleet_size);
        let now = SystemClock.now();
        if replicas >= size.0 || now.duration_since(size.1) > REPLICA_TTL {
            *size = (replicas, now);
        }
    }

    /// Asks Redis for lease `id` (`admit: false`: only to hand it what it missed), with this
    /// replica's proposal for the fleet's learned rate; adopts the fleet's state it answers.
    async fn ask_redis(
        &self,
        id: &str,
        admit: bool,
        priority: Priority,
    ) -> Result<Answer, crate::store::StoreError> {
        let owed = self.ledger.owed(SystemClock.now(), PENDING);
        let key_ttl_ms = u64::try_from(self.hold.max(PENDING).as_millis())
            .unwrap_or(u64::MAX / 2)
            .saturating_add(2_000);
        let proposal = self.pacing.as_ref().and_then(|p| p.proposal());
        let answers = self.pacing.as_ref().map_or((0, 0), |p| p.take_answers());
        let (kind, value, generation) = match proposal {
            None => ("", 0.0, 0),
            Some(Proposal::Cut { kept, generation }) => ("cut", kept, generation),
            Some(Proposal::Undo { generation, noise }) => ("undo", noise, generation),
        };
        let answer = self
            .connection
            .run(|mut c| {
                let owed = &owed;
                async move {
                    let mut invocation = scripts::ACQUIRE.key(&self.key);
                    invocation
                        .key(&self.replicas_key)
                        .key(&self.learned_key)
                        .key(&self.answers_key)
                        .arg(self.per_second.map_or(-1, |n| i64::from(n.get())))
                        .arg(u8::from(admit))
                        .arg(u8::from(priority == Priority::Interactive))
                        .arg(micros(PENDING))
                        .arg(id)
                        .arg(&self.replica)
                        .arg(micros(REPLICA_TTL))
                        .arg(key_ttl_ms)
                        .arg(kind)
                        .arg(value)
                        .arg(generation)
                        .arg(answers.0)
                        .arg(answers.1);
                    for (lease, left) in owed {
                        invocation.arg(lease).arg(micros(*left));
                    }
                    invocation.invoke_async::<Reply>(&mut c).await
                }
            })
            .await;
        match answer {
            Ok((wait_us, replicas, limit, w_max, age_ms, noise, generation, applied)) => {
                if !owed.is_empty() {
                    self.ledger.settled();
                }
                self.counted(replicas);
                let limit = u32::try_from(limit).unwrap_or(u32::MAX);
                self.known_limit.store(limit, Ordering::Relaxed);
                if let Some(pacing) = &self.pacing {
                    let fleet = FleetRate {
                        w_max: (w_max >= 0).then(|| w_max as f64 / 1000.0),
                        age: Duration::from_millis(age_ms),
                        noise: noise as f64 / 1e6,
                        generation,
                    };
                    pacing.adopt(fleet, applied == 1, proposal.is_some() && applied == 0);
                }
                Ok(match wait_us {
                    0 => Answer::Admitted,
                    us => Answer::Full(Duration::from_micros(us)),
                })
            }
            Err(error) => {
                // The admission may still run (a paused server): its lease ends by itself.
                self.ledger.owe_redis();
                if let Some(pacing) = &self.pacing {
                    pacing.restore(proposal, answers);
                }
                Err(error)
            }
        }
    }

    /// Notes which side admits now; a switch starts the ledger's guard.
    fn on_fallback(&self, fallback: bool, now: Instant) {
        if self.fallback_mode.swap(fallback, Ordering::AcqRel) != fallback {
            self.ledger
                .switched(now, self.fallback_capacity(), SWITCH_GRACE, fallback);
            if let Some(pacing) = &self.pacing {
                pacing.fleet_down(fallback);
            }
        }
    }

    /// Starts the renewal task unless it runs (it ends when no request is in flight, or
    /// with the runtime it was started on).
    fn renew_in_background(&self) {
        let mut renewer = lock(&self.renewer);
        if renewer.as_ref().is_some_and(|task| !task.is_finished()) {
            return;
        }
        let me = self.me.clone();
        *renewer = Some(tokio::spawn(async move {
            loop {
                SystemClock.sleep(RENEW_EVERY).await;
                let Some(this) = me.upgrade() else { return };
                if !this.renew().await {
                    return;
                }
            }
        }));
    }

    /// Renews the leases in flight that are due; `false` (and the task forgotten) when none
    /// is in flight.
    async fn renew(&self) -> bool {
        let due = {
            let mut renewer = lock(&self.renewer);
            // Looked at under the task's lock: an admission after this starts a new task.
            match self.ledger.in_flight(SystemClock.now(), RENEW_EVERY) {
                Some(due) => due,
                None => {
                    renewer.take();
                    return false;
                }
            }
        };
        if due.is_empty() {
            return true;
        }
        let renewed = self
            .connection
            .run(|mut c| {
                let due = &due;
                async move {
                    let mut invocation = scripts::RENEW.key(&self.key);
                    invocation.arg(micros(PENDING));
                    for id in due {
                        invocation.arg(id);
                    }
                    invocation.invoke_async::<i64>(&mut c).await
                }
            })
            .await;
        if renewed.is_err() {
            // Handed over at Redis's next answer.
            self.ledger.owe_redis();
        }
        true
    }

    async fn acquire_lease(&self, priority: Priority) -> Permit {
        let mut turn = self.turn.take(priority, false).await;
        let started = SystemClock.now();
        loop {
            // Redis first, whenever it is not known to be down: callers that waited on the
            // fallback go back to it as soon as it answers again.
            let id = uuid::Uuid::new_v4().to_string();
            // Still on the fallback: its share holds until Redis has answered (the switch
            // back then keeps the replica to it for a while).
            let share = self
                .fallback_mode
                .load(Ordering::Acquire)
                .then(|| self.fallback_capacity());
            let room = self.ledger.room(share, SystemClock.now());
            // With no room under the switch's guard, Redis is still asked (admitting
            // nothing) to take over the leases it missed.
            let wait = match self.ask_redis(&id, room.is_ok(), priority).await {
                Ok(answer) => {
                    let now = SystemClock.now();
                    self.on_fallback(false, now);
                    match answer {
                        Answer::Admitted => {
                            self.ledger.admitted(&id, now);
                            self.renew_in_background();
                            return Permit::lease(id);
                        }
                        Answer::Full(wait) => room.err().map_or(wait, |r| r.min(wait)),
                    }
                }
                Err(_) => {
                    let now = SystemClock.now();
                    self.on_fallback(true, now);
                    match self.ledger.try_local(self.fallback_capacity(), now) {
                        Ok(local) => return Permit::lease(local),
                        Err(wait) => wait,
                    }
                }
            };
            if SystemClock.now().saturating_duration_since(started) >= self.max_wait {
                tracing::warn!(
                    waited_ms = SystemClock
                        .now()
                        .saturating_duration_since(started)
                        .as_millis() as u64,
                    "fleet rate limit: waited the longest allowed, sending anyway"
                );
                return Permit::untracked();
            }
            // A caller of a higher lane waits: it asks first, this one right after it.
            if self.turn.higher_waiting(priority) {
                drop(turn);
                turn = self.turn.take(priority, true).await;
                continue;
            }
            SystemClock.sleep(wait.min(POLL)).await;
        }
    }
}

impl RateLimiter for RedisRateLimiter {
    fn acquire(&self) -> PermitFuture<'_> {
        Box::pin(self.acquire_lease(Priority::Normal))
    }

    fn acquire_for(&self, priority: Priority) -> PermitFuture<'_> {
        Box::pin(self.acquire_lease(priority))
    }

    fn release(&self, permit: Permit, answered: bool) -> ReleaseFuture<'_> {
        Box::pin(async move {
            let Some(id) = permit.lease_id() else {
                return;
            };
            let now = SystemClock.now();
            // An answered request counts a window after its answer; one that failed in
            // transit until its hold time is over.
            let left = if answered {
                self.ledger.ended(id, WINDOW, now)
            } else {
                self.ledger
                    .unanswered_for(id, now)
                    .and_then(|left| self.ledger.ended(id, left.max(WINDOW), now))
            };
            let Some(left) = left else { return };
            let released = self
                .connection
                .run(|mut c| async move {
                    scripts::RELEASE
                        .key(&self.key)
                        .arg(micros(left))
                        .arg(id)
                        .invoke_async::<i64>(&mut c)
                        .await
                })
                .await;
            if released.is_err() {
                // Handed over with the other leases at Redis's next answer (if it lost
                // the lease meanwhile) or ends by itself.
                self.ledger.owe_redis();
            }
        })
    }
}

/// The limiter key of a (base URL, clientId): the gateway's budget is per clientId.
pub(crate) fn rate_key(base_url: &str, client_id: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!("rizzitgo:v1:ratelimit:{}:{}", enc(base_url), enc(client_id))
}

/// `Arc`ed for the builder.
pub(crate) fn shared(
    limiter: impl FnOnce(Weak<RedisRateLimiter>) -> RedisRateLimiter,
) -> Arc<dyn RateLimiter> {
    Arc::new_cyclic(|me: &Weak<RedisRateLimiter>| limiter(me.clone()))
}
