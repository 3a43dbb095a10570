//! A call's data with what the support desk asks about: status, headers, attempts, time, the
//! ids the call carried.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::time::Duration;

/// The data of a call and its [`ResponseMetadata`], from
/// [`Call::with_response`](crate::Call::with_response).
#[derive(Clone, Debug)]
pub struct Response<T> {
    data: T,
    metadata: ResponseMetadata,
}

impl<T> Response<T> {
    pub(crate) fn new(data: T, metadata: ResponseMetadata) -> Self {
        Self { data, metadata }
    }

    /// The envelope's `data`, as the plain call returns it.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The data, without the metadata.
    pub fn into_data(self) -> T {
        self.data
    }

    /// How the answer came.
    pub fn metadata(&self) -> &ResponseMetadata {
        &self.metadata
    }

    /// The data and the metadata.
    pub fn into_parts(self) -> (T, ResponseMetadata) {
        (self.data, self.metadata)
    }
}

/// How a call's answer came: the same facts an [`Error`](crate::Error) carries on failure.
#[derive(Clone, Debug)]
pub struct ResponseMetadata {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) attempts: u32,
    pub(crate) elapsed: Duration,
    pub(crate) request_id: Option<String>,
    pub(crate) correlation_id: Option<String>,
    pub(crate) served_from: ServedFrom,
    pub(crate) age: Option<Duration>,
}

/// How a call's answer came ([`ResponseMetadata::served_from`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServedFrom {
    /// The gateway answered this call's own request.
    Gateway,
    /// The gateway answered an identical call in flight at the same time, whose request this
    /// call shared ([`ClientBuilder::coalescing`](crate::ClientBuilder::coalescing)).
    Coalesced,
    /// The response cache, within the answer's lifetime
    /// ([`ClientBuilder::cache`](crate::ClientBuilder::cache)).
    Cache,
    /// The response cache, past the answer's lifetime: the gateway failed the call
    /// ([`CacheConfig::stale_if_error`](crate::CacheConfig::stale_if_error)).
    Stale,
}

impl ServedFrom {
    /// Its name in logs and metrics (`gateway`, `coalesced`, `cache`, `stale`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gateway => "gateway",
            Self::Coalesced => "coalesced",
            Self::Cache => "cache",
            Self::Stale => "stale",
        }
    }
}

impl ResponseMetadata {
    /// The HTTP status of the final answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the final answer.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Requests sent for the call, retries and the replay after a refused token included
    /// (those of the shared request for a coalesced call, 0 for a cache hit).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The time the call took, waits and retries included.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The idempotency key (redeem's `requestId`) every attempt carried, if the operation
    /// has one: the caller's own, or the one the SDK generated.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The id the SDK sent in its correlation header, the same on every attempt.
    pub fn correlation_id(&self) -> Option<&str> {
        self.correlation_id.as_deref()
    }

    /// How the answer came: the gateway, a request shared with identical calls, the cache.
    pub fn served_from(&self) -> ServedFrom {
        self.served_from
    }

    /// How old a cached answer is (`None` for one the gateway just gave).
    pub fn age(&self) -> Option<Duration> {
        self.age
    }
}
