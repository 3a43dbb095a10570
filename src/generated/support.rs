//! Everything the generated code calls, and nothing else: a call of an operation and its
//! decoders, a page walk, and the operation table's types. The hand-written layer behind it
//! may change shape freely as long as these names keep their meaning.

use crate::runtime::Finished;
use crate::{Client, clock::Clock};
use std::sync::Arc;

pub(crate) use crate::operation::{
    Auth, BodyFormat, CacheLifetimes, Check, FieldRule, Operation, RetryClass,
};
pub(crate) use crate::pagination::{Shape, items, pages};
pub(crate) use crate::runtime::{Lenient, call, conclude, data, nullable_data, required};

/// The clock a page walk's deadline counts on: the client's.
pub(crate) fn clock(client: &Client) -> Arc<dyn Clock> {
    Arc::clone(&client.runtime().clock)
}

/// A call answered once with `status` and `body` (the decoder of `__examples`: tests and
/// fuzzing decode a body the way every call does).
pub(crate) fn answered(status: reqwest::StatusCode, body: &[u8]) -> Finished {
    Finished::answered(status, body)
}
