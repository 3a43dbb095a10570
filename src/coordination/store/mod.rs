//! Where access tokens are shared between clients: the seam behind
//! [`ClientBuilder::token_store`](crate::ClientBuilder::token_store).
//!
//! Every [`Client`](crate::Client) keeps its own in-process token cache (one token fetch for
//! all its concurrent callers, refresh ahead of expiry). A [`TokenStore`] is a second level,
//! shared by many clients — many replicas of one service with one clientId — so that they
//! fetch **one** token between them instead of one each:
//!
//! - a client that needs a token first reads the store; a token there is used as is;
//! - otherwise it takes the store's short lock for the key (one holder fleet-wide), fetches
//!   the token, puts it with a TTL that ends when the token is due for refresh, and unlocks;
//!   the others poll the store meanwhile and pick the new token up without fetching their own;
//!   a lock whose holder died ends by its TTL;
//! - a fetch the gateway refused is shared too, for a few seconds
//!   ([`TokenStore::put_failure`]): the clients waiting for it fail with the same error
//!   instead of each fetching in turn;
//! - a token the gateway refused (401) is deleted only if it is still the one that failed
//!   ([`TokenStore::delete_if`]), so a newer token put meanwhile stays.
//!
//! A store that fails or is slow never fails a call: the client fetches its own token, as it
//! would without a store. [`MemoryTokenStore`] shares tokens between the clients of one
//! process; the Redis store (feature `redis`, `fleet::RedisFleet`) between
//! processes.

mod memory;

pub use memory::MemoryTokenStore;

use crate::SecretToken;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

/// What a [`TokenStore`] operation returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A token as the store keeps it: the value and the instant the gateway said it expires.
#[derive(Clone, Debug)]
pub struct StoredToken {
    /// The access token (never printed).
    pub value: SecretToken,
    /// When the token expires (wall-clock time, shared between hosts).
    pub expires_at: SystemTime,
}

impl StoredToken {
    /// How long the token is still valid at `now` (zero once expired).
    pub fn remaining(&self, now: SystemTime) -> Duration {
        self.expires_at.duration_since(now).unwrap_or_default()
    }
}

/// A token fetch the gateway refused, as the client that fetched for everyone shares it with
/// the clients waiting for that fetch: they fail with the same error instead of each fetching
/// in turn. Nothing in it is a secret. It serializes as camelCase JSON (what the Redis store
/// keeps), for a store of your own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FetchFailure {
    /// Names this failure: a client ignores the one it found before it began to wait.
    pub id: String,
    /// The HTTP status of the gateway's answer.
    pub status: u16,
    /// The envelope's `code`, if there was one.
    pub code: Option<i64>,
    /// The gateway's message.
    pub message: String,
    /// The gateway's `Retry-After`, in milliseconds.
    pub retry_after_ms: Option<u64>,
    /// Requests the fetch sent.
    pub attempts: u32,
}

/// A store that could not answer (unreachable, slow, refused). The client then fetches its
/// own token: the error is logged, never returned to a caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError(String);

impl StoreError {
    /// An error with a message (which must not contain a secret).
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "token store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// A key-value store of tokens shared by several clients, with a short lock for fetching
/// (see the [module docs](self)). Keys are chosen by the client: they name the base URL,
/// clientId, tenant and scopes, never a secret.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The token under `key`, if one is there (an entry past its TTL is not).
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<StoredToken>>;

    /// Puts `token` under `key` for `ttl` (replacing what was there).
    fn put<'a>(
        &'a self,
        key: &'a str,
        token: &'a StoredToken,
        ttl: Duration,
    ) -> StoreFuture<'a, ()>;

    /// Deletes the token under `key` if it is `token` (atomically); `true` when it was.
    fn delete_if<'a>(&'a self, key: &'a str, token: &'a SecretToken) -> StoreFuture<'a, bool>;

    /// Takes the lock `key` for `owner` unless someone holds it; it ends by itself after
    /// `ttl`. `true` when taken.
    fn try_lock<'a>(&'a self, key: &'a str, owner: &'a str, ttl: Duration)
    -> StoreFuture<'a, bool>;

    /// Releases the lock `key` if `owner` still holds it.
    fn unlock<'a>(&'a self, key: &'a str, owner: &'a str) -> StoreFuture<'a, ()>;

    /// Shares the failure of the fetch for `key` for `ttl`. The default shares nothing: the
    /// waiting clients then fetch in turn.
    fn put_failure<'a>(
        &'a self,
        key: &'a str,
        failure: &'a FetchFailure,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        let _ = (key, failure, ttl);
        Box::pin(std::future::ready(Ok(())))
    }

    /// The last failure shared for `key`, if its TTL has not ended. The default has none.
    fn get_failure<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<FetchFailure>> {
        let _ = key;
        Box::pin(std::future::ready(Ok(None)))
    }
}
