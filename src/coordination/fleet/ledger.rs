//! One replica's own record of the requests it sent under the fleet-wide limit: the leases
//! Redis granted it and the ones it granted itself while Redis did not answer. Both sides of a
//! Redis outage read it: the fallback limit counts the replica's recent Redis-era requests
//! (they are still in the gateway's window), and on return every lease still running is
//! handed to Redis, so that the fleet's fallback traffic of the last second counts there.

use crate::sync::lock;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What a lease still holds at some instant: running until `ends`, or in flight.
#[derive(Clone, Copy, Debug)]
struct Lease {
    admitted: Instant,
    /// Set when the request is over; `None` while it is in flight.
    ends: Option<Instant>,
}

#[derive(Debug, Default)]
struct State {
    leases: HashMap<String, Lease>,
    /// Ended leases are dropped when the map reaches this size (amortised, while Redis answers
    /// and nothing else looks at them).
    prune_at: usize,
    /// Redis missed something since it last answered: hand it every running lease.
    owes_redis: bool,
    /// After a switch between Redis and the fallback: until when, and how many leases the
    /// replica may hold meanwhile (what it held at the switch, at most the fallback's).
    guard: Option<(Instant, usize)>,
}

/// The leases of one replica (one client in fleet mode).
#[derive(Debug)]
pub(crate) struct Ledger {
    state: Mutex<State>,
    /// How long a lease whose request never ended (a dropped call) counts.
    hold: Duration,
}

impl Ledger {
    pub(crate) fn new(hold: Duration) -> Self {
        Self {
            state: Mutex::new(State::default()),
            hold,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Records a lease granted (by Redis or by the fallback) at `now`.
    pub(crate) fn admitted(&self, id: &str, now: Instant) {
        let lease = Lease {
            admitted: now,
            ends: None,
        };
        let mut state = self.state();
        if state.leases.len() >= state.prune_at {
            self.prune(&mut state, now);
            state.prune_at = (2 * state.leases.len()).max(64);
        }
        state.leases.insert(id.to_owned(), lease);
    }

    /// The replica switched between Redis and the fallback at `now`: for `grace`, it holds no
    /// more than `capacity` leases, and when `to_fallback`, no more than it held then. Across
    /// a switch neither side knows what the other admitted in the last window. Back on Redis,
    /// which has not yet heard from the replicas still on their fallbacks, each replica keeps
    /// to its fallback share until they have all come back. On the fallback, which does not
    /// know the other replicas' Redis-era leases (some held more than their share, some
    /// less), keeping each replica to what it held keeps the fleet to what it held.
    pub(crate) fn switched(&self, now: Instant, capacity: u32, grace: Duration, to_fallback: bool) {
        let mut state = self.state();
        self.prune(&mut state, now);
        let mut cap = capacity as usize;
        if to_fallback {
            cap = cap.min(state.leases.len());
        }
        state.guard = Some((now + grace, cap));
    }

    /// Whether one more lease fits `capacity` (if any) and the guard of the last switch at
    /// `now`; if not, how long until one ends or the guard does.
    pub(crate) fn room(&self, capacity: Option<u32>, now: Instant) -> Result<(), Duration> {
        let mut state = self.state();
        let capacity = capacity.map_or(usize::MAX, |c| c as usize);
        self.room_in(&mut state, capacity, now)
    }

    fn room_in(&self, state: &mut State, capacity: usize, now: Instant) -> Result<(), Duration> {
        let (capacity, until) = match state.guard {
            Some((until, held)) if now < until => (capacity.min(held), until),
            _ => {
                state.guard = None;
                (capacity, now + self.hold)
            }
        };
        if capacity == usize::MAX {
            return Ok(());
        }
        self.prune(state, now);
        if state.leases.len() < capacity {
            return Ok(());
        }
        let first_end = state
            .leases
            .values()
            .map(|l| self.end(l))
            .min()
            .unwrap_or(now)
            .min(until);
        Err(first_end.saturating_duration_since(now))
    }

    /// The fallback: grants a lease when fewer than `capacity` of this replica's leases run
    /// at `now` (and the switch's guard allows it), else says how long until one ends.
    pub(crate) fn try_local(&self, capacity: u32, now: Instant) -> Result<String, Duration> {
        let mut state = self.state();
        self.room_in(&mut state, capacity as usize, now)?;
        let id = format!("local-{}", uuid::Uuid::new_v4());
        let lease = Lease {
            admitted: now,
            ends: None,
        };
        state.leases.insert(id.clone(), lease);
        state.owes_redis = true;
        Ok(id)
    }

    /// The request of lease `id` is over at `now`: it keeps counting `for_`, which the
    /// ledger returns (`None` for a lease it does not know).
    pub(crate) fn ended(&self, id: &str, for_: Duration, now: Instant) -> Option<Duration> {
        let mut state = self.state();
        let lease = state.leases.get_mut(id)?;
        lease.ends = Some(now + for_);
        Some(for_)
    }

    /// How long after `now` an unanswered request of lease `id` still counts (until `hold`
    /// after its admission).
    pub(crate) fn unanswered_for(&self, id: &str, now: Instant) -> Option<Duration> {
        let admitted = self.state().leases.get(id)?.admitted;
        Some((admitted + self.hold).saturating_duration_since(now))
    }

    /// The leases whose requests are in flight (`None` when there are none), of those the
    /// ones admitted at least `older_than` before `now`: their places in Redis are kept
    /// while they last. A request whose call was dropped counts as in flight until `hold`.
    pub(crate) fn in_flight(&self, now: Instant, older_than: Duration) -> Option<Vec<String>> {
        let state = self.state();
        let mut any = false;
        let due = state
            .leases
            .iter()
            .filter(|(_, lease)| lease.ends.is_none() && lease.admitted + self.hold > now)
            .inspect(|_| any = true)
            .filter(|(_, lease)| lease.admitted + older_than <= now)
            .map(|(id, _)| id.clone())
            .collect();
        any.then_some(due)
    }

    /// Redis missed a command (an admission or a release): the next one hands it the leases.
    pub(crate) fn owe_redis(&self) {
        self.state().owes_redis = true;
    }

    /// What Redis must take over, if it missed something: every running lease with how long
    /// it still counts (`in_flight` for a request not over yet, whose release will follow).
    pub(crate) fn owed(&self, now: Instant, in_flight: Duration) -> Vec<(String, Duration)> {
        let mut state = self.state();
        if !state.owes_redis {
            return Vec::new();
        }
        self.prune(&mut state, now);
        state
            .leases
            .iter()
            .map(|(id, lease)| {
                let left = match lease.ends {
                    Some(ends) => ends.saturating_duration_since(now),
                    None => in_flight,
                };
                (id.clone(), left)
            })
            .collect()
    }

    /// Redis answered a command that carried `owed`: it has them.
    pub(crate) fn settled(&self) {
        self.state().owes_redis = false;
    }

    /// When a lease stops counting, at the latest.
    fn end(&self, lease: &Lease) -> Instant {
        lease.ends.unwrap_or(lease.admitted + self.hold)
    }

    fn prune(&self, state: &mut State, now: Instant) {
        state.leases.retain(|_, lease| self.end(lease) > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, SystemClock};

    #[test]
    fn the_fallback_counts_running_leases_and_hands_them_over_once() {
        let ledger = Ledger::new(Duration::from_secs(31));
        let t0 = SystemClock.now();
        ledger.admitted("redis-1", t0);
        let local = ledger.try_local(2, t0).unwrap();
        let wait = ledger.try_local(2, t0).unwrap_err();
        assert_eq!(
            wait,
            Duration::from_secs(31),
            "two in flight, none ends sooner"
        );
        ledger.ended("redis-1", Duration::from_secs(1), t0);
        assert_eq!(ledger.try_local(2, t0).unwrap_err(), Duration::from_secs(1));
        // A second later the Redis lease has ended: room for one more.
        let t1 = t0 + Duration::from_millis(1_001);
        let second = ledger.try_local(2, t1).unwrap();
        let mut owed = ledger.owed(t1, Duration::from_millis(1_500));
        owed.sort();
        let in_flight = Duration::from_millis(1_500);
        assert_eq!(owed, {
            let mut v = vec![(local, in_flight), (second, in_flight)];
            v.sort();
            v
        });
        ledger.settled();
        assert!(ledger.owed(t1, in_flight).is_empty());
    }

    #[test]
    fn requests_in_flight_are_renewed_until_they_end_or_their_hold_does() {
        let hold = Duration::from_secs(31);
        let ledger = Ledger::new(hold);
        let t0 = SystemClock.now();
        assert_eq!(ledger.in_flight(t0, Duration::ZERO), None);
        ledger.admitted("a", t0);
        let quarter = Duration::from_millis(250);
        assert_eq!(ledger.in_flight(t0, quarter), Some(vec![]), "too fresh");
        assert_eq!(
            ledger.in_flight(t0 + quarter, quarter),
            Some(vec!["a".to_owned()])
        );
        // A dropped call's request is renewed until its hold time is over.
        assert_eq!(ledger.in_flight(t0 + hold, quarter), None);
        ledger.ended("a", Duration::from_secs(1), t0 + quarter);
        assert_eq!(ledger.in_flight(t0 + quarter, quarter), None);
    }

    #[test]
    fn after_a_switch_a_replica_keeps_to_what_it_held() {
        let ledger = Ledger::new(Duration::from_secs(31));
        let t0 = SystemClock.now();
        ledger.admitted("redis-1", t0);
        let grace = Duration::from_millis(1_500);
        ledger.switched(t0, 12, grace, true);
        // One lease held at the switch: no room for a second one during the grace.
        let wait = ledger.try_local(12, t0).unwrap_err();
        assert_eq!(wait, grace);
        ledger.ended("redis-1", Duration::from_secs(1), t0);
        let t1 = t0 + Duration::from_millis(1_001);
        ledger.try_local(12, t1).unwrap();
        assert!(ledger.try_local(12, t1).is_err(), "still one at most");
        // After the grace, the fallback's share.
        let t2 = t0 + grace;
        for _ in 1..12 {
            ledger.try_local(12, t2).unwrap();
        }
        assert!(ledger.try_local(12, t2).is_err());
        // Back on Redis: the share holds during the grace.
        ledger.switched(t2, 12, grace, false);
        assert!(ledger.room(None, t2).is_err());
    }
}
