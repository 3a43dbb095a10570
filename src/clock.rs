//! Time as the token cache and the retry loop see it, replaceable so that expiry and backoff
//! are testable without sleeping.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A wait handed out by [`Clock::sleep`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A monotonic clock, and the way to wait on it.
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    /// The current instant.
    fn now(&self) -> Instant;

    /// Waits `duration` (retry backoff, `Retry-After`). The default waits for real, on Tokio's
    /// timer.
    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The real monotonic clock; the default.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that moves only when told to, or when the client waits on it: pair it with the
/// mock gateway's clock to test token expiry without waiting.
///
/// A [`sleep`](Clock::sleep) on it returns at once after moving the clock forward by the
/// duration, and is recorded: [`slept`](ManualClock::slept) lists the waits, so a test can
/// check a retry waited exactly what `Retry-After` said without spending that time.
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    elapsed: Mutex<Duration>,
    sleeps: Mutex<Vec<Duration>>,
}

impl ManualClock {
    /// A clock standing at the current instant.
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
            sleeps: Mutex::new(Vec::new()),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        *lock(&self.elapsed) += by;
    }

    /// Every wait the client asked of this clock, in order.
    pub fn slept(&self) -> Vec<Duration> {
        lock(&self.sleeps).clone()
    }

    /// How long this clock has been moved forward, by [`advance`](Self::advance) and waits.
    pub fn elapsed(&self) -> Duration {
        *lock(&self.elapsed)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + *lock(&self.elapsed)
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        lock(&self.sleeps).push(duration);
        self.advance(duration);
        // Still a suspension point, like a real wait: other tasks get to run.
        Box::pin(tokio::task::yield_now())
    }
}
