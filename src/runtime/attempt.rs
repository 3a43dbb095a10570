//! One attempt of a call over HTTP: the rate limit, the auth step ([`Authorizer`]: it keeps
//! the token it sent, so that a refused one is the one replaced before the replay), the
//! request, the send, one read of the answer within the size limit, and its classification
//! ([`Answer`]). What follows an attempt is the retry loop's.

use super::answer::{Answer, Unread};
use super::observer::Observer;
use super::options::CallOptions;
use super::orchestrator::Runtime;
use super::request::Payload;
use crate::auth::TokenCache;
use crate::clock::{Clock, within};
use crate::operation::Auth;
use crate::retry::{Attempt, Deadline, Outcome, Reason};
use crate::{Error, ErrorKind, Operation};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, Url};
use std::future::Future;
use std::time::Duration;
use tracing::Instrument;

static TENANT_ID: HeaderName = HeaderName::from_static("tenant-id");

/// Where an attempt's `Authorization` comes from.
pub(crate) enum Authorizer<'a> {
    /// HTTP Basic with the client's credentials (the token endpoints).
    Basic(&'a HeaderValue),
    /// A Bearer token from the client's cache; `sent` is the one the last attempt carried.
    Bearer {
        tokens: &'a TokenCache,
        sent: Option<HeaderValue>,
    },
}

impl<'a> Authorizer<'a> {
    /// A Bearer authorizer drawing from `tokens`.
    pub(crate) fn bearer(tokens: &'a TokenCache) -> Self {
        Self::Bearer { tokens, sent: None }
    }

    /// The header of the next attempt, within `left`; `None` when the deadline ran out first.
    /// `replay`: the gateway refused the last token, which is forgotten first (unless another
    /// caller replaced it meanwhile).
    pub(crate) async fn authorize(
        &mut self,
        clock: &dyn Clock,
        left: Option<Duration>,
        replay: bool,
    ) -> Option<Result<HeaderValue, Error>> {
        match self {
            Authorizer::Basic(header) => Some(Ok((*header).clone())),
            Authorizer::Bearer { tokens, sent } => {
                if let (true, Some(refused)) = (replay, sent.as_ref()) {
                    tokens.invalidate(refused);
                }
                let token = match within(clock, left, tokens.get()).await? {
                    Ok(token) => token,
                    Err(error) => return Some(Err(error)),
                };
                *sent = Some(token.header.clone());
                Some(Ok(token.header.clone()))
            }
        }
    }
}

/// What every attempt of one call reads, and the auth step that carries over between them.
pub(crate) struct HttpAttempt<'c> {
    pub(crate) runtime: &'c Runtime,
    pub(crate) operation: &'static Operation,
    pub(crate) url: &'c Url,
    pub(crate) payload: &'c Payload,
    pub(crate) options: &'c CallOptions,
    pub(crate) correlation: Option<HeaderValue>,
    pub(crate) auth: Authorizer<'c>,
    pub(crate) observer: &'c Observer<'c>,
    pub(crate) deadline: Option<Deadline>,
}

impl Attempt for HttpAttempt<'_> {
    fn attempt(
        &mut self,
        number: u32,
        left: Option<Duration>,
        replay: bool,
    ) -> impl Future<Output = Outcome> + Send {
        let span = self.observer.attempt_span(number);
        self.send(left, replay).instrument(span)
    }
}

impl HttpAttempt<'_> {
    async fn send(&mut self, left: Option<Duration>, replay: bool) -> Outcome {
        let runtime = self.runtime;
        let clock = &*runtime.clock;
        // Business requests go through the client-side limit and pacing; every attempt
        // counts, in the call's lane.
        let business = self.operation.auth == Auth::Bearer;
        let priority = self.options.priority.unwrap_or(runtime.priority);
        let limiter = runtime.limiter.as_ref().filter(|_| business);
        let pacing = runtime.pacing.as_ref().filter(|_| business);
        // The wait is measured (and the clock read) only when something may make it wait.
        let gated = limiter.is_some() || pacing.is_some_and(|p| p.is_paced());
        let asked = gated.then(|| clock.now());
        let sent = match pacing {
            Some(pacing) => match within(clock, left, pacing.admit(priority)).await {
                Some(sent) => Some(sent),
                None => return Outcome::Stopped(self.past_deadline()),
            },
            None => None,
        };
        let permit = match limiter {
            Some(limiter) => {
                let left = self.left().or(left);
                match within(clock, left, limiter.acquire_for(priority)).await {
                    Some(permit) => Some(permit),
                    None => return Outcome::Stopped(self.past_deadline()),
                }
            }
            None => None,
        };
        if let Some(asked) = asked {
            self.observer
                .rate_limit_waited(clock.now().saturating_duration_since(asked));
        }
        let outcome = self.transmit(replay).await;
        if let (Some(pacing), Some(sent), Outcome::Answered(answer)) = (pacing, sent, &outcome) {
            pacing.answered(sent, answer.failure == Some(ErrorKind::RateLimited));
        }
        if let (Some(limiter), Some(permit)) = (limiter, permit) {
            let answered = matches!(outcome, Outcome::Answered(_));
            limiter.release(permit, answered).await;
        }
        outcome
    }

    /// What is left before the deadline now (each wait spends some of it).
    fn left(&self) -> Option<Duration> {
        let now = self.runtime.clock.now();
        self.deadline.map(|d| d.at.saturating_duration_since(now))
    }

    /// Authenticates, sends and reads.
    async fn transmit(&mut self, replay: bool) -> Outcome {
        let runtime = self.runtime;
        let clock = &*runtime.clock;
        let operation = self.operation;
        let authorization = match self.auth.authorize(clock, self.left(), replay).await {
            Some(Ok(header)) => header,
            Some(Err(error)) => return Outcome::Stopped(error),
            None => return Outcome::Stopped(self.past_deadline()),
        };
        let method = Method::from_bytes(operation.method.as_bytes()).unwrap_or(Method::POST);
        let mut request = reqwest::Request::new(method, self.url.clone());
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(TENANT_ID.clone(), runtime.tenant.clone());
        headers.insert(USER_AGENT, runtime.user_agent.clone());
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(operation.body.content_type()),
        );
        if let (Some(name), Some(id)) = (&runtime.correlation_header, &self.correlation) {
            headers.insert(name.clone(), id.clone());
        }
        for (name, value) in &self.options.headers {
            headers.append(name.clone(), value.clone());
        }
        // The attempt's own timeout, cut to what the deadline leaves.
        let timeout = match (self.options.attempt_timeout, self.left()) {
            (Some(own), Some(left)) => Some(own.min(left)),
            (own, left) => own.or(left),
        };
        *request.timeout_mut() = timeout;
        *request.body_mut() = Some(self.payload.body.clone().into());
        let started = clock.now();
        let response = match runtime.http.execute(request).await {
            Ok(response) => response,
            Err(error) => return self.no_answer(error, started, "sending the request"),
        };
        let limit = runtime.max_response_bytes;
        let answer = match Answer::read(response, limit, clock.wall()).await {
            Ok(answer) => answer,
            Err((_, Unread::Failed(error))) => {
                return self.no_answer(error, started, "reading the response");
            }
            Err((status, Unread::TooLarge)) => {
                let took = clock.now().saturating_duration_since(started);
                let error = Error::too_large(operation, status, limit);
                self.observer.unanswered(
                    "reading the response",
                    &error,
                    "response_too_large",
                    took,
                );
                return Outcome::Stopped(error);
            }
        };
        self.observer
            .answered(&answer, clock.now().saturating_duration_since(started));
        Outcome::Answered(answer)
    }

    /// An attempt that got no answer: `step` (sending, reading) failed.
    fn no_answer(&self, error: reqwest::Error, started: std::time::Instant, step: &str) -> Outcome {
        let took = self.runtime.clock.now().saturating_duration_since(started);
        let reason = Reason::of_transport(&error);
        self.observer
            .unanswered(step, &error, failure_type(&error), took);
        Outcome::NoAnswer {
            reason,
            error: Error::transport(self.operation, error),
        }
    }

    fn past_deadline(&self) -> Error {
        let given = self.deadline.map_or(Duration::ZERO, |d| d.given);
        Error::past_deadline(self.operation, given, None)
    }
}

/// `error.type` of an attempt that got no answer.
fn failure_type(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        ErrorKind::Timeout.as_str()
    } else if error.is_connect() {
        "connect"
    } else {
        ErrorKind::Transport.as_str()
    }
}
