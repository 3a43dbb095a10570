//! The SDK's one error type, with predicates to branch on and a source chain.

use crate::Operation;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
/// Shared, so that one failure can be handed to every caller that waited on it.
type SharedError = Arc<dyn std::error::Error + Send + Sync>;

/// How long a body excerpt in an error may be.
const SNIPPET_CHARS: usize = 200;

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
    inner: Box<Inner>,
}

#[derive(Clone)]
struct Inner {
    /// Decided once, when the error is made: `Display` and the predicates read it.
    kind: ErrorKind,
    operation: Option<&'static Operation>,
    status: Option<StatusCode>,
    code: Option<i64>,
    message: Option<String>,
    retry_after: Option<Duration>,
    body_snippet: Option<String>,
    source: Option<SharedError>,
    /// Requests sent for the call (0: nothing was sent).
    attempts: u32,
    request_id: Option<String>,
    /// The per-call id the SDK sent in its correlation header.
    correlation_id: Option<String>,
    /// The headers of the answer that ended the call, when the gateway answered.
    headers: Option<HeaderMap>,
    /// What the caller should do, when the SDK knows more than the gateway said.
    hint: Option<&'static str>,
    /// The request field (wire name) a refused request broke.
    field: Option<&'static str>,
}

/// What went wrong, one value per failure (unlike the predicates, which overlap: see
/// [`Error`]). New kinds may be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request was refused before sending: a field breaks the spec
    /// ([`Error::field`] names it). Nothing was sent.
    InvalidRequest,
    /// The builder refused the configuration.
    Config,
    /// 401: credentials or token refused (after the one replay with a new token).
    Unauthorized,
    /// 403: scope missing, wrong user type, or another tenant.
    Forbidden,
    /// 429, after the retries the policy allowed.
    RateLimited,
    /// 400 from the gateway.
    InvalidParameter,
    /// Code 900 / "Duplicate request, please do not retry".
    DuplicateRequest,
    /// Any other non-zero `code` (business codes: see [`Error::business_code`]).
    Business,
    /// 5xx, after the retries the policy allowed.
    ServerError,
    /// A 3xx: redirects are not followed.
    Redirect,
    /// No response within the timeout.
    Timeout,
    /// Connecting, sending or reading failed.
    Transport,
    /// A response that is not the expected JSON, or larger than the client accepts
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    Decode,
}

impl ErrorKind {
    /// The failure an answer of the gateway reports, if any: the one reading of a response
    /// that the retry classifier and the error both use. A failure `code` counts whatever the
    /// HTTP status, an error status whatever the body.
    pub(crate) fn of_answer(status: StatusCode, code: Option<i64>, msg: &str) -> Option<Self> {
        let failed = code.filter(|&c| c != 0);
        if failed.is_none() && status.is_success() {
            return None;
        }
        if status.is_redirection() {
            return Some(Self::Redirect);
        }
        let is = |n: u16| status == n || failed == Some(i64::from(n));
        Some(if is(401) {
            Self::Unauthorized
        } else if is(403) {
            Self::Forbidden
        } else if is(429) {
            Self::RateLimited
        } else if failed == Some(CODE_REPEATED_REQUEST) || msg == DUPLICATE_REQUEST_MSG {
            Self::DuplicateRequest
        } else if is(400) {
            Self::InvalidParameter
        } else if status.is_server_error() || failed.is_some_and(|c| (500..600).contains(&c)) {
            Self::ServerError
        } else {
            Self::Business
        })
    }

    /// A stable snake-case name (`rate_limited`, `server_error`, …), as the SDK's logs and
    /// metrics report it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::Config => "config",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::RateLimited => "rate_limited",
            Self::InvalidParameter => "invalid_parameter",
            Self::DuplicateRequest => "duplicate_request",
            Self::Business => "business",
            Self::ServerError => "server_error",
            Self::Redirect => "redirect",
            Self::Timeout => "timeout",
            Self::Transport => "transport",
            Self::Decode => "decode",
        }
    }

    /// Whether the gateway answered it (a failure `code` or an error status).
    fn is_answer(self) -> bool {
        !matches!(
            self,
            Self::InvalidRequest | Self::Config | Self::Timeout | Self::Transport | Self::Decode
        )
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::RateLimited => "rate limited",
            Self::InvalidParameter => "invalid parameter",
            Self::DuplicateRequest => "duplicate request",
            Self::ServerError => "server error",
            Self::Redirect => "redirect",
            Self::Business => "gateway error",
            Self::InvalidRequest => "invalid request",
            Self::Config => "configuration error",
            Self::Transport => "transport error",
            Self::Timeout => "timeout",
            Self::Decode => "decode error",
        }
    }
}

/// What an error takes from the gateway's answer (the pipeline's one reading of it).
pub(crate) struct Answered<'a> {
    pub(crate) status: StatusCode,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
    /// The envelope's `code`, when the body is an envelope.
    pub(crate) code: Option<i64>,
    pub(crate) msg: &'a str,
    pub(crate) retry_after: Option<Duration>,
}

/// What a call knows when it fails: see [`Error::with_call`].
#[derive(Clone, Copy, Default)]
pub(crate) struct CallFacts<'a> {
    pub(crate) attempts: u32,
    pub(crate) request_id: Option<&'a str>,
    pub(crate) correlation_id: Option<&'a str>,
    pub(crate) resent_after_doubt: bool,
}

/// The code the gateway uses for a repeated request (upstream's idempotency guard).
const CODE_REPEATED_REQUEST: i64 = 900;
/// The guide's message for a repeated redeem `requestId`.
const DUPLICATE_REQUEST_MSG: &str = "Duplicate request, please do not retry";

impl Error {
    fn new(kind: ErrorKind, operation: Option<&'static Operation>) -> Self {
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

    /// The failure the gateway answered: `kind` is [`ErrorKind::of_answer`] of the same
    /// status, code and message.
    pub(crate) fn answered(
        kind: ErrorKind,
        operation: &'static Operation,
        answer: Answered<'_>,
    ) -> Self {
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
            e.inner.message = Some(answer.msg.to_owned()).filter(|m| !m.is_empty());
        } else {
            // A proxy's error page: the status is the failure, the body only a detail.
            e.inner.body_snippet = Some(snippet_of(Some(operation), answer.body));
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
        let kind = ErrorKind::of_answer(status, code, &message).unwrap_or(ErrorKind::Business);
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
            .filter(|_| operation.auth != crate::Auth::Basic)
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
                .is_some_and(|op| op.auth == crate::Auth::Bearer)
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

/// The start of a body for an error, except from the token endpoints: their bodies carry the
/// access token (or would echo one), and errors never show a token.
fn snippet_of(operation: Option<&'static Operation>, body: &[u8]) -> String {
    if operation.is_some_and(|op| op.auth == crate::Auth::Basic) {
        return format!("[{} bytes from a token endpoint, not shown]", body.len());
    }
    snippet(body)
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().count() > SNIPPET_CHARS {
        out.push('…');
    }
    out
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        if let Some(op) = i.operation {
            write!(f, "{}: ", op.name)?;
        }
        f.write_str(i.kind.describe())?;
        let mut details = Vec::new();
        if let Some(code) = i.code {
            details.push(format!("code {code}"));
        }
        if let Some(status) = i.status {
            details.push(format!("HTTP {}", status.as_u16()));
        }
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        if let Some(message) = &i.message {
            write!(f, ": {message}")?;
        }
        // The gateway's 403 message usually names the scope already: said once.
        if self.is_forbidden() && !self.message_names_scopes() {
            write!(
                f,
                "; the operation needs scope {}",
                self.required_scopes().join(" ")
            )?;
        }
        if let Some(after) = i.retry_after {
            write!(f, "; retry after {} s", after.as_secs_f64())?;
        }
        if let Some(body) = &i.body_snippet {
            write!(f, "; body starts with {body:?}")?;
        }
        if i.attempts > 1 {
            write!(f, "; after {} attempts", i.attempts)?;
        }
        if let Some(key) = &i.request_id {
            write!(f, "; requestId {key}")?;
        }
        if let Some(hint) = i.hint {
            write!(f, "; {hint}")?;
        }
        if let Some(field) = i.field {
            write!(f, " (field `{field}`)")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind);
        if let Some(op) = i.operation {
            d.field("operation", &op.name);
        }
        if let Some(status) = i.status {
            d.field("status", &status.as_u16());
        }
        if let Some(code) = i.code {
            d.field("code", &code);
        }
        if let Some(message) = &i.message {
            d.field("message", message);
        }
        if let Some(after) = i.retry_after {
            d.field("retry_after", &after);
        }
        if let Some(body) = &i.body_snippet {
            d.field("body_snippet", body);
        }
        if i.attempts > 0 {
            d.field("attempts", &i.attempts);
        }
        if let Some(key) = &i.request_id {
            d.field("request_id", key);
        }
        if let Some(id) = &i.correlation_id {
            d.field("correlation_id", id);
        }
        if let Some(field) = i.field {
            d.field("field", &field);
        }
        if let Some(source) = &i.source {
            d.field("source", source);
        }
        d.finish()
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
