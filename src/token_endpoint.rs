//! The token request itself.
//!
//! It is sent from inside the hooks (a call that has no token yet fetches one), so it cannot
//! go through the generated client: its future would contain the hooks' own future. It still
//! takes the path, the body type and the response type from the spec.

use crate::call;
use crate::hooks::Shared;
use crate::retry::Sent;
use crate::token_cache::CachedToken;
use crate::transport;
use crate::{Error, Operation};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use std::time::Duration;
use tracing::Instrument;

/// Requests a client-credentials token (Basic auth, form body, tenant-id) for the cache.
pub(crate) async fn fetch_token(
    http: &reqwest::Client,
    base_url: &str,
    shared: &Shared,
) -> Result<CachedToken, Error> {
    let (token, requested_at) = request_token(http, base_url, shared).await?;
    let lifetime = Duration::from_secs(token.expires_in.max(0).unsigned_abs());
    CachedToken::new(token.access_token, lifetime, requested_at).ok_or_else(
        || match Operation::find("issue_token") {
            Some(operation) => Error::decode(
                operation,
                None,
                b"",
                None,
                "the access token is not a valid header value",
            ),
            None => Error::config("the spec has no issue_token operation"),
        },
    )
}

/// Requests a client-credentials token: the gateway's answer, and when (on the client's clock)
/// the request was sent, from which its lifetime counts.
pub(crate) async fn request_token(
    http: &reqwest::Client,
    base_url: &str,
    shared: &Shared,
) -> Result<(crate::types::AccessToken, std::time::Instant), Error> {
    let operation = Operation::find("issue_token")
        .ok_or_else(|| Error::config("the spec has no issue_token operation"))?;
    let body = crate::types::TokenRequest {
        grant_type: crate::types::TokenRequestGrantType::ClientCredentials,
        scope: shared.scopes.clone(),
    };
    let form = serde_urlencoded::to_string(&body)
        .map_err(|e| Error::invalid_request(Some(operation), e.to_string()))?;
    let url = format!("{base_url}{}", operation.path);
    let requested_at = shared.tokens.now();
    // Re-sent on the same transient faults as any call (the spec marks it retry-safe: a
    // second token request only issues a second token).
    let mut attempts = shared.retrier.attempts(operation, operation.retry);
    let report = loop {
        let resend = attempts.next().await;
        let request = http
            .post(&url)
            .header(AUTHORIZATION, shared.basic.clone())
            .header(crate::hooks::TENANT_ID.clone(), shared.tenant.clone())
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .body(form.clone())
            .build();
        let sent = match request {
            Ok(request) => {
                transport::send(http, request, operation)
                    .instrument(resend.span())
                    .await
            }
            Err(error) => Err(error),
        };
        let sent = match sent {
            Ok(response) => Sent::Response(response),
            Err(error) => Sent::Transport(error),
        };
        if let Some(report) = attempts.after(sent).await {
            break report;
        }
    };
    let attempts = report.attempts;
    let response = match report.sent {
        Sent::Response(response) => response,
        Sent::Transport(error) => {
            return Err(Error::transport(operation, error).with_attempts(attempts));
        }
        Sent::Local(error) => return Err(error.with_attempts(attempts)),
    };
    let (status, headers, bytes) = (response.status, response.headers, response.body);
    let token: crate::types::AccessToken =
        call::decode(operation, status, &headers, &bytes, call::Data::Required)
            .and_then(|token| {
                token
                    .ok_or_else(|| Error::decode(operation, Some(status), &bytes, None, "no token"))
            })
            .map_err(|e| e.with_attempts(attempts))?;
    tracing::debug!(
        expires_in = token.expires_in,
        scope = token.scope.as_deref().unwrap_or_default(),
        "access token issued"
    );
    Ok((token, requested_at))
}
