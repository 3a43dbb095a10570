//! OAuth2 client credentials: the token and revoke endpoints, and the Bearer check of business
//! calls.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hyper::HeaderMap;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::envelope::ApiError;
use crate::issued_tokens::TokenRecord;
use crate::seed::messages;
use crate::state::{App, GatewayState, lock};

/// The authenticated caller of a business endpoint.
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    pub(crate) client_id: String,
    pub(crate) scopes: Vec<String>,
}

impl Caller {
    /// 403 unless the token carries `scope`.
    pub(crate) fn require(&self, scope: &str) -> Result<(), ApiError> {
        if self.scopes.iter().any(|s| s == scope) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "Insufficient scope: this endpoint requires {scope}"
            )))
        }
    }
}

/// `POST /open-api/system/oauth2/token`.
pub(crate) fn issue_token(
    shared: &GatewayState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, ApiError> {
    let (app, tenant) = authenticate_client(shared, headers)?;
    let form = form_params(headers, body);
    match param(&form, "grant_type") {
        None => return Err(ApiError::bad_request("grant_type is required")),
        Some("client_credentials") => {}
        Some(_) => return Err(ApiError::bad_request(messages::UNSUPPORTED_GRANT)),
    }
    let requested: Vec<String> = param(&form, "scope")
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let scopes = if requested.is_empty() {
        app.scopes.clone()
    } else {
        let over: Vec<&str> = requested
            .iter()
            .filter(|s| !app.scopes.contains(s))
            .map(String::as_str)
            .collect();
        if !over.is_empty() {
            return Err(ApiError::bad_request(format!(
                "scope exceeds the scopes granted to the application: {}",
                over.join(" ")
            )));
        }
        let mut unique: Vec<String> = Vec::new();
        for s in requested {
            if !unique.contains(&s) {
                unique.push(s);
            }
        }
        unique
    };
    let token = random_token();
    let record = TokenRecord {
        client_id: app.client_id.clone(),
        tenant_id: tenant,
        scopes: scopes.clone(),
        expires_at: shared.clock.now() + shared.token_ttl,
        revoked: false,
    };
    lock(&shared.tokens).insert(token.clone(), record);
    Ok(json!({
        "access_token": token,
        "refresh_token": "",
        "token_type": "Bearer",
        "expires_in": shared.token_ttl.as_secs(),
        "scope": scopes.join(" "),
    }))
}

/// `POST /open-api/system/oauth2/token/revoke`: `data` is true when a live token of this
/// client was revoked, false otherwise (unknown, already revoked, or another client's).
pub(crate) fn revoke_token(
    shared: &GatewayState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, ApiError> {
    let (app, _) = authenticate_client(shared, headers)?;
    let form = form_params(headers, body);
    let Some(token) = param(&form, "token") else {
        return Err(ApiError::bad_request("token is required"));
    };
    let revoked = lock(&shared.tokens).revoke(token, &app.client_id);
    Ok(Value::Bool(revoked))
}

/// Checks the Bearer token and the tenant of a business call.
pub(crate) fn authenticate_bearer(
    shared: &GatewayState,
    headers: &HeaderMap,
) -> Result<Caller, ApiError> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::unauthorized(
                "Access token missing: send Authorization: Bearer {access_token}",
            )
        })?;
    let record = lock(&shared.tokens)
        .get(token)
        .ok_or_else(|| ApiError::unauthorized("Access token invalid"))?;
    if record.revoked {
        return Err(ApiError::unauthorized("Access token revoked"));
    }
    if shared.clock.now() >= record.expires_at {
        return Err(ApiError::unauthorized("Access token expired"));
    }
    // Like upstream, the tenant is checked after authentication.
    let tenant = tenant_header(headers)?;
    if tenant != record.tenant_id {
        return Err(ApiError::forbidden(
            "No permission to access this tenant: tenant-id differs from the token's tenant",
        ));
    }
    Ok(Caller {
        client_id: record.client_id,
        scopes: record.scopes,
    })
}

/// The `tenant-id` header: required, numeric (tenant ids are numbers upstream).
fn tenant_header(headers: &HeaderMap) -> Result<String, ApiError> {
    let value = headers
        .get("tenant-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::bad_request(messages::TENANT_NOT_PASSED))?;
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request("tenant-id must be a number"));
    }
    Ok(value.to_owned())
}

/// The calling application and its tenant. Authentication comes first, as on business calls:
/// missing or wrong credentials are a 401 whatever else the request lacks; then the `tenant-id`
/// (missing → 400); an application of another tenant is as unknown as a wrong secret (client
/// lookup is tenant-scoped), so 401.
fn authenticate_client<'a>(
    shared: &'a GatewayState,
    headers: &HeaderMap,
) -> Result<(&'a App, String), ApiError> {
    let (id, secret) = basic_credentials(headers).ok_or_else(|| {
        ApiError::unauthorized(
            "Client authentication failed: send Authorization: Basic base64(clientId:clientSecret)",
        )
    })?;
    let invalid = || ApiError::unauthorized("Invalid client credentials");
    let app = shared
        .app(&id)
        .filter(|a| a.client_secret == secret)
        .ok_or_else(invalid)?;
    let tenant = tenant_header(headers)?;
    if tenant != app.tenant_id {
        return Err(invalid());
    }
    Ok((app, tenant))
}

/// `Basic base64(id:secret)`, split at the first ':' (a secret may contain ':').
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    (!id.is_empty() && !secret.is_empty()).then(|| (id.to_owned(), secret.to_owned()))
}

/// Form parameters of the body, unless the body is declared as something else.
fn form_params(headers: &HeaderMap, body: &[u8]) -> Vec<(String, String)> {
    let declared = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/x-www-form-urlencoded");
    if !declared
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
    {
        return Vec::new();
    }
    form_urlencoded::parse(body).into_owned().collect()
}

/// The first non-empty value of a form parameter.
fn param<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// An opaque 32-char lowercase hex token (not a JWT, like upstream). `RandomState` gives
/// per-instance random SipHash keys, enough for a mock without a `rand` dependency.
fn random_token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::with_capacity(32);
    for _ in 0..2 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_32_lowercase_hex_and_distinct() {
        let a = random_token();
        let b = random_token();
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
        assert_ne!(a, b);
    }

    #[test]
    fn basic_splits_at_first_colon() {
        let mut h = HeaderMap::new();
        let v = format!("Basic {}", STANDARD.encode("id:se:cret"));
        h.insert(AUTHORIZATION, v.parse().unwrap());
        assert_eq!(
            basic_credentials(&h),
            Some(("id".to_owned(), "se:cret".to_owned()))
        );
    }
}
