//! Identical read-only calls in flight share one request: the first caller's call is the
//! flight, the others join it, and each gets its own copy of the answer or of the error.
//!
//! A flight is a `Shared` future polled by every caller that waits on it, so a caller that
//! is cancelled or times out drops only its own handle: the request goes on for the others,
//! and ends only when the last of them gives up. The map keeps weak handles: a flight nobody
//! waits for is gone, not parked.

use crate::runtime::Finished;
use crate::sync::lock;
use crate::{Error, Operation};
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared, WeakShared};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::RequestKey;

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
