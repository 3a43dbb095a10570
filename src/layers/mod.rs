//! The call layers: what lets calls share work before the pipeline runs. Identical reads in
//! flight share one request ([`Coalescer`]); successful reads are reused for the lifetime the
//! spec gives them ([`ResponseCache`]). Both sit in `Call`, in front of the orchestrator, and
//! neither knows an endpoint: the operation's table entry says what may be shared.

mod cache;
mod coalesce;
mod config;
mod key;
mod shared;

pub(crate) use cache::ResponseCache;
pub(crate) use coalesce::Coalescer;
pub use config::{CacheConfig, CacheControl};
pub(crate) use key::RequestKey;
#[cfg_attr(not(feature = "redis"), allow(unused_imports))]
pub(crate) use shared::{SharedEntry, SharedTier};

use crate::runtime::{Authorizer, CallOptions, Finished, Payload, ServedFrom};
use crate::{Client, Error, Operation};
use coalesce::FlightKey;
use futures_util::FutureExt;

/// The layers of one client, shared by its clones.
#[derive(Debug, Default)]
pub(crate) struct Layers {
    /// `None`: coalescing switched off on the builder.
    pub(crate) coalescer: Option<std::sync::Arc<Coalescer>>,
    /// `None`: no cache (the default).
    pub(crate) cache: Option<std::sync::Arc<ResponseCache>>,
}

/// Sends a call through the client's layers: a fresh cached answer if the cache has one, else
/// the flight of an identical call in the air, else a request of its own (stored when the
/// cache keeps the operation); a stale answer when the gateway failed and the cache allows it.
pub(crate) async fn send(
    client: Client,
    operation: &'static Operation,
    payload: Payload,
    options: CallOptions,
) -> Result<Finished, Error> {
    let layers = client.layers();
    let reads = Coalescer::shares(operation);
    let cache = layers
        .cache
        .clone()
        .filter(|cache| reads && options.cache != CacheControl::Bypass && cache.keeps(operation));
    let coalescer = layers
        .coalescer
        .clone()
        .filter(|_| reads && options.may_share());
    if cache.is_none() && coalescer.is_none() {
        return pipeline(&client, operation, payload, &options).await;
    }
    let runtime = client.runtime();
    let started = runtime.clock.now();
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
                let elapsed = runtime.clock.now().saturating_duration_since(started);
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
            let result = flight.await;
            if started_it {
                result
            } else {
                let result = result.map(|f| f.served(ServedFrom::Coalesced, None));
                let elapsed = runtime.clock.now().saturating_duration_since(started);
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
                let elapsed = runtime.clock.now().saturating_duration_since(started);
                crate::runtime::observe_served(runtime, operation, Ok(&stale), elapsed);
                Ok(stale)
            }
            None => Err(error),
        },
        (result, _) => result,
    }
}

/// The call's own request, through the pipeline.
async fn pipeline(
    client: &Client,
    operation: &'static Operation,
    payload: Payload,
    options: &CallOptions,
) -> Result<Finished, Error> {
    let runtime = client.runtime();
    let auth = match operation.auth {
        crate::operation::Auth::Basic => Authorizer::Basic(&runtime.basic),
        crate::operation::Auth::Bearer => Authorizer::bearer(client.tokens()),
    };
    runtime.execute(auth, operation, payload, options).await
}
