//! The code `build.rs` generates from `spec/open-api.yaml`, included once, and the one surface
//! of the hand-written layer it calls ([`support`]).

pub(crate) mod support;

/// progenitor's `types` (re-exported as `crate::types`).
#[allow(missing_docs, unused_imports, dead_code, clippy::all, clippy::pedantic)]
pub(crate) mod raw {
    include!(concat!(env!("OUT_DIR"), "/raw.rs"));
}

// The methods of `crate::Client`, the `OPERATIONS` table and `ops`.
include!(concat!(env!("OUT_DIR"), "/facade.rs"));

#[cfg(test)]
mod tests;
