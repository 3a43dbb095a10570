//! The fleet-wide single flight of token fetches through a [`TokenStore`]: [`SharedSource`]
//! wraps the token endpoint when a store is configured, so the client's cache knows no store.

use crate::auth::{CachedToken, Fetch, Stale, TokenSource};
use crate::clock::{Clock, SystemClock};
use crate::store::{FetchFailure, StoredToken, TokenStore};
use crate::{Error, SecretToken};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the fetch lock lives unless released: longer than a token request normally
/// takes, short enough that a holder that died delays the others only that long.
const LOCK_TTL: Duration = Duration::from_secs(10);
/// How often a client waiting for another's fetch looks at the store.
const POLL: Duration = Duration::from_millis(20);
/// How long a client waits for others' fetches before fetching its own token (a store
/// whose lock keeps being taken by others that never put a token).
const WAIT_AT_MOST: Duration = Duration::from_secs(21);
/// How long a refused fetch is shared: longer than a waiter's poll, short enough that the next
/// caller after it tries again.
const FAILURE_TTL: Duration = Duration::from_secs(5);

/// A store and the keys of one client configuration.
pub(crate) struct SharedTokens {
    store: Arc<dyn TokenStore>,
    key: String,
    lock_key: String,
    failure_key: String,
    /// This client's name on the lock (never a secret): only it may release its lock.
    owner: String,
}

impl fmt::Debug for SharedTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedTokens")
            .field("store", &self.store)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// The store key of a client configuration: everything that makes a token differ, and no
/// secret. Each part is percent-encoded so that no two configurations share a key.
pub(crate) fn token_key(
    base_url: &str,
    client_id: &str,
    tenant_id: &str,
    scopes: Option<&str>,
) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "rizzitgo:v1:token:{}:{}:{}:{}",
        enc(base_url),
        enc(client_id),
        enc(tenant_id),
        enc(scopes.unwrap_or("*"))
    )
}

enum Looked {
    Found(CachedToken),
    Missing,
    Failed,
}

impl SharedTokens {
    pub(crate) fn new(store: Arc<dyn TokenStore>, key: String) -> Self {
        Self {
            lock_key: format!("{key}:lock"),
            failure_key: format!("{key}:failed"),
            key,
            store,
            owner: uuid::Uuid::new_v4().to_string(),
        }
    }

    /// A token from the store, or fetched by this client for the fleet while the others wait.
    /// `stale` is the token this client already has and wants replaced (due for refresh, or
    /// refused: then `refused` is set and it is deleted from the store if still there). Store
    /// failures make the client fetch its own token.
    pub(crate) async fn fetch(
        &self,
        fetch: impl FnOnce() -> Fetch,
        stale: Option<SecretToken>,
        refused: bool,
        now: impl Fn() -> Instant,
    ) -> Result<CachedToken, Error> {
        if let (true, Some(dead)) = (refused, &stale)
            && let Err(error) = self.store.delete_if(&self.key, dead).await
        {
            tracing::debug!(%error, "the refused token could not be deleted from the store");
        }
        let started = SystemClock.now();
        // Once this client found the lock taken: the id of the failure shared before it
        // began to wait (not the outcome it waits for), if any.
        let mut waited: Option<Option<String>> = None;
        loop {
            match self.look(stale.as_ref(), &now).await {
                Looked::Found(token) => return Ok(token),
                Looked::Failed => return fetch().await,
                Looked::Missing => {}
            }
            if let Some(error) = self.new_failure(waited.as_ref()).await {
                return Err(error);
            }
            match self
                .store
                .try_lock(&self.lock_key, &self.owner, LOCK_TTL)
                .await
            {
                Ok(true) => {
                    return self
                        .fetch_for_all(fetch, stale.as_ref(), &now, waited.as_ref())
                        .await;
                }
                Ok(false)
                    if SystemClock.now().saturating_duration_since(started) < WAIT_AT_MOST =>
                {
                    if waited.is_none() {
                        waited = Some(self.shared_failure().await.map(|f| f.id));
                    }
                    SystemClock.sleep(POLL).await
                }
                Ok(false) => {
                    tracing::warn!("waited too long for another client's token fetch");
                    return fetch().await;
                }
                Err(error) => {
                    tracing::debug!(%error, "token store lock failed: fetching without it");
                    return fetch().await;
                }
            }
        }
    }

    /// Holding the lock: looks once more (a fetch may have ended between the look and the
    /// lock, with a token or a failure), fetches, puts the token or shares the failure,
    /// unlocks.
    async fn fetch_for_all(
        &self,
        fetch: impl FnOnce() -> Fetch,
        stale: Option<&SecretToken>,
        now: &impl Fn() -> Instant,
        waited: Option<&Option<String>>,
    ) -> Result<CachedToken, Error> {
        let outcome = match self.look(stale, now).await {
            Looked::Found(token) => Ok(token),
            Looked::Missing | Looked::Failed => match self.new_failure(waited).await {
                Some(error) => Err(error),
                None => {
                    let outcome = fetch().await;
                    match &outcome {
                        Ok(token) => self.put(token, now()).await,
                        Err(error) => self.share_failure(error).await,
                    }
                    outcome
                }
            },
        };
        if let Err(error) = self.store.unlock(&self.lock_key, &self.owner).await {
            tracing::debug!(%error, "token store unlock failed: the lock ends by its TTL");
        }
        outcome
    }

    async fn look(&self, stale: Option<&SecretToken>, now: &impl Fn() -> Instant) -> Looked {
        match self.store.get(&self.key).await {
            Ok(Some(stored)) if Some(&stored.value) != stale => {
                let remaining = stored.remaining(SystemClock.wall());
                match CachedToken::new(stored.value, remaining, now()) {
                    Some(token) if token.usable_at(now()) => Looked::Found(token),
                    _ => Looked::Missing,
                }
            }
            Ok(_) => Looked::Missing,
            Err(error) => {
                tracing::debug!(%error, "token store read failed: fetching without it");
                Looked::Failed
            }
        }
    }

    /// Shares a fetched token until it is due for refresh (the store's TTL ends before the
    /// token does, so no client reads a token it would not send).
    async fn put(&self, token: &CachedToken, now: Instant) {
        let ttl = token.refresh_at().saturating_duration_since(now);
        if ttl.is_zero() {
            return;
        }
        let stored = StoredToken {
            value: token.value.clone(),
            expires_at: SystemClock.wall() + token.expires_at().saturating_duration_since(now),
        };
        if let Err(error) = self.store.put(&self.key, &stored, ttl).await {
            tracing::debug!(%error, "token store write failed: the token is this client's only");
        }
    }

    /// The failure shared for this configuration, if any (a store that fails has none).
    async fn shared_failure(&self) -> Option<FetchFailure> {
        self.store
            .get_failure(&self.failure_key)
            .await
            .ok()
            .flatten()
    }

    /// The error of a failure shared since this client began to wait (`waited`: the one
    /// there before), if it waited.
    async fn new_failure(&self, waited: Option<&Option<String>>) -> Option<Error> {
        let before = waited?;
        let failure = self.shared_failure().await?;
        if Some(&failure.id) == before.as_ref() {
            return None;
        }
        failure_error(&failure)
    }

    /// Shares what the gateway answered to this fetch with the clients waiting for it. Only
    /// an answer is shared: a transport failure may be this client's own.
    async fn share_failure(&self, error: &Error) {
        let Some(status) = error.status().filter(|_| error.is_api()) else {
            return;
        };
        let failure = FetchFailure {
            id: uuid::Uuid::new_v4().to_string(),
            status: status.as_u16(),
            code: error.code(),
            message: error.message().unwrap_or_default().to_owned(),
            retry_after_ms: error
                .retry_after()
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            attempts: error.attempts(),
        };
        if let Err(error) = self
            .store
            .put_failure(&self.failure_key, &failure, FAILURE_TTL)
            .await
        {
            tracing::debug!(%error, "token store write failed: the failure is not shared");
        }
    }

    /// Revocation: the token is gone for everyone.
    pub(crate) async fn forget(&self, token: &SecretToken) {
        if let Err(error) = self.store.delete_if(&self.key, token).await {
            tracing::debug!(%error, "the revoked token could not be deleted from the store");
        }
    }
}

/// A token source behind a shared store: the store's token when it has a usable one, else
/// one fetch by the inner source for the whole fleet (a decorator of the token endpoint).
pub(crate) struct SharedSource {
    inner: Arc<dyn TokenSource>,
    tokens: Arc<SharedTokens>,
    clock: Arc<dyn Clock>,
}

impl SharedSource {
    pub(crate) fn new(
        inner: Arc<dyn TokenSource>,
        tokens: SharedTokens,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            inner,
            tokens: Arc::new(tokens),
            clock,
        }
    }
}

impl fmt::Debug for SharedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedSource")
            .field("tokens", &self.tokens)
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl TokenSource for SharedSource {
    fn fetch(&self, stale: Stale) -> Fetch {
        let (inner, tokens, clock) = (
            Arc::clone(&self.inner),
            Arc::clone(&self.tokens),
            Arc::clone(&self.clock),
        );
        Box::pin(async move {
            let fetch = || inner.fetch(Stale::default());
            tokens
                .fetch(fetch, stale.token, stale.refused, || clock.now())
                .await
        })
    }

    fn forget<'a>(
        &'a self,
        token: &'a SecretToken,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>> {
        Box::pin(self.tokens.forget(token))
    }
}

/// The error a shared failure stands for: the gateway's answer to the token request.
fn failure_error(failure: &FetchFailure) -> Option<Error> {
    let operation = crate::generated::ops::ISSUE_TOKEN;
    let status = reqwest::StatusCode::from_u16(failure.status).ok()?;
    Some(Error::shared_failure(
        operation,
        status,
        failure.code,
        failure.message.clone(),
        failure.retry_after_ms.map(Duration::from_millis),
        failure.attempts,
    ))
}

#[cfg(test)]
mod tests {
    use super::token_key;

    #[test]
    fn keys_name_the_configuration_and_keep_parts_apart() {
        let key = token_key("http://127.0.0.1:1", "a:b", "1", Some("x y"));
        assert_eq!(
            key,
            "rizzitgo:v1:token:http%3A%2F%2F127.0.0.1%3A1:a%3Ab:1:x+y"
        );
        assert_ne!(
            token_key("u", "a", "b:c", None),
            token_key("u", "a:b", "c", None)
        );
    }
}
