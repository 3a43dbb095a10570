//! Authentication: the access token a call sends, where it comes from and how it is kept.
//!
//! [`TokenCache`] holds one token per client and knows only a [`TokenSource`]: the token
//! endpoint ([`TokenEndpoint`]), or the same wrapped by a shared store in fleet mode
//! ([`SharedSource`]). Fetches run in their own task, so a caller that gives up never cancels
//! the fetch the others wait for.

mod cache;
mod endpoint;
mod issued;
mod token;

pub(crate) use cache::{Authorizer, TokenCache};
pub(crate) use endpoint::TokenEndpoint;
pub use issued::IssuedToken;
pub(crate) use token::CachedToken;

use crate::{Error, SecretToken};
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// A token fetch in flight.
pub(crate) type Fetch = Pin<Box<dyn Future<Output = Result<CachedToken, Error>> + Send + 'static>>;

/// The token a fetch replaces.
#[derive(Clone, Debug, Default)]
pub(crate) struct Stale {
    /// The token the cache holds now, if any (due for refresh, or refused).
    pub(crate) token: Option<SecretToken>,
    /// The gateway refused it (401): it must not come back from a store.
    pub(crate) refused: bool,
}

/// Where new tokens come from.
pub(crate) trait TokenSource: Send + Sync + fmt::Debug {
    /// Fetches a new token to replace `stale`. The future owns what it needs: it runs in a
    /// task of its own.
    fn fetch(&self, stale: Stale) -> Fetch;

    /// Forgets a revoked token wherever the source keeps tokens. The default keeps none.
    fn forget<'a>(
        &'a self,
        token: &'a SecretToken,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        let _ = token;
        Box::pin(std::future::ready(()))
    }
}
