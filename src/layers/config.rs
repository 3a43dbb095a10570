//! What a user chooses of the response cache: its bounds, its lifetimes where the spec's do
//! not fit, serving stale answers through an outage; and what one call chooses of it.

use crate::{Error, Operation};
use std::time::Duration;

/// The response cache of a client ([`ClientBuilder::cache`](crate::ClientBuilder::cache)):
/// successful answers of read-only operations, reused for the lifetime the spec gives each
/// operation ([`Operation::cache`](crate::Operation::cache): goods detail 60 s, QC detail and
/// images 10 min (60 s while no record exists), a QC page 60 s, an image search 5 min, a parsed
/// link 24 h). Bounded by entries and bytes; nothing is served past its lifetime, except as a
/// stale answer when [`stale_if_error`](Self::stale_if_error) allows it.
///
/// ```
/// use rizzitgo_open_api::{CacheConfig, Client};
/// use std::time::Duration;
///
/// let client = Client::builder()
///     .client_id("id")
///     .client_secret("secret")
///     .tenant_id("1")
///     .cache(
///         CacheConfig::new()
///             .max_entries(50_000)
///             .max_bytes(128 << 20)
///             .lifetime("goods_detail", Duration::from_secs(30))
///             .stale_if_error(Duration::from_secs(600)),
///     )
///     .build()?;
/// # Ok::<(), rizzitgo_open_api::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct CacheConfig {
    pub(crate) max_entries: usize,
    pub(crate) max_bytes: u64,
    pub(crate) max_entry_bytes: usize,
    pub(crate) stale_if_error: Duration,
    pub(crate) lifetimes: Vec<(String, Duration)>,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl CacheConfig {
    /// 10,000 entries, 64 MiB, 256 KiB per entry, the spec's lifetimes, no stale answers.
    pub fn new() -> Self {
        Self {
            max_entries: 10_000,
            max_bytes: 64 << 20,
            max_entry_bytes: 256 << 10,
            stale_if_error: Duration::ZERO,
            lifetimes: Vec::new(),
        }
    }

    /// The most answers held (at least 1).
    pub fn max_entries(mut self, entries: usize) -> Self {
        self.max_entries = entries;
        self
    }

    /// The most bytes held, bodies and headers counted (at least 1).
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// The largest answer kept (a larger one is served, not stored).
    pub fn max_entry_bytes(mut self, bytes: usize) -> Self {
        self.max_entry_bytes = bytes;
        self
    }

    /// How long past its lifetime an answer may still be served when the gateway fails the
    /// call after its retries (429, 5xx, a transport failure, the deadline): a storefront stays
    /// up through an outage. The metadata says so ([`ServedFrom::Stale`](crate::ServedFrom))
    /// and how old it is. Zero (the default): never.
    pub fn stale_if_error(mut self, window: Duration) -> Self {
        self.stale_if_error = window;
        self
    }

    /// The lifetime of `operation`'s answers (an SDK method name, e.g. `goods_detail`) instead
    /// of the spec's; zero turns caching off for it. Answers that hold no record get the
    /// shorter of this and the spec's lifetime for them.
    pub fn lifetime(mut self, operation: &str, lifetime: Duration) -> Self {
        self.lifetimes.push((operation.to_owned(), lifetime));
        self
    }

    /// Each operation's lifetimes, with the overrides: a `Config` error naming what does not
    /// make sense.
    pub(crate) fn validate(&self) -> Result<Vec<crate::operation::CacheLifetimes>, Error> {
        if self.max_entries == 0 {
            return Err(Error::config("cache max_entries must be at least 1"));
        }
        if self.max_bytes == 0 {
            return Err(Error::config("cache max_bytes must be at least 1"));
        }
        if self.max_entry_bytes == 0 {
            return Err(Error::config("cache max_entry_bytes must be at least 1"));
        }
        let mut lifetimes: Vec<_> = Operation::all().iter().map(|op| op.cache).collect();
        for (name, lifetime) in &self.lifetimes {
            let Some(operation) = Operation::find(name) else {
                return Err(Error::config(format!(
                    "cache lifetime: `{name}` is not an operation of the spec"
                )));
            };
            if !lifetime.is_zero() && !super::Coalescer::shares(operation) {
                return Err(Error::config(format!(
                    "cache lifetime: `{name}` is not a read-only operation; its answers are never reused"
                )));
            }
            let entry = &mut lifetimes[operation.index];
            entry.ttl = *lifetime;
            entry.empty = entry.empty.min(*lifetime);
        }
        Ok(lifetimes)
    }
}

/// What one call does with the response cache ([`Call::cache`](crate::Call::cache)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheControl {
    /// A fresh answer from the cache if there is one, else the gateway's, stored (the
    /// default).
    #[default]
    Use,
    /// Neither read nor stored: the gateway's answer, as without a cache.
    Bypass,
    /// Not read, but stored: the gateway's answer replaces the cached one.
    Refresh,
    /// A cached answer only if it is at most this old.
    MaxAge(Duration),
}
