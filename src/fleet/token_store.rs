//! The [`TokenStore`] on Redis: `SET … PX` with the token's expiry in the value, `SET NX PX`
//! for the fetch lock, compare-and-delete scripts.

use super::connection::Connection;
use super::scripts;
use crate::SecretToken;
use crate::store::{FetchFailure, StoreError, StoreFuture, StoredToken, TokenStore};
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

/// The value under a failure key (`…:failed`): what the gateway answered to the fetch.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FailureEntry {
    id: String,
    status: u16,
    code: Option<i64>,
    message: String,
    retry_after_ms: Option<u64>,
    attempts: u32,
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl RedisTokenStore {
    /// `SET key value PX ttl`: a value that ends by itself.
    async fn set_for(&self, key: &str, value: String, ttl: Duration) -> Result<(), StoreError> {
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
}

impl TokenStore for RedisTokenStore {
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<StoredToken>> {
        Box::pin(async move {
            let value: Option<String> = self
                .connection
                .run(|mut c| async move { redis::cmd("GET").arg(key).query_async(&mut c).await })
                .await?;
            let Some(value) = value else { return Ok(None) };
            // Not the error's text: it could quote the value.
            let entry: Entry = serde_json::from_str(&value).map_err(|_| {
                StoreError::new(format!("the value under {key} is not a token entry"))
            })?;
            Ok(Some(StoredToken {
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
            let value = serde_json::to_string(&entry)
                .map_err(|_| StoreError::new("a token entry could not be encoded"))?;
            self.set_for(key, value, ttl).await
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
        Box::pin(async move {
            let entry = FailureEntry {
                id: failure.id.clone(),
                status: failure.status,
                code: failure.code,
                message: failure.message.clone(),
                retry_after_ms: failure.retry_after_ms,
                attempts: failure.attempts,
            };
            let value = serde_json::to_string(&entry)
                .map_err(|_| StoreError::new("a failure entry could not be encoded"))?;
            self.set_for(key, value, ttl).await
        })
    }

    fn get_failure<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<FetchFailure>> {
        Box::pin(async move {
            let value: Option<String> = self
                .connection
                .run(|mut c| async move { redis::cmd("GET").arg(key).query_async(&mut c).await })
                .await?;
            let Some(value) = value else { return Ok(None) };
            let entry: FailureEntry = serde_json::from_str(&value).map_err(|_| {
                StoreError::new(format!("the value under {key} is not a failure entry"))
            })?;
            Ok(Some(FetchFailure {
                id: entry.id,
                status: entry.status,
                code: entry.code,
                message: entry.message,
                retry_after_ms: entry.retry_after_ms,
                attempts: entry.attempts,
            }))
        })
    }
}
