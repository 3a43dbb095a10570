//! Retries: how long to wait ([`RetryPolicy`]), how many retries a client may spend
//! ([`RetryBudget`]), and the loop that runs a call's attempts under them and decides, from
//! each outcome, whether to send it again ([`RetryLoop`], generic over the attempt and its
//! admission: tested without HTTP).

mod policy;
mod retry_loop;

pub use policy::RetryPolicy;
pub(crate) use retry_loop::{
    Admit, Admitted, Attempt, Deadline, Next, RetryBudget, RetryEvents, RetryLoop,
};
