//! The SDK's one error type, with predicates to branch on and a source chain. Its kinds are in
//! [`kind`], how each error is made in `build`, how it reads in `display`.

mod build;
mod display;
pub(crate) mod kind;

pub(crate) use build::CallFacts;
pub(crate) use kind::DUPLICATE_REQUEST_MSG;
pub use kind::ErrorKind;

use crate::Operation;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::sync::Arc;
use std::time::Duration;

/// Shared, so that one failure can be handed to every caller that waited on it.
type SharedError = Arc<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong in a call.
///
/// The gateway reports failures in the envelope's `code`, usually with HTTP 200 and
/// sometimes with a real HTTP status: both arrive here the same way, and the predicates
/// ([`is_unauthorized`](Error::is_unauthorized), [`is_rate_limited`](Error::is_rate_limited), …)
/// look at both. Codes are open-ended: [`code`](Error::code) keeps whatever the gateway sent.
///
/// The predicates overlap on purpose: [`is_timeout`](Error::is_timeout) implies
/// [`is_transport`](Error::is_transport); [`is_invalid_request`](Error::is_invalid_request)
/// implies [`is_invalid_parameter`](Error::is_invalid_parameter);
/// [`is_unauthorized`](Error::is_unauthorized), [`is_forbidden`](Error::is_forbidden),
/// [`is_rate_limited`](Error::is_rate_limited), [`is_duplicate_request`](Error::is_duplicate_request)
/// and [`is_server_error`](Error::is_server_error) each imply [`is_api`](Error::is_api). To
/// branch once and exhaustively, `match` on [`kind`](Error::kind).
///
/// Every error says how hard the client tried ([`attempts`](Error::attempts)) and, for an
/// operation with an idempotency key (redeem), which key every attempt carried
/// ([`request_id`](Error::request_id)). It is `Clone`: the one failure of a token fetch that
/// many calls waited on reaches each of them.
#[derive(Clone)]
pub struct Error {
    pub(crate) inner: Box<Inner>,
}

#[derive(Clone)]
pub(crate) struct Inner {
    /// Decided once, when the error is made: `Display` and the predicates read it.
    pub(crate) kind: ErrorKind,
    pub(crate) operation: Option<&'static Operation>,
    pub(crate) status: Option<StatusCode>,
    pub(crate) code: Option<i64>,
    pub(crate) message: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body_snippet: Option<String>,
    pub(crate) source: Option<SharedError>,
    /// Requests sent for the call (0: nothing was sent).
    pub(crate) attempts: u32,
    pub(crate) request_id: Option<String>,
    /// The per-call id the SDK sent in its correlation header.
    pub(crate) correlation_id: Option<String>,
    /// The headers of the answer that ended the call, when the gateway answered.
    pub(crate) headers: Option<HeaderMap>,
    /// What the caller should do, when the SDK knows more than the gateway said.
    pub(crate) hint: Option<&'static str>,
    /// The request field (wire name) a refused request broke.
    pub(crate) field: Option<&'static str>,
}

impl Error {
    /// 401: the token is missing, invalid or expired (the SDK fetches tokens itself, so this
    /// means the credentials or the token were refused).
    pub fn is_unauthorized(&self) -> bool {
        self.inner.kind == ErrorKind::Unauthorized
    }

    /// 403: insufficient scope, wrong user type, or a tenant-id that differs from the token's.
    /// [`required_scopes`](Error::required_scopes) names what the operation needs.
    pub fn is_forbidden(&self) -> bool {
        self.inner.kind == ErrorKind::Forbidden
    }

    /// 429: rate limited per clientId. [`retry_after`](Error::retry_after) says how long to
    /// wait when the gateway said so.
    pub fn is_rate_limited(&self) -> bool {
        self.inner.kind == ErrorKind::RateLimited
    }

    /// 400 from the gateway, or a request refused before sending because a field breaks the
    /// spec (then [`status`](Error::status) is `None`).
    pub fn is_invalid_parameter(&self) -> bool {
        matches!(
            self.inner.kind,
            ErrorKind::InvalidParameter | ErrorKind::InvalidRequest
        )
    }

    /// The request was refused before sending (a field breaks the spec); nothing was sent.
    pub fn is_invalid_request(&self) -> bool {
        self.inner.kind == ErrorKind::InvalidRequest
    }

    /// A repeated request: the redeem `requestId` was already processed within its 10-minute
    /// window (code 900, or the guide's message "Duplicate request, please do not retry").
    pub fn is_duplicate_request(&self) -> bool {
        self.inner.kind == ErrorKind::DuplicateRequest
    }

    /// Any failure answered by the gateway (a non-zero `code` or an error status).
    pub fn is_api(&self) -> bool {
        self.inner.kind.is_answer()
    }

    /// The gateway answered 5xx.
    pub fn is_server_error(&self) -> bool {
        self.inner.kind == ErrorKind::ServerError
    }

    /// Connecting, sending or reading the response failed (the request may or may not have
    /// reached the gateway).
    pub fn is_transport(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::Transport | ErrorKind::Timeout)
    }

    /// A timeout elapsed (connect or total).
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// A response could not be decoded (a proxy's HTML page, a truncated body, a field of an
    /// unexpected type, a body over the size limit). [`body_snippet`](Error::body_snippet)
    /// shows the start of the body.
    pub fn is_decode(&self) -> bool {
        self.inner.kind == ErrorKind::Decode
    }

    /// The client is misconfigured.
    pub fn is_config(&self) -> bool {
        self.inner.kind == ErrorKind::Config
    }

    /// The HTTP status of the response, if one came.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// The envelope's `code`, if the gateway sent one (open-ended: 10-digit business codes
    /// are kept as they are).
    pub fn code(&self) -> Option<i64> {
        self.inner.code
    }

    /// The gateway's `msg`, or the SDK's description for errors raised locally.
    pub fn message(&self) -> Option<&str> {
        self.inner.message.as_deref()
    }

    /// The operation that failed, with its path and scopes.
    pub fn operation(&self) -> Option<&'static Operation> {
        self.inner.operation
    }

    /// The scopes the failed operation needs (read from the spec).
    pub fn required_scopes(&self) -> &'static [&'static str] {
        self.inner.operation.map(|op| op.scopes).unwrap_or(&[])
    }

    /// The Retry-After the gateway sent with a 429 or 503, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// The request field (its wire name, e.g. `pageSize`) that broke a rule of the spec, for a
    /// request refused before sending.
    pub fn field(&self) -> Option<&'static str> {
        self.inner.field
    }

    /// What went wrong, as one value to `match` on (the predicates overlap; this does not).
    ///
    /// ```
    /// # fn handle(error: rizzitgo_open_api::Error) {
    /// use rizzitgo_open_api::ErrorKind;
    /// match error.kind() {
    ///     ErrorKind::RateLimited => { /* slow down */ }
    ///     ErrorKind::InvalidRequest => println!("fix {:?}: {error}", error.field()),
    ///     ErrorKind::Business => println!("the gateway said no: {:?}", error.business_code()),
    ///     _ => println!("{error}"),
    /// }
    /// # }
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The gateway's `code`, named where the spec names it ([`BusinessCode`](crate::BusinessCode)); `None` when the
    /// gateway sent no envelope.
    pub fn business_code(&self) -> Option<crate::BusinessCode> {
        self.inner.code.map(crate::BusinessCode::from)
    }

    /// How many requests the client sent for this call, retries and the replay after a
    /// refused token included; 0 when nothing was sent (an invalid request, a configuration
    /// error). For a failed token request, its own attempts.
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The idempotency key (redeem's `requestId`) every attempt of the call carried: the
    /// caller's own, or the one the SDK generated. Retrying with the same value is safe for
    /// 10 minutes.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The id the SDK sent in its correlation header for this call (the same on every
    /// attempt; see [`ClientBuilder::correlation_header`](crate::ClientBuilder::correlation_header)):
    /// quote it to the platform's support with the time of the call.
    pub fn correlation_id(&self) -> Option<&str> {
        self.inner.correlation_id.as_deref()
    }

    /// The headers of the gateway's answer that ended the call (`None` when no answer came:
    /// nothing sent, a transport failure, a timeout).
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// The start of the response body, for decode errors (at most 200 characters).
    pub fn body_snippet(&self) -> Option<&str> {
        self.inner.body_snippet.as_deref()
    }

    /// Whether the gateway's message already names every scope the operation needs.
    fn message_names_scopes(&self) -> bool {
        let message = self.inner.message.as_deref().unwrap_or_default();
        self.required_scopes().iter().all(|s| message.contains(s))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|e| &**e as &(dyn std::error::Error + 'static))
    }
}
