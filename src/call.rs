//! One logical call: runs a generated request inside its context and turns the outcome
//! (envelope, HTTP status, transport failure) into `Result<T, Error>`.
//!
//! progenitor's hooks cannot return the SDK's error type and lose the status of a body that
//! fails to decode; the per-call context, reachable from the hooks through a task-local, is
//! where they leave both.

use crate::{Envelope, Error, Operation};
use bytes::Bytes;
use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

type RawError = progenitor_client::Error<Envelope<serde_json::Value>>;

tokio::task_local! {
    static CURRENT: Arc<CallContext>;
}

/// What the hooks learn during one call.
#[derive(Debug)]
pub(crate) struct CallContext {
    failure: Mutex<Option<Error>>,
    last_response: Mutex<Option<(StatusCode, HeaderMap, Bytes)>>,
}

impl CallContext {
    /// The context of the call running on this task, if any.
    pub(crate) fn current() -> Option<Arc<CallContext>> {
        CURRENT.try_with(Arc::clone).ok()
    }

    /// Records an error the hooks could not return themselves.
    pub(crate) fn fail(&self, error: Error) {
        *lock(&self.failure) = Some(error);
    }

    /// Records the last response received (status, headers, body).
    pub(crate) fn record_response(&self, status: StatusCode, headers: &HeaderMap, body: &Bytes) {
        *lock(&self.last_response) = Some((status, headers.clone(), body.clone()));
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `request` as a call of `operation` and unwraps the envelope: a success without
/// `data` is a decode error.
pub(crate) async fn run<T, F>(operation: &'static Operation, request: F) -> Result<T, Error>
where
    T: DeserializeOwned,
    F: Future<Output = Result<ResponseValue<Envelope<T>>, RawError>>,
{
    run_with(operation, request, Data::Required)
        .await?
        .ok_or_else(|| missing_data(operation, None, &[]))
}

/// Like [`run`], for operations whose success may carry `data: null` (`x-nullable-data`).
pub(crate) async fn run_nullable<T, F>(
    operation: &'static Operation,
    request: F,
) -> Result<Option<T>, Error>
where
    T: DeserializeOwned,
    F: Future<Output = Result<ResponseValue<Envelope<T>>, RawError>>,
{
    run_with(operation, request, Data::Nullable).await
}

/// Whether a success must carry `data`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Data {
    Required,
    Nullable,
}

async fn run_with<T, F>(
    operation: &'static Operation,
    request: F,
    data: Data,
) -> Result<Option<T>, Error>
where
    T: DeserializeOwned,
    F: Future<Output = Result<ResponseValue<Envelope<T>>, RawError>>,
{
    let context = Arc::new(CallContext {
        failure: Mutex::new(None),
        last_response: Mutex::new(None),
    });
    let outcome = CURRENT.scope(Arc::clone(&context), request).await;
    if let Some(error) = lock(&context.failure).take() {
        return Err(error);
    }
    if let Some((status, headers, body)) = lock(&context.last_response).take() {
        // One classifier for every response, whatever progenitor made of it.
        return match outcome {
            Ok(value) if status.is_success() => {
                unwrap(operation, status, &headers, &body, value.into_inner(), data)
            }
            _ => decode(operation, status, &headers, &body, data),
        };
    }
    match outcome {
        Ok(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            unwrap(operation, status, &headers, &[], value.into_inner(), data)
        }
        Err(RawError::InvalidRequest(message)) => {
            Err(Error::invalid_request(Some(operation), message))
        }
        Err(
            RawError::CommunicationError(e)
            | RawError::ResponseBodyError(e)
            | RawError::InvalidUpgrade(e),
        ) => Err(Error::transport(operation, e)),
        Err(other) => Err(Error::invalid_request(Some(operation), other.to_string())),
    }
}

/// Turns a response of `operation` into its `data` or an error: a non-zero `code` fails
/// whatever the HTTP status, an error status fails whatever the body.
pub(crate) fn decode<T: DeserializeOwned>(
    operation: &'static Operation,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    data: Data,
) -> Result<Option<T>, Error> {
    match serde_json::from_slice::<Envelope<T>>(body) {
        Ok(envelope) => unwrap(operation, status, headers, body, envelope, data),
        // A proxy's error page: the status is the failure, the body only a detail.
        Err(_) if !status.is_success() => {
            Err(Error::api(operation, status, None, "", retry_after(headers)).with_snippet(body))
        }
        Err(e) => Err(Error::decode(
            operation,
            Some(status),
            body,
            Some(Box::new(e)),
            "the response body is not the expected JSON",
        )),
    }
}

fn unwrap<T>(
    operation: &'static Operation,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    envelope: Envelope<T>,
    data: Data,
) -> Result<Option<T>, Error> {
    if envelope.code != 0 || !status.is_success() {
        let code = (envelope.code != 0).then_some(envelope.code);
        let after = retry_after(headers);
        return Err(Error::api(operation, status, code, envelope.msg, after));
    }
    match envelope.data {
        None if data == Data::Required => Err(missing_data(operation, Some(status), body)),
        data => Ok(data),
    }
}

fn missing_data(operation: &'static Operation, status: Option<StatusCode>, body: &[u8]) -> Error {
    Error::decode(
        operation,
        status,
        body,
        None,
        "a success envelope without `data`",
    )
}

/// Retry-After as seconds or an HTTP-date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}
