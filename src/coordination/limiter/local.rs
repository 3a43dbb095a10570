//! The in-process limiter: GCRA (governor), the one `max_requests_per_second` builds.

use super::{Permit, PermitFuture, RateLimiter};
use governor::{DefaultDirectRateLimiter, Quota};
use std::fmt;
use std::num::NonZeroU32;

/// `n` requests per second, evenly spaced (a burst of one: at most `n` in any one-second
/// window), for the clones of one client.
pub struct LocalRateLimiter {
    limiter: DefaultDirectRateLimiter,
    per_second: NonZeroU32,
}

impl LocalRateLimiter {
    /// A limiter of `per_second` requests per second.
    pub fn per_second(per_second: NonZeroU32) -> Self {
        Self {
            limiter: governor::RateLimiter::direct(
                Quota::per_second(per_second).allow_burst(NonZeroU32::MIN),
            ),
            per_second,
        }
    }
}

impl fmt::Debug for LocalRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRateLimiter")
            .field("per_second", &self.per_second)
            .finish()
    }
}

impl RateLimiter for LocalRateLimiter {
    fn acquire(&self) -> PermitFuture<'_> {
        Box::pin(async {
            self.limiter.until_ready().await;
            Permit::untracked()
        })
    }
}
