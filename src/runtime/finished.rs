//! A finished call: its final answer (a success: no failure in it), and how it was obtained.

use super::answer::Answer;
use super::response::{ResponseMetadata, ServedFrom};
use crate::error::CallFacts;
use std::time::Duration;

/// The final answer of a call and what it took.
#[derive(Clone, Debug)]
pub(crate) struct Finished {
    pub(crate) answer: Answer,
    /// Requests sent, the replay after a refused token included.
    pub(crate) attempts: u32,
    /// The idempotency key every attempt carried.
    pub(crate) request_id: Option<String>,
    pub(crate) correlation_id: Option<String>,
    pub(crate) elapsed: Duration,
    pub(crate) served_from: ServedFrom,
    /// How old a cached answer is.
    pub(crate) age: Option<Duration>,
}

impl Finished {
    /// The facts an error of this call carries (a decode error of its answer).
    pub(crate) fn facts(&self) -> CallFacts<'_> {
        CallFacts {
            attempts: self.attempts,
            request_id: self.request_id.as_deref(),
            correlation_id: self.correlation_id.as_deref(),
            resent_after_doubt: false,
        }
    }

    pub(crate) fn into_metadata(self) -> ResponseMetadata {
        ResponseMetadata {
            status: self.answer.status,
            headers: self.answer.headers,
            attempts: self.attempts,
            elapsed: self.elapsed,
            request_id: self.request_id,
            correlation_id: self.correlation_id,
            served_from: self.served_from,
            age: self.age,
        }
    }

    /// A copy of this answer for a call it serves from `served_from`, `age` old. A cached
    /// answer cost the call no request.
    pub(crate) fn served(&self, served_from: ServedFrom, age: Option<Duration>) -> Self {
        let attempts = match served_from {
            ServedFrom::Cache | ServedFrom::Stale => 0,
            ServedFrom::Gateway | ServedFrom::Coalesced => self.attempts,
        };
        Self {
            served_from,
            age,
            attempts,
            ..self.clone()
        }
    }

    /// An answer another replica stored in the fleet's shared cache.
    pub(crate) fn from_shared(answer: Answer) -> Self {
        Self {
            answer,
            attempts: 0,
            request_id: None,
            correlation_id: None,
            elapsed: Duration::ZERO,
            served_from: ServedFrom::Cache,
            age: None,
        }
    }

    /// A call answered once with `body` (the decoder of `examples`: the crate's tests, fuzzing).
    #[cfg(any(test, fuzzing))]
    pub(crate) fn answered(status: reqwest::StatusCode, body: &[u8]) -> Self {
        Self {
            answer: super::classify(
                status,
                reqwest::header::HeaderMap::new(),
                bytes::Bytes::copy_from_slice(body),
                std::time::SystemTime::UNIX_EPOCH,
            ),
            attempts: 1,
            request_id: None,
            correlation_id: None,
            elapsed: Duration::ZERO,
            served_from: ServedFrom::Gateway,
            age: None,
        }
    }
}
