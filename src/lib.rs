//! Rust SDK of the Rizzitgo Open Platform: the partner API of the Open Platform Integration
//! Guide v1.4 (`/open-api/**`).
//!
//! ```no_run
//! # async fn run() -> Result<(), rizzitgo_open_api::Error> {
//! use rizzitgo_open_api::{Client, types::GoodsRequest};
//!
//! let client = Client::from_env()?; // RIZZITGO_CLIENT_ID, _CLIENT_SECRET, _TENANT_ID
//! let goods = client.goods_detail(GoodsRequest::builder().goods_id("123456").source(1)).await?;
//! println!("{:?} costs {:?}", goods.goods_title, goods.price);
//! # Ok(()) }
//! ```
//!
//! The client is generated from `spec/open-api.yaml` at compile time: one method per
//! endpoint of [`Client`], typed requests and responses in [`types`]. Each method returns a
//! [`Call`], sent when awaited, whose setters change that call alone (a deadline, the retry
//! policy, headers; [`Call::with_response`] for status, headers and attempts). The hand-written
//! pipeline every call runs through fetches and caches the OAuth2 token, sends `tenant-id` and
//! `Authorization`, retries what is safe to retry, reads each answer once within a size limit
//! and turns the gateway's `{code, data, msg}` envelope into `Result<data, Error>`.
//!
//! # Authentication
//!
//! Give the builder the application's `clientId`, `clientSecret` and `tenant-id` (or set
//! `RIZZITGO_CLIENT_ID`, `RIZZITGO_CLIENT_SECRET`, `RIZZITGO_TENANT_ID` and use
//! [`Client::from_env`]). The first call exchanges them for an access token (OAuth2 client
//! credentials, HTTP Basic); later calls reuse it, it is refreshed in its last minute, and a
//! token the gateway refuses (401) is replaced and the call replayed once. Any number of
//! concurrent callers share one token fetch and its outcome. The secret and the token never
//! appear in `Debug`, `Display`, logs or errors. [`Client::revoke_token`] revokes it.
//! [`Client::issue_token`] fetches a token of your own, with the scopes granted and its
//! lifetime ([`IssuedToken`]), e.g. to check credentials; [`Client::revoke`] revokes any token.
//!
//! # Environments
//!
//! [`Environment::Production`] (the default), [`Environment::Sandbox`], or any `https` base URL
//! (`http` only on a loopback address, for a local mock):
//!
//! ```no_run
//! use rizzitgo_open_api::{Client, Environment};
//! let client = Client::builder()
//!     .environment(Environment::Sandbox)
//!     .client_id("your-client-id")
//!     .client_secret("your-client-secret")
//!     .tenant_id("your-tenant-id")
//!     .build()?;
//! # Ok::<(), rizzitgo_open_api::Error>(())
//! ```
//!
//! # Errors and retries
//!
//! Every method returns `Result<T, `[`Error`]`>`: one type with predicates
//! ([`is_rate_limited`](Error::is_rate_limited), [`is_duplicate_request`](Error::is_duplicate_request),
//! …) whichever way the gateway answered (its framework sends failures with HTTP 200 and the
//! error in `code`; a gateway in front of it may use real statuses). Transient failures (429,
//! 5xx as a status or as the `code`, dropped connections, timeouts of read-only calls) are
//! retried with backoff and `Retry-After` within a per-client retry budget ([`RetryPolicy`]);
//! redeem only with its `requestId`, which the SDK generates once per call when you give none.
//! Every error says how many requests were sent ([`Error::attempts`]). Each call is a
//! `rizzitgo.call` tracing span and ends with one INFO event; with the feature `opentelemetry`
//! the client records OpenTelemetry metrics (`ClientBuilder::meter`).
//!
//! # Pagination
//!
//! Paginated operations also have `*_stream` (every record) and `*_pages` (every page) methods,
//! generated from the spec's `x-pagination`: see [`Client::goods_qc_page_stream`] and
//! [`Client::search_goods_by_image_stream`].
//!
//! # Date-times
//!
//! The guide's `yyyy-MM-dd HH:mm:ss` (UTC+8) values: [`types::TimeRange::new`],
//! [`types::DateTime::parse`], and conversions to and from `jiff` and `chrono` behind the
//! features of the same names ([`datetime`]).
//!
//! # Testing with the mock gateway
//!
//! The crate `rizzitgo-mock-gateway` (a dev-dependency) is a local gateway that behaves as the
//! guide says, with its seeded data and injectable faults:
//!
//! ```
//! use rizzitgo_mock_gateway::{Failure, MockGateway};
//! use rizzitgo_open_api::{Client, types::GoodsRequest};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let gateway = MockGateway::start().await?; // 127.0.0.1, an ephemeral port
//! let credentials = gateway.credentials();
//! let client = Client::builder()
//!     .base_url(gateway.url())
//!     .client_id(credentials.client_id)
//!     .client_secret(credentials.client_secret)
//!     .tenant_id(credentials.tenant_id)
//!     .build()?;
//! gateway.fail_next(1, Failure::http(503)); // retried: the call still succeeds
//! let goods = client
//!     .goods_detail(GoodsRequest::builder().goods_id("123456").source(1))
//!     .await?;
//! assert_eq!(goods.price.as_deref(), Some("99.00"));
//! assert_eq!(gateway.stats().endpoint("/open-api/goods/detail"), 2);
//! # Ok(()) }
//! ```
//!
//! # Many replicas
//!
//! Replicas of one service share the gateway's per-clientId quota and could share one token.
//! With the feature `redis`, `ClientBuilder::fleet` shares both through Redis (see the
//! `fleet` module); the seams are [`store::TokenStore`] ([`ClientBuilder::token_store`]) and
//! [`limiter::RateLimiter`] ([`ClientBuilder::rate_limiter`]).
//!
//! # Wire quirks
//!
//! Kept as the gateway sends them: `orginalPrice` (sic) is
//! [`types::GoodsDetail::orginal_price`]; the token's `refresh_token` is always `""` (there is
//! no refresh token in client-credentials mode: the SDK fetches a new token before expiry).
//! Response fields are all optional and integer "enums" are plain integers, so that a field
//! or value the gateway adds tomorrow never breaks decoding.
#![deny(missing_docs)]
// docs.rs badges every item behind a feature with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
mod client;
pub mod clock;
mod coordination;
pub mod datetime;
mod envelope;
mod error;
mod generated;
pub mod guide;
mod json_request;
mod layers;
mod metrics;
pub mod operation;
mod pagination;
mod responses;
mod retry;
mod runtime;
mod secret;
mod sync;

pub use auth::IssuedToken;
pub use client::{Client, ClientBuilder, Environment, env_vars};
pub use envelope::Envelope;
pub use error::{Error, ErrorKind};
pub use generated::BusinessCode;
/// The fuzz target's hook (only in a build with `--cfg fuzzing`, as cargo-fuzz makes it).
#[cfg(fuzzing)]
#[doc(hidden)]
pub use generated::examples as __examples;
/// The request and response types of the spec, their builders (`…Builder`), and the named
/// values of its codes ([`types::Source`]).
///
/// A request is built with its required fields, `GoodsRequest::new(goods_id, source)`, or with
/// `builder()`; both give the builder, on which the optional fields are set. A request missing
/// a required field does not compile:
///
/// ```compile_fail
/// use rizzitgo_open_api::types::GoodsRequest;
/// let request = GoodsRequest::new("123456"); // `source` is required too
/// ```
pub mod types {
    pub use crate::generated::extras::*;
    pub use crate::generated::raw::types::*;
}
#[cfg(feature = "redis")]
pub use coordination::fleet;
pub use coordination::{limiter, store};
pub use layers::{CacheConfig, CacheControl};
pub use limiter::Priority;
pub use operation::Operation;
pub use pagination::{Page, Walk};
pub use retry::RetryPolicy;
pub use runtime::{Call, Response, ResponseMetadata, ServedFrom, WithResponse};
pub use secret::SecretToken;
