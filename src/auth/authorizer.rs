//! The auth step of an attempt: the `Authorization` header it sends, from what the operation
//! authenticates with. It keeps the token it sent, so that a refused one (401) is the one
//! replaced before the replay.

use super::TokenCache;
use crate::Error;
use crate::clock::{Clock, within};
use reqwest::header::HeaderValue;
use std::time::Duration;

/// Where an attempt's `Authorization` comes from.
pub(crate) enum Authorizer<'a> {
    /// HTTP Basic with the client's credentials (the token endpoints).
    Basic(&'a HeaderValue),
    /// A Bearer token from the client's cache; `sent` is the one the last attempt carried.
    Bearer {
        tokens: &'a TokenCache,
        sent: Option<HeaderValue>,
    },
}

impl<'a> Authorizer<'a> {
    /// A Bearer authorizer drawing from `tokens`.
    pub(crate) fn bearer(tokens: &'a TokenCache) -> Self {
        Self::Bearer { tokens, sent: None }
    }

    /// The header of the next attempt, within `left`; `None` when the deadline ran out first.
    /// `replay`: the gateway refused the last token, which is forgotten first (unless another
    /// caller replaced it meanwhile).
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
