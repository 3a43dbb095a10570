//! The guide pages: the reference behind the README, one page a topic, rendered by rustdoc
//! (docs.rs) and doc-tested with the crate. The README is the short way in; these are the rest.

#[doc = include_str!("configuration.md")]
pub mod configuration {}

#[doc = include_str!("per_call.md")]
pub mod per_call {}

#[doc = include_str!("retries_and_faults.md")]
pub mod retries_and_faults {}

#[doc = include_str!("quota.md")]
pub mod quota {}

#[doc = include_str!("pagination.md")]
pub mod pagination {}

#[doc = include_str!("date_times.md")]
pub mod date_times {}

#[doc = include_str!("metrics_and_logs.md")]
pub mod metrics_and_logs {}

// Its code needs the feature: without it, the page says so (and its examples are not compiled).
#[cfg_attr(feature = "redis", doc = include_str!("fleet.md"))]
#[cfg_attr(
    not(feature = "redis"),
    doc = "Running many replicas (fleet mode): needs the feature `redis`."
)]
pub mod fleet {}

#[doc = include_str!("mock_gateway.md")]
pub mod mock_gateway {}

#[doc = include_str!("command_line.md")]
pub mod command_line {}

#[doc = include_str!("maintainers.md")]
pub mod maintainers {}
