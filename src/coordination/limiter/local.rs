//! The in-process limiter, the one `max_requests_per_second` builds: evenly spaced
//! admissions in priority lanes ([`Lanes`]).

use super::lanes::Lanes;
use super::{Permit, PermitFuture, Priority, RateLimiter};
use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// `n` requests per second, evenly spaced (a burst of one: at most `n` in any one-second
/// window), for the clones of one client; higher [`Priority`] lanes first.
pub struct LocalRateLimiter {
    lanes: Arc<Lanes<Duration>>,
    per_second: NonZeroU32,
}

impl LocalRateLimiter {
    /// A limiter of `per_second` requests per second (a waiting lower lane gets at least a
    /// tenth of them).
    pub fn per_second(per_second: NonZeroU32) -> Self {
        Self::with_share(per_second, DEFAULT_LANE_SHARE)
    }

    /// A limiter whose waiting lower lanes get at least `share` of the admissions (checked by
    /// the builder: 0 < share ≤ 0.5).
    pub(crate) fn with_share(per_second: NonZeroU32, share: f64) -> Self {
        let interval = Duration::from_secs_f64(1.0 / f64::from(per_second.get()));
        Self {
            lanes: Arc::new(Lanes::new(interval, share)),
            per_second,
        }
    }
}

/// The share of admissions a waiting lower lane gets at least, unless configured.
pub(crate) const DEFAULT_LANE_SHARE: f64 = 0.1;

impl fmt::Debug for LocalRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRateLimiter")
            .field("per_second", &self.per_second)
            .finish()
    }
}

impl RateLimiter for LocalRateLimiter {
    fn acquire(&self) -> PermitFuture<'_> {
        self.acquire_for(Priority::Normal)
    }

    fn acquire_for(&self, priority: Priority) -> PermitFuture<'_> {
        Box::pin(async move {
            self.lanes.admit(priority).await;
            Permit::untracked()
        })
    }
}
