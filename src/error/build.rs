//! How each error is made: from a gateway's answer, a transport failure, a refused request or
//! configuration, a body that does not decode, a deadline; and the facts a call adds.

use super::display::snippet_of;
use super::{Error, ErrorKind, Inner, SharedError};
use crate::Operation;
use crate::runtime::Answer;
use reqwest::StatusCode;
use std::sync::Arc;
use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What a call knows when it fails: see [`Error::with_call`].
#[derive(Clone, Copy, Default)]
pub(crate) struct CallFacts<'a> {
    pub(crate) attempts: u32,
    pub(crate) request_id: Option<&'a str>,
    pub(crate) correlation_id: Option<&'a str>,
    pub(crate) resent_after_doubt: bool,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, operation: Option<&'static Operation>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                operation,
                status: None,
                code: None,
                message: None,
                retry_after: None,
                body_snippet: None,
                source: None,
                attempts: 0,
                request_id: None,
                correlation_id: None,
                headers: None,
                hint: None,
                field: None,
            }),
        }
    }

    /// The failure the gateway answered (the answer's classification, decided once).
    pub(crate) fn answered(operation: &'static Operation, answer: &Answer) -> Self {
        let kind = answer.failure.unwrap_or(ErrorKind::Business);
        let mut e = Self::new(kind, Some(operation));
        e.inner.status = Some(answer.status);
        e.inner.code = answer.code.filter(|&c| c != 0);
        e.inner.retry_after = answer.retry_after;
        e.inner.headers = Some(answer.headers.clone());
        if kind == ErrorKind::Redirect {
            // They would re-send tenant-id and the access token wherever `Location` points.
            let location = answer
                .headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("(no Location header)");
            e.inner.message = Some(format!(
                "the gateway redirected to {location}; the SDK does not follow redirects (they \
                 would re-send tenant-id and the access token): check the base URL"
            ));
        } else if answer.code.is_some() {
            e.inner.message = Some(answer.msg.to_string()).filter(|m| !m.is_empty());
        } else {
            // A proxy's error page: the status is the failure, the body only a detail.
            e.inner.body_snippet = Some(snippet_of(Some(operation), &answer.body));
        }
        e
    }

    /// The gateway's answer to another client's token request, as the fleet's store shared
    /// it: the same kind that client's error had.
    pub(crate) fn shared_failure(
        operation: &'static Operation,
        status: StatusCode,
        code: Option<i64>,
        message: String,
        retry_after: Option<Duration>,
        attempts: u32,
    ) -> Self {
        let kind =
            crate::runtime::failure_of(status, code, &message).unwrap_or(ErrorKind::Business);
        let mut e = Self::new(kind, Some(operation));
        e.inner.status = Some(status);
        e.inner.code = code.filter(|&c| c != 0);
        e.inner.message = Some(message).filter(|m| !m.is_empty());
        e.inner.retry_after = retry_after;
        e.inner.attempts = attempts;
        e
    }

    pub(crate) fn invalid_request(
        operation: Option<&'static Operation>,
        message: impl Into<String>,
    ) -> Self {
        let mut e = Self::new(ErrorKind::InvalidRequest, operation);
        e.inner.message = Some(message.into());
        e
    }

    /// A request field breaks a rule of the spec: nothing was sent.
    pub(crate) fn invalid_field(
        operation: Option<&'static Operation>,
        field: &'static str,
        message: impl Into<String>,
    ) -> Self {
        let mut e = Self::invalid_request(operation, message);
        e.inner.field = Some(field);
        e
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorKind::Config, None);
        e.inner.message = Some(message.into());
        e
    }

    pub(crate) fn transport(operation: &'static Operation, source: reqwest::Error) -> Self {
        let kind = if source.is_timeout() {
            ErrorKind::Timeout
        } else {
            ErrorKind::Transport
        };
        let mut e = Self::new(kind, Some(operation));
        e.inner.status = source.status();
        e.inner.message = Some(
            if kind == ErrorKind::Timeout {
                "no response within the timeout"
            } else {
                "the connection failed or closed before a response"
            }
            .into(),
        );
        // reqwest's Display can carry the URL; it never carries our headers.
        e.inner.source = Some(Arc::new(source.without_url()));
        e
    }

    /// A failure of the SDK's own machinery around a call (a task that ended without an
    /// answer): reported as a transport failure, the call's outcome being unknown.
    pub(crate) fn interrupted(
        operation: Option<&'static Operation>,
        message: &'static str,
    ) -> Self {
        let mut e = Self::new(ErrorKind::Transport, operation);
        e.inner.message = Some(message.into());
        e
    }

    pub(crate) fn decode(
        operation: &'static Operation,
        status: Option<StatusCode>,
        body: &[u8],
        source: Option<BoxError>,
        message: impl Into<String>,
    ) -> Self {
        let mut e = Self::new(ErrorKind::Decode, Some(operation));
        e.inner.status = status;
        e.inner.message = Some(message.into());
        e.inner.body_snippet = Some(snippet_of(Some(operation), body));
        // A decoder's error quotes the offending value: from a token endpoint, that may be the
        // access token.
        e.inner.source = source
            .filter(|_| operation.auth != crate::operation::Auth::Basic)
            .map(SharedError::from);
        e
    }

    /// A response body over the client's limit: not read further, not retried.
    pub(crate) fn too_large(
        operation: &'static Operation,
        status: StatusCode,
        limit: usize,
    ) -> Self {
        let mut e = Self::new(ErrorKind::Decode, Some(operation));
        e.inner.status = Some(status);
        e.inner.message = Some(format!(
            "the response body is larger than the limit of {limit} bytes \
             (ClientBuilder::max_response_bytes); it was not read further"
        ));
        e
    }

    /// Adds what the call knows: requests sent, the idempotency key they carried, the
    /// correlation id. A duplicate answer to a re-sent request means an earlier attempt of
    /// this same call was processed.
    pub(crate) fn with_call(mut self, call: CallFacts<'_>) -> Self {
        // An error of the token request keeps its own count.
        if self.inner.attempts == 0 {
            self.inner.attempts = call.attempts;
        }
        if call.request_id.is_some()
            && self
                .inner
                .operation
                .is_some_and(|op| op.auth == crate::operation::Auth::Bearer)
        {
            self.inner.request_id = call.request_id.map(str::to_owned);
        }
        if self.inner.correlation_id.is_none() {
            self.inner.correlation_id = call.correlation_id.map(str::to_owned);
        }
        if call.resent_after_doubt && self.is_duplicate_request() {
            self.inner.hint = Some(
                "an earlier attempt of this call reached the gateway and was most likely \
                 processed (the coupon was probably issued): do not redeem again; reconcile by \
                 this requestId with the member's coupons or with platform operations",
            );
        }
        self
    }

    /// The call's deadline ended it: a timeout, keeping what the last answer said (status,
    /// code, `Retry-After`) when one came.
    pub(crate) fn past_deadline(
        operation: &'static Operation,
        deadline: Duration,
        last: Option<Error>,
    ) -> Self {
        let mut e = match last {
            Some(last) => last,
            None => Self::new(ErrorKind::Timeout, Some(operation)),
        };
        let message = match e.inner.message.take() {
            Some(last) if e.inner.kind != ErrorKind::Timeout => format!(
                "the call's deadline of {} ms does not leave room for another attempt; the last \
                 answer: {} ({last})",
                deadline.as_millis(),
                e.inner.kind.describe()
            ),
            _ => format!("the call's deadline of {} ms elapsed", deadline.as_millis()),
        };
        e.inner.kind = ErrorKind::Timeout;
        e.inner.operation = Some(operation);
        e.inner.message = Some(message);
        e
    }
}
