//! Retries: which outcomes are sent again ([`classify`], a pure function), how long to wait
//! ([`RetryPolicy`]), how many retries a client may spend ([`quota`]), and the decisions of
//! one call ([`attempts`]). The loop that waits and re-sends is the orchestrator's
//! (`crate::runtime`).

mod attempts;
mod classify;
mod policy;
mod quota;

pub(crate) use attempts::{Attempts, Next, Retrier};
pub(crate) use classify::{Outcome, Reason};
pub use policy::RetryPolicy;
