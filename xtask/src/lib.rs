//! `cargo xtask`: the maintenance workflow of the `rizzitgo-open-api` SDK.
//!
//! The spec (`spec/open-api.yaml`) is the single source of truth; everything else is derived
//! from it or checked against it. See `xtask/README.md` for the workflow.

pub mod api_check;
pub mod bench;
pub mod bump;
pub mod changelog;
pub mod ci;
pub mod contract;
pub mod diff;
pub mod drift;
pub mod edit;
pub mod lint;
pub mod msrv;
pub mod paths;
pub mod process;
pub mod regen;
pub mod released;
pub mod schema_walk;
pub mod spec;
pub mod tools;
pub mod version;

/// Every command fails with a message for the terminal.
pub type Result<T> = std::result::Result<T, String>;
