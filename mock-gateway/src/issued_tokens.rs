//! The access tokens one gateway has issued, by token string: what the token, revoke and Bearer
//! checks read and write.

use std::collections::HashMap;
use std::time::Duration;

/// An issued access token.
#[derive(Clone, Debug)]
pub(crate) struct TokenRecord {
    pub(crate) client_id: String,
    pub(crate) tenant_id: String,
    pub(crate) scopes: Vec<String>,
    /// Mock time.
    pub(crate) expires_at: Duration,
    pub(crate) revoked: bool,
}

/// Issued tokens, by token string.
#[derive(Debug, Default)]
pub(crate) struct IssuedTokens {
    tokens: HashMap<String, TokenRecord>,
}

impl IssuedTokens {
    /// Records a token just issued.
    pub(crate) fn insert(&mut self, token: String, record: TokenRecord) {
        self.tokens.insert(token, record);
    }

    /// The record of `token`, if it was issued.
    pub(crate) fn get(&self, token: &str) -> Option<TokenRecord> {
        self.tokens.get(token).cloned()
    }

    /// Revokes `token` if it is a live token of `client_id`: whether it was.
    pub(crate) fn revoke(&mut self, token: &str, client_id: &str) -> bool {
        match self.tokens.get_mut(token) {
            Some(t) if t.client_id == client_id && !t.revoked => {
                t.revoked = true;
                true
            }
            _ => false,
        }
    }

    /// Makes every issued token expire at `now` (mock time).
    pub(crate) fn expire_all(&mut self, now: Duration) {
        for t in self.tokens.values_mut() {
            t.expires_at = t.expires_at.min(now);
        }
    }

    /// Revokes every issued token (as if each had been revoked at the revoke endpoint).
    pub(crate) fn revoke_all(&mut self) {
        for t in self.tokens.values_mut() {
            t.revoked = true;
        }
    }
}
