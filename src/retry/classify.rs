//! Deciding, from one attempt's outcome alone, whether to send the call again and when.
//!
//! A pure function of the operation's retry class (from the spec), the outcome and the
//! `Retry-After` cap: the loop in [`super::run`] does the waiting and the re-sending.

use crate::operation::{Auth, Retry};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::time::Duration;

/// What one attempt produced.
pub(crate) enum Outcome<'a> {
    /// A response, read to the end.
    Response {
        status: StatusCode,
        headers: &'a HeaderMap,
        body: &'a [u8],
    },
    /// No response: connecting, sending or reading failed.
    Transport(&'a reqwest::Error),
    /// The SDK itself stopped the attempt (no token could be had).
    Local,
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
    /// Whether the gateway may have acted on the attempt that failed so.
    pub(crate) fn may_have_been_processed(self) -> bool {
        matches!(self, Reason::Server | Reason::Dropped | Reason::Timeout)
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

/// What the classifier knows about the operation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Class {
    pub(crate) auth: Auth,
    pub(crate) retry: Retry,
    /// Whether this call already replaced its token once.
    pub(crate) reauthenticated: bool,
}

/// Whether and when to send the call again.
pub(crate) fn classify(class: Class, outcome: &Outcome<'_>, max_retry_after: Duration) -> Verdict {
    // May the gateway have acted on the request? Then only calls that are safe to repeat are
    // repeated: read-only ones, and those carrying their idempotency key.
    let repeatable = !matches!(class.retry, Retry::Never);
    match outcome {
        Outcome::Local => Verdict::Done,
        Outcome::Transport(error) => {
            let reason = if error.is_connect() {
                Reason::Connect
            } else if error.is_timeout() {
                Reason::Timeout
            } else {
                Reason::Dropped
            };
            let allowed = match reason {
                Reason::Connect => true,
                // The first attempt may still be running at the gateway: even an idempotency
                // key may not yet be recorded there, so only reads are repeated.
                Reason::Timeout => class.retry == Retry::Safe,
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
        Outcome::Response {
            status,
            headers,
            body,
        } => {
            let code = envelope_code(*status, body);
            let is = |n: u16| *status == n || code == Some(i64::from(n));
            if is(401) {
                return if class.auth == Auth::Bearer && !class.reauthenticated {
                    Verdict::Reauthenticate
                } else {
                    Verdict::Done
                };
            }
            let reason = if is(429) {
                // Refused before processing: safe to repeat for every operation.
                Reason::Throttled
            } else if (*status == 408 || [500, 502, 503, 504].into_iter().any(is)) && repeatable {
                Reason::Server
            } else {
                return Verdict::Done;
            };
            match crate::call::retry_after(headers) {
                Some(after) if after > max_retry_after => Verdict::Done,
                after => Verdict::Retry { reason, after },
            }
        }
    }
}

/// The envelope's `code`, when the body is one (an HTML page has none).
fn envelope_code(status: StatusCode, body: &[u8]) -> Option<i64> {
    #[derive(serde::Deserialize)]
    struct Code {
        code: i64,
    }
    if status.is_redirection() || !body.starts_with(b"{") {
        return None;
    }
    // The gateway's framework writes `code` first: a success is known without scanning the
    // whole body (a fifth of the SDK's CPU per call went to that scan). Any other body is
    // parsed in full.
    if body.starts_with(br#"{"code":0,"#) {
        return Some(0);
    }
    serde_json::from_slice::<Code>(body).ok().map(|c| c.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_success_prefix_reads_as_the_full_parse_does() {
        for body in [
            r#"{"code":0,"data":{"goodsId":"1"},"msg":""}"#,
            r#"{"code":0,"data":null}"#,
            r#"{"code":0}"#,
            r#"{ "code": 0, "data": 1 }"#,
            r#"{"data":1,"code":0}"#,
            r#"{"code":401,"msg":"expired"}"#,
            r#"{"code":0"#,
        ] {
            let full = serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v.get("code")?.as_i64());
            assert_eq!(
                envelope_code(StatusCode::OK, body.as_bytes()),
                full,
                "{body}"
            );
        }
    }
    use reqwest::header::{HeaderValue, RETRY_AFTER};

    const CAP: Duration = Duration::from_secs(120);
    const READ: Class = Class {
        auth: Auth::Bearer,
        retry: Retry::Safe,
        reauthenticated: false,
    };
    const REDEEM: Class = Class {
        retry: Retry::IdempotencyKey("requestId"),
        ..READ
    };
    const ONCE: Class = Class {
        retry: Retry::Never,
        ..READ
    };

    fn verdict(class: Class, status: u16, body: &str, retry_after: Option<&str>) -> Verdict {
        let mut headers = HeaderMap::new();
        if let Some(value) = retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        }
        let outcome = Outcome::Response {
            status: StatusCode::from_u16(status).unwrap(),
            headers: &headers,
            body: body.as_bytes(),
        };
        classify(class, &outcome, CAP)
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
