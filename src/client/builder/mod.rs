//! Configuring a [`Client`]: credentials, environment, timeouts.

mod assemble;

use super::Environment;
use crate::clock::{Clock, SystemClock};
use crate::limiter::RateLimiter;
use crate::retry::RetryPolicy;
use crate::store::TokenStore;
use crate::{Client, Error};
use secrecy::SecretString;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Builds a [`Client`]. Every setter can also come from `RIZZITGO_*` variables
/// ([`ClientBuilder::from_env`]).
#[derive(Clone)]
pub struct ClientBuilder {
    environment: Environment,
    tenant_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    scopes: Option<Vec<String>>,
    timeout: Duration,
    connect_timeout: Duration,
    clock: Arc<dyn Clock>,
    http_client: Option<reqwest::Client>,
    retry_policy: RetryPolicy,
    max_requests_per_second: Option<u32>,
    max_response_bytes: usize,
    user_agent_suffix: Option<String>,
    correlation_header: Option<String>,
    #[cfg(feature = "opentelemetry")]
    meter: Option<opentelemetry::metrics::Meter>,
    token_store: Option<Arc<dyn TokenStore>>,
    rate_limiter: Option<Arc<dyn RateLimiter>>,
    #[cfg(feature = "redis")]
    fleet: Option<crate::fleet::RedisFleet>,
    coalescing: bool,
    cache: Option<crate::layers::CacheConfig>,
    priority: crate::limiter::Priority,
    lane_share: f64,
    adaptive_pacing: Option<bool>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            environment: Environment::Production,
            tenant_id: None,
            client_id: None,
            client_secret: None,
            scopes: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            clock: Arc::new(SystemClock),
            http_client: None,
            retry_policy: RetryPolicy::standard(),
            max_requests_per_second: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent_suffix: None,
            correlation_header: Some(DEFAULT_CORRELATION_HEADER.to_owned()),
            #[cfg(feature = "opentelemetry")]
            meter: None,
            token_store: None,
            rate_limiter: None,
            #[cfg(feature = "redis")]
            fleet: None,
            coalescing: true,
            cache: None,
            priority: crate::limiter::Priority::Normal,
            lane_share: crate::limiter::DEFAULT_LANE_SHARE,
            adaptive_pacing: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .field("scopes", &self.scopes)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry_policy", &self.retry_policy)
            .field("max_requests_per_second", &self.max_requests_per_second)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("correlation_header", &self.correlation_header)
            .field("token_store", &self.token_store)
            .field("rate_limiter", &self.rate_limiter)
            .field("priority", &self.priority)
            .field("lane_share", &self.lane_share)
            .field("adaptive_pacing", &self.adaptive_pacing)
            .finish_non_exhaustive()
    }
}

/// The largest response body read by default: the largest answer of the guide (a page of 100
/// QC records with their images) is a few hundred KiB.
const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// The header that carries each call's correlation id unless configured otherwise.
const DEFAULT_CORRELATION_HEADER: &str = "x-request-id";
/// The SDK's own `User-Agent`.
const SDK_USER_AGENT: &str = concat!("rizzitgo-open-api-rust/", env!("CARGO_PKG_VERSION"));

/// The variables [`ClientBuilder::from_env`] reads.
pub mod env_vars {
    /// The application's client id.
    pub const CLIENT_ID: &str = "RIZZITGO_CLIENT_ID";
    /// The application's client secret.
    pub const CLIENT_SECRET: &str = "RIZZITGO_CLIENT_SECRET";
    /// The tenant id.
    pub const TENANT_ID: &str = "RIZZITGO_TENANT_ID";
    /// `production` (default), `sandbox`, or a base URL.
    pub const ENVIRONMENT: &str = "RIZZITGO_ENVIRONMENT";
    /// Space-separated scopes to request (default: all granted).
    pub const SCOPES: &str = "RIZZITGO_SCOPES";
}

impl ClientBuilder {
    /// A builder for the production gateway with no credentials yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder filled from the process environment: `RIZZITGO_CLIENT_ID`,
    /// `RIZZITGO_CLIENT_SECRET`, `RIZZITGO_TENANT_ID`, and optionally `RIZZITGO_ENVIRONMENT`
    /// (`production`, `sandbox`, or a base URL) and `RIZZITGO_SCOPES` (space-separated).
    pub fn from_env() -> Self {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup` (a config map,
    /// a secrets manager, a test).
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mut builder = Self::new();
        builder.client_id = get(env_vars::CLIENT_ID);
        builder.client_secret = get(env_vars::CLIENT_SECRET).map(SecretString::from);
        builder.tenant_id = get(env_vars::TENANT_ID);
        if let Some(environment) = get(env_vars::ENVIRONMENT) {
            builder.environment = Environment::parse(&environment);
        }
        if let Some(scopes) = get(env_vars::SCOPES) {
            builder.scopes = Some(scopes.split_whitespace().map(str::to_owned).collect());
        }
        builder
    }

    /// A builder for a running mock gateway (crate `rizzitgo-mock-gateway`): its URL and its
    /// seeded application's credentials, for tests.
    ///
    /// Needs the feature `mock-gateway` (the crate's own unit tests have it without).
    #[cfg(any(test, feature = "mock-gateway"))]
    pub fn mock(self, gateway: &rizzitgo_mock_gateway::MockGateway) -> Self {
        let credentials = gateway.credentials();
        self.base_url(gateway.url())
            .client_id(credentials.client_id)
            .client_secret(credentials.client_secret)
            .tenant_id(credentials.tenant_id)
    }

    /// The gateway to call (default [`Environment::Production`]).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// A custom base URL: https, or http on a loopback address (a local mock gateway).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.environment(Environment::Custom(url.into()))
    }

    /// The tenant id issued with the application; sent as `tenant-id` on every request.
    pub fn tenant_id(mut self, tenant_id: impl Into<String>) -> Self {
        self.tenant_id = Some(tenant_id.into());
        self
    }

    /// The application's client id.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The application's client secret. It is kept in a type that never prints.
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = Some(SecretString::from(client_secret.into()));
        self
    }

    /// The scopes to request for the token (default: all scopes granted to the application).
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// The total time one attempt may take, sending to last byte (default 30 s); a read-only
    /// call that times out is retried (see [`RetryPolicy`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time connecting may take (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How transient failures are retried (default [`RetryPolicy::standard`]: 3 attempts,
    /// backoff with full jitter, `Retry-After` honoured up to 120 s, a retry budget);
    /// [`RetryPolicy::none`] sends every call once.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// A client-side limit on business requests per second (every attempt counts), evenly
    /// spaced, shared by the client's clones: stay under the QPS agreed for the clientId
    /// instead of collecting 429s. Off by default. Calls wait for their turn, within their
    /// deadline when they have one (the request timeout starts at sending).
    pub fn max_requests_per_second(mut self, limit: u32) -> Self {
        self.max_requests_per_second = Some(limit);
        self
    }

    /// The lane every call waits in for the client-side limit unless it says otherwise
    /// ([`Call::priority`](crate::Call::priority); page walks default to
    /// [`Background`](crate::Priority::Background)). Default
    /// [`Normal`](crate::Priority::Normal). Lanes order the local limit, adaptive pacing and,
    /// in fleet mode, the fleet's limit: a higher lane is admitted first.
    pub fn priority(mut self, priority: crate::Priority) -> Self {
        self.priority = priority;
        self
    }

    /// The least share of the admissions a waiting lower lane gets while higher lanes keep the
    /// limit busy (default 0.1: every tenth admission), so that background work is never
    /// starved. More than 0 and at most 0.5; otherwise `build` fails naming `lane_share`.
    pub fn lane_share(mut self, share: f64) -> Self {
        self.lane_share = share;
        self
    }

    /// Adaptive pacing: the client learns the gateway's quota from its 429s and paces its
    /// business calls to it (CUBIC; see the guide page on the quota). On by default when no
    /// limit is configured (no [`max_requests_per_second`](Self::max_requests_per_second), no
    /// [`rate_limiter`](Self::rate_limiter), no fleet limit); `true` with a
    /// `max_requests_per_second` (in fleet mode, the fleet's limit) learns under that
    /// ceiling; `false` turns it off. In fleet mode the learned rate is the fleet's, kept in
    /// Redis beside the shared limit (`fleet` module).
    pub fn adaptive_pacing(mut self, on: bool) -> Self {
        self.adaptive_pacing = Some(on);
        self
    }

    /// Whether identical read-only calls in flight at the same time share one request (the
    /// default: `true`). Same operation, same request, same deadline, on this client or its
    /// clones: one request goes out, and each caller gets its own copy of the answer or the
    /// error ([`ServedFrom::Coalesced`](crate::ServedFrom)). A caller that is cancelled or
    /// times out does not cancel the request for the others. Never for redeem or the token
    /// endpoints, nor for a call with its own retry policy, attempt timeout or headers; one call
    /// opts out with [`Call::coalesce`](crate::Call::coalesce).
    pub fn coalescing(mut self, on: bool) -> Self {
        self.coalescing = on;
        self
    }

    /// A response cache for the successful answers of read-only operations, for the lifetime
    /// the spec gives each (off by default): see [`CacheConfig`](crate::CacheConfig). A call
    /// chooses with [`Call::cache`](crate::Call::cache).
    pub fn cache(mut self, config: crate::layers::CacheConfig) -> Self {
        self.cache = Some(config);
        self
    }

    /// The largest response body the client reads (default 4 MiB). A larger one, or one that
    /// never ends, fails the call with [`ErrorKind::Decode`](crate::ErrorKind::Decode) naming
    /// the limit as soon as it passes it (or at once, when its `Content-Length` says so), and
    /// is not retried: memory stays bounded by the limit, not by the timeout.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Appended to the SDK's `User-Agent` (`rizzitgo-open-api-rust/<version> {suffix}`): your
    /// application's name and version, e.g. `shop-sync/2.3`, so that the platform can tell
    /// your traffic apart.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// The header that carries the id the SDK generates for each call (default
    /// `X-Request-Id`; the same id on every attempt of a call, a new one for each call). It
    /// is on every result ([`ResponseMetadata::correlation_id`](crate::ResponseMetadata::correlation_id)),
    /// error ([`Error::correlation_id`]) and log line, so that a call can be quoted to support.
    /// The guide documents no such header yet: the gateway may ignore it.
    pub fn correlation_header(mut self, name: impl Into<String>) -> Self {
        self.correlation_header = Some(name.into());
        self
    }

    /// Sends no correlation header (calls have no correlation id).
    pub fn without_correlation_header(mut self) -> Self {
        self.correlation_header = None;
        self
    }

    /// The OpenTelemetry meter the client records its metrics with (default: the global meter
    /// provider's `rizzitgo-open-api` meter). See the guide page [`crate::guide`]'s metrics.
    ///
    /// Needs the feature `opentelemetry` (and the `opentelemetry` crate 0.33).
    #[cfg(feature = "opentelemetry")]
    pub fn meter(mut self, meter: opentelemetry::metrics::Meter) -> Self {
        self.meter = Some(meter);
        self
    }

    /// A token store shared with other clients (see [`crate::store`]): the client reads the
    /// token there before fetching one, and one client fetches for all. Default: none, each
    /// client fetches its own (still once for all its concurrent callers).
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.token_store = Some(store);
        self
    }

    /// A rate limiter of your own (see [`crate::limiter`]), in place of the one
    /// [`max_requests_per_second`](Self::max_requests_per_second) builds.
    pub fn rate_limiter(mut self, limiter: Arc<dyn RateLimiter>) -> Self {
        self.rate_limiter = Some(limiter);
        self
    }

    /// Fleet mode (feature `redis`): the token, and with
    /// [`RedisFleet::requests_per_second`](crate::fleet::RedisFleet::requests_per_second) the
    /// rate limit, shared through Redis with every replica of the same clientId. A
    /// [`token_store`](Self::token_store) or [`rate_limiter`](Self::rate_limiter) set here
    /// takes precedence; [`max_requests_per_second`](Self::max_requests_per_second) becomes
    /// the limit of this replica while Redis does not answer. With a
    /// [`cache`](Self::cache), the replicas share it through Redis too.
    ///
    /// Needs the feature `redis`.
    #[cfg(feature = "redis")]
    pub fn fleet(mut self, fleet: crate::fleet::RedisFleet) -> Self {
        self.fleet = Some(fleet);
        self
    }

    /// The clock the token cache and the retry loop use (default the system's monotonic
    /// clock); a [`ManualClock`](crate::clock::ManualClock) tests token expiry and retry
    /// waits without waiting.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// A `reqwest::Client` of your own (proxies, custom roots); the timeouts set here are
    /// then ignored in favour of the client's own, and so is the SDK's redirect policy: build
    /// it with `.redirect(reqwest::redirect::Policy::none())`, or a redirect would carry
    /// `tenant-id` (and, on the same host, the token) wherever it points.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks the configuration and builds the client. Nothing is sent yet: the first call
    /// fetches the token. A setting that makes no sense is an [`ErrorKind::Config`](crate::ErrorKind::Config)
    /// error naming it.
    pub fn build(self) -> Result<Client, Error> {
        assemble::client(self)
    }
}
