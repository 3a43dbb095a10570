//! Time as the SDK sees it: the one source of "now", of waits and of timeouts, replaceable so
//! that deadlines, backoff and token expiry are testable without sleeping.
//!
//! Nothing else in the crate reads `Instant::now`, `SystemTime::now` or Tokio's timer.

use crate::sync::lock;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime};

/// A wait handed out by [`Clock::sleep`] and [`Clock::timer`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A monotonic clock, the wall clock beside it, and the ways to wait on them.
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    /// The current instant.
    fn now(&self) -> Instant;

    /// The current wall-clock time (for `Retry-After` as an HTTP-date). The default reads the
    /// system's.
    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }

    /// Waits `duration` (retry backoff, `Retry-After`). The default waits for real, on Tokio's
    /// timer.
    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }

    /// A wait that ends a timeout (a call's deadline around a token fetch or a rate-limit
    /// wait): it ends when `duration` has passed on this clock. The default waits for real.
    fn timer(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The real monotonic clock; the default. The parts shared by clients (a fleet's Redis
/// connection, its rate limiter, the token stores) read it directly: they pace against Redis's
/// own real-time expiry, not one client's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// `future`, given at most `left` on `clock` when there is a limit (`None`: it ran out).
pub(crate) async fn within<F: Future>(
    clock: &dyn Clock,
    left: Option<Duration>,
    future: F,
) -> Option<F::Output> {
    let Some(left) = left else {
        return Some(future.await);
    };
    if left.is_zero() {
        return None;
    }
    let timer = clock.timer(left);
    let future = std::pin::pin!(future);
    match futures_util::future::select(future, timer).await {
        futures_util::future::Either::Left((output, _)) => Some(output),
        futures_util::future::Either::Right(_) => None,
    }
}

/// A clock that moves only when told to, or when the client waits on it: pair it with the
/// mock gateway's clock to test token expiry without waiting.
///
/// A [`sleep`](Clock::sleep) on it returns at once after moving the clock forward by the
/// duration, and is recorded: [`slept`](ManualClock::slept) lists the waits, so a test can
/// check a retry waited exactly what `Retry-After` said without spending that time. A
/// [`timer`](Clock::timer) on it ends when the clock is moved past it (by
/// [`advance`](ManualClock::advance) or a sleep), never by itself. Its
/// [`wall`](Clock::wall) time is the system's, moved forward as far as the clock was.
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    /// Shared with the timers it hands out.
    state: Arc<Mutex<Manual>>,
}

#[derive(Debug, Default)]
struct Manual {
    elapsed: Duration,
    sleeps: Vec<Duration>,
    /// The timers waiting for the clock to pass them.
    timers: Vec<Waker>,
}

impl ManualClock {
    /// A clock standing at the current instant.
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            state: Arc::new(Mutex::new(Manual::default())),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let timers = {
            let mut state = lock(&self.state);
            state.elapsed += by;
            std::mem::take(&mut state.timers)
        };
        timers.into_iter().for_each(Waker::wake);
    }

    /// Every wait the client asked of this clock, in order.
    pub fn slept(&self) -> Vec<Duration> {
        lock(&self.state).sleeps.clone()
    }

    /// How long this clock has been moved forward, by [`advance`](Self::advance) and waits.
    pub fn elapsed(&self) -> Duration {
        lock(&self.state).elapsed
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + self.elapsed()
    }

    /// The system's wall clock moved forward as far as this clock was: the HTTP-dates it is
    /// compared with come from real servers.
    fn wall(&self) -> SystemTime {
        SystemTime::now() + self.elapsed()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        lock(&self.state).sleeps.push(duration);
        self.advance(duration);
        // Still a suspension point, like a real wait: other tasks get to run.
        Box::pin(tokio::task::yield_now())
    }

    fn timer(&self, duration: Duration) -> Sleep {
        Box::pin(ManualTimer {
            state: Arc::clone(&self.state),
            until: self.elapsed() + duration,
        })
    }
}

/// A timer of a [`ManualClock`]: ready once the clock's elapsed time reaches `until`.
struct ManualTimer {
    state: Arc<Mutex<Manual>>,
    until: Duration,
}

impl Future for ManualTimer {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = lock(&self.state);
        if state.elapsed >= self.until {
            Poll::Ready(())
        } else {
            state.timers.push(cx.waker().clone());
            Poll::Pending
        }
    }
}
