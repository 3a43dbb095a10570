//! The one Redis connection of a [`RedisFleet`](super::RedisFleet), and its health: every
//! command has a short timeout; after a failure Redis is skipped (the caller falls back to the
//! in-process cache and limiter) while a background command probes it every 100 ms; one warning
//! per outage. Its times are real ([`SystemClock`]), not a client's: it is shared by clients and
//! paced against Redis's own real-time expiry.

use crate::clock::{Clock, SystemClock, within};
use crate::store::StoreError;
use crate::sync::lock;
use redis::RedisResult;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often a Redis that failed is probed. Short, because replicas that are still on their
/// fallbacks after another went back to Redis send outside the fleet's budget; a probe is a
/// PING in the background (TIME), never a caller's command (a paused server would run a queued
/// command, such as an admission, once it resumes).
const PROBE_EVERY: Duration = Duration::from_millis(100);

pub(crate) struct Connection {
    client: redis::Client,
    manager: tokio::sync::OnceCell<ConnectionManager>,
    timeout: Duration,
    down: AtomicBool,
    /// A probe is running.
    probing: AtomicBool,
    /// While down: when the next probe may start.
    next_probe: Mutex<Instant>,
}

impl Connection {
    pub(crate) fn new(client: redis::Client, timeout: Duration) -> Self {
        Self {
            client,
            manager: tokio::sync::OnceCell::new(),
            timeout,
            down: AtomicBool::new(false),
            probing: AtomicBool::new(false),
            next_probe: Mutex::new(SystemClock.now()),
        }
    }

    /// Whether the last command failed (the client runs on its in-process fallbacks).
    pub(crate) fn is_down(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }

    /// Runs one command (or script) with the timeout, or fails at once while Redis is down
    /// (starting a probe when one is due).
    pub(crate) async fn run<T, F, Fut>(self: &Arc<Self>, command: F) -> Result<T, StoreError>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        if self.is_down() {
            self.probe_if_due();
            return Err(StoreError::new("Redis is unavailable (probing it)"));
        }
        let outcome = within(&SystemClock, Some(self.timeout), async {
            let manager = self.manager().await?;
            command(manager).await
        })
        .await;
        let error = match outcome {
            Some(Ok(value)) => return Ok(value),
            Some(Err(error)) => error.to_string(),
            None => format!("no answer within {:?}", self.timeout),
        };
        self.failed(&error);
        Err(StoreError::new(error))
    }

    fn failed(&self, error: &str) {
        *lock(&self.next_probe) = SystemClock.now() + PROBE_EVERY;
        if !self.down.swap(true, Ordering::AcqRel) {
            crate::metrics::fleet_fallback();
            tracing::warn!(
                %error,
                "Redis is unavailable: falling back to the in-process token cache and rate limit until it answers"
            );
        }
    }

    /// Starts a probe in the background when none runs and the last one is old enough.
    fn probe_if_due(self: &Arc<Self>) {
        {
            let mut next = lock(&self.next_probe);
            let now = SystemClock.now();
            if now < *next || self.probing.swap(true, Ordering::AcqRel) {
                return;
            }
            *next = now + PROBE_EVERY;
        }
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let answer = within(&SystemClock, Some(this.timeout), async {
                let mut manager = this.manager().await?;
                // TIME, not PING: the ACL the README gives the SDK allows it.
                redis::cmd("TIME")
                    .query_async::<(u64, u64)>(&mut manager)
                    .await
            })
            .await;
            match answer {
                Some(Ok(_)) => {
                    if this.down.swap(false, Ordering::AcqRel) {
                        tracing::info!(
                            "Redis answers again: the token and the rate limit are shared again"
                        );
                    }
                }
                _ => {
                    *lock(&this.next_probe) = SystemClock.now() + PROBE_EVERY;
                }
            }
            this.probing.store(false, Ordering::Release);
        });
    }

    async fn manager(&self) -> RedisResult<ConnectionManager> {
        let manager = self
            .manager
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(self.timeout))
                    .set_response_timeout(Some(self.timeout))
                    // Reconnecting is retried by the next probe, not in a long loop.
                    .set_number_of_retries(1)
                    .set_max_delay(self.timeout);
                ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            })
            .await?;
        Ok(manager.clone())
    }

    /// The client, to build a connection with other settings.
    pub(crate) fn client(&self) -> redis::Client {
        self.client.clone()
    }
}
