//! The SDK's one error type, with predicates to branch on and a source chain.

use crate::Operation;
use reqwest::StatusCode;
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
    kind: Kind,
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
    /// What the caller should do, when the SDK knows more than the gateway said.
    hint: Option<&'static str>,
    /// The request field (wire name) a refused request broke.
    field: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// The gateway answered a failure: a non-zero `code`, or an error status.
    Api,
    /// The request was refused before sending: a field breaks the spec.
    InvalidRequest,
    /// The client is misconfigured (missing credentials, bad base URL).
    Config,
    /// Connecting, sending or reading failed.
    Transport,
    /// A timeout elapsed.
    Timeout,
    /// A response body could not be decoded.
    Decode,
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
    /// A response that is not the expected JSON.
    Decode,
}

/// The code the gateway uses for a repeated request (upstream's idempotency guard).
const CODE_REPEATED_REQUEST: i64 = 900;
/// The guide's message for a repeated redeem `requestId`.
const DUPLICATE_REQUEST_MSG: &str = "Duplicate request, please do not retry";

impl Error {
    fn new(kind: Kind, operation: Option<&'static Operation>) -> Self {
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
                hint: None,
                field: None,
            }),
        }
    }

    pub(crate) fn api(
        operation: &'static Operation,
        status: StatusCode,
        code: Option<i64>,
        message: impl Into<String>,
        retry_after: Option<Duration>,
    ) -> Self {
        let mut e = Self::new(Kind::Api, Some(operation));
        e.inner.status = Some(status);
        e.inner.code = code;
        e.inner.message = Some(message.into()).filter(|m: &String| !m.is_empty());
        e.inner.retry_after = retry_after;
        e
    }

    pub(crate) fn invalid_request(
        operation: Option<&'static Operation>,
        message: impl Into<String>,
    ) -> Self {
        let mut e = Self::new(Kind::InvalidRequest, operation);
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
        let mut e = Self::new(Kind::Config, None);
        e.inner.message = Some(message.into());
        e
    }

    pub(crate) fn transport(operation: &'static Operation, source: reqwest::Error) -> Self {
        let kind = if source.is_timeout() {
            Kind::Timeout
        } else {
            Kind::Transport
        };
        let mut e = Self::new(kind, Some(operation));
        e.inner.status = source.status();
        e.inner.message = Some(
            if kind == Kind::Timeout {
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

    pub(crate) fn decode(
        operation: &'static Operation,
        status: Option<StatusCode>,
        body: &[u8],
        source: Option<BoxError>,
        message: impl Into<String>,
    ) -> Self {
        let mut e = Self::new(Kind::Decode, Some(operation));
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

    /// A 3xx: redirects are not followed (they would carry `tenant-id` and the token wherever
    /// `Location` points).
    pub(crate) fn redirect(
        operation: &'static Operation,
        status: StatusCode,
        headers: &reqwest::header::HeaderMap,
    ) -> Self {
        let location = headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("(no Location header)");
        let mut e = Self::new(Kind::Api, Some(operation));
        e.inner.status = Some(status);
        e.inner.message = Some(format!(
            "the gateway redirected to {location}; the SDK does not follow redirects (they would \
             re-send tenant-id and the access token): check the base URL"
        ));
        e
    }

    /// Adds what the call knows: requests sent, the idempotency key they carried. A duplicate
    /// answer to a re-sent request means an earlier attempt of this same call was processed.
    pub(crate) fn with_call(
        mut self,
        attempts: u32,
        request_id: Option<String>,
        resent_after_doubt: bool,
    ) -> Self {
        // An error of the token request keeps its own count.
        if self.inner.attempts == 0 {
            self.inner.attempts = attempts;
        }
        if request_id.is_some()
            && self
                .inner
                .operation
                .is_some_and(|op| op.auth == crate::Auth::Bearer)
        {
            self.inner.request_id = request_id;
        }
        if resent_after_doubt && self.is_duplicate_request() {
            self.inner.hint = Some(
                "an earlier attempt of this call reached the gateway and was most likely \
                 processed (the coupon was probably issued): do not redeem again; reconcile by \
                 this requestId with the member's coupons or with platform operations",
            );
        }
        self
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    pub(crate) fn with_snippet(mut self, body: &[u8]) -> Self {
        self.inner.body_snippet = Some(snippet_of(self.inner.operation, body));
        self
    }

    /// The gateway's failure `code`, or the HTTP status where no envelope came.
    fn effective_code(&self) -> Option<i64> {
        self.inner
            .code
            .or_else(|| self.inner.status.map(|s| i64::from(s.as_u16())))
    }

    fn api_code_is(&self, code: i64) -> bool {
        self.inner.kind == Kind::Api && self.effective_code() == Some(code)
    }

    /// 401: the token is missing, invalid or expired (the SDK fetches tokens itself, so this
    /// means the credentials or the token were refused).
    pub fn is_unauthorized(&self) -> bool {
        self.api_code_is(401) || self.inner.status == Some(StatusCode::UNAUTHORIZED)
    }

    /// 403: insufficient scope, wrong user type, or a tenant-id that differs from the token's.
    /// [`required_scopes`](Error::required_scopes) names what the operation needs.
    pub fn is_forbidden(&self) -> bool {
        self.api_code_is(403) || self.inner.status == Some(StatusCode::FORBIDDEN)
    }

    /// 429: rate limited per clientId. [`retry_after`](Error::retry_after) says how long to
    /// wait when the gateway said so.
    pub fn is_rate_limited(&self) -> bool {
        self.api_code_is(429) || self.inner.status == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// 400 from the gateway, or a request refused before sending because a field breaks the
    /// spec (then [`status`](Error::status) is `None`).
    pub fn is_invalid_parameter(&self) -> bool {
        self.inner.kind == Kind::InvalidRequest
            || self.api_code_is(400)
            || self.inner.status == Some(StatusCode::BAD_REQUEST)
    }

    /// The request was refused before sending (a field breaks the spec); nothing was sent.
    pub fn is_invalid_request(&self) -> bool {
        self.inner.kind == Kind::InvalidRequest
    }

    /// A repeated request: the redeem `requestId` was already processed within its 10-minute
    /// window (code 900, or the guide's message "Duplicate request, please do not retry").
    pub fn is_duplicate_request(&self) -> bool {
        self.inner.kind == Kind::Api
            && (self.inner.code == Some(CODE_REPEATED_REQUEST)
                || self.inner.message.as_deref() == Some(DUPLICATE_REQUEST_MSG))
    }

    /// Any failure answered by the gateway (a non-zero `code` or an error status).
    pub fn is_api(&self) -> bool {
        self.inner.kind == Kind::Api
    }

    /// The gateway answered 5xx.
    pub fn is_server_error(&self) -> bool {
        self.inner.status.is_some_and(|s| s.is_server_error())
            || (self.inner.kind == Kind::Api
                && self.inner.code.is_some_and(|c| (500..600).contains(&c)))
    }

    /// Connecting, sending or reading the response failed (the request may or may not have
    /// reached the gateway).
    pub fn is_transport(&self) -> bool {
        matches!(self.inner.kind, Kind::Transport | Kind::Timeout)
    }

    /// A timeout elapsed (connect or total).
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == Kind::Timeout
    }

    /// A response could not be decoded (a proxy's HTML page, a truncated body, a field of an
    /// unexpected type). [`body_snippet`](Error::body_snippet) shows the start of the body.
    pub fn is_decode(&self) -> bool {
        self.inner.kind == Kind::Decode
    }

    /// The client is misconfigured.
    pub fn is_config(&self) -> bool {
        self.inner.kind == Kind::Config
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
        match self.inner.kind {
            Kind::InvalidRequest => ErrorKind::InvalidRequest,
            Kind::Config => ErrorKind::Config,
            Kind::Timeout => ErrorKind::Timeout,
            Kind::Transport => ErrorKind::Transport,
            Kind::Decode => ErrorKind::Decode,
            Kind::Api if self.is_unauthorized() => ErrorKind::Unauthorized,
            Kind::Api if self.is_forbidden() => ErrorKind::Forbidden,
            Kind::Api if self.is_rate_limited() => ErrorKind::RateLimited,
            Kind::Api if self.is_duplicate_request() => ErrorKind::DuplicateRequest,
            Kind::Api if self.is_invalid_parameter() => ErrorKind::InvalidParameter,
            Kind::Api if self.is_server_error() => ErrorKind::ServerError,
            Kind::Api if self.status().is_some_and(|s| s.is_redirection()) => ErrorKind::Redirect,
            Kind::Api => ErrorKind::Business,
        }
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

    /// The start of the response body, for decode errors (at most 200 characters).
    pub fn body_snippet(&self) -> Option<&str> {
        self.inner.body_snippet.as_deref()
    }

    fn describe_kind(&self) -> &'static str {
        match self.inner.kind {
            Kind::Api if self.is_unauthorized() => "unauthorized",
            Kind::Api if self.is_forbidden() => "forbidden",
            Kind::Api if self.is_rate_limited() => "rate limited",
            Kind::Api if self.is_invalid_parameter() => "invalid parameter",
            Kind::Api if self.is_duplicate_request() => "duplicate request",
            Kind::Api if self.is_server_error() => "server error",
            Kind::Api => "gateway error",
            Kind::InvalidRequest => "invalid request",
            Kind::Config => "configuration error",
            Kind::Transport => "transport error",
            Kind::Timeout => "timeout",
            Kind::Decode => "decode error",
        }
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
        f.write_str(self.describe_kind())?;
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
        if self.is_forbidden() && !self.required_scopes().is_empty() {
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
