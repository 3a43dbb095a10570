//! Retries: which outcomes are sent again ([`classify`], a pure function), how long to wait
//! ([`RetryPolicy`]), how many retries a client may spend ([`quota`]), and the loop that
//! waits and re-sends ([`run`]).

mod classify;
mod policy;
mod quota;
mod run;

pub use policy::RetryPolicy;
pub(crate) use run::{Resend, Retrier, Sent};
