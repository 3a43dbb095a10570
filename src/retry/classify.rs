//! Deciding, from one attempt's outcome alone, whether to send the call again and when.
//!
//! A pure function of the operation's auth and retry class (from the spec), the outcome and
//! the `Retry-After` cap: the retry loop ([`super::RetryLoop`]) does the waiting.

use crate::operation::{Auth, RetryClass};
use crate::runtime::Answer;
use crate::{Error, ErrorKind};
use std::time::Duration;

/// What one attempt produced.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// A response, read to the end and classified.
    Answered(Answer),
    /// No response: connecting, sending or reading failed (`reason` says which).
    NoAnswer { reason: Reason, error: Error },
    /// The SDK itself ended the attempt (no token could be had, a body over the size limit,
    /// the deadline).
    Stopped(Error),
}

impl Outcome {
    /// The call's result, when this attempt ends it.
    pub(crate) fn into_result(self, operation: &'static crate::Operation) -> Result<Answer, Error> {
        match self {
            Outcome::Answered(answer) => match answer.failure {
                None => Ok(answer),
                Some(_) => Err(Error::answered(operation, &answer)),
            },
            Outcome::NoAnswer { error, .. } | Outcome::Stopped(error) => Err(error),
        }
    }

    /// Whether the gateway answered with a success.
    pub(crate) fn succeeded(&self) -> bool {
        matches!(self, Outcome::Answered(answer) if answer.failure.is_none())
    }
}

/// Why an attempt is sent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// 429 (status or code): the gateway refused it unprocessed.
    Throttled,
    /// 408, 500, 502, 503, 504 (status or code), an HTML error page included.
    Server,
    /// The connection could not be made: nothing reached the gateway.
    Connect,
    /// The connection closed before a response: the gateway may have processed it.
    Dropped,
    /// No response within the timeout: the gateway may still be processing it.
    Timeout,
}

impl Reason {
    /// Why an attempt that got no answer failed.
    pub(crate) fn of_transport(error: &reqwest::Error) -> Self {
        if error.is_connect() {
            Reason::Connect
        } else if error.is_timeout() {
            Reason::Timeout
        } else {
            Reason::Dropped
        }
    }

    /// Whether the gateway may have acted on the attempt that failed so.
    pub(crate) fn may_have_been_processed(self) -> bool {
        matches!(self, Reason::Server | Reason::Dropped | Reason::Timeout)
    }

    /// Its name in metrics (`rizzitgo.retry.reason`).
    pub(crate) fn label(self) -> &'static str {
        match self {
            Reason::Throttled => "throttled",
            Reason::Server => "server_error",
            Reason::Connect => "connect",
            Reason::Dropped => "dropped",
            Reason::Timeout => "timeout",
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Reason::Throttled => "rate limited",
            Reason::Server => "server error",
            Reason::Connect => "connect failed",
            Reason::Dropped => "connection dropped",
            Reason::Timeout => "timeout",
        }
    }
}

/// The classifier's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Hand this outcome to the caller.
    Done,
    /// The gateway refused the access token (401): replace it and send again at once. Offered
    /// once per call; a second 401 is [`Verdict::Done`].
    Reauthenticate,
    /// Send again, after `after` (the gateway's `Retry-After`) or else the policy's backoff.
    Retry {
        reason: Reason,
        after: Option<Duration>,
    },
}

/// Whether and when to send the call again.
/// `reauthenticated`: the call replaced its token once already.
pub(crate) fn classify(
    auth: Auth,
    retry: RetryClass,
    reauthenticated: bool,
    outcome: &Outcome,
    max_retry_after: Duration,
) -> Verdict {
    // May the gateway have acted on the request? Then only calls that are safe to repeat are
    // repeated: read-only ones, and those carrying their idempotency key.
    let repeatable = !matches!(retry, RetryClass::Never);
    match outcome {
        Outcome::Stopped(_) => Verdict::Done,
        &Outcome::NoAnswer { reason, .. } => {
            let allowed = match reason {
                Reason::Connect => true,
                // The first attempt may still be running at the gateway: even an idempotency
                // key may not yet be recorded there, so only reads are repeated.
                Reason::Timeout => retry == RetryClass::Safe,
                _ => repeatable,
            };
            if allowed {
                Verdict::Retry {
                    reason,
                    after: None,
                }
            } else {
                Verdict::Done
            }
        }
        Outcome::Answered(answer) => {
            let reason = match answer.failure {
                None => return Verdict::Done,
                Some(ErrorKind::Unauthorized) => {
                    return if auth == Auth::Bearer && !reauthenticated {
                        Verdict::Reauthenticate
                    } else {
                        Verdict::Done
                    };
                }
                // Refused before processing: safe to repeat for every operation.
                Some(ErrorKind::RateLimited) => Reason::Throttled,
                Some(_)
                    if repeatable
                        && [408, 500, 502, 503, 504].into_iter().any(|n| answer.is(n)) =>
                {
                    Reason::Server
                }
                Some(_) => return Verdict::Done,
            };
            match answer.retry_after {
                Some(after) if after > max_retry_after => Verdict::Done,
                after => Verdict::Retry { reason, after },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    const CAP: Duration = Duration::from_secs(120);

    /// What the classifier knows of an operation and the call so far.
    #[derive(Clone, Copy)]
    struct Class {
        auth: Auth,
        retry: RetryClass,
        reauthenticated: bool,
    }

    const READ: Class = Class {
        auth: Auth::Bearer,
        retry: RetryClass::Safe,
        reauthenticated: false,
    };
    const REDEEM: Class = Class {
        retry: RetryClass::IdempotencyKey("requestId"),
        ..READ
    };
    const ONCE: Class = Class {
        retry: RetryClass::Never,
        ..READ
    };

    fn verdict(class: Class, status: u16, body: &str, retry_after: Option<&str>) -> Verdict {
        let mut headers = HeaderMap::new();
        if let Some(value) = retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        }
        let answer = Answer::new(
            reqwest::StatusCode::from_u16(status).unwrap(),
            headers,
            bytes::Bytes::copy_from_slice(body.as_bytes()),
            std::time::SystemTime::UNIX_EPOCH,
        );
        let outcome = Outcome::Answered(answer);
        classify(
            class.auth,
            class.retry,
            class.reauthenticated,
            &outcome,
            CAP,
        )
    }

    fn retry(reason: Reason, after: Option<u64>) -> Verdict {
        Verdict::Retry {
            reason,
            after: after.map(Duration::from_secs),
        }
    }

    #[test]
    fn throttling_is_retried_for_every_operation_with_its_retry_after() {
        for class in [READ, REDEEM, ONCE] {
            assert_eq!(
                verdict(class, 429, "", Some("1")),
                retry(Reason::Throttled, Some(1))
            );
            assert_eq!(
                verdict(class, 200, r#"{"code":429,"msg":"slow"}"#, None),
                retry(Reason::Throttled, None)
            );
        }
        assert_eq!(verdict(READ, 429, "", Some("300")), Verdict::Done);
        assert_eq!(
            verdict(READ, 429, "", Some("120")),
            retry(Reason::Throttled, Some(120))
        );
    }

    #[test]
    fn server_errors_are_retried_when_the_call_may_be_repeated() {
        for status in [408, 500, 502, 503, 504] {
            assert_eq!(
                verdict(READ, status, "<html>", None),
                retry(Reason::Server, None)
            );
            assert_eq!(
                verdict(REDEEM, status, "", None),
                retry(Reason::Server, None)
            );
            assert_eq!(verdict(ONCE, status, "", None), Verdict::Done);
        }
        assert_eq!(
            verdict(READ, 200, r#"{"code":503,"data":null,"msg":""}"#, None),
            retry(Reason::Server, None)
        );
        assert_eq!(verdict(READ, 501, "", None), Verdict::Done);
    }

    #[test]
    fn client_and_business_errors_are_final() {
        for body in [
            r#"{"code":400,"msg":"bad"}"#,
            r#"{"code":403,"msg":"scope"}"#,
            r#"{"code":900,"msg":"Duplicate request, please do not retry"}"#,
            r#"{"code":1013020001,"msg":"expired"}"#,
            r#"{"code":0,"data":{},"msg":""}"#,
        ] {
            assert_eq!(verdict(READ, 200, body, None), Verdict::Done, "{body}");
        }
        assert_eq!(verdict(READ, 400, "", None), Verdict::Done);
        assert_eq!(verdict(READ, 302, "", None), Verdict::Done);
    }

    #[test]
    fn a_refused_token_is_replaced_once() {
        assert_eq!(verdict(READ, 401, "", None), Verdict::Reauthenticate);
        assert_eq!(
            verdict(ONCE, 200, r#"{"code":401}"#, None),
            Verdict::Reauthenticate
        );
        let again = Class {
            reauthenticated: true,
            ..READ
        };
        assert_eq!(verdict(again, 401, "", None), Verdict::Done);
        let basic = Class {
            auth: Auth::Basic,
            ..READ
        };
        assert_eq!(verdict(basic, 401, "", None), Verdict::Done);
    }
}
