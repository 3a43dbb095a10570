//! The one `ClientHooks` impl: every cross-cutting concern of a request lives here
//! (tenant-id and credentials injection, the token cache, the send itself).

use crate::Operation;
use crate::call::CallContext;
use crate::generated::raw;
use crate::operation::Auth;
use crate::token_cache::{CachedToken, Fetch, TokenCache};
use crate::token_endpoint::fetch_token;
use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{StatusCode, Version};
use std::fmt;
use std::sync::Arc;

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
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("client_id", &self.0.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("tenant_id", &self.0.tenant_id)
            .field("scopes", &self.0.scopes)
            .finish_non_exhaustive()
    }
}

impl ClientHooks<Hooks> for raw::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let shared = &self.inner().0;
        let authorization = match auth_of(info) {
            Auth::Basic => shared.basic.clone(),
            Auth::Bearer => match token(self).await {
                Ok(token) => token.header.clone(),
                Err(error) => {
                    // Hooks cannot return the SDK's error: the call picks it up here.
                    if let Some(context) = CallContext::current() {
                        context.fail(error);
                    }
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
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        // A 401 means the gateway refused the token before doing anything: forget that token
        // and replay once with a new one (the gateway may drop tokens before their expiry).
        let replay = match auth_of(info) {
            Auth::Bearer => request.try_clone(),
            Auth::Basic => None,
        };
        let used = request.headers().get(AUTHORIZATION).cloned();
        let mut response = send_buffered(self, request, info).await?;
        if let (Some(mut replay), Some(used), true) = (replay, used, response.is_unauthorized()) {
            let shared = &self.inner().0;
            shared.tokens.invalidate(&used);
            match token(self).await {
                Ok(token) => {
                    tracing::debug!(
                        operation = info.operation_id,
                        "401: replaying with a new token"
                    );
                    replay
                        .headers_mut()
                        .insert(AUTHORIZATION, token.header.clone());
                    response = send_buffered(self, replay, info).await?;
                }
                Err(error) => {
                    tracing::debug!(operation = info.operation_id, %error, "401: no new token");
                }
            }
        }
        if let Some(context) = CallContext::current() {
            context.record_response(response.status, &response.headers, &response.body);
        }
        Ok(response.into_reqwest())
    }
}

fn auth_of(info: &OperationInfo) -> Auth {
    Operation::find(info.operation_id).map_or(Auth::Bearer, |op| op.auth)
}

/// A token that may be sent now (cached, or fetched by this caller alone).
async fn token(client: &raw::Client) -> Result<Arc<CachedToken>, crate::Error> {
    let shared = &client.inner().0;
    let fetch =
        || -> Fetch<'_> { Box::pin(fetch_token(client.client(), client.baseurl(), shared)) };
    shared.tokens.get(fetch).await
}

/// Sends and reads the whole body: the call needs the status and body of a response that fails
/// to decode, and a 401 can hide in the body of an HTTP 200.
async fn send_buffered(
    client: &raw::Client,
    request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<Buffered> {
    let started = std::time::Instant::now();
    let response = client
        .client()
        .execute(request)
        .await
        .inspect_err(|error| {
            tracing::debug!(operation = info.operation_id, %error, "request failed");
        })?;
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    tracing::debug!(
        operation = info.operation_id,
        status = status.as_u16(),
        bytes = body.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "response"
    );
    Ok(Buffered {
        status,
        version,
        headers,
        body,
    })
}

/// A response read to the end.
struct Buffered {
    status: StatusCode,
    version: Version,
    headers: HeaderMap,
    body: Bytes,
}

impl Buffered {
    /// HTTP 401, or the gateway's code 401 in the body (its framework answers HTTP 200).
    fn is_unauthorized(&self) -> bool {
        #[derive(serde::Deserialize)]
        struct Code {
            code: i64,
        }
        self.status == StatusCode::UNAUTHORIZED
            || serde_json::from_slice::<Code>(&self.body).is_ok_and(|c| c.code == 401)
    }

    fn into_reqwest(self) -> reqwest::Response {
        let mut response = http::Response::new(self.body);
        *response.status_mut() = self.status;
        *response.version_mut() = self.version;
        *response.headers_mut() = self.headers;
        reqwest::Response::from(response)
    }
}
