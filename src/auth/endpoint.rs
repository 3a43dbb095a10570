//! The token request: client credentials (Basic), a form body and `tenant-id`, sent through
//! the same orchestrator, attempt and retry loop as every call, authenticated by the client's
//! credentials instead of a token (retries included: the spec marks it retry-safe, a
//! second token request only issues a second token). Path, body and answer types come from
//! the spec.

use super::Authorizer;
use super::{CachedToken, Fetch, Stale, TokenSource};
use crate::Error;
use crate::generated::ops::ISSUE_TOKEN;
use crate::runtime::{self, CallOptions, Payload, Runtime};
use crate::types::{AccessToken, TokenRequest, TokenRequestGrantType};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The gateway's token endpoint, as the source of the client's tokens.
pub(crate) struct TokenEndpoint {
    runtime: Arc<Runtime>,
}

impl TokenEndpoint {
    pub(crate) fn new(runtime: Arc<Runtime>) -> Self {
        Self { runtime }
    }
}

impl fmt::Debug for TokenEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenEndpoint")
            .field("base_url", &self.runtime.base_url)
            .finish_non_exhaustive()
    }
}

impl TokenSource for TokenEndpoint {
    fn fetch(&self, _stale: Stale) -> Fetch {
        let runtime = Arc::clone(&self.runtime);
        Box::pin(async move {
            let operation = ISSUE_TOKEN;
            let fetched = request_token(&runtime).await;
            runtime.metrics.token_fetch(
                fetched
                    .as_ref()
                    .map_or_else(|e| e.kind().as_str(), |_| "ok"),
            );
            let (token, requested_at) = fetched?;
            let lifetime = Duration::from_secs(token.expires_in.max(0).unsigned_abs());
            CachedToken::new(token.access_token, lifetime, requested_at).ok_or_else(|| {
                Error::decode(
                    operation,
                    None,
                    b"",
                    None,
                    "the access token is not a valid header value",
                )
            })
        })
    }
}

/// Requests a client-credentials token: the gateway's answer, and when (on the client's clock)
/// the request was sent, from which its lifetime counts.
pub(crate) async fn request_token(runtime: &Runtime) -> Result<(AccessToken, Instant), Error> {
    let operation = ISSUE_TOKEN;
    let body = TokenRequest {
        grant_type: TokenRequestGrantType::ClientCredentials,
        scope: runtime.scopes.clone(),
    };
    let payload = Payload::encode(operation, &body)?;
    let requested_at = runtime.clock.now();
    let options = CallOptions {
        internal: true,
        ..CallOptions::default()
    };
    let auth = Authorizer::Basic(&runtime.basic);
    let finished = runtime.execute(auth, operation, payload, &options).await?;
    let token: Option<AccessToken> = runtime::conclude(operation, &finished)?;
    let token = runtime::required(operation, &finished, token)?;
    tracing::debug!(
        expires_in = token.expires_in,
        scope = token.scope.as_deref().unwrap_or_default(),
        "access token issued"
    );
    Ok((token, requested_at))
}
