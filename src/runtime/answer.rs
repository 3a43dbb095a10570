//! What an attempt brings back: the [`Answer`] read from a response (status, headers, the body
//! within its size limit, and its classification), or why there is none ([`Outcome`]). Made
//! once, by the attempt's read (the orchestrator); the retry loop, the pacing, the observer
//! and the error all read these fields, none reads the response again.

use crate::Error;
use crate::error::ErrorKind;
use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::borrow::Cow;
use std::time::Duration;

/// A response of the gateway, read to the end and classified.
#[derive(Clone, Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// The envelope's `code`, when the body is an envelope (an HTML page has none).
    pub(crate) code: Option<i64>,
    /// The envelope's `msg` of a failure (a success's is not read).
    pub(crate) msg: Cow<'static, str>,
    /// What failed, if anything, decided once from the status and the envelope.
    pub(crate) failure: Option<ErrorKind>,
    /// Why the failure may be sent again (a 429, a server error), if it may.
    pub(crate) retry: Option<Reason>,
    /// `Retry-After`, as seconds or an HTTP-date (from the wall clock of the reading).
    pub(crate) retry_after: Option<Duration>,
}

/// What one attempt produced, with what its observer reports of it.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// A response, read to the end and classified, `took` after the request went out.
    Answered { answer: Answer, took: Duration },
    /// No response: `step` (sending the request, reading the response) failed after `took`,
    /// for `reason`; `error_type` is its `error.type`.
    NoAnswer {
        reason: Reason,
        error: Error,
        step: &'static str,
        error_type: &'static str,
        took: Duration,
    },
    /// The SDK itself ended the attempt: no token could be had, the deadline, or (`took`: the
    /// time its reading took) a body over the size limit.
    Stopped {
        error: Error,
        took: Option<Duration>,
    },
}

/// Why an attempt is sent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// 429 (status or code): the gateway refused it unprocessed.
    Throttled,
    /// 408, 500, 502, 503, 504 (status or code), an HTML error page included.
    Server,
    /// The connection could not be made: nothing reached the gateway.
    Connect,
    /// The connection closed before a response: the gateway may have processed it.
    Dropped,
    /// No response within the timeout: the gateway may still be processing it.
    Timeout,
}

impl Reason {
    /// Whether the gateway may have acted on the attempt that failed so.
    pub(crate) fn may_have_been_processed(self) -> bool {
        matches!(self, Reason::Server | Reason::Dropped | Reason::Timeout)
    }

    /// Its name in metrics (`rizzitgo.retry.reason`).
    pub(crate) fn label(self) -> &'static str {
        match self {
            Reason::Throttled => "throttled",
            Reason::Server => "server_error",
            Reason::Connect => "connect",
            Reason::Dropped => "dropped",
            Reason::Timeout => "timeout",
        }
    }

    /// Its name in logs.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Reason::Throttled => "rate limited",
            Reason::Server => "server error",
            Reason::Connect => "connect failed",
            Reason::Dropped => "connection dropped",
            Reason::Timeout => "timeout",
        }
    }
}
