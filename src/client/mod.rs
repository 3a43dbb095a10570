//! The client: the state shared by every call and every clone, and the calls that are not
//! endpoints. Its builder, environments and TLS set-up live beside it.

mod builder;
mod environment;
mod tls;

pub use builder::{ClientBuilder, env_vars};
pub use environment::Environment;

use crate::Error;
use crate::auth::TokenCache;
use crate::layers::Layers;
use crate::runtime::Runtime;
use std::fmt;
use std::sync::Arc;

/// A client of the Rizzitgo Open Platform. Cheap to clone (clones share one connection pool
/// and one token cache), `Send + Sync`.
///
/// One method per endpoint of the spec — [`goods_detail`](Client::goods_detail),
/// [`goods_qc_detail`](Client::goods_qc_detail), … — each taking the request type (or its
/// builder) and returning the envelope's `data`, or an [`Error`]. The access token is
/// fetched, cached and refreshed ahead of expiry by the client itself.
///
/// ```no_run
/// use rizzitgo_open_api::{Client, RetryPolicy, types::GoodsRequest};
///
/// # async fn run() -> Result<(), rizzitgo_open_api::Error> {
/// let client = Client::builder()
///     .client_id("your-client-id")
///     .client_secret("your-client-secret")
///     .tenant_id("your-tenant-id")
///     .retry_policy(RetryPolicy::standard().with_max_attempts(5))
///     .build()?;
/// // Clones share the connection pool, the token and the retry budget.
/// let worker = client.clone();
/// let goods = worker
///     .goods_detail(GoodsRequest::builder().goods_id("123456").source(1))
///     .await?;
/// println!("{:?}", goods.goods_title);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    state: Arc<State>,
}

/// What the clones of a client share.
struct State {
    client_id: String,
    tenant_id: String,
    runtime: Arc<Runtime>,
    tokens: TokenCache,
    layers: Layers,
}

impl Client {
    /// A builder: environment, credentials, timeouts.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `RIZZITGO_*` variables (see [`ClientBuilder::from_env`]).
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env().build()
    }

    /// A client of a running mock gateway (crate `rizzitgo-mock-gateway`), with its seeded
    /// credentials: the one line a test needs (feature `mock-gateway`).
    ///
    /// ```
    /// use rizzitgo_mock_gateway::{Failure, MockGateway};
    /// use rizzitgo_open_api::{Client, types::{GoodsRequest, Source}};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let gateway = MockGateway::start().await?;
    /// let client = Client::for_mock(&gateway)?;
    /// gateway.fail_next(1, Failure::http(503)); // retried: the call still succeeds
    /// let goods = client.goods_detail(GoodsRequest::new("123456", Source::Taobao)).await?;
    /// assert_eq!(goods.price.as_deref(), Some("99.00"));
    /// # Ok(()) }
    /// ```
    ///
    /// Needs the feature `mock-gateway`.
    #[cfg(feature = "mock-gateway")]
    pub fn for_mock(gateway: &rizzitgo_mock_gateway::MockGateway) -> Result<Self, Error> {
        ClientBuilder::new().mock(gateway).build()
    }

    pub(crate) fn new(
        client_id: String,
        tenant_id: String,
        runtime: Arc<Runtime>,
        tokens: TokenCache,
        layers: Layers,
    ) -> Self {
        Self {
            state: Arc::new(State {
                client_id,
                tenant_id,
                runtime,
                tokens,
                layers,
            }),
        }
    }

    /// The call layers its calls go through (coalescing, the response cache).
    pub(crate) fn layers(&self) -> &Layers {
        &self.state.layers
    }

    pub(crate) fn runtime(&self) -> &Runtime {
        &self.state.runtime
    }

    /// The token cache its Bearer calls draw from.
    pub(crate) fn tokens(&self) -> &TokenCache {
        &self.state.tokens
    }

    /// The gateway's base URL.
    pub fn base_url(&self) -> &str {
        &self.state.runtime.base_url
    }

    /// The tenant id sent with every request.
    pub fn tenant_id(&self) -> &str {
        &self.state.tenant_id
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.state.client_id
    }

    /// Revokes the cached access token at the gateway and forgets it; the next call fetches a
    /// new one. Returns `false` when no token was cached (nothing to revoke).
    pub async fn revoke_token(&self) -> Result<bool, Error> {
        let tokens = &self.state.tokens;
        let Some(token) = tokens.take() else {
            return Ok(false);
        };
        tokens.forget(&token.value).await;
        self.revoke(&token.value).await
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("tenant_id", &self.state.tenant_id)
            .field("client_id", &self.state.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("scopes", &self.state.runtime.scopes)
            .finish_non_exhaustive()
    }
}
