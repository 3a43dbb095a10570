//! What a generated method returns: a call not yet sent, with the options a caller may set
//! for it alone, sent when awaited (`client.goods_detail(request).await`); made by [`call`]
//! (the request checked and encoded now), ended by its decoder ([`data`], [`nullable_data`]:
//! the final answer's `data`, decoded once).

use super::finished::Finished;
use super::observer::Observer;
use super::options::CallOptions;
use super::request::Payload;
use super::response::Response;
use crate::layers::CacheControl;
use crate::{Client, Error, Operation, RetryPolicy};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::fmt::Display;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

/// Turns a call's final answer into its output type.
pub(crate) type Decode<T> = fn(&'static Operation, &Finished) -> Result<T, Error>;

/// The `data` of an operation whose success carries it (the decoder of its [`Call`]).
///
/// [`Call`]: crate::Call
pub(crate) fn data<T: DeserializeOwned>(
    operation: &'static Operation,
    finished: &Finished,
) -> Result<T, Error> {
    let data = conclude(operation, finished)?;
    required(operation, finished, data)
}

/// The `data` of an operation whose success may carry `data: null` (`x-nullable-data`).
pub(crate) fn nullable_data<T: DeserializeOwned>(
    operation: &'static Operation,
    finished: &Finished,
) -> Result<Option<T>, Error> {
    conclude(operation, finished)
}

/// The call of `operation` with `body`: checked against the spec's rules and encoded now
/// (a refused request is the call's error, nothing sent), sent when awaited. Generic are only
/// the checks, the encoding and the decoding: the pipeline between them is compiled once for
/// every operation.
pub(crate) fn call<B, R, T>(
    client: &Client,
    operation: &'static Operation,
    body: B,
    decode: Decode<T>,
) -> Call<T>
where
    B: TryInto<R>,
    B::Error: Display + 'static,
    R: Serialize,
{
    let payload = Payload::prepare::<B, R>(operation, body);
    Call::new(client.clone(), operation, payload, decode)
}

/// The `data` of a call's final answer, decoded once (`None`: `data` is null); a failure in
/// the answer, or a body that is not the expected JSON, is the error.
pub(crate) fn conclude<T: DeserializeOwned>(
    operation: &'static Operation,
    finished: &Finished,
) -> Result<Option<T>, Error> {
    let answer = &finished.answer;
    if answer.failure.is_some() {
        return Err(Error::answered(operation, answer).with_call(finished.facts()));
    }
    // Only `data` is decoded: the envelope's `code` and `msg` were read with the answer, and
    // whatever else an envelope carries (a `msg` of null, fields a gateway adds) is ignored.
    // The guide's shapes: one plain pass (tracking the path costs a few thousand instructions
    // and allocations a call, paid only when the body does not decode).
    if let Ok(envelope) = serde_json::from_slice::<Data<T>>(&answer.body) {
        return Ok(envelope.data);
    }
    // A body in shapes the guide does not show (epoch milliseconds, integers as strings):
    // read again, reshaped by the spec. Its own error, if it still fails, names the field.
    let error = match reshaped::<T>(operation, &answer.body) {
        Some(Ok(data)) => return Ok(data),
        Some(Err(reshaped)) => reshaped,
        None => {
            // Read again to say where it broke.
            let mut json = serde_json::Deserializer::from_slice(&answer.body);
            match serde_path_to_error::deserialize::<_, Data<T>>(&mut json) {
                Err(error) => error,
                // Only trailing bytes after the JSON failed the plain pass: as before, the
                // value decoded is the answer.
                Ok(envelope) => return Ok(envelope.data),
            }
        }
    };
    Err(decode_error(operation, finished, error))
}

/// What a response's envelope is decoded as: its `data` alone.
#[derive(serde::Deserialize)]
struct Data<T> {
    #[serde(default = "none")]
    data: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

/// The body decoded again after [`Lenient::reshape`](super::Lenient::reshape); `None` when it
/// is not JSON or nothing in it was in another shape.
fn reshaped<T: DeserializeOwned>(
    operation: &'static Operation,
    body: &[u8],
) -> Option<Result<Option<T>, serde_path_to_error::Error<serde_json::Error>>> {
    let mut value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let data = value.as_object_mut()?.get_mut("data")?;
    if !operation.response.reshape(data) {
        return None;
    }
    Some(serde_path_to_error::deserialize::<_, Data<T>>(value).map(|envelope| envelope.data))
}

/// The `Decode` error of a body, naming where it broke.
fn decode_error(
    operation: &'static Operation,
    finished: &Finished,
    error: serde_path_to_error::Error<serde_json::Error>,
) -> Error {
    let answer = &finished.answer;
    let path = error.path().to_string();
    let inner = error.into_inner();
    // serde's text says what was expected and what was found (the value, quoted): never for
    // the token endpoints, whose bodies carry the access token.
    let detail = if operation.auth == crate::operation::Auth::Basic {
        String::new()
    } else {
        format!(": {inner}")
    };
    let message = if inner.is_syntax() || inner.is_eof() || path == "." {
        format!("the response body is not JSON{detail}")
    } else {
        format!("the response body does not decode at `{path}`{detail}")
    };
    Error::decode(
        operation,
        Some(answer.status),
        &answer.body,
        Some(Box::new(inner)),
        message,
    )
    .with_call(finished.facts())
}

/// `data` where the operation's success must carry it: a success without it is a decode
/// error.
pub(crate) fn required<T>(
    operation: &'static Operation,
    finished: &Finished,
    data: Option<T>,
) -> Result<T, Error> {
    data.ok_or_else(|| {
        let answer = &finished.answer;
        let error = Error::decode(
            operation,
            Some(answer.status),
            &answer.body,
            None,
            "the success envelope has no `data` (at `data`: expected the operation's data, found null or nothing)",
        );
        error.with_call(finished.facts())
    })
}

/// A call of one operation, sent when awaited; its setters change this call alone.
///
/// It holds a clone of its [`Client`] (cheap: one shared pointer), so it can be stored, sent
/// to another task or spawned: `tokio::spawn(client.goods_detail(request).into_future())`.
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
pub struct Call<T> {
    client: Client,
    operation: &'static Operation,
    /// The validated, encoded request, or why it was refused (returned when awaited).
    payload: Result<Payload, Error>,
    options: CallOptions,
    decode: Decode<T>,
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("operation", &self.operation.name)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<T> Call<T> {
    pub(crate) fn new(
        client: Client,
        operation: &'static Operation,
        payload: Result<Payload, Error>,
        decode: Decode<T>,
    ) -> Self {
        Self {
            client,
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

    /// What this call does with the response cache, when the client has one
    /// ([`ClientBuilder::cache`](crate::ClientBuilder::cache)): bypass it, refresh it, or accept
    /// a cached answer only up to an age.
    pub fn cache(mut self, control: CacheControl) -> Self {
        self.options.cache = control;
        self
    }

    /// The lane this call waits in for the client-side limit and pacing: a higher lane is
    /// admitted first (the client's default, [`ClientBuilder::priority`](crate::ClientBuilder::priority),
    /// where unset). A call that coalesces with an identical one in flight shares that one's
    /// place.
    pub fn priority(mut self, priority: crate::Priority) -> Self {
        self.options.priority = Some(priority);
        self
    }

    /// `false`: this call sends its own request even when an identical read is in flight
    /// (by default identical reads share one: see
    /// [`ClientBuilder::coalescing`](crate::ClientBuilder::coalescing)).
    pub fn coalesce(mut self, coalesce: bool) -> Self {
        self.options.alone = !coalesce;
        self
    }

    /// The data with the answer's status, headers, attempts, time and ids.
    pub fn with_response(self) -> WithResponse<T> {
        WithResponse(self)
    }

    /// The options of a page walk's call (each page takes the walk's options).
    pub(crate) fn with_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// Sends the call: the final answer, or the error (with the call's facts).
    async fn finish(self) -> Result<(Finished, Decode<T>, &'static Operation), Error> {
        let Call {
            client,
            operation,
            payload,
            mut options,
            decode,
        } = self;
        let refused = match (payload, options.refused.take()) {
            (Ok(payload), None) => {
                let finished = crate::layers::send(client, operation, payload, options).await?;
                return Ok((finished, decode, operation));
            }
            (Err(error), _) | (_, Some(error)) => error,
        };
        // Refused before sending: nothing went out, and it is reported like any call.
        Observer::refused(&client.runtime().metrics, operation, &refused);
        Err(refused)
    }
}

impl<T: Send + 'static> IntoFuture for Call<T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let (finished, decode, operation) = self.finish().await?;
            decode(operation, &finished)
        })
    }
}

/// A [`Call`] whose output is a [`Response`]: the data and its [`ResponseMetadata`](crate::ResponseMetadata).
#[must_use = "a call is sent only when awaited"]
#[derive(Debug)]
pub struct WithResponse<T>(Call<T>);

impl<T: Send + 'static> IntoFuture for WithResponse<T> {
    type Output = Result<Response<T>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let (finished, decode, operation) = self.0.finish().await?;
            let data = decode(operation, &finished)?;
            Ok(Response::new(data, finished.into_metadata()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rizzitgo_mock_gateway::{Failure, MockGateway, seed};
    use std::sync::atomic::{AtomicUsize, Ordering};

    static DECODES: AtomicUsize = AtomicUsize::new(0);

    /// Any `data`, counting how often it is decoded.
    struct Counted;

    impl<'de> serde::Deserialize<'de> for Counted {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            DECODES.fetch_add(1, Ordering::SeqCst);
            serde::de::IgnoredAny::deserialize(d).map(|_| Counted)
        }
    }

    #[tokio::test]
    async fn each_call_decodes_its_final_answer_once_and_no_other() {
        let gateway = MockGateway::start().await.unwrap();
        let client = crate::Client::builder().mock(&gateway).build().unwrap();
        let operation = Operation::find("goods_detail").unwrap();
        let request = crate::types::GoodsRequest::builder()
            .goods_id(seed::GOODS_ID)
            .source(1);
        // Two failed answers first: classified, retried, never decoded as `data`.
        gateway.fail_next(2, Failure::http(503));
        let pending =
            call::<_, crate::types::GoodsRequest, Counted>(&client, operation, request, data);
        let _: Counted = pending.await.unwrap();
        assert_eq!(gateway.stats().endpoint(operation.path), 3);
        assert_eq!(DECODES.load(Ordering::SeqCst), 1);
    }
}
