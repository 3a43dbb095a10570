//! The retry policy users configure, and the backoff schedule it yields.

use backon::BackoffBuilder;
use std::time::Duration;

/// How the client retries transient failures (HTTP 408/429/500/502/503/504, the same codes in
/// the envelope, dropped connections, timeouts of read-only calls).
///
/// The default, [`RetryPolicy::standard`]: **3 attempts**, exponential backoff with full
/// jitter (a random wait in `0..=100 ms·2ⁿ`, at most 5 s), a `Retry-After` of up to **120 s**
/// honoured, and a retry budget of **500** tokens per client (a retry costs 5, a retry after a
/// timeout 10; a call that succeeds refunds what it spent, or 1 when it needed no retry), so
/// that when the gateway is down, a client stops retrying after about 100 retries and sends
/// each call once until calls succeed again. First attempts never wait for the budget.
///
/// ```
/// use rizzitgo_open_api::RetryPolicy;
/// use std::time::Duration;
///
/// let patient = RetryPolicy::standard()
///     .with_max_attempts(5)
///     .with_max_backoff(Duration::from_secs(10))
///     .with_max_retry_after(Duration::from_secs(30));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    budget: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryPolicy {
    /// 3 attempts, backoff 100 ms·2ⁿ with full jitter capped at 5 s, `Retry-After` honoured up
    /// to 120 s, a budget of 500.
    pub fn standard() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(120),
            budget: 500,
        }
    }

    /// For callers that hold a user waiting (a request handler): 3 attempts, backoff 50 ms·2ⁿ
    /// with full jitter capped at 500 ms, and a `Retry-After` honoured only up to **2 s** (a
    /// longer one ends the call at once with the rate-limit or server error, its
    /// [`retry_after`](crate::Error::retry_after) telling the caller when to come back). The
    /// budget is the standard one. Pair it with a per-call deadline
    /// ([`Call::deadline`](crate::Call::deadline)).
    pub fn interactive() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(2),
            budget: 500,
        }
    }

    /// Every call is sent once (a refused token is still replaced and the call replayed once:
    /// a 401 means the gateway did nothing).
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// Attempts per call, the first included (at least 1; 1 means no retry).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The backoff before the first retry; it doubles for each next one.
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest backoff between two attempts.
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` the client waits; a longer one ends the call at once with the
    /// rate-limit (or server) error, [`Error::retry_after`](crate::Error::retry_after) set.
    pub fn with_max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// The retry budget of a client (shared by its clones), in tokens: a retry costs 5, a retry
    /// after a timeout 10. `u32::MAX` is as good as unlimited.
    pub fn with_budget(mut self, tokens: u32) -> Self {
        self.budget = tokens;
        self
    }

    /// Attempts per call, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff before the first retry.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The longest backoff between two attempts.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The longest `Retry-After` honoured.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// The retry budget, in tokens.
    pub fn budget(&self) -> u32 {
        self.budget
    }

    /// Refuses a policy that cannot work, naming the setting.
    pub(crate) fn validate(&self) -> Result<(), crate::Error> {
        if self.max_attempts == 0 {
            return Err(crate::Error::config(
                "retry_policy.max_attempts must be at least 1 (1 means no retry)",
            ));
        }
        if self.initial_backoff > self.max_backoff {
            return Err(crate::Error::config(
                "retry_policy.initial_backoff must not exceed retry_policy.max_backoff",
            ));
        }
        Ok(())
    }

    /// The waits before each retry of one call: exponential and capped (backon), each drawn
    /// uniformly from zero up to that value ("full jitter", as the AWS SDKs do), so that
    /// callers failing together do not retry together.
    pub(crate) fn backoff(&self) -> impl Iterator<Item = Duration> + use<> {
        let schedule = backon::ExponentialBuilder::new()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize)
            .build();
        schedule.map(|ceiling| ceiling.mul_f64(fastrand::f64()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_under_a_cap_with_full_jitter() {
        let policy = RetryPolicy::standard()
            .with_max_attempts(6)
            .with_max_backoff(Duration::from_millis(400));
        for _ in 0..100 {
            let waits: Vec<Duration> = policy.backoff().collect();
            assert_eq!(waits.len(), 5, "one wait per retry");
            let ceilings = [100, 200, 400, 400, 400].map(Duration::from_millis);
            for (wait, ceiling) in waits.iter().zip(ceilings) {
                assert!(*wait <= ceiling, "{wait:?} > {ceiling:?}");
            }
        }
        // Jitter: the waits are not all the same value.
        let firsts: std::collections::HashSet<Duration> =
            (0..20).map(|_| policy.backoff().next().unwrap()).collect();
        assert!(firsts.len() > 1);
    }

    #[test]
    fn none_has_no_retry_and_zero_attempts_is_refused() {
        assert_eq!(RetryPolicy::none().backoff().count(), 0);
        let error = RetryPolicy::standard()
            .with_max_attempts(0)
            .validate()
            .unwrap_err();
        assert!(error.is_config() && error.to_string().contains("max_attempts"));
    }
}
