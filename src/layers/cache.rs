//! The response cache of one client: successful answers of read-only operations, each kept
//! for the lifetime the spec gives its operation (shorter when it holds no record yet), in a
//! bounded `quick_cache` weighed by bytes. An answer is served while younger than its lifetime,
//! and past it only as a stale answer, within the `stale_if_error` window, to a call the
//! gateway failed.

use super::config::CacheConfig;
use super::{RequestKey, SharedEntry, SharedTier};
use crate::Error;
use crate::clock::Clock;
use crate::operation::CacheLifetimes;
use crate::runtime::{Finished, ServedFrom};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, UNIX_EPOCH};

/// One stored answer.
struct Entry {
    finished: Finished,
    stored_at: Instant,
    lifetime: Duration,
    /// Its weight: bytes held, at least the per-entry share that bounds the count.
    weight: u64,
}

/// Weighs entries by what they hold, so that both bounds hold: bytes, and entries (each weighs
/// at least `max_bytes / max_entries`).
#[derive(Clone)]
struct Weight;

impl quick_cache::Weighter<RequestKey, Arc<Entry>> for Weight {
    fn weight(&self, _: &RequestKey, entry: &Arc<Entry>) -> u64 {
        entry.weight
    }
}

/// The cache.
pub(crate) struct ResponseCache {
    entries: quick_cache::sync::Cache<RequestKey, Arc<Entry>, Weight>,
    clock: Arc<dyn Clock>,
    /// Per operation of the table, with the builder's overrides.
    lifetimes: Vec<CacheLifetimes>,
    stale_if_error: Duration,
    min_weight: u64,
    max_entry_bytes: usize,
    /// The tier the replicas of a fleet share, and the key prefix of this client's entries in
    /// it (base URL, clientId, tenant, scopes).
    shared: Option<(Arc<dyn SharedTier>, String)>,
}

impl fmt::Debug for ResponseCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (entries, bytes) = self.held();
        f.debug_struct("ResponseCache")
            .field("entries", &entries)
            .field("bytes", &bytes)
            .field("stale_if_error", &self.stale_if_error)
            .finish_non_exhaustive()
    }
}

impl ResponseCache {
    pub(crate) fn new(
        config: &CacheConfig,
        clock: Arc<dyn Clock>,
        shared: Option<(Arc<dyn SharedTier>, String)>,
    ) -> Result<Self, Error> {
        let lifetimes = config.validate()?;
        let min_weight = config.max_bytes.div_ceil(config.max_entries as u64).max(1);
        Ok(Self {
            entries: quick_cache::sync::Cache::with_weighter(
                config.max_entries,
                config.max_bytes,
                Weight,
            ),
            clock,
            lifetimes,
            stale_if_error: config.stale_if_error,
            min_weight,
            max_entry_bytes: config.max_entry_bytes,
            shared,
        })
    }

    /// Whether answers of `operation` are kept at all.
    pub(crate) fn keeps(&self, operation: &'static crate::Operation) -> bool {
        self.lifetimes
            .get(operation.index)
            .is_some_and(|l| !l.ttl.is_zero())
    }

    /// A fresh answer of `key`: younger than its lifetime, and than `max_age` when given; from
    /// this process, else from the fleet's shared tier (then kept here too).
    pub(crate) async fn fresh(
        &self,
        key: &RequestKey,
        max_age: Option<Duration>,
    ) -> Option<Finished> {
        let entry = self.entry(key).await?;
        let age = self.clock.now().saturating_duration_since(entry.stored_at);
        let limit = max_age.map_or(entry.lifetime, |max| max.min(entry.lifetime));
        if age < limit {
            return Some(entry.finished.served(ServedFrom::Cache, Some(age)));
        }
        if age >= entry.lifetime + self.stale_if_error {
            // Past any use: its room goes back now rather than at eviction.
            self.entries.remove(key);
        }
        None
    }

    /// A stale answer of `key` for a call the gateway failed: within the `stale_if_error`
    /// window past its lifetime.
    pub(crate) async fn stale(&self, key: &RequestKey, error: &Error) -> Option<Finished> {
        if self.stale_if_error.is_zero() || !serves_stale(error) {
            return None;
        }
        let entry = self.entry(key).await?;
        let age = self.clock.now().saturating_duration_since(entry.stored_at);
        (age < entry.lifetime + self.stale_if_error)
            .then(|| entry.finished.served(ServedFrom::Stale, Some(age)))
    }

    /// Keeps `finished` (a success of `operation`) for its lifetime.
    pub(crate) fn store(
        &self,
        operation: &'static crate::Operation,
        key: RequestKey,
        finished: &Finished,
    ) {
        let Some(lifetimes) = self.lifetimes.get(operation.index) else {
            return;
        };
        let lifetime = if holds_no_record(&finished.answer.body) {
            lifetimes.empty
        } else {
            lifetimes.ttl
        };
        let bytes = key.len() + finished.answer.body.len() + header_bytes(finished);
        if lifetime.is_zero() || bytes > self.max_entry_bytes {
            return;
        }
        if let Some((tier, prefix)) = &self.shared {
            let shared = SharedEntry {
                status: finished.answer.status.as_u16(),
                body: String::from_utf8_lossy(&finished.answer.body).into_owned(),
                stored_at_ms: wall_ms(self.clock.wall()),
                lifetime_ms: u64::try_from(lifetime.as_millis()).unwrap_or(u64::MAX),
            };
            tier.put(
                shared_key(prefix, &key),
                shared,
                lifetime + self.stale_if_error,
            );
        }
        let entry = Entry {
            finished: finished.clone(),
            stored_at: self.clock.now(),
            lifetime,
            weight: (bytes as u64).max(self.min_weight),
        };
        self.entries.insert(key, Arc::new(entry));
    }

    /// The entry of `key` here, else in the shared tier (kept here from then on, with the age
    /// it had there).
    async fn entry(&self, key: &RequestKey) -> Option<Arc<Entry>> {
        if let Some(entry) = self.entries.get(key) {
            return Some(entry);
        }
        let (tier, prefix) = self.shared.as_ref()?;
        let shared = tier.get(&shared_key(prefix, key)).await?;
        let age_ms = wall_ms(self.clock.wall()).saturating_sub(shared.stored_at_ms);
        let age = Duration::from_millis(age_ms);
        let status = reqwest::StatusCode::from_u16(shared.status).ok()?;
        let body = bytes::Bytes::from(shared.body);
        let answer = crate::runtime::classify(status, Default::default(), body, self.clock.wall());
        if answer.failure.is_some() {
            return None;
        }
        let now = self.clock.now();
        let entry = Arc::new(Entry {
            finished: Finished::from_shared(answer),
            stored_at: now.checked_sub(age).unwrap_or(now),
            lifetime: Duration::from_millis(shared.lifetime_ms),
            weight: (key.len() as u64 + 256).max(self.min_weight),
        });
        self.entries.insert(key.clone(), Arc::clone(&entry));
        Some(entry)
    }

    /// Entries and bytes held (metrics, tests).
    pub(crate) fn held(&self) -> (usize, u64) {
        (self.entries.len(), self.entries.weight())
    }
}

/// The key of `key` in the shared tier: this client's prefix, the operation, the request
/// (URL-safe base64: requests are short JSON, and a key must never collide).
fn shared_key(prefix: &str, key: &RequestKey) -> String {
    use base64::Engine;
    let (operation, body) = key.parts();
    let name = crate::Operation::all()
        .get(operation)
        .map_or("?", |op| op.name);
    let body = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(body);
    format!("{prefix}:{name}:{body}")
}

fn wall_ms(at: std::time::SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The failures a stale answer may stand in for: the gateway could not answer (throttled,
/// down, unreachable, too slow), not a refusal of this request.
fn serves_stale(error: &Error) -> bool {
    error.is_rate_limited() || error.is_server_error() || error.is_transport()
}

fn header_bytes(finished: &Finished) -> usize {
    finished
        .answer
        .headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum()
}

/// Whether a success envelope's `data` is `null`, absent, or an empty list or object: no
/// record yet, kept for the operation's shorter lifetime.
fn holds_no_record(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(default)]
        data: Emptiness,
    }
    struct Emptiness(bool);
    impl Default for Emptiness {
        // No `data` at all: no record.
        fn default() -> Self {
            Emptiness(true)
        }
    }
    impl<'de> serde::Deserialize<'de> for Emptiness {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Emptiness;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("any JSON value")
                }
                fn visit_unit<E>(self) -> Result<Emptiness, E> {
                    Ok(Emptiness(true))
                }
                fn visit_none<E>(self) -> Result<Emptiness, E> {
                    Ok(Emptiness(true))
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(
                    self,
                    mut seq: A,
                ) -> Result<Emptiness, A::Error> {
                    let mut empty = true;
                    while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                        empty = false;
                    }
                    Ok(Emptiness(empty))
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Emptiness, A::Error> {
                    let mut empty = true;
                    while map
                        .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                        .is_some()
                    {
                        empty = false;
                    }
                    Ok(Emptiness(empty))
                }
                fn visit_bool<E>(self, _: bool) -> Result<Emptiness, E> {
                    Ok(Emptiness(false))
                }
                fn visit_i64<E>(self, _: i64) -> Result<Emptiness, E> {
                    Ok(Emptiness(false))
                }
                fn visit_u64<E>(self, _: u64) -> Result<Emptiness, E> {
                    Ok(Emptiness(false))
                }
                fn visit_f64<E>(self, _: f64) -> Result<Emptiness, E> {
                    Ok(Emptiness(false))
                }
                fn visit_str<E>(self, _: &str) -> Result<Emptiness, E> {
                    Ok(Emptiness(false))
                }
            }
            d.deserialize_any(Visit)
        }
    }
    serde_json::from_slice::<Head>(body).is_ok_and(|head| head.data.0)
}

#[cfg(test)]
mod tests {
    use super::holds_no_record;

    #[test]
    fn an_answer_without_records_is_told_apart() {
        for body in [
            r#"{"code":0,"data":null,"msg":""}"#,
            r#"{"code":0,"msg":""}"#,
            r#"{"code":0,"data":[],"msg":""}"#,
        ] {
            assert!(holds_no_record(body.as_bytes()), "{body}");
        }
        for body in [
            r#"{"code":0,"data":["a"],"msg":""}"#,
            r#"{"code":0,"data":{"goodsId":"1"},"msg":""}"#,
            r#"{"code":0,"data":true}"#,
        ] {
            assert!(!holds_no_record(body.as_bytes()), "{body}");
        }
    }
}
