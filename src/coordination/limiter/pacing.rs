//! Adaptive pacing: the client learns the gateway's quota from its 429s and paces to it, so
//! that an unknown quota costs a few 429s instead of most requests.
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
//! the noise (the share of sporadic 429s, unrelated to the rate, measured over the calm windows)
//! by three standard deviations, and one. A cut is then on trial for one window: if the share
//! of 429s did not fall at least by half with the rate, the 429s do not follow the rate (a
//! proxy throttling one answer in 30 at random): the cut is undone and their share becomes the
//! noise. A rate above the quota, whose 429s come and go with it, is cut each time it returns.
//!
//! **The floor.** A cut starts from the rate that succeeded in that window, not from the rate
//! sent: `W_max = min(rate, successes per second)`, then `β · W_max`. The first cut of a client
//! that sent unpaced lands just under the quota at once.
//!
//! Until its first cut a client sends unpaced (no wait, no task), unless a ceiling was set
//! (`max_requests_per_second`), which the learned rate never exceeds.

use super::Priority;
use super::lanes::{Lanes, Spacing};
use crate::clock::{Clock, SystemClock};
use crate::sync::lock;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BETA: f64 = 0.9;
const C: f64 = 0.4;
const WINDOW: Duration = Duration::from_secs(1);
/// The lowest rate pacing goes to (calls per second).
const FLOOR: f64 = 1.0;

/// The pacing of one client's business calls: its lanes, spaced by the learned rate.
pub(crate) struct Pacing {
    lanes: Arc<Lanes<Learned>>,
}

impl fmt::Debug for Pacing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacing")
            .field("rate", &self.rate())
            .finish_non_exhaustive()
    }
}

impl Pacing {
    /// Pacing under `ceiling` calls per second, if any; waiting lanes get at least `share` of
    /// the admissions.
    pub(crate) fn new(ceiling: Option<f64>, share: f64) -> Self {
        let learned = Learned {
            ceiling,
            state: Mutex::new(Learner::new(SystemClock.now())),
        };
        Self {
            lanes: Arc::new(Lanes::new(learned, share)),
        }
    }

    /// Waits until a call of `priority` may be sent at the learned rate.
    pub(crate) async fn admit(&self, priority: Priority) {
        self.lanes.admit(priority).await;
    }

    /// An attempt was answered; `throttled` when with a 429.
    pub(crate) fn answered(&self, throttled: bool) {
        self.lanes.spacing().record(throttled, SystemClock.now());
    }

    /// The rate paced to now (calls per second); `None` while unpaced.
    pub(crate) fn rate(&self) -> Option<f64> {
        self.lanes.spacing().rate(SystemClock.now())
    }
}

/// The learned rate, as the lanes' spacing.
struct Learned {
    ceiling: Option<f64>,
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

    fn record(&self, throttled: bool, now: Instant) {
        let cut = lock(&self.state).record(throttled, now, self.ceiling);
        if let Some(cut) = cut {
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

/// A cut, for its DEBUG event.
#[derive(Debug, PartialEq)]
struct Cut {
    from: f64,
    to: f64,
    throttled: u32,
    answered: u32,
}

/// CUBIC over windows of answers (pure: the time is passed in, for the tests).
#[derive(Debug)]
struct Learner {
    /// The rate that last succeeded before a cut; `None` before the first.
    w_max: Option<f64>,
    /// When the last cut happened.
    cut_at: Instant,
    window: Window,
    /// The share of 429s that does not follow the rate (sporadic ones), as measured.
    noise: f64,
    /// The last window's cut, on trial: undone when the next window's share of 429s did not
    /// fall with the rate.
    trial: Option<Trial>,
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
    w_max: Option<f64>,
    cut_at: Instant,
}

/// How much each calm window moves the noise (an average over about ten windows).
const NOISE_WEIGHT: f64 = 0.1;

impl Learner {
    fn new(now: Instant) -> Self {
        Self {
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
    fn rate(&self, now: Instant) -> Option<f64> {
        let w_max = self.w_max?;
        let t = now.saturating_duration_since(self.cut_at).as_secs_f64();
        let k = (w_max * (1.0 - BETA) / C).cbrt();
        Some((C * (t - k).powi(3) + w_max).max(FLOOR))
    }

    /// Counts an answer; at a window's end, whether it cut the rate.
    fn record(&mut self, throttled: bool, now: Instant, ceiling: Option<f64>) -> Option<Cut> {
        let elapsed = now.saturating_duration_since(self.window.start);
        let cut = if elapsed >= WINDOW {
            let cut = self.close_window(now, elapsed, ceiling);
            self.window = Window {
                start: now,
                answered: 0,
                throttled: 0,
            };
            cut
        } else {
            None
        };
        self.window.answered += 1;
        self.window.throttled += u32::from(throttled);
        cut
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
        if !self.rises_above_noise(throttled, answered) {
            self.noise += (share - self.noise) * NOISE_WEIGHT;
            return None;
        }
        if let Some(trial) = trial
            && share >= trial.share / 2.0
        {
            // The last cut lowered the rate, not the share of 429s: they do not follow the
            // rate. Undone; they are the noise from now on.
            self.w_max = trial.w_max;
            self.cut_at = trial.cut_at;
            self.noise = self.noise.max(share);
            tracing::debug!(
                share,
                "pacing: 429s that do not follow the rate (sporadic), the last cut undone"
            );
            return None;
        }
        // A window longer than one (a quiet spell) is read as it was: a rate over its length.
        let seconds = elapsed.as_secs_f64().max(1.0);
        let sent = f64::from(answered) / seconds;
        let succeeded = f64::from(answered - throttled) / seconds;
        let from = self.rate(now).or(ceiling).unwrap_or(sent);
        self.trial = Some(Trial {
            share,
            w_max: self.w_max,
            cut_at: self.cut_at,
        });
        self.w_max = Some(from.min(succeeded).max(FLOOR));
        self.cut_at = now;
        Some(Cut {
            from,
            to: self.rate(now).unwrap_or(FLOOR),
            throttled,
            answered,
        })
    }

    /// Whether `throttled` of `answered` is more than the noise explains (by three standard
    /// deviations, and one).
    fn rises_above_noise(&self, throttled: u32, answered: u32) -> bool {
        let expected = self.noise * f64::from(answered);
        f64::from(throttled) > expected + 3.0 * (expected * (1.0 - self.noise)).sqrt() + 1.0
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
            cuts.extend(learner.record(throttled(i), at, None));
        }
        cuts
    }

    #[test]
    fn a_saturated_window_cuts_to_just_under_what_succeeded() {
        let t0 = Instant::now();
        let mut learner = Learner::new(t0);
        // 1,000 answers a second, of which the gateway admitted 50.
        let cuts = feed(&mut learner, t0, 1, 1000, |i| i % 20 != 0);
        assert!(cuts.is_empty(), "the window is not over yet");
        let cut = learner
            .record(false, t0 + Duration::from_secs(1), None)
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
    fn one_429_in_thirty_at_random_is_noise_after_one_cut_on_trial() {
        let t0 = Instant::now();
        let mut learner = Learner::new(t0);
        let mut seed = 7_u64;
        // A pseudo-random one in 30, unrelated to the rate.
        let cuts = feed(&mut learner, t0, 60, 600, |_| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33).is_multiple_of(30)
        });
        // The first window's cut, undone by the second; never again.
        assert_eq!(cuts.len(), 1, "{cuts:?}");
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
        let mut learner = Learner::new(t0);
        let mut cuts = 0;
        let mut at = t0;
        let mut admitted_in_second = 0;
        let mut second_start = t0;
        // Sends at the learned rate (or 200/s unpaced) to a quota of 50 per second.
        for _ in 0..20_000 {
            let rate = learner.rate(at).unwrap_or(200.0);
            at += Duration::from_secs_f64(1.0 / rate);
            if at.duration_since(second_start) >= Duration::from_secs(1) {
                second_start = at;
                admitted_in_second = 0;
            }
            admitted_in_second += 1;
            let throttled = admitted_in_second > 50;
            cuts += usize::from(learner.record(throttled, at, None).is_some());
            if at.duration_since(t0) > Duration::from_secs(60) {
                break;
            }
        }
        let rate = learner.rate(at).unwrap();
        assert!(cuts >= 5, "the probe beyond 50 is cut each time: {cuts}");
        assert!(rate > 40.0 && rate < 60.0, "near the quota: {rate}");
    }
}
