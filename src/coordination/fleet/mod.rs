//! Fleet mode: many replicas with one clientId share one access token, one rate limit and the
//! response cache through Redis. Needs the feature `redis`.
//!
//! ```no_run
//! use rizzitgo_open_api::{Client, fleet::RedisFleet};
//!
//! # fn run() -> Result<(), rizzitgo_open_api::Error> {
//! let fleet = RedisFleet::new("rediss://sdk-user:password@redis.internal:6380/0")?
//!     .requests_per_second(50); // the QPS agreed for the clientId, for the whole fleet
//! let client = Client::builder()
//!     .client_id("your-client-id")
//!     .client_secret("your-client-secret")
//!     .tenant_id("your-tenant-id")
//!     .fleet(fleet)
//!     .build()?;
//! # Ok(()) }
//! ```
//!
//! - **Token**: one per (base URL, clientId, tenant, scopes), under
//!   `rizzitgo:v1:token:<base URL>:<clientId>:<tenant>:<scopes>` (percent-encoded; never the
//!   secret), a JSON value with the token and its expiry, and a TTL that ends when the token
//!   is due for refresh (a minute before it expires). A replica that finds none takes the lock
//!   `…:lock` (`SET NX PX`, 10 s) and fetches; the others wait for its token instead of
//!   fetching their own; a lock whose holder died ends by its TTL. A 401 deletes the token
//!   only if it is still the one that failed (one Lua script). A fetch the gateway refused
//!   is shared for 5 s under `…:failed`: the replicas waiting for it fail with its error
//!   instead of fetching in turn.
//! - **Rate limit** ([`requests_per_second`](RedisFleet::requests_per_second)): every
//!   replica's requests count against one budget under `rizzitgo:v1:ratelimit:<base
//!   URL>:<clientId>`, admitted by one Lua script; callers wait their turn (at most
//!   [`max_wait`](RedisFleet::max_wait)) instead of collecting 429s. A request holds its
//!   place from admission until a second after its answer, which keeps the arrivals at the
//!   gateway under its sliding one-second window whatever the network delays. The replica
//!   renews the places of its requests in flight; one nobody renews (an admission whose reply
//!   was lost, a replica that died) ends after 1.5 s. Each admission also registers the replica under `rizzitgo:v1:replicas:<base
//!   URL>:<clientId>` (10 s TTL), so that every replica knows the fleet's size.
//! - **The quota learned, fleet-wide**: with no fleet-wide limit (and adaptive pacing not
//!   switched off), the replicas learn the quota together. The same limiter admits their
//!   requests under the fleet's learned rate, kept beside the leases under
//!   `rizzitgo:v1:pacing:<base URL>:<clientId>` (CUBIC's state: `W_max`, the time of the last
//!   cut, the noise; one hour after its last change it expires). A replica whose answers show a
//!   window of 429s proposes a cut with its next admission; the script takes it only if no
//!   other replica cut since that replica last looked, and not within a second of the last cut
//!   (one cut a window, fleet-wide). The first cut starts from what succeeded fleet-wide in the
//!   last second (each admission reports its replica's successes and 429s under
//!   `…:answers:…`), as a single client's does, and is on trial fleet-wide: judged by the
//!   script from every replica's answers, it is undone when their share of 429s did not fall
//!   with the rate (sporadic 429s), and that share becomes the fleet's noise. Every admission's answer carries the state: a replica that joins
//!   paces at the fleet's rate from its first call. With a limit
//!   ([`requests_per_second`](RedisFleet::requests_per_second)) pacing is off unless asked for
//!   (`ClientBuilder::adaptive_pacing(true)`), and the limit is then its ceiling. The cost: two
//!   Redis commands per request (admission, release), as with a limit.
//! - **Redis down or slow**: every command has a short [`timeout`](RedisFleet::timeout). When
//!   one fails, the client uses its in-process token cache and the
//!   [fallback limit](RedisFleet::fallback_requests_per_second) (by default the fleet's limit,
//!   or the learned rate Redis last gave, divided by the replicas Redis last counted), logs one warning, probes Redis every 100 ms
//!   in the background, and goes back to it when it answers. Waiting callers move between
//!   Redis and the fallback as it comes and goes; for a window after each switch a replica
//!   keeps to what it held (or to its fallback share), and back on Redis it hands over the
//!   requests it sent meanwhile, so the gateway's quota holds across the switches. No call
//!   fails because of Redis.
//!
//! `rediss://` (TLS, rustls with the platform's roots) and ACL users
//! (`redis://user:password@host/db`) are given in the URL. With `rediss://`, redis-rs builds
//! its TLS configuration with rustls's default provider, installing the one rustls was built
//! with as the process default when none is installed.

mod cache_store;
mod connection;
mod ledger;
mod rate_limiter;
mod scripts;
mod token_store;
mod turn;

use crate::Error;
use crate::clock::{Clock, SystemClock};
use crate::limiter::{Pacing, RateLimiter};
use crate::store::TokenStore;
use connection::Connection;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32};
use std::time::Duration;

/// A Redis server shared by the replicas of a service: the token store and, with
/// [`requests_per_second`](Self::requests_per_second), the fleet-wide rate limit. Give it to
/// [`ClientBuilder::fleet`](crate::ClientBuilder::fleet). Nothing connects before the first
/// call; clones (and the clients built with them) share one connection.
#[derive(Clone)]
pub struct RedisFleet {
    connection: Arc<Connection>,
    /// The URL without its password, for `Debug`.
    shown_url: String,
    per_second: Option<u32>,
    fallback_per_second: Option<u32>,
    max_wait: Duration,
    hold: Duration,
}

impl fmt::Debug for RedisFleet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisFleet")
            .field("url", &self.shown_url)
            .field("requests_per_second", &self.per_second)
            .field("fallback_requests_per_second", &self.fallback_per_second)
            .field("max_wait", &self.max_wait)
            .finish_non_exhaustive()
    }
}

/// A Redis command's default timeout: an answer from a healthy server takes well under a
/// millisecond; a call should not wait longer than this on a sick one.
const DEFAULT_TIMEOUT: Duration = Duration::from_millis(250);

impl RedisFleet {
    /// A fleet on the Redis server at `url`: `redis://[user:password@]host[:port][/db]`, or
    /// `rediss://…` for TLS. Refused when it is not such a URL (the error never shows the
    /// password).
    pub fn new(url: &str) -> Result<Self, Error> {
        let shown_url = redacted(url)?;
        let client = redis::Client::open(url).map_err(|_| {
            Error::config(format!(
                "redis URL {shown_url} is not valid (redis://[user:password@]host[:port][/db], or rediss://)"
            ))
        })?;
        Ok(Self {
            connection: Arc::new(Connection::new(client, DEFAULT_TIMEOUT)),
            shown_url,
            per_second: None,
            fallback_per_second: None,
            max_wait: Duration::from_secs(30),
            hold: Duration::from_secs(31),
        })
    }

    /// How long one Redis command may take before the client falls back to its in-process
    /// token cache and limit (default 250 ms).
    pub fn timeout(self, timeout: Duration) -> Self {
        let client = self.connection_client();
        Self {
            connection: Arc::new(Connection::new(client, timeout)),
            ..self
        }
    }

    fn connection_client(&self) -> redis::Client {
        self.connection.client()
    }

    /// The fleet-wide limit: business requests per second of every replica of the clientId
    /// together (the QPS agreed for it). Off by default: the replicas then learn the quota
    /// together from its 429s (adaptive pacing, fleet-wide; see the module's doc), unless
    /// [`adaptive_pacing(false)`](crate::ClientBuilder::adaptive_pacing).
    pub fn requests_per_second(mut self, limit: u32) -> Self {
        self.per_second = Some(limit);
        self
    }

    /// The limit of one replica while Redis does not answer: at most `limit` requests in any
    /// second. By default the fleet-wide limit (or the learned rate Redis last gave; none
    /// before it gave one) divided by the number of live replicas Redis
    /// last counted (a replica counts for 10 s after its last request; a fleet with more
    /// replicas than requests per second gets one each), never more than the builder's
    /// [`max_requests_per_second`](crate::ClientBuilder::max_requests_per_second) when set;
    /// the fleet-wide limit when Redis never answered. Set it when replicas come and go
    /// faster than that.
    pub fn fallback_requests_per_second(mut self, limit: u32) -> Self {
        self.fallback_per_second = Some(limit);
        self
    }

    /// How long a call waits for its turn under the fleet-wide limit before it is sent anyway
    /// (default 30 s; the gateway's 429 and the retry policy take over from there).
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// How long a request that was never answered (a transport failure, a dropped call)
    /// counts against the fleet-wide limit (default 31 s: the default request timeout and a
    /// second). Answered requests count until a second after their answer; the place of an
    /// admission whose reply was lost, or of a replica that died, ends 1.5 s after its
    /// admission or its last renewal.
    pub fn unanswered_hold(mut self, hold: Duration) -> Self {
        self.hold = hold;
        self
    }

    /// Whether the last Redis command failed (the clients run on their in-process fallbacks
    /// until Redis answers again).
    pub fn is_degraded(&self) -> bool {
        self.connection.is_down()
    }

    /// The response cache's tier shared by the replicas on this Redis server.
    pub(crate) fn cache_tier(&self) -> Arc<dyn crate::layers::SharedTier> {
        Arc::new(cache_store::RedisCacheTier {
            connection: Arc::clone(&self.connection),
        })
    }

    /// The token store on this Redis server.
    pub fn token_store(&self) -> Arc<dyn TokenStore> {
        Arc::new(token_store::RedisTokenStore {
            connection: Arc::clone(&self.connection),
        })
    }

    /// The fleet-wide limit configured, if any.
    pub(crate) fn limit(&self) -> Option<u32> {
        self.per_second
    }

    /// The fleet-wide limiter of a (base URL, clientId), when a limit is set or the fleet
    /// paces to a learned rate (`pacing`, this replica's learner); `local` is the builder's
    /// own limit, the fallback's cap unless a fallback was given here.
    pub(crate) fn rate_limiter(
        &self,
        base_url: &str,
        client_id: &str,
        local: Option<NonZeroU32>,
        pacing: Option<Arc<Pacing>>,
    ) -> Result<Option<Arc<dyn RateLimiter>>, Error> {
        let at_least_one = |n: u32, field: &str| {
            NonZeroU32::new(n)
                .ok_or_else(|| Error::config(format!("RedisFleet {field} must be at least 1")))
        };
        let per_second = match self.per_second {
            Some(n) => Some(at_least_one(n, "requests_per_second")?),
            None if pacing.is_some() => None,
            None => return Ok(None),
        };
        let fallback = match self.fallback_per_second {
            Some(n) => {
                rate_limiter::Fallback::Fixed(at_least_one(n, "fallback_requests_per_second")?)
            }
            None => rate_limiter::Fallback::Share(local),
        };
        let key = rate_limiter::rate_key(base_url, client_id);
        Ok(Some(rate_limiter::shared(|me| {
            rate_limiter::RedisRateLimiter {
                me,
                renewer: std::sync::Mutex::new(None),
                connection: Arc::clone(&self.connection),
                replicas_key: key.replacen(":ratelimit:", ":replicas:", 1),
                learned_key: key.replacen(":ratelimit:", ":pacing:", 1),
                answers_key: key.replacen(":ratelimit:", ":answers:", 1),
                key,
                replica: uuid::Uuid::new_v4().to_string(),
                known_limit: AtomicU32::new(per_second.map_or(u32::MAX, NonZeroU32::get)),
                per_second,
                pacing,
                hold: self.hold,
                max_wait: self.max_wait,
                fallback,
                fleet_size: std::sync::Mutex::new((0, SystemClock.now())),
                ledger: ledger::Ledger::new(self.hold),
                fallback_mode: AtomicBool::new(false),
                turn: Default::default(),
            }
        })))
    }
}

/// The URL with its password replaced, or a config error that does not quote it.
fn redacted(url: &str) -> Result<String, Error> {
    let mut parsed = url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "redis" | "rediss"))
        .ok_or_else(|| {
            Error::config(
                "redis URL is not valid (redis://[user:password@]host[:port][/db], or rediss://)",
            )
        })?;
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("REDACTED"));
    }
    Ok(parsed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows() {
        let fleet = RedisFleet::new("redis://sdk:s3cr3t-pw@127.0.0.1:6379/0").unwrap();
        let shown = format!("{fleet:?}");
        assert!(!shown.contains("s3cr3t-pw"), "{shown}");
        assert!(shown.contains("sdk:REDACTED@127.0.0.1"), "{shown}");
        let error = RedisFleet::new("http://sdk:s3cr3t-pw@127.0.0.1").unwrap_err();
        assert!(error.is_config() && !error.to_string().contains("s3cr3t-pw"));
    }
}
