//! What the gateway saw: counters, recorded requests (secrets redacted), concurrency.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::endpoint::{REVOKE_PATH, TOKEN_PATH};

/// A snapshot of what the gateway saw (admin calls excluded).
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Calls to the token endpoint (all, including failed ones).
    pub token_requests: u64,
    /// Calls to the revoke endpoint.
    pub revoke_requests: u64,
    /// Calls per path, e.g. `"/open-api/goods/detail"` (any method, any outcome).
    pub requests_per_endpoint: BTreeMap<String, u64>,
    /// Successful redemptions per `(code, email)`.
    pub redemptions: BTreeMap<(String, String), u64>,
    /// The requests seen, in arrival order: all of them, or at least the last 10,000 in a
    /// long-running gateway (the counters above stay exact).
    pub requests: Vec<RecordedRequest>,
    /// The most requests in flight at once.
    pub max_concurrent: u64,
    /// Business calls the per-clientId quota refused (429).
    pub throttled: u64,
}

impl Stats {
    /// Calls to `path` (0 if never called).
    pub fn endpoint(&self, path: &str) -> u64 {
        self.requests_per_endpoint.get(path).copied().unwrap_or(0)
    }

    /// Successful redemptions of `code` for `email`.
    pub fn redemptions_of(&self, code: &str, email: &str) -> u64 {
        self.redemptions
            .get(&(code.to_owned(), email.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    /// The admin API's JSON rendering.
    pub(crate) fn to_json(&self) -> Value {
        let redemptions: Vec<Value> = self
            .redemptions
            .iter()
            .map(|((code, email), n)| json!({"code": code, "email": email, "count": n}))
            .collect();
        let requests: Vec<Value> = self
            .requests
            .iter()
            .map(|r| {
                let headers: Vec<Value> = r.headers.iter().map(|(k, v)| json!([k, v])).collect();
                json!({"method": r.method, "path": r.path, "headers": headers, "body": r.body})
            })
            .collect();
        json!({
            "tokenRequests": self.token_requests,
            "revokeRequests": self.revoke_requests,
            "requestsPerEndpoint": self.requests_per_endpoint,
            "redemptions": redemptions,
            "requests": requests,
            "maxConcurrent": self.max_concurrent,
            "throttled": self.throttled,
        })
    }
}

/// One request as received, with secrets redacted.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `"POST"`.
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Headers in arrival order, names lowercased. `authorization` keeps only what tests need:
    /// `"Bearer " + first 6 chars + "…"`, or `"Basic <clientId>:<redacted>"`.
    pub headers: Vec<(String, String)>,
    /// The body as text; `token=` values (first 6 chars kept) and `client_secret=` values of
    /// form bodies are redacted.
    pub body: String,
}

impl RecordedRequest {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How many recorded requests a long-running gateway keeps at least.
const KEPT_REQUESTS: usize = 10_000;

/// Collects statistics across connections.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    stats: Mutex<Stats>,
    in_flight: AtomicU64,
}

impl Recorder {
    /// Counts a call the quota refused.
    pub(crate) fn throttled(&self) {
        self.lock().throttled += 1;
    }

    /// Records an arriving request and counts it in flight until the guard drops.
    pub(crate) fn begin(&self, request: RecordedRequest) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        let mut s = self.lock();
        s.max_concurrent = s.max_concurrent.max(now);
        match request.path.as_str() {
            TOKEN_PATH => s.token_requests += 1,
            REVOKE_PATH => s.revoke_requests += 1,
            _ => {}
        }
        *s.requests_per_endpoint
            .entry(request.path.clone())
            .or_insert(0) += 1;
        // A long-running binary keeps the recent history only (amortised O(1)).
        if s.requests.len() >= 2 * KEPT_REQUESTS {
            s.requests.drain(..KEPT_REQUESTS);
        }
        s.requests.push(request);
        InFlight(&self.in_flight)
    }

    /// Counts a committed redemption.
    pub(crate) fn redemption(&self, code: &str, email: &str) {
        *self
            .lock()
            .redemptions
            .entry((code.to_owned(), email.to_owned()))
            .or_insert(0) += 1;
    }

    pub(crate) fn snapshot(&self) -> Stats {
        self.lock().clone()
    }

    pub(crate) fn reset(&self) {
        *self.lock() = Stats::default();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Stats> {
        // A panicking handler must not take the statistics down with it.
        self.stats.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Decrements the in-flight counter when the request ends (answered, failed or dropped).
pub(crate) struct InFlight<'a>(&'a AtomicU64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Builds the recorded form of a request.
pub(crate) fn record(
    method: &str,
    path: &str,
    headers: &hyper::HeaderMap,
    body: &[u8],
) -> RecordedRequest {
    let headers = headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let value = if name == hyper::header::AUTHORIZATION {
                redact_authorization(&value)
            } else {
                value
            };
            (name.as_str().to_owned(), value)
        })
        .collect();
    RecordedRequest {
        method: method.to_owned(),
        path: path.to_owned(),
        headers,
        body: redact_form_body(&String::from_utf8_lossy(body)),
    }
}

/// Keeps which token or client was used, never a whole secret.
fn redact_authorization(value: &str) -> String {
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if scheme.eq_ignore_ascii_case("bearer") {
        format!("Bearer {}", token_prefix(rest.trim()))
    } else if scheme.eq_ignore_ascii_case("basic") {
        let client = STANDARD
            .decode(rest.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.split_once(':').map(|(id, _)| id.to_owned()));
        match client {
            Some(id) => format!("Basic {id}:<redacted>"),
            None => "Basic <redacted>".to_owned(),
        }
    } else {
        "<redacted>".to_owned()
    }
}

fn token_prefix(token: &str) -> String {
    let prefix: String = token.chars().take(6).collect();
    format!("{prefix}…")
}

/// Redacts `token=` and `client_secret=` values in a form body, leaving the rest as sent.
fn redact_form_body(body: &str) -> String {
    if !body.contains("token=") && !body.contains("client_secret=") {
        return body.to_owned();
    }
    body.split('&')
        .map(|pair| match pair.split_once('=') {
            Some(("token", v)) => format!("token={}", token_prefix(v)),
            Some(("client_secret", _)) => "client_secret=<redacted>".to_owned(),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_is_redacted_but_identifiable() {
        assert_eq!(
            redact_authorization("Bearer 0123456789abcdef"),
            "Bearer 012345…"
        );
        let basic = STANDARD.encode("client:sec:ret");
        assert_eq!(
            redact_authorization(&format!("Basic {basic}")),
            "Basic client:<redacted>"
        );
        assert_eq!(redact_authorization("Basic !!!"), "Basic <redacted>");
    }

    #[test]
    fn form_bodies_lose_secrets_only() {
        assert_eq!(
            redact_form_body("token=abcdef123456&x=1"),
            "token=abcdef…&x=1"
        );
        assert_eq!(
            redact_form_body("grant_type=client_credentials&scope=goods:detail:read"),
            "grant_type=client_credentials&scope=goods:detail:read"
        );
    }
}
