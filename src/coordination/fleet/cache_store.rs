//! The response cache's shared tier on Redis: `SET key json PX lifetime+stale window` under
//! `rizzitgo:v1:cache:…`, `GET` on a miss of the in-process tier. A Redis failure is a miss.

use super::connection::Connection;
use crate::layers::{SharedEntry, SharedTier};
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The cache entries of every replica of a [`RedisFleet`](super::RedisFleet).
pub(crate) struct RedisCacheTier {
    pub(crate) connection: Arc<Connection>,
}

impl fmt::Debug for RedisCacheTier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisCacheTier")
            .field("down", &self.connection.is_down())
            .finish_non_exhaustive()
    }
}

impl SharedTier for RedisCacheTier {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<SharedEntry>> {
        async move {
            let value: Option<String> = self
                .connection
                .run(|mut c| async move { redis::cmd("GET").arg(key).query_async(&mut c).await })
                .await
                .ok()?;
            // A value this SDK did not write is no entry (never quoted: partner data).
            serde_json::from_str(&value?).ok()
        }
        .boxed()
    }

    fn put(&self, key: String, entry: SharedEntry, keep: Duration) {
        let Ok(value) = serde_json::to_string(&entry) else {
            return;
        };
        let connection = Arc::clone(&self.connection);
        let keep = u64::try_from(keep.as_millis()).unwrap_or(u64::MAX).max(1);
        tokio::spawn(async move {
            let stored: Result<(), _> = connection
                .run(|mut c| async move {
                    redis::cmd("SET")
                        .arg(&key)
                        .arg(value)
                        .arg("PX")
                        .arg(keep)
                        .query_async(&mut c)
                        .await
                })
                .await;
            if let Err(error) = stored {
                tracing::debug!(%error, "the shared cache did not store an answer");
            }
        });
    }
}
