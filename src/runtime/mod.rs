//! The request pipeline the SDK owns.
//!
//! A call is checked and encoded once ([`Payload`]) into a [`Call`], run when awaited by the
//! orchestrator ([`Runtime::execute`]: the retry loop over attempts, each one the rate limit,
//! the token, the request, the body read once within its limit and its classification), and
//! its final answer is decoded once into the operation's `data` ([`conclude`]). Nothing here
//! knows an endpoint: the operation's table entry says how to send it.

mod answer;
mod attempt;
mod call;
mod finished;
mod observer;
mod options;
mod orchestrator;
mod payload;
mod response;

pub(crate) use answer::Answer;
pub(crate) use call::Decode;
pub use call::{Call, WithResponse};
pub(crate) use finished::Finished;
pub(crate) use options::CallOptions;
pub(crate) use orchestrator::Runtime;
pub(crate) use payload::Payload;
pub use response::{Response, ResponseMetadata};

use crate::{Client, Envelope, Error, Operation};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Display;

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
    B::Error: Display,
    R: Serialize,
{
    let payload = crate::validate::request::<B, R>(operation, body)
        .and_then(|body| Payload::encode(operation, &body));
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
    serde_json::from_slice::<Envelope<T>>(&answer.body)
        .map(|envelope| envelope.data)
        .map_err(|e| {
            let error = Error::decode(
                operation,
                Some(answer.status),
                &answer.body,
                Some(Box::new(e)),
                "the response body is not the expected JSON",
            );
            error.with_call(finished.facts())
        })
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
            "a success envelope without `data`",
        );
        error.with_call(finished.facts())
    })
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
        let credentials = gateway.credentials();
        let client = crate::Client::builder()
            .base_url(gateway.url())
            .client_id(credentials.client_id)
            .client_secret(credentials.client_secret)
            .tenant_id(credentials.tenant_id)
            .build()
            .unwrap();
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
