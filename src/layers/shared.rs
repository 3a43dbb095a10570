//! The cache tier the replicas of a fleet share (on Redis, `crate::fleet`): what an entry is
//! there, and the two things the response cache asks of it. A tier that fails answers as a
//! miss and stores nothing: the in-process tier goes on, and no call fails because of it.

use futures_util::future::BoxFuture;
use std::fmt;
use std::time::Duration;

/// An answer as the replicas share it: what decoding needs, and its age on the wall clock
/// (replicas share no monotonic clock).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SharedEntry {
    pub(crate) status: u16,
    /// The envelope, as the gateway sent it (JSON text).
    pub(crate) body: String,
    /// When it was stored, in ms since the Unix epoch.
    pub(crate) stored_at_ms: u64,
    /// Its lifetime, in ms.
    pub(crate) lifetime_ms: u64,
}

/// A cache shared by replicas.
pub(crate) trait SharedTier: Send + Sync + fmt::Debug {
    /// The entry under `key`, or `None` (none, or the tier failed).
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<SharedEntry>>;

    /// Stores `entry` under `key` for `keep`, in the background (the answer is not held up).
    fn put(&self, key: String, entry: SharedEntry, keep: Duration);
}
