//! The request pipeline the SDK owns, and the one module the generated methods call.
//!
//! A call is checked and encoded once ([`Payload`]) into a [`Call`], run when awaited by the
//! orchestrator ([`Runtime::execute`]: deadline, rate limit, then per attempt the token, the
//! request, the body read once within its limit, the classification, and the retry, replay or
//! end), and its final answer is decoded once into the operation's `data` ([`conclude`]).
//! Nothing here knows an endpoint: the operation's table entry says how to send it.

mod answer;
mod call;
mod options;
mod orchestrator;
mod payload;
mod response;

pub(crate) use answer::Answer;
pub use call::{Call, WithResponse};
pub(crate) use call::{Decode, Pipeline};
pub(crate) use options::CallOptions;
pub(crate) use orchestrator::{Exchange, Runtime};
pub(crate) use payload::Payload;
pub use response::{Response, ResponseMetadata};

use crate::{Envelope, Error, Operation};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Display;

/// The `data` of an operation whose success carries it (the decoder of its [`Call`]).
///
/// [`Call`]: crate::Call
pub(crate) fn data<T: DeserializeOwned>(
    operation: &'static Operation,
    exchange: &Exchange,
) -> Result<T, Error> {
    let data = conclude(operation, exchange)?;
    required(operation, exchange, data)
}

/// The `data` of an operation whose success may carry `data: null` (`x-nullable-data`).
pub(crate) fn nullable_data<T: DeserializeOwned>(
    operation: &'static Operation,
    exchange: &Exchange,
) -> Result<Option<T>, Error> {
    conclude(operation, exchange)
}

/// The call of `operation` with `body`: checked against the spec's rules and encoded now
/// (a refused request is the call's error, nothing sent), sent when awaited. Generic are only
/// the checks, the encoding and the decoding: the pipeline between them is compiled once for
/// every operation.
pub(crate) fn call<'a, B, R, T>(
    pipeline: Pipeline<'a>,
    operation: &'static Operation,
    body: B,
    decode: Decode<T>,
) -> Call<'a, T>
where
    B: TryInto<R>,
    B::Error: Display,
    R: Serialize,
{
    let payload = crate::validate::request::<B, R>(operation, body)
        .and_then(|body| Payload::encode(operation, &body));
    Call::new(pipeline, operation, payload, decode)
}

/// The `data` of a call's final answer, decoded once (`None`: `data` is null); a failure in
/// the answer, or a body that is not the expected JSON, is the error.
pub(crate) fn conclude<T: DeserializeOwned>(
    operation: &'static Operation,
    exchange: &Exchange,
) -> Result<Option<T>, Error> {
    let answer = &exchange.answer;
    if let Some(kind) = answer.failure {
        return Err(with_call(
            Error::answered(kind, operation, answer.as_answered()),
            exchange,
        ));
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
            with_call(error, exchange)
        })
}

/// `data` where the operation's success must carry it: a success without it is a decode
/// error.
pub(crate) fn required<T>(
    operation: &'static Operation,
    exchange: &Exchange,
    data: Option<T>,
) -> Result<T, Error> {
    data.ok_or_else(|| {
        let answer = &exchange.answer;
        let error = Error::decode(
            operation,
            Some(answer.status),
            &answer.body,
            None,
            "a success envelope without `data`",
        );
        with_call(error, exchange)
    })
}

fn with_call(error: Error, exchange: &Exchange) -> Error {
    error.with_call(exchange.facts())
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
        let pending = call::<_, crate::types::GoodsRequest, Counted>(
            client.pipeline(),
            operation,
            request,
            data,
        );
        let _: Counted = pending.await.unwrap();
        assert_eq!(gateway.stats().endpoint(operation.path), 3);
        assert_eq!(DECODES.load(Ordering::SeqCst), 1);
    }
}
