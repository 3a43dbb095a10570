//! The in-process [`TokenStore`]: tokens shared by the clients of one process.

use super::{FetchFailure, StoreError, StoreFuture, StoredToken, TokenStore};
use crate::SecretToken;
use crate::clock::{Clock, SystemClock};
use crate::sync::lock;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A [`TokenStore`] in this process's memory: clients built with the same one (an `Arc`)
/// share their token. Entries and locks end after their TTL, as in Redis.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<HashMap<String, (StoredToken, Instant)>>,
    locks: Mutex<HashMap<String, (String, Instant)>>,
    failures: Mutex<HashMap<String, (FetchFailure, Instant)>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

fn ready<'a, T: Send + 'a>(value: T) -> StoreFuture<'a, T> {
    Box::pin(std::future::ready(Ok::<T, StoreError>(value)))
}

impl TokenStore for MemoryTokenStore {
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<StoredToken>> {
        let mut tokens = lock(&self.tokens);
        let found = match tokens.get(key) {
            Some((token, until)) if SystemClock.now() < *until => Some(token.clone()),
            Some(_) => {
                tokens.remove(key);
                None
            }
            None => None,
        };
        ready(found)
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        token: &'a StoredToken,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        lock(&self.tokens).insert(key.to_owned(), (token.clone(), SystemClock.now() + ttl));
        ready(())
    }

    fn delete_if<'a>(&'a self, key: &'a str, token: &'a SecretToken) -> StoreFuture<'a, bool> {
        let mut tokens = lock(&self.tokens);
        let matches = tokens.get(key).is_some_and(|(t, _)| t.value == *token);
        if matches {
            tokens.remove(key);
        }
        ready(matches)
    }

    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        let mut locks = lock(&self.locks);
        let now = SystemClock.now();
        let free = locks.get(key).is_none_or(|(_, until)| *until <= now);
        if free {
            locks.insert(key.to_owned(), (owner.to_owned(), now + ttl));
        }
        ready(free)
    }

    fn put_failure<'a>(
        &'a self,
        key: &'a str,
        failure: &'a FetchFailure,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        let until = SystemClock.now() + ttl;
        lock(&self.failures).insert(key.to_owned(), (failure.clone(), until));
        ready(())
    }

    fn get_failure<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<FetchFailure>> {
        let mut failures = lock(&self.failures);
        failures.retain(|_, (_, until)| SystemClock.now() < *until);
        ready(failures.get(key).map(|(failure, _)| failure.clone()))
    }

    fn unlock<'a>(&'a self, key: &'a str, owner: &'a str) -> StoreFuture<'a, ()> {
        let mut locks = lock(&self.locks);
        if locks.get(key).is_some_and(|(o, _)| o == owner) {
            locks.remove(key);
        }
        ready(())
    }
}
