//! A finished call: its final answer (a success: no failure in it), and how it was obtained.

use super::answer::Answer;
use super::response::ResponseMetadata;
use crate::error::CallFacts;
use std::time::Duration;

/// The final answer of a call and what it took.
#[derive(Debug)]
pub(crate) struct Finished {
    pub(crate) answer: Answer,
    /// Requests sent, the replay after a refused token included.
    pub(crate) attempts: u32,
    /// The idempotency key every attempt carried.
    pub(crate) request_id: Option<String>,
    pub(crate) correlation_id: Option<String>,
    pub(crate) elapsed: Duration,
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
        }
    }

    /// A call answered once with `body` (the decoder of `__examples`: tests and fuzzing).
    pub(crate) fn answered(status: reqwest::StatusCode, body: &[u8]) -> Self {
        Self {
            answer: Answer::new(
                status,
                reqwest::header::HeaderMap::new(),
                bytes::Bytes::copy_from_slice(body),
                std::time::SystemTime::UNIX_EPOCH,
            ),
            attempts: 1,
            request_id: None,
            correlation_id: None,
            elapsed: Duration::ZERO,
        }
    }
}
