//! The request pipeline the SDK owns.
//!
//! A call is checked and encoded once ([`Payload`]) into a [`Call`], run when awaited by the
//! orchestrator ([`Runtime::execute`]: the retry loop over attempts, each one admitted by the
//! rate limit and pacing, then the token, the request, the body read once within its limit and
//! its classification), and its final answer is decoded once into the operation's `data`
//! ([`conclude`]). Nothing here
//! knows an endpoint: the operation's table entry says how to send it.

mod answer;
mod call;
mod components;
mod finished;
mod lenient;
mod observer;
mod options;
mod orchestrator;
mod request;
mod response;

pub(crate) use answer::{Answer, Outcome, Reason};
pub use call::{Call, WithResponse};
pub(crate) use components::Runtime;
pub(crate) use finished::Finished;
pub(crate) use observer::observe_served;
pub(crate) use options::CallOptions;
pub(crate) use orchestrator::{classify, failure_of};
pub(crate) use request::{Payload, check};
pub use response::{Response, ResponseMetadata, ServedFrom};

pub(crate) use call::{call, conclude, data, nullable_data, required};
pub(crate) use lenient::Lenient;
