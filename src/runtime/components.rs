//! The components of a client's calls, as smithy-rs's runtime components gather them: the HTTP
//! client, where and as whom to send, and the retry, rate-limit, pacing and size policies. One
//! value, shared by the client's clones and its token endpoint; the orchestrator reads it.

use crate::Error;
use crate::clock::Clock;
use crate::limiter::{Pacing, Priority, RateLimiter};
use crate::metrics::Metrics;
use crate::retry::{RetryBudget, RetryPolicy};
use reqwest::Url;
use reqwest::header::{HeaderName, HeaderValue};
use std::fmt;
use std::sync::Arc;

/// Everything a call needs but its token: the HTTP client, where and as whom to send, and
/// the client's retry, rate-limit and size policies. Shared by the client's clones and by
/// its token endpoint.
pub(crate) struct Runtime {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// The URL of each operation of the table, parsed once ([`Runtime::urls`]).
    pub(crate) urls: Box<[Url]>,
    /// `Basic base64(clientId:clientSecret)`, marked sensitive.
    pub(crate) basic: HeaderValue,
    pub(crate) tenant: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    /// The header that carries each call's correlation id (none: not sent).
    pub(crate) correlation_header: Option<HeaderName>,
    /// The scopes the token request asks for (all granted when `None`).
    pub(crate) scopes: Option<String>,
    pub(crate) policy: RetryPolicy,
    /// The client's retry budget, shared by its clones.
    pub(crate) budget: RetryBudget,
    pub(crate) clock: Arc<dyn Clock>,
    /// The client-side limit on business requests (every attempt counts).
    pub(crate) limiter: Option<Arc<dyn RateLimiter>>,
    /// Adaptive pacing of business requests, when on.
    pub(crate) pacing: Option<Arc<Pacing>>,
    /// The lane of a call that names none.
    pub(crate) priority: Priority,
    pub(crate) max_response_bytes: usize,
    pub(crate) metrics: Metrics,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("base_url", &self.base_url)
            .field("policy", &self.policy)
            .field("limiter", &self.limiter)
            .field("pacing", &self.pacing)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// The URL of every operation of the table on `base_url`.
    pub(crate) fn urls(base_url: &str) -> Result<Box<[Url]>, Error> {
        crate::Operation::all()
            .iter()
            .map(|op| {
                Url::parse(&format!("{base_url}{}", op.path)).map_err(|e| {
                    Error::config(format!(
                        "base_url does not make a URL with {}: {e}",
                        op.path
                    ))
                })
            })
            .collect()
    }
}
