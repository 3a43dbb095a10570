//! How adaptive pacing learns the gateway's quota from its 429s, so that an unknown quota
//! costs a few 429s instead of most requests.
//!
//! The rate follows **CUBIC** (RFC 9438), as aws-sdk-rust's adaptive retry mode does: after a
//! cut the rate climbs fast, levels off near the rate that last succeeded (`W_max`), then
//! probes beyond it slowly, so it spends most of its time just under the quota. Its constants:
//!
//! - `β = 0.9`: a cut keeps 90 % of `W_max` (TCP's 0.7 is for sharing a link fairly; a quota
//!   is a fixed ceiling, and a deeper cut would waste a tenth of it on average);
//! - `C = 0.4` (RFC 9438's): the rate regains `W_max` after `K = ∛(W_max · (1 − β) / C)`
//!   seconds (2.3 s at 50 calls/s);
//! - one window is one second, the gateway's own (its quota counts the calls of any second).
//!
//! **What counts as a signal.** Every answered business attempt counts, a 429 in either error
//! style, with or without `Retry-After` (the gateway's limiter sends none): the same signal. A
//! window reacts once, however many 429s it saw, and only when its share of 429s rises above
//! the noise (the share of sporadic 429s, unrelated to the rate; zero until a trial fails) by
//! three standard deviations, and one (without noise, one 429 is a signal). The cut of a client
//! that sent unpaced is then on trial for one window: it took the rate under the rate that
//! succeeded, so 429s that follow the rate all but vanish; if their share did not fall at least
//! by half (five 429s at least), they do not follow it (a proxy throttling one answer in 30 at
//! random): the cut is undone and their share becomes the noise. A paced client's cuts are not
//! on trial (a probe's window says too little of the rate its 429s came from): a rate above
//! the quota, whose 429s come and go with it, is cut each time it returns. So sporadic 429s
//! below a quota the client already paces to count as the quota's (it paces a little lower).
//!
//! **The floor.** A cut starts from the rate that succeeded in that window, not from the rate
//! sent: `W_max = rate · (1 − share of 429s)`, then `β · W_max`. The first cut of a client that
//! sent unpaced (its rate measured over that second) lands just under the quota at once. Once
//! paced, a window reacts as soon as its 429s rise above the noise (after ten answers), so a probe
//! past the quota costs a few 429s, and such a cut takes at most `1 − β` off `W_max` (a few
//! answers say little of the rate); a share above 20 % is never taken for noise.
//!
//! Until its first cut a client sends unpaced (no wait, no task), unless a ceiling was set
//! (`max_requests_per_second`), which the learned rate never exceeds.
//!
//! This file is the learner alone, pure (the time is passed in): [`super::pacing`] feeds it
//! the answers and spaces the calls by its rate; in fleet mode the fleet's Redis limiter
//! keeps the state it learns (`W_max`, the cut's time) for every replica.

use std::time::{Duration, Instant};

pub(crate) const BETA: f64 = 0.9;
pub(crate) const C: f64 = 0.4;
pub(crate) const WINDOW: Duration = Duration::from_secs(1);
/// The lowest rate pacing goes to (calls per second).
pub(super) const FLOOR: f64 = 1.0;

/// A cut, for its DEBUG event.
#[derive(Debug, PartialEq)]
pub(super) struct Cut {
    pub(super) from: f64,
    pub(super) to: f64,
    pub(super) throttled: u32,
    pub(super) answered: u32,
}

/// The fleet's learned rate, as its Redis limiter answered an admission (fleet mode).
#[cfg(feature = "redis")]
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct FleetRate {
    /// `W_max`, calls per second of the whole fleet; `None` before the fleet's first cut.
    pub(crate) w_max: Option<f64>,
    /// How long ago the fleet's last cut was.
    pub(crate) age: Duration,
    /// The share of 429s the fleet takes for noise.
    pub(crate) noise: f64,
    /// Counts the changes of the state: a new one is adopted.
    pub(crate) generation: u64,
}

/// What a replica's learner asks of the fleet's state with its next admission.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Proposal {
    /// Cut to `kept` of the fleet's rate (its learned rate; unpaced, what it admitted in the
    /// last window), unless the state changed since `generation`.
    Cut { kept: f64, generation: u64 },
    /// The trial of cut `generation` failed: undone, and 429s of share `noise` are noise.
    Undo { generation: u64, noise: f64 },
}

/// CUBIC over windows of answers (pure: the time is passed in, for the tests).
#[derive(Debug)]
pub(super) struct Learner {
    /// The rate that last succeeded before a cut; `None` before the first.
    pub(super) w_max: Option<f64>,
    /// When the last cut happened.
    cut_at: Instant,
    window: Window,
    /// The share of 429s that does not follow the rate (sporadic ones): set by a failed
    /// trial, lowered by calm windows with fewer.
    noise: f64,
    /// The last window's cut, on trial: undone when the next window's share of 429s did not
    /// fall with the rate.
    trial: Option<Trial>,
    /// Fleet mode: cuts and undos are proposed to the fleet's state (and adopted from its
    /// answer) instead of being the learner's alone.
    shared: bool,
    /// The fleet's state last adopted.
    generation: u64,
    /// What to propose with the next admission.
    pending: Option<Proposal>,
}

#[derive(Debug)]
struct Window {
    start: Instant,
    answered: u32,
    throttled: u32,
}

/// A cut on trial, and what it replaced.
#[derive(Debug)]
struct Trial {
    share: f64,
    /// Whether the cut took the rate under the rate that succeeded: 429s that follow the rate
    /// then all but vanish, so the next window can tell them from sporadic ones.
    conclusive: bool,
    w_max: Option<f64>,
    cut_at: Instant,
}

/// How much a calm window with fewer 429s lowers the noise (about fifty windows to forget it).
const NOISE_WEIGHT: f64 = 0.02;
/// The 429s a trial needs to undo a cut: fewer say nothing of a share.
const TRIAL_EVIDENCE: u32 = 5;
/// The answers a window needs before it may react early.
const EARLY_ANSWERS: u32 = 10;
/// The most 429s taken for noise: a share above it is a quota, whatever the trial says.
pub(crate) const MAX_NOISE: f64 = 0.2;

impl Learner {
    pub(super) fn new(now: Instant, shared: bool) -> Self {
        Self {
            shared,
            generation: 0,
            pending: None,
            w_max: None,
            cut_at: now,
            window: Window {
                start: now,
                answered: 0,
                throttled: 0,
            },
            noise: 0.0,
            trial: None,
        }
    }

    /// CUBIC's rate `t` after the last cut: `C · (t − K)³ + W_max`.
    pub(super) fn rate(&self, now: Instant) -> Option<f64> {
        let w_max = self.w_max?;
        let t = now.saturating_duration_since(self.cut_at).as_secs_f64();
        let k = (w_max * (1.0 - BETA) / C).cbrt();
        Some((C * (t - k).powi(3) + w_max).max(FLOOR))
    }

    /// Counts an answer to a request sent at `sent`; at a window's end, whether it cut the
    /// rate. An answer to a request sent before the last cut tells of the rate before it, and
    /// does not count (the requests in flight at a cut would otherwise fail its trial).
    pub(super) fn record(
        &mut self,
        throttled: bool,
        sent: Option<Instant>,
        now: Instant,
        ceiling: Option<f64>,
    ) -> Option<Cut> {
        // Sent unpaced (`None`) while paced now: sent before the cut.
        if self.w_max.is_some() && sent.is_none_or(|sent| sent < self.cut_at) {
            return None;
        }
        let elapsed = now.saturating_duration_since(self.window.start);
        let mut cut = if elapsed >= WINDOW {
            let cut = self.close_window(now, elapsed, ceiling);
            self.restart_window(now);
            cut
        } else {
            None
        };
        self.window.answered += 1;
        self.window.throttled += u32::from(throttled);
        // Paced, a window reacts as soon as its 429s rise above the noise: a probe past the
        // quota is cut within a few of them, not a second later.
        let Window {
            answered,
            throttled: so_far,
            ..
        } = self.window;
        if cut.is_none()
            && throttled
            && self.w_max.is_some()
            && self.trial.is_none()
            && answered >= EARLY_ANSWERS
            && self.rises_above_noise(so_far, answered)
        {
            cut = self.close_window(now, elapsed, ceiling);
            self.restart_window(now);
        }
        cut
    }

    fn restart_window(&mut self, now: Instant) {
        self.window = Window {
            start: now,
            answered: 0,
            throttled: 0,
        };
    }

    fn close_window(
        &mut self,
        now: Instant,
        elapsed: Duration,
        ceiling: Option<f64>,
    ) -> Option<Cut> {
        let Window {
            answered,
            throttled,
            ..
        } = self.window;
        if answered == 0 {
            return None;
        }
        let share = f64::from(throttled) / f64::from(answered);
        let trial = self.trial.take();
        let hot = self.rises_above_noise(throttled, answered);
        match trial {
            // The window after a cut judges it. Its share of 429s fell by half: the 429s
            // followed the rate, the cut holds (what is left are answers the gateway's second
            // still counted against the old rate).
            Some(trial) if share < trial.share / 2.0 => return None,
            // It did not fall: these 429s do not follow the rate. Undone; they are the noise
            // from now on.
            Some(trial)
                if trial.conclusive && share <= MAX_NOISE && throttled >= TRIAL_EVIDENCE =>
            {
                self.w_max = trial.w_max;
                self.cut_at = trial.cut_at;
                self.noise = self.noise.max(share);
                if self.shared {
                    // A cut not proposed yet is simply forgotten.
                    self.pending = match self.pending {
                        Some(Proposal::Cut { .. }) => None,
                        _ => Some(Proposal::Undo {
                            generation: self.generation,
                            noise: self.noise,
                        }),
                    };
                }
                tracing::debug!(
                    share,
                    "pacing: 429s that do not follow the rate (sporadic), the last cut undone"
                );
                return None;
            }
            Some(_) => {}
            None if !hot => {
                // Calm windows may lower the noise, never raise it: only a failed trial says
                // that 429s do not follow the rate (those near the quota do).
                if share < self.noise {
                    self.noise += (share - self.noise) * NOISE_WEIGHT;
                }
                return None;
            }
            None => {}
        }
        // The rate sent: the paced one, or (unpaced) what the window measured over its length.
        let sent = f64::from(answered) / elapsed.as_secs_f64().max(1.0);
        let paced = self.rate(now).or(ceiling);
        let from = paced.unwrap_or(sent);
        let paced = paced.is_some();
        let before = (self.w_max, self.cut_at);
        // The floor: the rate that succeeded (measured over a whole second when unpaced; when
        // paced, a window cut early by a few 429s never takes more than one β off).
        let kept = if paced {
            (1.0 - share).max(BETA)
        } else {
            1.0 - share
        };
        self.w_max = Some((from * kept).max(FLOOR));
        self.cut_at = now;
        if self.shared {
            // The replica's own rate says little of the fleet's: the fleet's state applies
            // `kept` to the fleet's rate, and its answer replaces this provisional cut.
            self.pending = Some(Proposal::Cut {
                kept,
                generation: self.generation,
            });
        }
        self.trial = Some(Trial {
            share,
            // Only a cut of an unpaced client: a paced one's window mixes the rates of a probe,
            // and its share of 429s says too little of the rate it came from.
            conclusive: !paced && self.rate(now).unwrap_or(FLOOR) < from * (1.0 - share),
            w_max: before.0,
            cut_at: before.1,
        });
        Some(Cut {
            from,
            to: self.rate(now).unwrap_or(FLOOR),
            throttled,
            answered,
        })
    }

    /// Whether `throttled` of `answered` is more than the noise explains (by three standard
    /// deviations, and one: without noise, one 429 is a signal).
    fn rises_above_noise(&self, throttled: u32, answered: u32) -> bool {
        let expected = self.noise * f64::from(answered);
        f64::from(throttled) >= expected + 3.0 * (expected * (1.0 - self.noise)).sqrt() + 1.0
    }
}

/// Fleet mode: the learner's exchange with the fleet's state.
#[cfg(feature = "redis")]
impl Learner {
    /// What to propose to the fleet's state with the next admission, taken.
    pub(super) fn take_proposal(&mut self) -> Option<Proposal> {
        self.pending.take()
    }

    /// A proposal that may not have reached the fleet (Redis did not answer): proposed again
    /// unless a newer one waits (the fleet's generation refuses it if it did arrive).
    pub(super) fn restore(&mut self, proposal: Proposal) {
        self.pending.get_or_insert(proposal);
    }

    /// Adopts the fleet's state as an admission's answer gave it; `applied` when it holds
    /// this learner's own proposal (its trial goes on), `refused` when the fleet did not take
    /// it (the learner's provisional cut is undone). Whether the fleet's state changed.
    pub(super) fn adopt(
        &mut self,
        fleet: FleetRate,
        applied: bool,
        refused: bool,
        now: Instant,
    ) -> bool {
        self.noise = self.noise.max(fleet.noise);
        let changed = fleet.generation != self.generation;
        if !changed && !refused {
            return false;
        }
        self.generation = fleet.generation;
        self.w_max = fleet.w_max;
        self.cut_at = now.checked_sub(fleet.age).unwrap_or(now);
        if !applied {
            // Another replica's cut: this one's window and proposal are from before it.
            self.trial = None;
            self.pending = None;
            self.restart_window(now);
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `per_second` answers for `seconds` seconds, `throttled(i)` deciding each.
    fn feed(
        learner: &mut Learner,
        start: Instant,
        seconds: u32,
        per_second: u32,
        mut throttled: impl FnMut(u32) -> bool,
    ) -> Vec<Cut> {
        let mut cuts = Vec::new();
        for i in 0..seconds * per_second {
            let at = start + Duration::from_secs_f64(f64::from(i) / f64::from(per_second));
            cuts.extend(learner.record(throttled(i), Some(at), at, None));
        }
        cuts
    }

    #[test]
    fn a_saturated_window_cuts_to_just_under_what_succeeded() {
        let t0 = Instant::now();
        let mut learner = Learner::new(t0, false);
        // 1,000 answers a second, of which the gateway admitted 50.
        let cuts = feed(&mut learner, t0, 1, 1000, |i| i % 20 != 0);
        assert!(cuts.is_empty(), "the window is not over yet");
        let cut = learner
            .record(
                false,
                Some(t0 + Duration::from_secs(1)),
                t0 + Duration::from_secs(1),
                None,
            )
            .expect("a cut");
        assert_eq!((cut.throttled, cut.answered), (950, 1000));
        let rate = learner.rate(t0 + Duration::from_secs(1)).unwrap();
        assert!((rate - 45.0).abs() < 0.01, "β · 50 = {rate}");
        // CUBIC: back at W_max after K = ∛(50 · 0.1 / 0.4) ≈ 2.32 s, then probing beyond.
        let at = |s: f64| learner.rate(t0 + Duration::from_secs_f64(1.0 + s)).unwrap();
        assert!((at(2.32) - 50.0).abs() < 0.01, "{}", at(2.32));
        assert!(at(1.0) > 48.0 && at(1.0) < 50.0, "{}", at(1.0));
        assert!(at(5.32) > 60.0, "{}", at(5.32));
    }

    #[test]
    fn answers_to_requests_sent_before_a_cut_do_not_judge_it() {
        let t0 = Instant::now();
        let mut learner = Learner::new(t0, false);
        feed(&mut learner, t0, 1, 1000, |i| i % 20 != 0);
        let cut_at = t0 + Duration::from_secs(1);
        assert!(learner.record(false, Some(cut_at), cut_at, None).is_some());
        // The requests in flight at the cut come back throttled: they do not count.
        for i in 0..200 {
            let at = cut_at + Duration::from_millis(i);
            assert!(
                learner
                    .record(true, Some(t0 + Duration::from_millis(999)), at, None)
                    .is_none()
            );
        }
        assert_eq!(
            learner.window.answered, 1,
            "only the answer sent at the cut"
        );
        assert!(learner.trial.is_some(), "the cut still on trial");
    }

    #[test]
    fn one_429_in_thirty_at_random_is_noise_after_one_cut_on_trial() {
        let t0 = Instant::now();
        let mut learner = Learner::new(t0, false);
        let mut seed = 7_u64;
        // A pseudo-random one in 30, unrelated to the rate.
        let cuts = feed(&mut learner, t0, 60, 600, |_| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33).is_multiple_of(30)
        });
        // The first window's cut, undone by the second (a rare window of many may cut once
        // more, undone the same way).
        assert!(cuts.len() <= 2, "{cuts:?}");
        assert_eq!(learner.rate(t0 + Duration::from_secs(60)), None, "unpaced");
        assert!(
            (learner.noise - 1.0 / 30.0).abs() < 0.01,
            "{}",
            learner.noise
        );
    }

    #[test]
    fn a_rate_above_the_quota_is_cut_every_time_it_comes_back() {
        let t0 = Instant::now();
        let mut learner = Learner::new(t0, false);
        let mut cuts = 0;
        let mut at = t0;
        // The gateway's quota: at most 50 admitted in any sliding second (as the mock's).
        let mut admitted = std::collections::VecDeque::new();
        let (mut late_sent, mut late_throttled) = (0u32, 0u32);
        // Sends at the learned rate (or 200/s unpaced).
        while at.duration_since(t0) < Duration::from_secs(60) {
            let rate = learner.rate(at).unwrap_or(200.0);
            at += Duration::from_secs_f64(1.0 / rate);
            while admitted
                .front()
                .is_some_and(|t: &Instant| *t + Duration::from_secs(1) <= at)
            {
                admitted.pop_front();
            }
            let throttled = admitted.len() >= 50;
            if !throttled {
                admitted.push_back(at);
            }
            cuts += usize::from(learner.record(throttled, Some(at), at, None).is_some());
            if at.duration_since(t0) > Duration::from_secs(30) {
                late_sent += 1;
                late_throttled += u32::from(throttled);
            }
        }
        assert!(cuts >= 5, "the probe beyond 50 is cut each time: {cuts}");
        // The last 30 s: near the quota, few 429s.
        let rate = f64::from(late_sent) / 30.0;
        assert!(rate > 45.0 && rate < 52.0, "near the quota: {rate}");
        assert!(
            f64::from(late_throttled) < 0.01 * f64::from(late_sent),
            "{late_throttled} of {late_sent}"
        );
    }

    #[cfg(feature = "redis")]
    #[test]
    fn a_replicas_cut_is_proposed_and_the_fleets_state_adopted() {
        let t0 = Instant::now();
        let mut learner = Learner::new(t0, true);
        feed(&mut learner, t0, 1, 1000, |i| i % 20 != 0);
        let at = t0 + Duration::from_secs(1);
        assert!(learner.record(false, Some(at), at, None).is_some());
        // Unpaced: the fleet's state cuts to what succeeded fleet-wide, not to this kept share
        // of this replica's rate.
        let Some(Proposal::Cut {
            kept,
            generation: 0,
        }) = learner.take_proposal()
        else {
            panic!("a cut proposed at generation 0")
        };
        assert!((kept - 0.05).abs() < 1e-9, "{kept}");
        let fleet = |w_max: f64, age: Duration, generation: u64| FleetRate {
            w_max: Some(w_max),
            age,
            noise: 0.0,
            generation,
        };
        // The fleet applied it (W_max: the fleet's 200 successes a second): its trial goes on.
        assert!(learner.adopt(fleet(200.0, Duration::ZERO, 1), true, false, at));
        assert!(learner.trial.is_some());
        assert!((learner.rate(at).unwrap() - 180.0).abs() < 0.01, "β · 200");
        assert!(
            !learner.adopt(fleet(200.0, Duration::ZERO, 1), false, false, at),
            "known"
        );
        // Another replica's cut, made 500 ms before this replica heard of it: adopted from
        // then, with no trial and no proposal of this replica's.
        let later = at + Duration::from_secs(2);
        assert!(learner.adopt(
            fleet(100.0, Duration::from_millis(500), 2),
            false,
            false,
            later
        ));
        assert!(learner.trial.is_none() && learner.take_proposal().is_none());
        let cut_at = later - Duration::from_millis(500);
        assert!((learner.rate(cut_at).unwrap() - 90.0).abs() < 0.01);
    }

    #[cfg(feature = "redis")]
    #[test]
    fn a_cut_undone_before_it_was_proposed_is_never_proposed() {
        let t0 = Instant::now();
        let mut learner = Learner::new(t0, true);
        let mut seed = 7_u64;
        // One in 30 at random, the proposals never taken (Redis down): the first window's
        // cut, undone by its trial, leaves nothing to propose.
        feed(&mut learner, t0, 3, 600, |_| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33).is_multiple_of(30)
        });
        assert_eq!(learner.take_proposal(), None);
        assert!(learner.noise > 0.0);
    }
}
