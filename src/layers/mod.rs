//! The call layers: what lets calls share work before the pipeline runs. Identical reads in
//! flight share one request ([`Coalescer`], here: [`send`] and the flights it keeps are one
//! step of the call); successful reads are reused for the lifetime the spec gives them
//! ([`ResponseCache`]). Both sit in `Call`, in front of the orchestrator, and neither knows an
//! endpoint: the operation's table entry says what may be shared.
//!
//! A flight is a `Shared` future polled by every caller that waits on it, so a caller that
//! is cancelled or times out drops only its own handle: the request goes on for the others,
//! and ends only when the last of them gives up. The map keeps weak handles: a flight nobody
//! waits for is gone, not parked.

mod cache;
mod config;
mod shared;

pub(crate) use cache::ResponseCache;
pub use config::{CacheConfig, CacheControl};
#[cfg_attr(not(feature = "redis"), allow(unused_imports))]
pub(crate) use shared::{SharedEntry, SharedTier};

use crate::auth::Authorizer;
use crate::runtime::{CallOptions, Finished, Payload, ServedFrom};
use crate::sync::lock;
use crate::{Client, Error, Operation};
use bytes::Bytes;
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Either, Shared, WeakShared};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The layers of one client, shared by its clones.
#[derive(Debug, Default)]
pub(crate) struct Layers {
    /// `None`: coalescing switched off on the builder.
    pub(crate) coalescer: Option<Arc<Coalescer>>,
    /// `None`: no cache (the default).
    pub(crate) cache: Option<Arc<ResponseCache>>,
}

/// Sends a call through the client's layers: a fresh cached answer if the cache has one, else
/// the flight of an identical call in the air, else a request of its own (stored when the
/// cache keeps the operation); a stale answer when the gateway failed and the cache allows it.
///
/// A plain fn: a call no layer may share goes straight to the pipeline, whose future is then
/// the call's (one allocation, the call's own box); the layers' path, with its waits on the
/// cache and on flights, is boxed, so that its state is not carried by every call.
pub(crate) fn send(
    client: Client,
    operation: &'static Operation,
    payload: Payload,
    options: CallOptions,
) -> impl Future<Output = Result<Finished, Error>> + Send + 'static {
    let layers = client.layers();
    let reads = Coalescer::shares(operation);
    let cache = layers
        .cache
        .clone()
        .filter(|cache| reads && options.cache != CacheControl::Bypass && cache.keeps(operation));
    let coalescer = layers
        .coalescer
        .clone()
        .filter(|_| reads && may_share(&options));
    if cache.is_none() && coalescer.is_none() {
        Either::Left(async move { pipeline(&client, operation, payload, &options).await })
    } else {
        Either::Right(Box::pin(through_layers(
            client, operation, payload, options, cache, coalescer,
        )))
    }
}

/// The layers' path of a call that a cache or a flight may serve.
async fn through_layers(
    client: Client,
    operation: &'static Operation,
    payload: Payload,
    options: CallOptions,
    cache: Option<Arc<ResponseCache>>,
    coalescer: Option<Arc<Coalescer>>,
) -> Result<Finished, Error> {
    let runtime = client.runtime();
    // When the call began, for one answered without a request of its own (from the cache, by
    // a flight it joined): the clock is read only where that may happen.
    let mut started = cache.as_ref().map(|_| runtime.clock.now());
    let since = |started: Option<std::time::Instant>| {
        started.map_or(Duration::ZERO, |at| {
            runtime.clock.now().saturating_duration_since(at)
        })
    };
    let key = RequestKey::new(operation, &payload.body);
    if let Some(cache) = &cache {
        let max_age = match options.cache {
            CacheControl::MaxAge(age) => Some(Some(age)),
            CacheControl::Refresh => None,
            _ => Some(None),
        };
        if let Some(max_age) = max_age {
            let lookup = cache.fresh(&key, max_age).await;
            runtime.metrics.cache_lookup(operation, lookup.is_some());
            if let Some(hit) = lookup {
                let elapsed = since(started);
                crate::runtime::observe_served(runtime, operation, Ok(&hit), elapsed);
                return Ok(hit);
            }
        }
    }
    let result = match coalescer {
        None => {
            let result = pipeline(&client, operation, payload, &options).await;
            if let (Ok(finished), Some(cache)) = (&result, &cache) {
                cache.store(operation, key.clone(), finished);
            }
            result
        }
        Some(coalescer) => {
            let flight_key = FlightKey {
                request: key.clone(),
                deadline: options.deadline,
            };
            let (flight, started_it) = coalescer.flight(flight_key, || {
                let (client, cache, key) = (client.clone(), cache.clone(), key.clone());
                async move {
                    let result = pipeline(&client, operation, payload, &options).await;
                    if let (Ok(finished), Some(cache)) = (&result, &cache) {
                        cache.store(operation, key, finished);
                    }
                    result
                }
                .boxed()
            });
            if !started_it {
                started.get_or_insert_with(|| runtime.clock.now());
            }
            let result = flight.await;
            if started_it {
                result
            } else {
                let result = result.map(|f| f.served(ServedFrom::Coalesced, None));
                let elapsed = since(started);
                crate::runtime::observe_served(runtime, operation, result.as_ref(), elapsed);
                result
            }
        }
    };
    match (result, &cache) {
        (Err(error), Some(cache)) => match cache.stale(&key, &error).await {
            Some(mut stale) => {
                // The requests the failed call sent.
                stale.attempts = error.attempts();
                tracing::warn!(
                    operation = operation.name,
                    age_ms = stale.age.unwrap_or_default().as_millis() as u64,
                    %error,
                    "serving a stale answer: the gateway failed the call"
                );
                let elapsed = since(started);
                crate::runtime::observe_served(runtime, operation, Ok(&stale), elapsed);
                Ok(stale)
            }
            None => Err(error),
        },
        (result, _) => result,
    }
}

/// Whether a call may share an identical call's request: its options change nothing of the
/// request but its deadline, which is part of what the calls must share ([`FlightKey`]).
fn may_share(options: &CallOptions) -> bool {
    !options.alone
        && options.retry_policy.is_none()
        && options.attempt_timeout.is_none()
        && options.headers.is_empty()
}

/// The call's own request, through the pipeline.
/// A plain fn, not an `async fn`: it adds no future of its own around the orchestrator's.
fn pipeline<'a>(
    client: &'a Client,
    operation: &'static Operation,
    payload: Payload,
    options: &'a CallOptions,
) -> impl Future<Output = Result<Finished, Error>> + Send + 'a {
    let runtime = client.runtime();
    let auth = match operation.auth {
        crate::operation::Auth::Basic => Authorizer::Basic(&runtime.basic),
        crate::operation::Auth::Bearer => Authorizer::Bearer {
            tokens: client.tokens(),
            sent: None,
        },
    };
    runtime.execute(auth, operation, payload, options)
}

/// One request of one client: the operation and the encoded body (canonical: the typed request
/// serializes its fields in one order). What makes two calls the same request, for a flight
/// and for the cache. The client's base URL, clientId, tenant-id and scopes are the same for
/// every call of a client, whose layers are its own, so they are part of every key without
/// being stored in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct RequestKey {
    operation: usize,
    body: Bytes,
}

impl RequestKey {
    pub(crate) fn new(operation: &'static Operation, body: &Bytes) -> Self {
        Self {
            operation: operation.index,
            body: body.clone(),
        }
    }

    /// The operation's index and the body.
    pub(crate) fn parts(&self) -> (usize, &[u8]) {
        (self.operation, &self.body)
    }

    /// What the key holds, in bytes (for the cache's weight).
    pub(crate) fn len(&self) -> usize {
        self.body.len()
    }
}

/// The request of a flight.
type Request = BoxFuture<'static, Result<Finished, Error>>;
/// A request in the air, as its callers wait on it.
pub(crate) type Flight = Shared<Request>;

/// What makes two calls share one flight: the same request, sent with the same deadline
/// (the flight runs with the options of the call that started it).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct FlightKey {
    pub(crate) request: RequestKey,
    pub(crate) deadline: Option<Duration>,
}

/// The flights of one client.
#[derive(Default)]
pub(crate) struct Coalescer {
    /// Each flight's id (see [`Landing`]) and a weak handle to it.
    flights: Mutex<HashMap<FlightKey, (u64, WeakShared<Request>)>>,
    next_id: AtomicU64,
}

impl fmt::Debug for Coalescer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Coalescer")
            .field("in_flight", &lock(&self.flights).len())
            .finish()
    }
}

impl Coalescer {
    /// Whether calls of `operation` may share a request: reads only (the spec's retry class),
    /// never the token endpoints, never a redeem.
    pub(crate) fn shares(operation: &'static Operation) -> bool {
        operation.retry == crate::operation::RetryClass::Safe
            && operation.auth == crate::operation::Auth::Bearer
    }

    /// The flight of `key`: the one in the air (`false`: joined), or a new one that `send`
    /// makes (`true`: this caller started it).
    pub(crate) fn flight(
        self: &Arc<Self>,
        key: FlightKey,
        send: impl FnOnce() -> Request,
    ) -> (Flight, bool) {
        let mut flights = lock(&self.flights);
        if let Some(flight) = flights.get(&key).and_then(|(_, weak)| weak.upgrade()) {
            return (flight, false);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let landing = Landing {
            coalescer: Arc::clone(self),
            key: key.clone(),
            id,
        };
        let request = send();
        let flight: Flight = async move {
            // Removed from the map when the flight ends, or when its last caller gave up.
            let _landing = landing;
            request.await
        }
        .boxed()
        .shared();
        if let Some(weak) = flight.downgrade() {
            flights.insert(key, (id, weak));
        }
        (flight, true)
    }
}

/// Takes a flight off the map when it is dropped: finished, or abandoned by every caller.
struct Landing {
    coalescer: Arc<Coalescer>,
    key: FlightKey,
    /// Only this flight's entry is removed, never a newer one of the same key.
    id: u64,
}

impl Drop for Landing {
    fn drop(&mut self) {
        let mut flights = lock(&self.coalescer.flights);
        if flights.get(&self.key).is_some_and(|(id, _)| *id == self.id) {
            flights.remove(&self.key);
        }
    }
}
