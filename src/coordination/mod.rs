//! Coordination: what a client shares beyond one call — with its clones, with other clients,
//! with the replicas of a fleet. The token stores ([`store`]: the seam, in process and shared),
//! the rate limiters ([`limiter`]), and fleet mode on Redis (`fleet`: the token, the limit and
//! the response cache's shared tier for every replica).

#[cfg(feature = "redis")]
pub mod fleet;
pub mod limiter;
pub(crate) mod shared_tokens;
pub mod store;
