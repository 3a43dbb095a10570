//! The client-side rate limit: the seam behind
//! [`ClientBuilder::rate_limiter`](crate::ClientBuilder::rate_limiter) and
//! [`max_requests_per_second`](crate::ClientBuilder::max_requests_per_second).
//!
//! Every attempt of a business call waits for a [`Permit`] before it is sent and hands it
//! back once it is over. [`LocalRateLimiter`] (what `max_requests_per_second` builds) spaces
//! the requests of one client; the Redis limiter (feature `redis`,
//! `fleet::RedisFleet`) counts the requests of every replica of a
//! clientId against one budget.

mod local;

pub use local::LocalRateLimiter;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// What [`RateLimiter::acquire`] returns.
pub type PermitFuture<'a> = Pin<Box<dyn Future<Output = Permit> + Send + 'a>>;

/// What [`RateLimiter::release`] returns.
pub type ReleaseFuture<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// The right to send one request, as a limiter granted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permit {
    lease: Option<String>,
}

impl Permit {
    /// A permit with nothing to hand back (a limiter that only spaces requests).
    pub fn untracked() -> Self {
        Self { lease: None }
    }

    /// A permit the limiter tracks until [`RateLimiter::release`] (its lease id).
    pub fn lease(id: impl Into<String>) -> Self {
        Self {
            lease: Some(id.into()),
        }
    }

    /// The lease id, for a tracking limiter.
    pub fn lease_id(&self) -> Option<&str> {
        self.lease.as_deref()
    }
}

/// Decides when a business request may be sent. Shared by a client's clones (and, for a
/// distributed limiter, by every replica).
pub trait RateLimiter: Send + Sync + fmt::Debug {
    /// Waits until one more request may be sent.
    fn acquire(&self) -> PermitFuture<'_>;

    /// The request sent with `permit` is over: `answered` when the gateway answered it (a
    /// response, whatever its status), `false` when it failed in transit (the gateway may
    /// still be processing it). The default does nothing.
    fn release(&self, permit: Permit, answered: bool) -> ReleaseFuture<'_> {
        let _ = (permit, answered);
        Box::pin(std::future::ready(()))
    }
}
