//! One HTTP exchange, read to the end: the retry loop classifies whole responses (a 401 or a
//! 429 can hide in the body of an HTTP 200), and errors need the status and body of a
//! response that fails to decode.

use crate::Operation;
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{ResponseBuilderExt, StatusCode, Url, Version};

/// How much of a body the TRACE log shows.
const TRACE_BODY_CHARS: usize = 512;

/// A response read to the end.
pub(crate) struct Buffered {
    pub(crate) status: StatusCode,
    pub(crate) version: Version,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// The URL that answered (none for a response made up locally); boxed, as reqwest keeps
    /// it, so that a response stays small to move.
    pub(crate) url: Option<Box<Url>>,
}

impl Buffered {
    /// Back into the `reqwest::Response` progenitor's generated code expects.
    pub(crate) fn into_reqwest(self) -> reqwest::Response {
        let mut builder = http::Response::builder()
            .status(self.status)
            .version(self.version);
        // Without its URL, reqwest parses a placeholder URL for every response.
        if let Some(url) = self.url {
            builder = builder.url(*url);
        }
        let mut response = builder
            .body(self.body)
            .unwrap_or_else(|_| http::Response::new(Bytes::new()));
        *response.headers_mut() = self.headers;
        reqwest::Response::from(response)
    }
}

/// Sends `request` and reads the whole body.
pub(crate) async fn send(
    http: &reqwest::Client,
    request: reqwest::Request,
    operation: &'static Operation,
) -> reqwest::Result<Buffered> {
    let started = std::time::Instant::now();
    let mut response = http.execute(request).await.inspect_err(|error| {
        tracing::debug!(operation = operation.name, %error, "request failed");
    })?;
    let status = response.status();
    let version = response.version();
    let headers = std::mem::take(response.headers_mut());
    let url = Box::new(response.url().clone());
    let body = response.bytes().await.inspect_err(|error| {
        tracing::debug!(operation = operation.name, %error, "reading the response failed");
    })?;
    tracing::debug!(
        operation = operation.name,
        status = status.as_u16(),
        bytes = body.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "response"
    );
    // Bodies only at TRACE, truncated; never those of the token endpoints (they carry the
    // access token).
    if operation.auth == crate::Auth::Bearer && tracing::enabled!(tracing::Level::TRACE) {
        let text = String::from_utf8_lossy(&body);
        let excerpt: String = text.chars().take(TRACE_BODY_CHARS).collect();
        tracing::trace!(operation = operation.name, body = %excerpt, "response body");
    }
    Ok(Buffered {
        status,
        version,
        headers,
        body,
        url: Some(url),
    })
}
