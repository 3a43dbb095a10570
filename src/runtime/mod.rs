//! The request pipeline the SDK owns, and the one module the generated methods call.
//!
//! A call is encoded once ([`Payload`]), run by the orchestrator ([`Runtime::execute`]: rate
//! limit, then per attempt the token, the request, the body read once within its limit, the
//! classification, and the retry, replay or end), and its final answer is decoded once into
//! the operation's `data` ([`conclude`]). Nothing here knows an endpoint: the operation's
//! table entry says how to send it.

mod answer;
mod orchestrator;
mod payload;

pub(crate) use answer::Answer;
pub(crate) use orchestrator::{Exchange, Parts, Runtime};
pub(crate) use payload::Payload;

use crate::{Client, Envelope, Error, Operation};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A call of `operation` with `body` (already validated) whose success carries `data`.
/// Generic are only the encoding and the decoding: the pipeline between them is compiled
/// once for every operation.
pub(crate) async fn call<T, B>(
    client: &Client,
    operation: &'static Operation,
    body: &B,
) -> Result<T, Error>
where
    T: DeserializeOwned,
    B: Serialize,
{
    let exchange = client.execute(operation, Payload::encode(operation, body)?).await?;
    let data = conclude(operation, &exchange)?;
    required(operation, &exchange, data)
}

/// Like [`call`], for an operation whose success may carry `data: null`
/// (`x-nullable-data`): then `None`.
pub(crate) async fn call_nullable<T, B>(
    client: &Client,
    operation: &'static Operation,
    body: &B,
) -> Result<Option<T>, Error>
where
    T: DeserializeOwned,
    B: Serialize,
{
    let exchange = client.execute(operation, Payload::encode(operation, body)?).await?;
    conclude(operation, &exchange)
}

/// The `data` of a call's final answer, decoded once (`None`: `data` is null); a failure in
/// the answer, or a body that is not the expected JSON, is the error.
pub(crate) fn conclude<T: DeserializeOwned>(
    operation: &'static Operation,
    exchange: &Exchange,
) -> Result<Option<T>, Error> {
    let answer = &exchange.answer;
    if let Some(kind) = answer.failure {
        return Err(with_call(Error::answered(kind, operation, answer), exchange));
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
    error.with_call(exchange.attempts, exchange.request_id.as_deref(), false)
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
        let client = Client::builder()
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
        let request: crate::types::GoodsRequest = request.try_into().unwrap();
        // Two failed answers first: classified, retried, never decoded as `data`.
        gateway.fail_next(2, Failure::http(503));
        let _: Counted = call(&client, operation, &request).await.unwrap();
        assert_eq!(gateway.stats().endpoint(operation.path), 3);
        assert_eq!(DECODES.load(Ordering::SeqCst), 1);
    }
}
