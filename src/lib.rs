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
//! endpoint, typed requests and responses in [`types`]. The hand-written layer around it
//! fetches and caches the OAuth2 token, sends `tenant-id` and `Authorization` on every call,
//! and turns the gateway's `{code, data, msg}` envelope into `Result<data, Error>`.
//!
//! Transient failures (429, 5xx as a status or as the envelope `code`, dropped connections,
//! timeouts of read-only calls) are retried with backoff and `Retry-After`, within a per-client
//! retry budget ([`RetryPolicy`]); redeem is retried only with its `requestId`, which the SDK
//! generates once per call when you give none. Every [`Error`] says how many requests were sent
//! ([`Error::attempts`]). Each call is a `rizzitgo.call` tracing span.
//!
//! Wire quirks kept as the gateway sends them: `orginalPrice` (sic) is
//! [`types::GoodsDetail::orginal_price`]; the token's `refresh_token` is always `""` (there is
//! no refresh token in client-credentials mode: the SDK fetches a new token before expiry);
//! failures usually arrive with HTTP 200 and the error in `code` ([`Error`] handles both).
//! Response fields are all optional and integer "enums" are plain integers, so that a field
//! or value the gateway adds tomorrow never breaks decoding.
#![deny(missing_docs)]

mod builder;
mod call;
mod client;
pub mod clock;
mod envelope;
mod environment;
mod error;
mod generated;
mod hooks;
mod idempotency;
mod operation;
mod retry;
mod secret;
mod token_cache;
mod token_endpoint;
mod transport;

pub use builder::{ClientBuilder, env_vars};
pub use client::Client;
pub use envelope::Envelope;
pub use environment::Environment;
pub use error::Error;
#[doc(hidden)]
pub use generated::__examples;
pub use generated::raw::types;
pub use operation::{Auth, Operation, Retry};
pub use retry::RetryPolicy;
pub use secret::SecretToken;
