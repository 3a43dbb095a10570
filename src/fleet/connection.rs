//! The one Redis connection of a [`RedisFleet`](super::RedisFleet), and its health: every
//! command has a short timeout; after a failure Redis is skipped (the caller falls back to the
//! in-process cache and limiter) and probed again once a second; one warning per outage.

use crate::store::StoreError;
use redis::RedisResult;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often a Redis that failed is tried again (meanwhile calls do not wait on it).
const PROBE_EVERY: Duration = Duration::from_secs(1);

pub(crate) struct Connection {
    client: redis::Client,
    manager: tokio::sync::OnceCell<ConnectionManager>,
    timeout: Duration,
    down: AtomicBool,
    /// While down: when the next command may try Redis again.
    next_probe: Mutex<Instant>,
}

impl Connection {
    pub(crate) fn new(client: redis::Client, timeout: Duration) -> Self {
        Self {
            client,
            manager: tokio::sync::OnceCell::new(),
            timeout,
            down: AtomicBool::new(false),
            next_probe: Mutex::new(Instant::now()),
        }
    }

    /// Whether the last command failed (the client runs on its in-process fallbacks).
    pub(crate) fn is_down(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }

    /// Runs one command (or script) with the timeout, or fails at once while Redis is down
    /// and not due for a probe.
    pub(crate) async fn run<T, F, Fut>(&self, command: F) -> Result<T, StoreError>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        if self.is_down() {
            let mut next = self.next_probe.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            if now < *next {
                return Err(StoreError::new("Redis is unavailable (waiting to retry)"));
            }
            // This caller probes; the others keep to the fallback meanwhile.
            *next = now + PROBE_EVERY;
        }
        let outcome = tokio::time::timeout(self.timeout, async {
            let manager = self.manager().await?;
            command(manager).await
        })
        .await;
        let error = match outcome {
            Ok(Ok(value)) => {
                if self.down.swap(false, Ordering::AcqRel) {
                    tracing::info!(
                        "Redis answers again: the token and the rate limit are shared again"
                    );
                }
                return Ok(value);
            }
            Ok(Err(error)) => error.to_string(),
            Err(_) => format!("no answer within {:?}", self.timeout),
        };
        *self.next_probe.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now() + PROBE_EVERY;
        if !self.down.swap(true, Ordering::AcqRel) {
            tracing::warn!(
                %error,
                "Redis is unavailable: falling back to the in-process token cache and rate limit until it answers"
            );
        }
        Err(StoreError::new(error))
    }

    async fn manager(&self) -> RedisResult<ConnectionManager> {
        let manager = self
            .manager
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(self.timeout))
                    .set_response_timeout(Some(self.timeout))
                    // Reconnecting is retried by the next command, not in a long loop.
                    .set_number_of_retries(1)
                    .set_max_delay(self.timeout);
                ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            })
            .await?;
        Ok(manager.clone())
    }
}

impl Connection {
    /// The client, to build a connection with other settings.
    pub(crate) fn client(&self) -> redis::Client {
        self.client.clone()
    }
}
