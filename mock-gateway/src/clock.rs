//! The mock's clock: real elapsed time plus a test-controlled offset.
//!
//! Token expiry, the redeem `requestId` window and the QPS window read this clock, so tests
//! move time forward with `advance_clock` instead of sleeping.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Monotonic mock time, measured from the gateway's start.
#[derive(Debug)]
pub(crate) struct MockClock {
    origin: Instant,
    offset_nanos: AtomicU64,
}

impl MockClock {
    /// A clock reading zero now.
    pub(crate) fn new() -> Self {
        Self {
            origin: Instant::now(),
            offset_nanos: AtomicU64::new(0),
        }
    }

    /// Mock time since the gateway started.
    pub(crate) fn now(&self) -> Duration {
        self.origin.elapsed() + Duration::from_nanos(self.offset_nanos.load(Ordering::SeqCst))
    }

    /// Moves mock time forward (never backward: expiry checks rely on monotonic time).
    pub(crate) fn advance(&self, by: Duration) {
        let nanos = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        // Saturate rather than wrap: a huge advance must not send the clock back.
        let _ = self
            .offset_nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| {
                Some(v.saturating_add(nanos))
            });
    }
}
