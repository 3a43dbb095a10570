//! What makes two calls of one client the same request: the operation and the encoded body
//! (canonical: the typed request serializes its fields in one order). The client's base URL,
//! clientId, tenant-id and scopes are the same for every call of a client, whose layers are
//! its own, so they are part of every key without being stored in it.

use crate::Operation;
use bytes::Bytes;

/// One request of one client.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct RequestKey {
    operation: usize,
    body: Bytes,
}

impl RequestKey {
    pub(crate) fn new(operation: &'static Operation, body: &Bytes) -> Self {
        Self {
            operation: operation.index,
            body: body.clone(),
        }
    }

    /// The operation's index and the body.
    pub(crate) fn parts(&self) -> (usize, &[u8]) {
        (self.operation, &self.body)
    }

    /// What the key holds, in bytes (for the cache's weight).
    pub(crate) fn len(&self) -> usize {
        self.body.len()
    }
}
