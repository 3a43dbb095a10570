//! The access-token cache: one token per client, refreshed ahead of expiry, fetched by one
//! caller for all who wait (single-flight, for failures too: the callers that waited on a fetch
//! get its outcome, success or error, instead of each fetching again).

use crate::clock::Clock;
use crate::store::shared::SharedTokens;
use crate::{Error, SecretToken};
use reqwest::header::HeaderValue;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
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
}

/// A token fetch, boxed: it runs through the same generated client that calls the cache.
pub(crate) type Fetch<'a> = Pin<Box<dyn Future<Output = Result<CachedToken, Error>> + Send + 'a>>;

#[derive(Debug)]
pub(crate) struct TokenCache {
    current: RwLock<Option<Arc<CachedToken>>>,
    /// Held by the one caller fetching a token; holds the failure of the last fetch.
    fetching: tokio::sync::Mutex<Option<Error>>,
    /// Fetches finished so far: a waiter that sees it move learns that a fetch ran while it
    /// waited, and takes that fetch's outcome.
    fetches: AtomicU64,
    clock: Arc<dyn Clock>,
    /// The store shared with other clients (fleet mode), consulted instead of fetching.
    shared: Option<SharedTokens>,
    /// The token a 401 proved dead, for the store to delete at the next fetch.
    refused: Mutex<Option<SecretToken>>,
}

impl TokenCache {
    pub(crate) fn new(clock: Arc<dyn Clock>, shared: Option<SharedTokens>) -> Self {
        Self {
            current: RwLock::new(None),
            fetching: tokio::sync::Mutex::new(None),
            fetches: AtomicU64::new(0),
            clock,
            shared,
            refused: Mutex::new(None),
        }
    }

    pub(crate) fn now(&self) -> Instant {
        self.clock.now()
    }

    fn current(&self) -> Option<Arc<CachedToken>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn store(&self, token: CachedToken) -> Arc<CachedToken> {
        let token = Arc::new(token);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&token));
        token
    }

    /// A token that may be sent now; `fetch` is called only when none is cached, or the
    /// cached one is due for refresh and nobody else is refreshing it.
    pub(crate) async fn get<'a>(
        &self,
        fetch: impl FnOnce() -> Fetch<'a>,
    ) -> Result<Arc<CachedToken>, Error> {
        let now = self.now();
        match self.current() {
            Some(token) if now < token.refresh_at => Ok(token),
            // Due for refresh but still usable: one caller refreshes, the others go on with
            // the old token; a failed refresh keeps it.
            Some(token) if now < token.unusable_at => match self.fetching.try_lock() {
                Ok(mut last_failure) => match self.current() {
                    Some(newer) if self.now() < newer.refresh_at => Ok(newer),
                    _ => match self.fetch(fetch, &mut last_failure).await {
                        Ok(fresh) => Ok(fresh),
                        Err(error) => {
                            tracing::warn!(%error, "token refresh failed; the current token is still valid");
                            Ok(token)
                        }
                    },
                },
                Err(_) => Ok(token),
            },
            // None usable: wait for whoever is fetching and take its outcome; fetch only if
            // no fetch ran meanwhile.
            _ => {
                let seen = self.fetches.load(Ordering::Acquire);
                let mut last_failure = self.fetching.lock().await;
                match self.current() {
                    Some(token) if self.now() < token.unusable_at => Ok(token),
                    _ => match &*last_failure {
                        Some(error) if self.fetches.load(Ordering::Acquire) != seen => {
                            Err(error.clone())
                        }
                        _ => self.fetch(fetch, &mut last_failure).await,
                    },
                }
            }
        }
    }

    /// Runs one fetch (the caller holds the lock) and records its outcome for the waiters.
    async fn fetch<'a>(
        &self,
        fetch: impl FnOnce() -> Fetch<'a>,
        last_failure: &mut Option<Error>,
    ) -> Result<Arc<CachedToken>, Error> {
        let outcome = match &self.shared {
            None => fetch().await,
            Some(shared) => {
                let refused = self
                    .refused
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take();
                let (stale, was_refused) = match refused {
                    Some(dead) => (Some(dead), true),
                    None => (self.current().map(|t| t.value.clone()), false),
                };
                shared
                    .fetch(fetch, stale, was_refused, || self.clock.now())
                    .await
            }
        };
        *last_failure = outcome.as_ref().err().cloned();
        self.fetches.fetch_add(1, Ordering::AcqRel);
        outcome.map(|token| self.store(token))
    }

    /// Forgets the token sent as `header` if it is still the cached one (a 401 proved it
    /// dead); a newer token fetched meanwhile by another caller is kept.
    pub(crate) fn invalidate(&self, header: &HeaderValue) {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if let Some(dead) = current.take_if(|t| t.header == *header)
            && self.shared.is_some()
        {
            *self.refused.lock().unwrap_or_else(|e| e.into_inner()) = Some(dead.value.clone());
        }
    }

    /// Deletes a revoked token from the shared store, if there is one.
    pub(crate) async fn forget_shared(&self, token: &SecretToken) {
        if let Some(shared) = &self.shared {
            shared.forget(token).await;
        }
    }

    /// Takes the cached token out (for revocation).
    pub(crate) fn take(&self) -> Option<Arc<CachedToken>> {
        self.current
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }
}
