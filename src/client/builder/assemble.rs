//! Assembling a client from its settings, one part at a time: who it is (credentials and
//! their headers), how it sends (the HTTP client and its headers), the runtime (retries,
//! limits, metrics), where its tokens come from (the endpoint, or a shared store wrapping it)
//! and its call layers. Every check names the setting it refuses.

use super::{ClientBuilder, SDK_USER_AGENT, env_vars};
use crate::auth::{TokenCache, TokenEndpoint, TokenSource};
use crate::coordination::shared_tokens::{SharedSource, SharedTokens, token_key};
use crate::layers::{Layers, ResponseCache, SharedTier};
use crate::limiter::{LocalRateLimiter, Pacing, RateLimiter};
use crate::metrics::Metrics;
use crate::retry::RetryBudget;
use crate::runtime::Runtime;
use crate::store::TokenStore;
use crate::{Client, Error};
use base64::Engine;
use reqwest::header::{HeaderName, HeaderValue};
use secrecy::ExposeSecret;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// Who the client is: what every request says of it.
struct Identity {
    base_url: String,
    client_id: String,
    tenant_id: String,
    /// `Basic base64(clientId:clientSecret)`, marked sensitive.
    basic: HeaderValue,
    tenant: HeaderValue,
    /// The scopes the token request asks for (all granted when `None`).
    scopes: Option<String>,
}

/// What the client shares beyond itself, when anything.
struct Coordination {
    store: Option<Arc<dyn TokenStore>>,
    limiter: Option<Arc<dyn RateLimiter>>,
    pacing: Option<Arc<Pacing>>,
}

/// The client of `builder`'s settings.
pub(super) fn client(builder: ClientBuilder) -> Result<Client, Error> {
    let identity = identity(&builder)?;
    builder.retry_policy.validate()?;
    if builder.max_response_bytes == 0 {
        return Err(Error::config("max_response_bytes must be at least 1"));
    }
    let Coordination {
        store,
        limiter,
        pacing,
    } = coordination(&builder, &identity)?;
    // Without a meter of its own, the client follows the global provider, whenever it is set.
    #[cfg(feature = "opentelemetry")]
    let metrics = {
        let url = reqwest::Url::parse(&identity.base_url)
            .map_err(|e| Error::config(format!("base_url is not a URL: {e}")))?;
        Metrics::new(builder.meter.as_ref(), &url)
    };
    #[cfg(not(feature = "opentelemetry"))]
    let metrics = Metrics;
    let runtime = Arc::new(Runtime {
        urls: Runtime::urls(&identity.base_url)?,
        http: match builder.http_client.clone() {
            Some(client) => client,
            None => http_client(builder.timeout, builder.connect_timeout)?,
        },
        base_url: identity.base_url.clone(),
        basic: identity.basic.clone(),
        tenant: identity.tenant.clone(),
        user_agent: user_agent(builder.user_agent_suffix.as_deref())?,
        correlation_header: correlation_header(builder.correlation_header.as_deref())?,
        metrics,
        scopes: identity.scopes.clone(),
        budget: RetryBudget::new(builder.retry_policy.budget()),
        policy: builder.retry_policy.clone(),
        clock: Arc::clone(&builder.clock),
        limiter,
        pacing,
        priority: builder.priority,
        max_response_bytes: builder.max_response_bytes,
    });
    let tokens = TokenCache::new(
        token_source(&builder, &identity, &runtime, store),
        Arc::clone(&builder.clock),
    );
    let layers = layers(&builder, &identity)?;
    #[cfg(feature = "opentelemetry")]
    if let Some(cache) = &layers.cache {
        runtime.metrics.observe_cache(builder.meter.as_ref(), cache);
    }
    #[cfg(feature = "opentelemetry")]
    if let Some(pacing) = &runtime.pacing {
        runtime
            .metrics
            .observe_pacing(builder.meter.as_ref(), pacing);
    }
    Ok(Client::new(
        identity.client_id,
        identity.tenant_id,
        runtime,
        tokens,
        layers,
    ))
}

/// The base URL and the credentials, checked, with the headers they make.
fn identity(builder: &ClientBuilder) -> Result<Identity, Error> {
    let base_url = builder.environment.validated_base_url()?;
    let https = base_url.starts_with("https:");
    if https && !crate::client::tls::AVAILABLE && builder.http_client.is_none() {
        return Err(Error::config(
            "base_url is https but this build has no TLS: enable the `rustls` (default), \
             `rustls-ring` or `native-tls` feature of rizzitgo-open-api",
        ));
    }
    let client_id = required(builder.client_id.clone(), "client_id", env_vars::CLIENT_ID)?;
    if client_id.contains(':') {
        // The gateway splits Basic credentials at the first ':'.
        return Err(Error::config("client_id must not contain ':'"));
    }
    let secret = builder
        .client_secret
        .as_ref()
        .filter(|secret| !secret.expose_secret().is_empty())
        .ok_or_else(|| missing("client_secret", env_vars::CLIENT_SECRET))?;
    let tenant_id = required(builder.tenant_id.clone(), "tenant_id", env_vars::TENANT_ID)?;
    let tenant = HeaderValue::try_from(tenant_id.as_str())
        .map_err(|_| Error::config("tenant_id is not a valid header value"))?;
    // Exactly as the guide shows: the raw values joined by ':', no URL-encoding first.
    let encoded = base64::engine::general_purpose::STANDARD
        .encode(format!("{client_id}:{}", secret.expose_secret()));
    let mut basic = HeaderValue::try_from(format!("Basic {encoded}"))
        .map_err(|_| Error::config("client credentials are not a valid header value"))?;
    basic.set_sensitive(true);
    let scopes = match &builder.scopes {
        Some(scopes)
            if scopes
                .iter()
                .any(|s| s.trim().is_empty() || s.contains(char::is_whitespace)) =>
        {
            return Err(Error::config(
                "scopes must be non-empty and contain no spaces",
            ));
        }
        Some(scopes) if !scopes.is_empty() => Some(scopes.join(" ")),
        _ => None,
    };
    Ok(Identity {
        base_url,
        client_id,
        tenant_id,
        basic,
        tenant,
        scopes,
    })
}

/// What the client shares beyond itself: the token store and the rate limiter (the fleet's,
/// unless given their own; else the local limit), and how it paces to a learned rate.
#[cfg_attr(not(feature = "redis"), allow(unused_variables))]
fn coordination(builder: &ClientBuilder, identity: &Identity) -> Result<Coordination, Error> {
    let requests_per_second = match builder.max_requests_per_second {
        None => None,
        Some(n) => Some(
            NonZeroU32::new(n)
                .ok_or_else(|| Error::config("max_requests_per_second must be at least 1"))?,
        ),
    };
    let share = builder.lane_share;
    if !(share > 0.0 && share <= 0.5) {
        return Err(Error::config(format!(
            "lane_share must be more than 0 and at most 0.5, not {share}"
        )));
    }
    let own = requests_per_second.map(NonZeroU32::get);
    // The fleet's limiter, unless the client was given its own: its limit is the ceiling, and
    // it paces to the fleet's learned rate.
    #[cfg(feature = "redis")]
    let fleet = builder
        .fleet
        .as_ref()
        .filter(|_| builder.rate_limiter.is_none());
    #[cfg(feature = "redis")]
    let (ceiling, shared) = match fleet {
        Some(fleet) => (fleet.limit().or(own), true),
        None => (own, false),
    };
    #[cfg(not(feature = "redis"))]
    let (ceiling, shared) = (own, false);
    // On by default when the quota is known by no limit.
    let pacing = builder
        .adaptive_pacing
        .unwrap_or(ceiling.is_none() && builder.rate_limiter.is_none())
        .then(|| Arc::new(Pacing::new(ceiling.map(f64::from), share, shared)));
    #[allow(unused_mut)] // changed by fleet mode only
    let (mut store, mut limiter) = (builder.token_store.clone(), builder.rate_limiter.clone());
    #[cfg(feature = "redis")]
    {
        if let Some(fleet) = &builder.fleet {
            store = store.or_else(|| Some(fleet.token_store()));
        }
        if let Some(fleet) = fleet {
            limiter = fleet.rate_limiter(
                &identity.base_url,
                &identity.client_id,
                requests_per_second,
                pacing.clone(),
            )?;
        }
    }
    let local = requests_per_second
        .map(|n| Arc::new(LocalRateLimiter::with_share(n, share)) as Arc<dyn RateLimiter>);
    Ok(Coordination {
        store,
        limiter: limiter.or(local),
        pacing,
    })
}

/// The token endpoint, wrapped by the shared store in fleet mode: the cache knows a source.
fn token_source(
    builder: &ClientBuilder,
    identity: &Identity,
    runtime: &Arc<Runtime>,
    store: Option<Arc<dyn TokenStore>>,
) -> Arc<dyn TokenSource> {
    let endpoint: Arc<dyn TokenSource> = Arc::new(TokenEndpoint::new(Arc::clone(runtime)));
    match store {
        Some(store) => Arc::new(SharedSource::new(
            endpoint,
            SharedTokens::new(store, cache_key(identity, ":token:")),
            Arc::clone(&builder.clock),
        )),
        None => endpoint,
    }
}

/// The call layers: coalescing unless switched off, the response cache when configured (its
/// tier shared through Redis in fleet mode, under this client's keys).
#[cfg_attr(not(feature = "redis"), allow(unused_variables))]
fn layers(builder: &ClientBuilder, identity: &Identity) -> Result<Layers, Error> {
    #[allow(unused_mut)]
    let mut shared: Option<(Arc<dyn SharedTier>, String)> = None;
    #[cfg(feature = "redis")]
    if let Some(fleet) = &builder.fleet {
        shared = Some((fleet.cache_tier(), cache_key(identity, ":cache:")));
    }
    let cache = match &builder.cache {
        Some(config) => Some(Arc::new(ResponseCache::new(
            config,
            Arc::clone(&builder.clock),
            shared,
        )?)),
        None => None,
    };
    Ok(Layers {
        coalescer: builder.coalescing.then(Default::default),
        cache,
    })
}

/// The key of this client's shared values of `kind` (`:token:`, `:cache:`): base URL,
/// clientId, tenant and scopes, never the secret.
fn cache_key(identity: &Identity, kind: &str) -> String {
    token_key(
        &identity.base_url,
        &identity.client_id,
        &identity.tenant_id,
        identity.scopes.as_deref(),
    )
    .replacen(":token:", kind, 1)
}

fn user_agent(suffix: Option<&str>) -> Result<HeaderValue, Error> {
    match suffix {
        None => Ok(HeaderValue::from_static(SDK_USER_AGENT)),
        Some(suffix) => HeaderValue::try_from(format!("{SDK_USER_AGENT} {}", suffix.trim()))
            .map_err(|_| Error::config("user_agent_suffix is not a valid header value")),
    }
}

fn correlation_header(name: Option<&str>) -> Result<Option<HeaderName>, Error> {
    name.map(|name| {
        HeaderName::try_from(name).map_err(|_| {
            Error::config(format!(
                "correlation_header `{name}` is not a valid header name"
            ))
        })
    })
    .transpose()
}

fn missing(field: &str, var: &str) -> Error {
    Error::config(format!(
        "{field} is required (set it on the builder or in {var})"
    ))
}

fn required(value: Option<String>, field: &str, var: &str) -> Result<String, Error> {
    value
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| missing(field, var))
}

fn http_client(timeout: Duration, connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    let builder = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(connect_timeout)
        // A redirect would re-send tenant-id (and, on the same host, the token) wherever it
        // points: a 3xx is returned as an error naming its Location instead.
        .redirect(reqwest::redirect::Policy::none());
    crate::client::tls::configure(builder)?
        .build()
        .map_err(|e| Error::config(format!("the HTTP client could not be built: {e}")))
}
