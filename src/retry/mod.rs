//! Retries: which outcomes are sent again ([`classify`], a pure function), how long to wait
//! ([`RetryPolicy`]), how many retries a client may spend ([`RetryBudget`]), and the loop that
//! runs a call's attempts under them ([`RetryLoop`], generic over the attempt: tested without
//! HTTP).

mod budget;
mod classify;
mod policy;
mod retry_loop;

pub(crate) use budget::RetryBudget;
pub(crate) use classify::{Outcome, Reason};
pub use policy::RetryPolicy;
pub(crate) use retry_loop::{Attempt, Deadline, RetryEvents, RetryLoop};
