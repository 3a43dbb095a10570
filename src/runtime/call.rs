//! What a generated method returns: a call not yet sent, with the options a caller may set
//! for it alone, sent when awaited (`client.goods_detail(request).await`).

use super::options::CallOptions;
use super::orchestrator::{Exchange, Runtime};
use super::payload::Payload;
use super::response::Response;
use crate::auth::TokenCache;
use crate::{Error, Operation, RetryPolicy};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

/// Turns a call's final answer into its output type.
pub(crate) type Decode<T> = fn(&'static Operation, &Exchange) -> Result<T, Error>;

/// What a client's calls run through: its runtime and its token cache.
#[derive(Clone, Copy)]
pub(crate) struct Pipeline<'a> {
    pub(crate) runtime: &'a Runtime,
    pub(crate) tokens: &'a TokenCache,
}

/// A call of one operation, sent when awaited; its setters change this call alone.
///
/// ```no_run
/// # async fn run(client: rizzitgo_open_api::Client) -> Result<(), rizzitgo_open_api::Error> {
/// use rizzitgo_open_api::{RetryPolicy, types::GoodsRequest};
/// use std::time::Duration;
///
/// let goods = client
///     .goods_detail(GoodsRequest::builder().goods_id("123456").source(1))
///     .deadline(Duration::from_secs(2)) // retries and waits included
///     .retry_policy(RetryPolicy::interactive())
///     .header("x-shop", "north-1")
///     .await?;
/// # let _ = goods; Ok(()) }
/// ```
#[must_use = "a call is sent only when awaited"]
pub struct Call<'a, T> {
    pipeline: Pipeline<'a>,
    operation: &'static Operation,
    /// The validated, encoded request, or why it was refused (returned when awaited).
    payload: Result<Payload, Error>,
    options: CallOptions,
    decode: Decode<T>,
}

impl<T> fmt::Debug for Call<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("operation", &self.operation.name)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'a, T> Call<'a, T> {
    pub(crate) fn new(
        pipeline: Pipeline<'a>,
        operation: &'static Operation,
        payload: Result<Payload, Error>,
        decode: Decode<T>,
    ) -> Self {
        Self {
            pipeline,
            operation,
            payload,
            options: CallOptions::default(),
            decode,
        }
    }

    /// The most the whole call may take, retries and waits included. No wait starts that
    /// would end past it: the call then ends at once, with the rate-limit error when the
    /// gateway throttled it (its [`retry_after`](Error::retry_after) says when to come back),
    /// else with [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) keeping the last answer's
    /// status and code. Each attempt's timeout is cut to what is left.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.options.deadline = Some(deadline);
        self
    }

    /// The most one attempt may take, sending to last byte (the client's
    /// [`timeout`](crate::ClientBuilder::timeout) otherwise).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.options.attempt_timeout = Some(timeout);
        self
    }

    /// The retry policy of this call ([`RetryPolicy::none`] sends it once). The client's
    /// retry budget still applies.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        match policy.validate() {
            Ok(()) => self.options.retry_policy = Some(policy),
            Err(error) => self.options.refuse(error),
        }
        self
    }

    /// A header sent on every attempt of this call. The SDK's own (`Authorization`,
    /// `tenant-id`, `Content-Type`) cannot be replaced: the call then fails, unsent, with
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) naming the header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.options.header(name, value);
        self
    }

    /// The data with the answer's status, headers, attempts, time and ids.
    pub fn with_response(self) -> WithResponse<'a, T> {
        WithResponse(self)
    }

    /// Sends the call: the final answer, or the error (with the call's facts).
    async fn exchange(self) -> Result<(Exchange, Decode<T>, &'static Operation), Error> {
        let Call {
            pipeline,
            operation,
            payload,
            mut options,
            decode,
        } = self;
        let refused = match (payload, options.refused.take()) {
            (Ok(payload), None) => {
                let exchange = pipeline
                    .runtime
                    .execute(Some(pipeline.tokens), operation, payload, &options)
                    .await?;
                return Ok((exchange, decode, operation));
            }
            (Err(error), _) | (_, Some(error)) => error,
        };
        // Refused before sending: nothing went out, and it is reported like any call.
        pipeline.runtime.refused(operation, &refused);
        Err(refused)
    }
}

impl<'a, T: Send + 'a> IntoFuture for Call<'a, T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let (exchange, decode, operation) = self.exchange().await?;
            decode(operation, &exchange)
        })
    }
}

/// A [`Call`] whose output is a [`Response`]: the data and its [`ResponseMetadata`](crate::ResponseMetadata).
#[must_use = "a call is sent only when awaited"]
#[derive(Debug)]
pub struct WithResponse<'a, T>(Call<'a, T>);

impl<'a, T: Send + 'a> IntoFuture for WithResponse<'a, T> {
    type Output = Result<Response<T>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let (exchange, decode, operation) = self.0.exchange().await?;
            let data = decode(operation, &exchange)?;
            Ok(Response::new(data, exchange.into_metadata()))
        })
    }
}
