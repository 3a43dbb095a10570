//! The [`TokenStore`] on Redis: `SET … PX` with the token's expiry in the value, `SET NX PX`
//! for the fetch lock, compare-and-delete scripts.

use super::connection::Connection;
use super::scripts;
use crate::SecretToken;
use crate::store::{FetchFailure, StoreError, StoreFuture, StoredToken, TokenStore};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

/// Tokens in Redis, shared by every client of a [`RedisFleet`](super::RedisFleet) (and every
/// replica pointed at the same server).
pub(crate) struct RedisTokenStore {
    pub(crate) connection: Arc<Connection>,
}

impl fmt::Debug for RedisTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisTokenStore")
            .field("down", &self.connection.is_down())
            .finish_non_exhaustive()
    }
}

/// The value under a token key: the token and when it expires (ms since the Unix epoch).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    access_token: SecretToken,
    expires_at_ms: u64,
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl RedisTokenStore {
    /// `SET key json PX ttl`: a value that ends by itself. `what` names it in an error (never
    /// the encoder's text).
    async fn set_json(
        &self,
        key: &str,
        value: &impl Serialize,
        ttl: Duration,
        what: &str,
    ) -> Result<(), StoreError> {
        let value = serde_json::to_string(value)
            .map_err(|_| StoreError::new(format!("{what} could not be encoded")))?;
        self.connection
            .run(|mut c| async move {
                redis::cmd("SET")
                    .arg(key)
                    .arg(value)
                    .arg("PX")
                    .arg(millis(ttl))
                    .query_async(&mut c)
                    .await
            })
            .await
    }

    /// `GET key`, decoded; `what` names the value in an error (never the decoder's text: it
    /// could quote the value).
    async fn get_json<T: DeserializeOwned>(
        &self,
        key: &str,
        what: &str,
    ) -> Result<Option<T>, StoreError> {
        let value: Option<String> = self
            .connection
            .run(|mut c| async move { redis::cmd("GET").arg(key).query_async(&mut c).await })
            .await?;
        value
            .map(|value| serde_json::from_str(&value))
            .transpose()
            .map_err(|_| StoreError::new(format!("the value under {key} is not {what}")))
    }
}

impl TokenStore for RedisTokenStore {
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<StoredToken>> {
        Box::pin(async move {
            let entry: Option<Entry> = self.get_json(key, "a token entry").await?;
            Ok(entry.map(|entry| StoredToken {
                value: entry.access_token,
                expires_at: UNIX_EPOCH + Duration::from_millis(entry.expires_at_ms),
            }))
        })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        token: &'a StoredToken,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let entry = Entry {
                access_token: token.value.clone(),
                expires_at_ms: millis(
                    token
                        .expires_at
                        .duration_since(UNIX_EPOCH)
                        .unwrap_or_default(),
                ),
            };
            self.set_json(key, &entry, ttl, "a token entry").await
        })
    }

    fn delete_if<'a>(&'a self, key: &'a str, token: &'a SecretToken) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let deleted: i64 = self
                .connection
                .run(|mut c| async move {
                    scripts::DELETE_TOKEN_IF
                        .key(key)
                        .arg(token.expose())
                        .invoke_async(&mut c)
                        .await
                })
                .await?;
            Ok(deleted == 1)
        })
    }

    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let taken: Option<String> = self
                .connection
                .run(|mut c| async move {
                    redis::cmd("SET")
                        .arg(key)
                        .arg(owner)
                        .arg("NX")
                        .arg("PX")
                        .arg(millis(ttl))
                        .query_async(&mut c)
                        .await
                })
                .await?;
            Ok(taken.is_some())
        })
    }

    fn unlock<'a>(&'a self, key: &'a str, owner: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let _: i64 = self
                .connection
                .run(|mut c| async move {
                    scripts::UNLOCK
                        .key(key)
                        .arg(owner)
                        .invoke_async(&mut c)
                        .await
                })
                .await?;
            Ok(())
        })
    }

    fn put_failure<'a>(
        &'a self,
        key: &'a str,
        failure: &'a FetchFailure,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        Box::pin(self.set_json(key, failure, ttl, "a failure entry"))
    }

    fn get_failure<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<FetchFailure>> {
        Box::pin(self.get_json(key, "a failure entry"))
    }
}
