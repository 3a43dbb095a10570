//! Everything the generated code calls, and nothing else: a call of an operation and its
//! decoders, a page walk, and the operation table's types. The hand-written layer behind it
//! may change shape freely as long as these names keep their meaning.

use crate::{Client, clock::Clock};
use std::sync::Arc;

pub(crate) use crate::operation::{
    Auth, BodyFormat, CacheLifetimes, Check, FieldRule, Operation, RetryClass,
};
pub(crate) use crate::pagination::{Shape, items, pages};
pub(crate) use crate::runtime::{Lenient, call, data, nullable_data};
#[cfg(any(test, fuzzing))]
pub(crate) use crate::runtime::{conclude, required};

/// The clock a page walk's deadline counts on: the client's.
pub(crate) fn clock(client: &Client) -> Arc<dyn Clock> {
    Arc::clone(&client.runtime().clock)
}

/// A call answered once with `status` and `body` (the decoder of `examples`: the crate's tests
/// and the fuzz target decode a body the way every call does).
#[cfg(any(test, fuzzing))]
pub(crate) fn answered(status: reqwest::StatusCode, body: &[u8]) -> crate::runtime::Finished {
    crate::runtime::Finished::answered(status, body)
}
