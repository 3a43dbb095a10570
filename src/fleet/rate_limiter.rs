//! The fleet-wide rate limit on Redis: one budget per (base URL, clientId), shared by every
//! replica, as the gateway's own limit is (guide §9: the 429 is per clientId).
//!
//! Why leases and not a GCRA or a token bucket: those count a request when it is *sent*,
//! while the gateway counts it when it *arrives*, in a sliding one-second window per clientId
//! (the mock does the same: `mock-gateway/src/state.rs`, `RateLimiter::admit`, at most N
//! arrivals in any `(t - 1 s, t]`). Between the two instants lies the trip through the
//! network and both processes' schedulers. At exactly N per second, a request delayed a little
//! more than one sent a second after it puts N + 1 arrivals into one window: a 429, and at a
//! sustained rate that happens about every other window. A send-counting limiter needs a
//! margin under the gateway's quota, and how much depends on timing nobody controls.
//!
//! So a request holds a lease from the moment it is admitted (before it is sent) until one
//! window after its answer came back (Redis's clock, at release), and at most N leases exist
//! at once. Its arrival lies between admission and answer, so any N + 1 requests that arrive
//! within one window all held their leases at the moment the last of them was admitted: the
//! script refuses the (N + 1)-th. That holds whatever the delays, as long as Redis's clock and
//! the gateway's run at the same rate; the window is 2 ms longer than a second for clock-rate
//! error and rounding. The cost: throughput is N per (window + latency), a few per cent under
//! the quota. A request that failed in transit (the gateway may still process it) keeps its
//! lease to the end of its hold time, and so does one whose caller dropped the call.

use super::connection::Connection;
use super::scripts;
use crate::limiter::{LocalRateLimiter, Permit, PermitFuture, RateLimiter, ReleaseFuture};
use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The gateway's window, plus a margin for clock-rate differences and rounding.
const WINDOW: Duration = Duration::from_millis(1_002);
/// The longest wait between two looks at a full budget.
const POLL: Duration = Duration::from_millis(10);

pub(crate) struct RedisRateLimiter {
    pub(crate) connection: Arc<Connection>,
    pub(crate) key: String,
    pub(crate) per_second: NonZeroU32,
    /// How long a lease lasts when it is not released (the request timeout plus the window).
    pub(crate) hold: Duration,
    /// How long a caller waits for its turn before sending anyway.
    pub(crate) max_wait: Duration,
    /// The limit while Redis does not answer.
    pub(crate) fallback: LocalRateLimiter,
    /// One caller of this client asks Redis at a time; the others queue here, in order.
    pub(crate) turn: tokio::sync::Mutex<()>,
}

impl fmt::Debug for RedisRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisRateLimiter")
            .field("key", &self.key)
            .field("per_second", &self.per_second)
            .field("fallback", &self.fallback)
            .field("down", &self.connection.is_down())
            .finish_non_exhaustive()
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

impl RateLimiter for RedisRateLimiter {
    fn acquire(&self) -> PermitFuture<'_> {
        Box::pin(async move {
            let turn = self.turn.lock().await;
            let started = Instant::now();
            loop {
                let id = uuid::Uuid::new_v4().to_string();
                let admitted = self
                    .connection
                    .run(|mut c| {
                        let id = id.clone();
                        async move {
                            scripts::ACQUIRE
                                .key(&self.key)
                                .arg(self.per_second.get())
                                .arg(micros(self.hold))
                                .arg(id)
                                .invoke_async::<u64>(&mut c)
                                .await
                        }
                    })
                    .await;
                match admitted {
                    Ok(0) => return Permit::lease(id),
                    Ok(_) if started.elapsed() >= self.max_wait => {
                        tracing::warn!(
                            waited_ms = started.elapsed().as_millis() as u64,
                            "fleet rate limit: waited the longest allowed, sending anyway"
                        );
                        return Permit::untracked();
                    }
                    Ok(wait_us) => {
                        tokio::time::sleep(Duration::from_micros(wait_us).min(POLL)).await
                    }
                    Err(_) => {
                        drop(turn);
                        return self.fallback.acquire().await;
                    }
                }
            }
        })
    }

    fn release(&self, permit: Permit, answered: bool) -> ReleaseFuture<'_> {
        Box::pin(async move {
            let Some(id) = permit.lease_id().filter(|_| answered) else {
                return;
            };
            let _ = self
                .connection
                .run(|mut c| async move {
                    scripts::RELEASE
                        .key(&self.key)
                        .arg(micros(WINDOW))
                        .arg(id)
                        .invoke_async::<i64>(&mut c)
                        .await
                })
                .await;
        })
    }
}

/// The limiter key of a (base URL, clientId): the gateway's budget is per clientId.
pub(crate) fn rate_key(base_url: &str, client_id: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!("rizzitgo:v1:ratelimit:{}:{}", enc(base_url), enc(client_id))
}

/// `Arc`ed for the builder.
pub(crate) fn shared(limiter: RedisRateLimiter) -> Arc<dyn RateLimiter> {
    Arc::new(limiter)
}
