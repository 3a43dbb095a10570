//! The client-side rate limit: the seam behind
//! [`ClientBuilder::rate_limiter`](crate::ClientBuilder::rate_limiter) and
//! [`max_requests_per_second`](crate::ClientBuilder::max_requests_per_second).
//!
//! Every attempt of a business call waits for a [`Permit`] before it is sent and hands it
//! back once it is over. [`LocalRateLimiter`] (what `max_requests_per_second` builds) spaces
//! the requests of one client; the Redis limiter (feature `redis`,
//! `fleet::RedisFleet`) counts the requests of every replica of a
//! clientId against one budget.

mod cubic;
mod lanes;
mod local;
mod pacing;

#[cfg(feature = "redis")]
pub(crate) use cubic::{
    BETA as CUBIC_BETA, C as CUBIC_C, FleetRate, MAX_NOISE, Proposal, WINDOW as CUBIC_WINDOW,
};
pub(crate) use local::DEFAULT_LANE_SHARE;
pub use local::LocalRateLimiter;
pub(crate) use pacing::{Admission, Pacing};

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

/// Which lane a call waits in for the client-side limit: a higher lane is admitted first, a
/// lower one still gets its minimum share
/// ([`ClientBuilder::lane_share`](crate::ClientBuilder::lane_share)). Set per call with
/// [`Call::priority`](crate::Call::priority), for every call with
/// [`ClientBuilder::priority`](crate::ClientBuilder::priority) (default
/// [`Normal`](Priority::Normal)); page walks default to [`Background`](Priority::Background).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Priority {
    /// Someone waits for the answer (a storefront's page).
    Interactive = 0,
    /// The default.
    #[default]
    Normal = 1,
    /// Work that may wait (a catalog refresh, a nightly sync).
    Background = 2,
}

impl Priority {
    /// The lowest-case name, for logs and metrics: `interactive`, `normal`, `background`.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Interactive => "interactive",
            Priority::Normal => "normal",
            Priority::Background => "background",
        }
    }
}

/// Decides when a business request may be sent. Shared by a client's clones (and, for a
/// distributed limiter, by every replica).
pub trait RateLimiter: Send + Sync + fmt::Debug {
    /// Waits until one more request may be sent.
    fn acquire(&self) -> PermitFuture<'_>;

    /// Waits until one more request of `priority` may be sent: a limiter with lanes admits
    /// higher lanes first. The default ignores the priority.
    fn acquire_for(&self, priority: Priority) -> PermitFuture<'_> {
        let _ = priority;
        self.acquire()
    }

    /// The request sent with `permit` is over: `answered` when the gateway answered it (a
    /// response, whatever its status), `false` when it failed in transit (the gateway may
    /// still be processing it). The default does nothing.
    fn release(&self, permit: Permit, answered: bool) -> ReleaseFuture<'_> {
        let _ = (permit, answered);
        Box::pin(std::future::ready(()))
    }
}
