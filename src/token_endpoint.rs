//! The token request itself.
//!
//! It is sent from inside the hooks (a call that has no token yet fetches one), so it cannot
//! go through the generated client: its future would contain the hooks' own future. It still
//! takes the path, the body type and the response type from the spec.

use crate::call;
use crate::hooks::Shared;
use crate::token_cache::CachedToken;
use crate::{Error, Operation};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use std::time::Duration;

/// Requests a client-credentials token (Basic auth, form body, tenant-id).
pub(crate) async fn fetch_token(
    http: &reqwest::Client,
    base_url: &str,
    shared: &Shared,
) -> Result<CachedToken, Error> {
    let operation = Operation::find("issue_token")
        .ok_or_else(|| Error::config("the spec has no issue_token operation"))?;
    let body = crate::types::TokenRequest {
        grant_type: crate::types::TokenRequestGrantType::ClientCredentials,
        scope: shared.scopes.clone(),
    };
    let form = serde_urlencoded::to_string(&body)
        .map_err(|e| Error::invalid_request(Some(operation), e.to_string()))?;
    let request = http
        .post(format!("{base_url}{}", operation.path))
        .header(AUTHORIZATION, shared.basic.clone())
        .header(crate::hooks::TENANT_ID.clone(), shared.tenant.clone())
        .header(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        )
        .body(form);
    let requested_at = shared.tokens.now();
    let response = request
        .send()
        .await
        .map_err(|e| Error::transport(operation, e))?;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| Error::transport(operation, e))?;
    let token: crate::types::AccessToken =
        call::decode(operation, status, &headers, &bytes, call::Data::Required)?
            .ok_or_else(|| Error::decode(operation, Some(status), &bytes, None, "no token"))?;
    let lifetime = Duration::from_secs(token.expires_in.max(0).unsigned_abs());
    tracing::debug!(
        expires_in = token.expires_in,
        scope = token.scope.as_deref().unwrap_or_default(),
        "access token issued"
    );
    CachedToken::new(token.access_token, lifetime, requested_at).ok_or_else(|| {
        Error::decode(
            operation,
            Some(status),
            b"",
            None,
            "the access token is not a valid header value",
        )
    })
}
