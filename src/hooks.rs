//! The one `ClientHooks` impl: every cross-cutting concern of a request lives here
//! (tenant-id and credentials injection, the token cache, idempotency keys, the send and its
//! retries).

use crate::call::CallContext;
use crate::generated::raw;
use crate::operation::{Auth, Retry};
use crate::retry::{Resend, Retrier, Sent};
use crate::token_cache::{CachedToken, Fetch, TokenCache};
use crate::token_endpoint::fetch_token;
use crate::transport::{self, Buffered};
use crate::{Error, Operation, idempotency};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{StatusCode, Version};
use std::fmt;
use std::sync::Arc;
use tracing::Instrument;

pub(crate) static TENANT_ID: HeaderName = HeaderName::from_static("tenant-id");
/// progenitor adds it to every request; the guide defines no such header.
static API_VERSION: HeaderName = HeaderName::from_static("api-version");
const SDK_USER_AGENT: &str = concat!("rizzitgo-open-api-rust/", env!("CARGO_PKG_VERSION"));

/// The state the generated client carries (its "inner" value). Cheap to clone.
#[derive(Clone)]
pub(crate) struct Hooks(pub(crate) Arc<Shared>);

pub(crate) struct Shared {
    pub(crate) client_id: String,
    pub(crate) tenant_id: String,
    pub(crate) scopes: Option<String>,
    /// `Basic base64(clientId:clientSecret)`, marked sensitive.
    pub(crate) basic: HeaderValue,
    pub(crate) tenant: HeaderValue,
    pub(crate) tokens: TokenCache,
    pub(crate) retrier: Retrier,
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("client_id", &self.0.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("tenant_id", &self.0.tenant_id)
            .field("scopes", &self.0.scopes)
            .field("retrier", &self.0.retrier)
            .finish_non_exhaustive()
    }
}

/// Every generated request runs inside a call (`crate::call`); hooks reached any other way
/// refuse to send rather than send without the call's bookkeeping.
fn no_call<E>() -> progenitor_client::Error<E> {
    progenitor_client::Error::Custom(
        "the request was not made through rizzitgo_open_api::Client".into(),
    )
}

impl ClientHooks<Hooks> for raw::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let shared = &self.inner().0;
        let context = CallContext::current().ok_or_else(no_call)?;
        let operation = context.operation();
        if let Retry::IdempotencyKey(field) = operation.retry {
            context.set_request_id(idempotency::ensure_key(request, field));
        }
        let authorization = match operation.auth {
            Auth::Basic => shared.basic.clone(),
            Auth::Bearer => match token(self).await {
                Ok(token) => token.header.clone(),
                Err(error) => {
                    // Hooks cannot return the SDK's error: the call picks it up here.
                    context.fail(error);
                    return Err(progenitor_client::Error::Custom(
                        "no access token could be obtained".into(),
                    ));
                }
            },
        };
        let headers = request.headers_mut();
        headers.remove(&API_VERSION);
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(TENANT_ID.clone(), shared.tenant.clone());
        headers.insert(USER_AGENT, HeaderValue::from_static(SDK_USER_AGENT));
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let shared = &self.inner().0;
        let Some(context) = CallContext::current() else {
            return self.client().execute(request).await;
        };
        let operation = context.operation();
        // An operation made safe by its idempotency key is repeated only with the key.
        let retry = match operation.retry {
            Retry::IdempotencyKey(_) if context.request_id().is_none() => Retry::Never,
            retry => retry,
        };
        let mut used = request.headers().get(AUTHORIZATION).cloned();
        let mut template = Some(request);
        let mut attempts = shared.retrier.attempts(operation, retry);
        let report = loop {
            let resend = attempts.next().await;
            let sent = self
                .attempt(resend, operation, &mut template, &mut used)
                .instrument(resend.span())
                .await;
            if let Some(report) = attempts.after(sent).await {
                break report;
            }
        };
        context.record_attempts(report.attempts, report.resent_after_doubt);
        match report.sent {
            Sent::Response(response) => {
                context.record_response(response.status, &response.headers, &response.body);
                Ok(response.into_reqwest())
            }
            Sent::Transport(error) => Err(error),
            Sent::Local(error) => {
                context.fail(error);
                // Not read: the call reports the failure recorded above.
                Ok(Buffered {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    version: Version::HTTP_11,
                    headers: HeaderMap::new(),
                    body: Default::default(),
                    url: None,
                }
                .into_reqwest())
            }
        }
    }
}

impl raw::Client {
    /// Sends one attempt of a call: a copy of the request, with a fresh look at the token
    /// cache for every attempt after the first (a wait may have outlived the token).
    async fn attempt(
        &self,
        resend: Resend,
        operation: &'static Operation,
        template: &mut Option<reqwest::Request>,
        used: &mut Option<HeaderValue>,
    ) -> Sent {
        let Some(mut request) = next_request(template) else {
            return Sent::Local(Error::invalid_request(
                Some(operation),
                "the request body cannot be sent twice",
            ));
        };
        if operation.auth == Auth::Bearer && resend.attempt > 1 {
            if let (true, Some(refused)) = (resend.after_unauthorized, used.as_ref()) {
                // A 401 proved this token dead (the gateway may drop tokens early).
                self.inner().0.tokens.invalidate(refused);
            }
            match token(self).await {
                Ok(token) => {
                    request
                        .headers_mut()
                        .insert(AUTHORIZATION, token.header.clone());
                    *used = Some(token.header.clone());
                }
                Err(error) => return Sent::Local(error),
            }
        }
        match transport::send(self.client(), request, operation).await {
            Ok(response) => Sent::Response(response),
            Err(error) => Sent::Transport(error),
        }
    }
}

/// The request for the next attempt: a copy while more may follow, else the original.
fn next_request(template: &mut Option<reqwest::Request>) -> Option<reqwest::Request> {
    match template.as_ref().and_then(reqwest::Request::try_clone) {
        Some(copy) => Some(copy),
        None => template.take(),
    }
}

/// A token that may be sent now (cached, or fetched by one caller for all waiting ones).
async fn token(client: &raw::Client) -> Result<Arc<CachedToken>, Error> {
    let shared = &client.inner().0;
    let fetch =
        || -> Fetch<'_> { Box::pin(fetch_token(client.client(), client.baseurl(), shared)) };
    shared.tokens.get(fetch).await
}
