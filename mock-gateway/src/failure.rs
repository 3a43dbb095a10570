//! What an injected fault does to a call: a canned failure answered instead, or the connection
//! dropped before or after the request is processed.

use hyper::StatusCode;

use crate::envelope::{ApiError, ErrorStyle, Reply};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "invalid HTTP status")]
    fn invalid_status_panics() {
        let _ = Failure::http(42);
    }
}
