//! An access token as the cache holds it: the value, its `Authorization` header, and the
//! instants that govern its use.

use crate::SecretToken;
use reqwest::header::HeaderValue;
use std::time::{Duration, Instant};

/// How long before expiry a token is refreshed (capped at half its lifetime).
const REFRESH_AHEAD: Duration = Duration::from_secs(60);
/// How long before expiry a token stops being sent at all (capped at a tenth of its
/// lifetime): covers the time a request spends in flight.
const SAFETY_MARGIN: Duration = Duration::from_secs(10);

/// A token the gateway issued, with the instants that govern its use.
#[derive(Debug)]
pub(crate) struct CachedToken {
    pub(crate) value: SecretToken,
    /// `Bearer {token}`, marked sensitive, built once.
    pub(crate) header: HeaderValue,
    /// From here on, the next caller refreshes it (others keep using it meanwhile).
    refresh_at: Instant,
    /// From here on, it is never sent.
    unusable_at: Instant,
    /// When the gateway said it expires.
    expires_at: Instant,
}

impl CachedToken {
    /// `requested_at` is when the token request was sent: the lifetime counts from no later.
    /// `None` when the token cannot travel in a header.
    pub(crate) fn new(
        value: SecretToken,
        lifetime: Duration,
        requested_at: Instant,
    ) -> Option<Self> {
        let mut header = HeaderValue::try_from(format!("Bearer {}", value.expose())).ok()?;
        header.set_sensitive(true);
        let expires_at = requested_at + lifetime;
        Some(Self {
            value,
            header,
            refresh_at: expires_at - REFRESH_AHEAD.min(lifetime / 2),
            unusable_at: expires_at - SAFETY_MARGIN.min(lifetime / 10),
            expires_at,
        })
    }

    pub(crate) fn refresh_at(&self) -> Instant {
        self.refresh_at
    }

    pub(crate) fn expires_at(&self) -> Instant {
        self.expires_at
    }

    /// Whether it may still be sent at `now`.
    pub(crate) fn usable_at(&self, now: Instant) -> bool {
        now < self.unusable_at
    }

    /// Whether it is due for refresh at `now`.
    pub(crate) fn due_at(&self, now: Instant) -> bool {
        now >= self.refresh_at
    }
}
