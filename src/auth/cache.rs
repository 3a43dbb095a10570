//! The access-token cache and the auth step of an attempt that draws from it ([`Authorizer`]).
//!
//! One token per client, refreshed ahead of expiry, fetched once for every caller who needs it (single flight, for failures too: the callers that waited on a
//! fetch get its outcome, success or error, instead of each fetching again).
//!
//! A fetch runs in a task of its own, as smithy-rs's lazy identity cache does: callers wait on
//! a shared handle to it, so a caller cancelled by its own deadline never cancels the fetch,
//! and the token still lands in the cache for the next caller.

use super::{CachedToken, Stale, TokenSource};
use crate::clock::{Clock, within};
use crate::generated::ops::ISSUE_TOKEN;
use crate::sync::{lock, write};
use crate::{Error, SecretToken};
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use reqwest::header::HeaderValue;
use std::fmt;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

type Flight = Shared<BoxFuture<'static, Result<Arc<CachedToken>, Error>>>;

/// One client's token, shared by its clones.
#[derive(Clone)]
pub(crate) struct TokenCache {
    inner: Arc<Inner>,
}

struct Inner {
    current: RwLock<Option<Arc<CachedToken>>>,
    /// The fetch in flight, if any: every caller that needs a new token waits on this one.
    flight: Mutex<Option<Flight>>,
    /// The token a 401 proved dead, for the source to replace (and a store to delete).
    refused: Mutex<Option<SecretToken>>,
    source: Arc<dyn TokenSource>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("cached", &read(&self.inner.current).is_some())
            .field("source", &self.inner.source)
            .finish_non_exhaustive()
    }
}

fn read<T: Clone>(m: &RwLock<T>) -> T {
    crate::sync::read(m).clone()
}

impl TokenCache {
    pub(crate) fn new(source: Arc<dyn TokenSource>, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner: Arc::new(Inner {
                current: RwLock::new(None),
                flight: Mutex::new(None),
                refused: Mutex::new(None),
                source,
                clock,
            }),
        }
    }

    /// A token that may be sent now. A cached one is returned at once; one due for refresh
    /// is refreshed by the first caller to see it so (the others keep sending it meanwhile),
    /// and a failed refresh keeps it; with none usable, every caller waits for one fetch.
    pub(crate) async fn get(&self) -> Result<Arc<CachedToken>, Error> {
        let now = self.inner.clock.now();
        match read(&self.inner.current) {
            Some(token) if !token.due_at(now) => Ok(token),
            Some(token) if token.usable_at(now) => match self.flight() {
                // Someone else is refreshing it: this token is still good meanwhile.
                (_, false) => Ok(token),
                (flight, true) => match flight.await {
                    Ok(fresh) => Ok(fresh),
                    Err(error) => {
                        tracing::warn!(%error, "token refresh failed; the current token is still valid");
                        Ok(token)
                    }
                },
            },
            _ => self.flight().0.await,
        }
    }

    /// The fetch in flight, or a new one; `true` when this caller started it.
    fn flight(&self) -> (Flight, bool) {
        let mut flight = lock(&self.inner.flight);
        if let Some(running) = flight.as_ref() {
            return (running.clone(), false);
        }
        let stale = match lock(&self.inner.refused).take() {
            Some(dead) => Stale {
                token: Some(dead),
                refused: true,
            },
            None => Stale {
                token: read(&self.inner.current).map(|t| t.value.clone()),
                refused: false,
            },
        };
        let inner = Arc::clone(&self.inner);
        let task = tokio::spawn(async move {
            let outcome = inner.source.fetch(stale).await.map(|token| {
                let token = Arc::new(token);
                *write(&inner.current) = Some(Arc::clone(&token));
                token
            });
            // The flight ends here, after the token is stored: a caller that comes later
            // finds either the flight or the token.
            *lock(&inner.flight) = None;
            outcome
        });
        let shared: Flight = async move {
            task.await.unwrap_or_else(|_| {
                Err(Error::interrupted(
                    Some(ISSUE_TOKEN),
                    "the token fetch ended without an answer (the runtime is shutting down)",
                ))
            })
        }
        .boxed()
        .shared();
        *flight = Some(shared.clone());
        (shared, true)
    }

    /// Forgets the token sent as `header` if it is still the cached one (a 401 proved it
    /// dead); a newer token fetched meanwhile by another caller is kept.
    pub(crate) fn invalidate(&self, header: &HeaderValue) {
        let mut current = write(&self.inner.current);
        if let Some(dead) = current.take_if(|t| t.header == *header) {
            *lock(&self.inner.refused) = Some(dead.value.clone());
        }
    }

    /// Forgets a revoked token wherever the source keeps tokens (a shared store).
    pub(crate) async fn forget(&self, token: &SecretToken) {
        self.inner.source.forget(token).await;
    }

    /// Takes the cached token out (for revocation).
    pub(crate) fn take(&self) -> Option<Arc<CachedToken>> {
        write(&self.inner.current).take()
    }
}

/// Where an attempt's `Authorization` comes from: the auth step, owning its token source.
pub(crate) enum Authorizer<'a> {
    /// HTTP Basic with the client's credentials (the token endpoints).
    Basic(&'a HeaderValue),
    /// A Bearer token from the client's cache; `sent` is the one the last attempt carried.
    Bearer {
        tokens: &'a TokenCache,
        sent: Option<HeaderValue>,
    },
}

impl Authorizer<'_> {
    /// The header of the next attempt, within `left`; `None` when the deadline ran out first.
    /// `replay`: the gateway refused the last token, which is forgotten first (unless another
    /// caller replaced it meanwhile), so that a refused one is the one replaced.
    pub(crate) async fn authorize(
        &mut self,
        clock: &dyn Clock,
        left: Option<Duration>,
        replay: bool,
    ) -> Option<Result<HeaderValue, Error>> {
        match self {
            Authorizer::Basic(header) => Some(Ok((*header).clone())),
            Authorizer::Bearer { tokens, sent } => {
                if let (true, Some(refused)) = (replay, sent.as_ref()) {
                    tokens.invalidate(refused);
                }
                let token = match within(clock, left, tokens.get()).await? {
                    Ok(token) => token,
                    Err(error) => return Some(Err(error)),
                };
                *sent = Some(token.header.clone());
                Some(Ok(token.header.clone()))
            }
        }
    }
}
