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

    /// Requests sent for the call, retries and the replay after a refused token included.
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
}
