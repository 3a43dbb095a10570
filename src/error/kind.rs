//! What went wrong, one value per failure. An answer of the gateway is classified into it once,
//! by the attempt's read (`runtime::orchestrator::failure_of`).

/// The guide's message for a repeated redeem `requestId`.
pub(crate) const DUPLICATE_REQUEST_MSG: &str = "Duplicate request, please do not retry";

/// What went wrong, one value per failure (unlike the predicates, which overlap: see
/// [`Error`](crate::Error)). New kinds may be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request was refused before sending: a field breaks the spec
    /// ([`Error::field`](crate::Error::field) names it). Nothing was sent.
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
    /// Any other non-zero `code` (business codes: see [`Error::business_code`](crate::Error::business_code)).
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
    pub(crate) fn is_answer(self) -> bool {
        !matches!(
            self,
            Self::InvalidRequest | Self::Config | Self::Timeout | Self::Transport | Self::Decode
        )
    }

    pub(crate) fn describe(self) -> &'static str {
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
