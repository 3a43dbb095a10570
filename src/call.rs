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
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument;

type RawError = progenitor_client::Error<Envelope<serde_json::Value>>;

tokio::task_local! {
    static CURRENT: Arc<CallContext>;
}

/// What the hooks learn during one call.
#[derive(Debug)]
pub(crate) struct CallContext {
    operation: &'static Operation,
    failure: Mutex<Option<Error>>,
    last_response: Mutex<Option<(StatusCode, HeaderMap, Bytes)>>,
    request_id: Mutex<Option<String>>,
    /// Requests sent; whether one was re-sent after an attempt the gateway may have processed.
    attempts: Mutex<(u32, bool)>,
}

impl CallContext {
    fn new(operation: &'static Operation) -> Self {
        Self {
            operation,
            failure: Mutex::new(None),
            last_response: Mutex::new(None),
            request_id: Mutex::new(None),
            attempts: Mutex::new((0, false)),
        }
    }

    /// The context of the call running on this task, if any.
    pub(crate) fn current() -> Option<Arc<CallContext>> {
        CURRENT.try_with(Arc::clone).ok()
    }

    /// The operation being called.
    pub(crate) fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// Records an error the hooks could not return themselves.
    pub(crate) fn fail(&self, error: Error) {
        *lock(&self.failure) = Some(error);
    }

    /// Records the last response received (status, headers, body). Of a success, only the
    /// header an error of it can need (`Retry-After`, for a failure in the envelope): copying
    /// the whole map is a cost every call would pay.
    pub(crate) fn record_response(&self, status: StatusCode, headers: &HeaderMap, body: &Bytes) {
        let headers = if status.is_success() {
            let mut kept = HeaderMap::new();
            if let Some(value) = headers.get(RETRY_AFTER) {
                kept.insert(RETRY_AFTER, value.clone());
            }
            kept
        } else {
            headers.clone()
        };
        *lock(&self.last_response) = Some((status, headers, body.clone()));
    }

    /// Records the idempotency key every attempt carries.
    pub(crate) fn set_request_id(&self, key: Option<String>) {
        *lock(&self.request_id) = key;
    }

    /// The idempotency key every attempt carries, if the operation has one.
    pub(crate) fn request_id(&self) -> Option<String> {
        lock(&self.request_id).clone()
    }

    /// Records how many requests the call sent.
    pub(crate) fn record_attempts(&self, attempts: u32, resent_after_doubt: bool) {
        *lock(&self.attempts) = (attempts, resent_after_doubt);
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
    let span = tracing::info_span!(
        "rizzitgo.call",
        operation = operation.name,
        method = operation.method,
        path = operation.path,
        status = tracing::field::Empty,
        code = tracing::field::Empty,
        attempts = tracing::field::Empty,
        request_id = tracing::field::Empty,
        elapsed_ms = tracing::field::Empty,
    );
    let started = Instant::now();
    let context = Arc::new(CallContext::new(operation));
    let outcome = CURRENT
        .scope(Arc::clone(&context), request)
        .instrument(span.clone())
        .await;
    let status = lock(&context.last_response)
        .as_ref()
        .map(|(status, ..)| *status);
    let result = conclude(operation, &context, outcome, data);
    let (attempts, resent_after_doubt) = *lock(&context.attempts);
    let request_id = context.request_id();
    span.record("attempts", attempts);
    span.record("elapsed_ms", started.elapsed().as_millis() as u64);
    if let Some(key) = &request_id {
        span.record("request_id", key.as_str());
    }
    match result {
        Ok(data) => {
            if let Some(status) = status {
                span.record("status", status.as_u16());
            }
            span.record("code", 0);
            Ok(data)
        }
        Err(error) => {
            if let Some(status) = error.status() {
                span.record("status", status.as_u16());
            }
            if let Some(code) = error.code() {
                span.record("code", code);
            }
            let _entered = span.enter();
            tracing::debug!(error = %error, "call failed");
            Err(error.with_call(attempts, request_id, resent_after_doubt))
        }
    }
}

/// The call's result from what the hooks recorded and what progenitor made of the response.
fn conclude<T: DeserializeOwned>(
    operation: &'static Operation,
    context: &CallContext,
    outcome: Result<ResponseValue<Envelope<T>>, RawError>,
    data: Data,
) -> Result<Option<T>, Error> {
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
    if status.is_redirection() {
        return Err(Error::redirect(operation, status, headers));
    }
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
