//! The queue in front of a rate: callers wait in three lanes ([`Priority`]) and are admitted
//! one at a time, evenly spaced, higher lanes first. A lower lane is never starved: while it
//! waits, every `1 / share`-th admission is its own (the minimum share), so a nightly walk
//! still moves while a storefront's calls go first.
//!
//! Admission is GCRA with a burst of one (the next slot is one interval after the last), like
//! the governor limiter it replaces; an idle gate admits at once, with no task and no
//! allocation. Waiters are admitted by one dispatcher task, started when the first waits and
//! ended when none does; a waiter that gave up (its deadline, a dropped call) is skipped
//! without spending a slot. (The fleet limiter's own queue is `fleet/turn.rs`.)

use super::Priority;
use crate::clock::{Clock, SystemClock};
use crate::sync::lock;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// How far apart admissions are: `None` admits at once (no limit known).
pub(crate) trait Spacing: Send + Sync + 'static {
    /// The interval between two admissions now.
    fn interval(&self) -> Option<Duration>;
}

/// A fixed rate.
impl Spacing for Duration {
    fn interval(&self) -> Option<Duration> {
        Some(*self)
    }
}

/// The lanes and their dispatcher, shared by the clones of one client.
pub(crate) struct Lanes<S: Spacing> {
    spacing: S,
    /// Admissions a waiting lane lets higher lanes take before its turn comes.
    patience: u32,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Waiters by lane: `Priority as usize`, the highest first.
    queues: [VecDeque<oneshot::Sender<()>>; 3],
    /// The earliest time the next admission may happen.
    next: Option<Instant>,
    /// Admissions of higher lanes since each lane's last, while it waited.
    passed_over: [u32; 3],
    /// Whether the dispatcher task runs.
    dispatching: bool,
}

impl State {
    fn is_idle(&self) -> bool {
        self.queues.iter().all(VecDeque::is_empty)
    }

    /// Whether a slot is free at `now` (and takes it).
    fn take_slot(&mut self, now: Instant, interval: Option<Duration>) -> bool {
        match (self.next, interval) {
            (_, None) => true,
            (Some(next), Some(_)) if next > now => false,
            (next, Some(interval)) => {
                // A slot taken a little late (the timer's lag) keeps the schedule, or the rate
                // would fall by the lag; a gate idle for longer starts again from now (no
                // burst of the idle time).
                self.next = Some(match next {
                    Some(next) if now < next + interval => next + interval,
                    _ => now + interval,
                });
                true
            }
        }
    }

    /// The lane admitted next: the highest waiting, unless a lower one waited through
    /// `patience` admissions of higher lanes.
    fn next_lane(&mut self, patience: u32) -> Option<usize> {
        let waiting: Vec<usize> = (0..3).filter(|&l| !self.queues[l].is_empty()).collect();
        let highest = *waiting.first()?;
        let lane = waiting
            .iter()
            .rev()
            .copied()
            .find(|&l| l != highest && self.passed_over[l] >= patience)
            .unwrap_or(highest);
        for &other in &waiting {
            if other > lane {
                self.passed_over[other] += 1;
            }
        }
        self.passed_over[lane] = 0;
        Some(lane)
    }
}

impl<S: Spacing> Lanes<S> {
    /// A gate spaced by `spacing`; a waiting lane gets at least `share` (0 < share ≤ 1) of the
    /// admissions.
    pub(crate) fn new(spacing: S, share: f64) -> Self {
        let patience = (1.0 / share).round().max(1.0) as u32 - 1;
        Self {
            spacing,
            patience,
            state: Mutex::default(),
        }
    }

    /// The spacing, for the learner that sets it.
    pub(crate) fn spacing(&self) -> &S {
        &self.spacing
    }

    /// Waits for an admission in `priority`'s lane.
    pub(crate) async fn admit(self: &Arc<Self>, priority: Priority) {
        let receiver = {
            let mut state = lock(&self.state);
            let now = SystemClock.now();
            if state.is_idle() && state.take_slot(now, self.spacing.interval()) {
                return;
            }
            let (sender, receiver) = oneshot::channel();
            state.queues[priority as usize].push_back(sender);
            if !state.dispatching {
                state.dispatching = true;
                tokio::spawn(Arc::clone(self).dispatch());
            }
            receiver
        };
        // The dispatcher admits every waiter it keeps; it ends only when none waits.
        let _ = receiver.await;
    }

    /// Admits the waiters, one slot at a time, until none is left.
    async fn dispatch(self: Arc<Self>) {
        loop {
            let wait = {
                let mut state = lock(&self.state);
                let now = SystemClock.now();
                if state.is_idle() {
                    state.dispatching = false;
                    return;
                }
                let interval = self.spacing.interval();
                // Waiters that gave up are dropped here, before they could take a slot.
                for queue in &mut state.queues {
                    queue.retain(|waiter| !waiter.is_closed());
                }
                if state.is_idle() {
                    state.dispatching = false;
                    return;
                }
                if state.take_slot(now, interval) {
                    self.admit_one(&mut state);
                    continue;
                }
                state
                    .next
                    .map_or(Duration::ZERO, |next| next.saturating_duration_since(now))
            };
            SystemClock.sleep(wait).await;
        }
    }

    /// Hands the slot just taken to the next waiter; one that gave up meanwhile passes it on.
    fn admit_one(&self, state: &mut State) {
        while let Some(lane) = state.next_lane(self.patience) {
            if let Some(waiter) = state.queues[lane].pop_front()
                && waiter.send(()).is_ok()
            {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waiting_lower_lane_gets_its_share() {
        let mut state = State::default();
        let (a, _ra) = oneshot::channel();
        let (b, _rb) = oneshot::channel();
        state.queues[0].push_back(a);
        state.queues[2].push_back(b);
        // Patience 3: the background lane's turn comes after three interactive admissions
        // (both lanes keep waiting: nothing is popped).
        let order: Vec<usize> = (0..8).map(|_| state.next_lane(3).unwrap()).collect();
        assert_eq!(order, [0, 0, 0, 2, 0, 0, 0, 2]);
    }

    #[test]
    fn slots_are_one_interval_apart_without_a_burst_after_idling() {
        let mut state = State::default();
        let t0 = Instant::now();
        let step = Duration::from_millis(20);
        assert!(state.take_slot(t0, Some(step)));
        assert!(!state.take_slot(t0 + Duration::from_millis(19), Some(step)));
        assert!(state.take_slot(t0 + step, Some(step)));
        // Taken 5 ms late: the next slot keeps the schedule.
        assert!(state.take_slot(t0 + 2 * step + Duration::from_millis(5), Some(step)));
        assert!(state.take_slot(t0 + 3 * step, Some(step)));
        // Idle for a second: one slot now, the next a full interval later.
        let later = t0 + Duration::from_secs(1);
        assert!(state.take_slot(later, Some(step)));
        assert!(!state.take_slot(later, Some(step)));
        assert!(state.take_slot(later, None), "no limit: always");
    }
}
