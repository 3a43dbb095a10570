//! What one call may change of the client's defaults: a total deadline, the time one attempt
//! may take, the retry policy, extra headers.

use crate::layers::CacheControl;
use crate::{Error, RetryPolicy};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::time::Duration;

/// The options of one call (the client's defaults where unset).
#[derive(Clone, Debug, Default)]
pub(crate) struct CallOptions {
    /// The whole call, retries and waits included.
    pub(crate) deadline: Option<Duration>,
    /// One attempt, sending to last byte (the client's `timeout` where unset).
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) retry_policy: Option<RetryPolicy>,
    /// Sent on every attempt, after the SDK's own.
    pub(crate) headers: HeaderMap,
    /// A call the SDK makes for itself (the token request): logged at DEBUG, not INFO.
    pub(crate) internal: bool,
    /// What the call does with the response cache.
    pub(crate) cache: CacheControl,
    /// The call sends its own request even when an identical one is in flight.
    pub(crate) alone: bool,
    /// Its lane for the client-side limit (the client's default where unset).
    pub(crate) priority: Option<crate::Priority>,
    /// The first option refused, returned when the call is awaited (nothing is sent).
    pub(crate) refused: Option<Error>,
}

/// Headers the SDK owns: a call may not replace them.
const RESERVED: [&str; 4] = [
    "authorization",
    "tenant-id",
    "content-type",
    "content-length",
];

impl CallOptions {
    pub(crate) fn refuse(&mut self, error: Error) {
        self.refused.get_or_insert(error);
    }

    pub(crate) fn header(&mut self, name: &str, value: &str) {
        let name = match HeaderName::try_from(name) {
            Ok(name) if RESERVED.contains(&name.as_str()) => {
                return self.refuse(Error::config(format!(
                    "header `{name}` is set by the SDK and cannot be replaced per call"
                )));
            }
            Ok(name) => name,
            Err(_) => {
                return self.refuse(Error::config(format!(
                    "`{name}` is not a valid header name"
                )));
            }
        };
        match HeaderValue::try_from(value) {
            Ok(value) => {
                self.headers.append(name, value);
            }
            Err(_) => self.refuse(Error::config(format!(
                "the value of header `{name}` is not a valid header value"
            ))),
        }
    }
}
