//! Injected faults: canned failures, dropped connections, latency.

use std::time::Duration;

use hyper::StatusCode;

use crate::envelope::{ApiError, ErrorStyle, Reply};
use crate::fault_match::{Action, TargetedFaults};

/// A canned failure answered instead of processing a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    kind: FailureKind,
    retry_after: Option<String>,
    location: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum FailureKind {
    Http(u16),
    Code(i64, String),
    Html(u16),
}

impl Failure {
    /// A real HTTP status with the envelope `{code: status, msg, data: null}`, whatever the
    /// error style (like a gateway or rate limiter in front of the framework).
    ///
    /// # Panics
    /// If `status` is not a valid HTTP status (100..=999).
    pub fn http(status: u16) -> Self {
        assert_valid_status(status);
        Self {
            kind: FailureKind::Http(status),
            retry_after: None,
            location: None,
        }
    }

    /// An error envelope with this code, in the gateway's error style: HTTP 200 in
    /// [`ErrorStyle::Http200`]; in [`ErrorStyle::HttpStatus`] the HTTP status equals the code
    /// for 400/401/403/404/429/500 and is 200 otherwise.
    pub fn code(code: i64, msg: &str) -> Self {
        Self {
            kind: FailureKind::Code(code, msg.to_owned()),
            retry_after: None,
            location: None,
        }
    }

    /// An HTML page (`text/html`) with this status, like a proxy's error page. `html(200)` is
    /// allowed: a success status whose body is not JSON.
    ///
    /// # Panics
    /// If `status` is not a valid HTTP status (100..=999).
    pub fn html(status: u16) -> Self {
        assert_valid_status(status);
        Self {
            kind: FailureKind::Html(status),
            retry_after: None,
            location: None,
        }
    }

    /// Adds a `Retry-After` header with exactly this value (seconds or an HTTP-date).
    pub fn retry_after(mut self, value: &str) -> Self {
        self.retry_after = Some(value.to_owned());
        self
    }

    /// Adds a `Location` header, e.g. on `html(302)`: a gateway that redirects (clients must
    /// not follow it with their credentials).
    pub fn location(mut self, url: &str) -> Self {
        self.location = Some(url.to_owned());
        self
    }

    /// The reply this failure answers with.
    pub(crate) fn reply(&self, style: ErrorStyle) -> Reply {
        let reply = match &self.kind {
            FailureKind::Http(status) => {
                let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
                let err = ApiError::new(i64::from(status.as_u16()), guide_message(status));
                Reply::error_with_status(&err, status)
            }
            FailureKind::Code(code, msg) => Reply::error(&ApiError::new(*code, msg.clone()), style),
            FailureKind::Html(status) => {
                let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
                Reply::Html {
                    status,
                    body: html_page(status),
                    headers: Vec::new(),
                }
            }
        };
        let reply = match &self.retry_after {
            Some(v) => reply.with_header("retry-after", v.clone()),
            None => reply,
        };
        match &self.location {
            Some(v) => reply.with_header("location", v.clone()),
            None => reply,
        }
    }
}

fn assert_valid_status(status: u16) {
    assert!(
        StatusCode::from_u16(status).is_ok(),
        "invalid HTTP status {status}"
    );
}

/// The guide's §9 wording for the global codes; the reason phrase otherwise.
fn guide_message(status: StatusCode) -> String {
    match status.as_u16() {
        400 => "Invalid parameter".to_owned(),
        401 => "Token missing, invalid or expired".to_owned(),
        403 => "Insufficient scope or wrong user type".to_owned(),
        429 => "Rate limited (per clientId)".to_owned(),
        _ => status
            .canonical_reason()
            .unwrap_or("Unknown error")
            .to_owned(),
    }
}

/// An nginx-like error page.
fn html_page(status: StatusCode) -> String {
    let line = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    );
    format!(
        "<html>\r\n<head><title>{line}</title></head>\r\n<body>\r\n<center><h1>{line}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
}

/// Where a dropped connection is closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropPoint {
    /// Closed before the request is processed: nothing happened on the server.
    BeforeProcessing,
    /// The request was fully processed (a redemption is committed), then the connection is
    /// closed without a response.
    AfterProcessing,
}

/// Pending faults; each `set_` replaces what was pending of its kind, targeted faults add up.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    fail_business: Option<(u32, Failure)>,
    fail_token: Option<(u32, Failure)>,
    drop_business: Option<(u32, DropPoint)>,
    pub(crate) targeted: TargetedFaults,
    pub(crate) latency: Duration,
}

impl Faults {
    pub(crate) fn set_fail_business(&mut self, n: u32, failure: Failure) {
        self.fail_business = (n > 0).then_some((n, failure));
    }

    pub(crate) fn set_fail_token(&mut self, n: u32, failure: Failure) {
        self.fail_token = (n > 0).then_some((n, failure));
    }

    pub(crate) fn set_drop(&mut self, n: u32, at: DropPoint) {
        self.drop_business = (n > 0).then_some((n, at));
    }

    /// Consumes one pending business failure.
    pub(crate) fn take_business_failure(&mut self) -> Option<Failure> {
        take(&mut self.fail_business)
    }

    /// Consumes one pending token failure.
    pub(crate) fn take_token_failure(&mut self) -> Option<Failure> {
        take(&mut self.fail_token)
    }

    /// Consumes one pending drop.
    pub(crate) fn take_drop(&mut self) -> Option<DropPoint> {
        take(&mut self.drop_business)
    }

    /// What happens to a business call to `path` with `body`: a targeted fault that hits it,
    /// else the pending drop and failure of the next-n kind (a call a targeted fault hits
    /// does not consume them).
    pub(crate) fn take_business(
        &mut self,
        path: &str,
        body: &[u8],
    ) -> (Option<DropPoint>, Option<Failure>) {
        match self.targeted.take(path, body) {
            Some(Action::Fail(failure)) => (None, Some(failure)),
            Some(Action::Drop(at)) => (Some(at), None),
            None => (self.take_drop(), self.take_business_failure()),
        }
    }

    /// Forgets every pending failure and drop, targeted or not (the latency stays).
    pub(crate) fn clear(&mut self) {
        *self = Self {
            latency: self.latency,
            ..Self::default()
        };
    }
}

fn take<T: Clone>(slot: &mut Option<(u32, T)>) -> Option<T> {
    let (n, value) = slot.as_mut()?;
    let out = value.clone();
    *n -= 1;
    if *n == 0 {
        *slot = None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_faults_are_consumed_one_per_call() {
        let mut f = Faults::default();
        f.set_fail_business(2, Failure::http(503));
        assert!(f.take_business_failure().is_some());
        assert!(f.take_business_failure().is_some());
        assert!(f.take_business_failure().is_none());
        assert!(f.take_token_failure().is_none());
    }

    #[test]
    #[should_panic(expected = "invalid HTTP status")]
    fn invalid_status_panics() {
        let _ = Failure::http(42);
    }
}
