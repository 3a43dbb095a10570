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
