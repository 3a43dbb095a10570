//! The one `ClientHooks` impl: every cross-cutting concern of a request lives here
//! (tenant-id and credentials injection, the token cache, the send itself).

use crate::Operation;
use crate::call::CallContext;
use crate::generated::raw;
use crate::operation::Auth;
use crate::token_cache::{Fetch, TokenCache};
use crate::token_endpoint::fetch_token;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};
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
        let auth = match Operation::find(info.operation_id) {
            Some(op) => op.auth,
            None => Auth::Bearer,
        };
        let authorization = match auth {
            Auth::Basic => shared.basic.clone(),
            Auth::Bearer => {
                let fetch = || -> Fetch<'_> {
                    Box::pin(fetch_token(self.client(), self.baseurl(), shared))
                };
                match shared.tokens.get(fetch).await {
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
                }
            }
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
        let started = std::time::Instant::now();
        let response = self.client().execute(request).await.inspect_err(|error| {
            tracing::debug!(operation = info.operation_id, %error, "request failed");
        })?;
        // The body is read here, once, so that the call knows the status and body of a
        // response that fails to decode (and, next, so that retries can look at `code`).
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
        if let Some(context) = CallContext::current() {
            context.record_response(status, &headers, &body);
        }
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(reqwest::Response::from(rebuilt))
    }
}
