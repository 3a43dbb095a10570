//! A token issued on request, with what the gateway granted: for tools that show whether
//! credentials work (the `rizzitgo token` command), not for calls, which manage their own.

use crate::clock::{Clock, SystemClock};
use crate::runtime;
use crate::{Client, Error, SecretToken};
use std::fmt;
use std::time::{Duration, Instant};

/// An access token the gateway issued to [`Client::issue_token`], with its scopes and lifetime.
/// Its `Debug` never shows the token; [`token`](IssuedToken::token) is a [`SecretToken`].
#[derive(Clone)]
pub struct IssuedToken {
    token: SecretToken,
    token_type: Option<String>,
    scopes: Vec<String>,
    lifetime: Duration,
    /// When the request was sent: the lifetime counts from no later.
    requested_at: Instant,
}

impl IssuedToken {
    /// The token (prints as `[REDACTED]`; [`SecretToken::expose`] reads it).
    pub fn token(&self) -> &SecretToken {
        &self.token
    }

    /// The `token_type` the gateway sent (`Bearer`, or `bearer` from some versions).
    pub fn token_type(&self) -> Option<&str> {
        self.token_type.as_deref()
    }

    /// The scopes actually granted (the answer's space-separated `scope`), in its order.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The lifetime the gateway gave (`expires_in`).
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// What is left of the lifetime now, counted from when the token request was sent.
    pub fn remaining(&self) -> Duration {
        let now = SystemClock.now();
        self.lifetime
            .saturating_sub(now.saturating_duration_since(self.requested_at))
    }
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken")
            .field("token", &self.token)
            .field("token_type", &self.token_type)
            .field("scopes", &self.scopes)
            .field("lifetime", &self.lifetime)
            .field("remaining", &self.remaining())
            .finish()
    }
}

impl Client {
    /// Requests a new access token with the client's credentials and scopes (the same request,
    /// retries and errors as the token the client fetches for its calls), and returns it with
    /// the scopes granted and its lifetime. The client's own cached token is not touched: this
    /// one is yours, to inspect or to [`revoke`](Client::revoke).
    pub async fn issue_token(&self) -> Result<IssuedToken, Error> {
        // On the real clock (the client's may be a test clock), taken before the request.
        let requested_at = SystemClock.now();
        let (answer, _) = super::endpoint::request_token(self.runtime()).await?;
        Ok(IssuedToken {
            token: answer.access_token,
            token_type: answer.token_type,
            scopes: answer
                .scope
                .as_deref()
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            lifetime: Duration::from_secs(answer.expires_in.max(0).unsigned_abs()),
            requested_at,
        })
    }

    /// Revokes `token` at the gateway (its holder's next call gets 401). `true` when a live
    /// token of this client was revoked, `false` when the gateway knew no such live token.
    pub async fn revoke(&self, token: &SecretToken) -> Result<bool, Error> {
        let operation = crate::generated::ops::REVOKE_TOKEN;
        let body = crate::types::RevokeTokenRequest {
            token: token.clone(),
        };
        runtime::call::<_, crate::types::RevokeTokenRequest, _>(
            self,
            operation,
            body,
            runtime::data,
        )
        .await
    }
}
