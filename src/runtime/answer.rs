//! One reading of a response: status, headers, the body read once within its size limit, and
//! the envelope's `code`/`msg`. The retry classifier and the error are both made from it.

use crate::error::ErrorKind;
use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::borrow::Cow;
use std::time::{Duration, SystemTime};

/// A response of the gateway, read to the end.
#[derive(Clone, Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// The envelope's `code`, when the body is an envelope (an HTML page has none).
    pub(crate) code: Option<i64>,
    /// The envelope's `msg` of a failure (a success's is not read).
    pub(crate) msg: Cow<'static, str>,
    /// What failed, if anything: [`ErrorKind::of_answer`], decided once.
    pub(crate) failure: Option<ErrorKind>,
    /// `Retry-After`, as seconds or an HTTP-date (from the wall clock of the reading).
    pub(crate) retry_after: Option<Duration>,
}

/// Why a body was not read to the end.
pub(crate) enum Unread {
    /// Larger than the limit: nothing more is read.
    TooLarge,
    /// Reading failed (a dropped connection, the attempt's timeout).
    Failed(reqwest::Error),
}

impl Answer {
    /// Reads `response` to the end, at most `limit` bytes of body; `wall` is the time of the
    /// reading (an HTTP-date `Retry-After` counts from it).
    pub(crate) async fn read(
        mut response: reqwest::Response,
        limit: usize,
        wall: SystemTime,
    ) -> Result<Self, (StatusCode, Unread)> {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = read_body(&mut response, limit)
            .await
            .map_err(|unread| (status, unread))?;
        Ok(Self::new(status, headers, body, wall))
    }

    /// An answer made of its parts, classified once.
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        wall: SystemTime,
    ) -> Self {
        let (code, msg) = envelope_head(status, &body);
        let failure = ErrorKind::of_answer(status, code, &msg);
        let retry_after = retry_after(&headers, wall);
        Self {
            status,
            headers,
            body,
            code,
            msg,
            failure,
            retry_after,
        }
    }

    /// The failure `code` (not 0), if the envelope has one.
    pub(crate) fn failure_code(&self) -> Option<i64> {
        self.code.filter(|&c| c != 0)
    }

    /// Whether the status or the failure code is `n`.
    pub(crate) fn is(&self, n: u16) -> bool {
        self.status == n || self.failure_code() == Some(i64::from(n))
    }
}

/// `Retry-After`, as seconds or an HTTP-date (counted from `wall`).
fn retry_after(headers: &HeaderMap, wall: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(wall).unwrap_or(Duration::ZERO))
}

/// The body, read chunk by chunk so that an endless or oversized one costs no more memory than
/// the limit (and is refused at once when its `Content-Length` says so).
async fn read_body(response: &mut reqwest::Response, limit: usize) -> Result<Bytes, Unread> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(Unread::TooLarge);
    }
    let first = match response.chunk().await.map_err(Unread::Failed)? {
        Some(chunk) => chunk,
        None => return Ok(Bytes::new()),
    };
    if first.len() > limit {
        return Err(Unread::TooLarge);
    }
    // Most answers arrive in one chunk: kept as it is, without a copy.
    let Some(second) = response.chunk().await.map_err(Unread::Failed)? else {
        return Ok(first);
    };
    let mut body = Vec::new();
    append(&mut body, &first, limit)?;
    append(&mut body, &second, limit)?;
    while let Some(chunk) = response.chunk().await.map_err(Unread::Failed)? {
        append(&mut body, &chunk, limit)?;
    }
    Ok(Bytes::from(body))
}

/// Appends `chunk`, growing `body` by hand and never past `limit`: a doubling buffer would
/// hold its old and new allocations at once, three times the limit at the end.
fn append(body: &mut Vec<u8>, chunk: &[u8], limit: usize) -> Result<(), Unread> {
    let needed = body.len() + chunk.len();
    if needed > limit {
        return Err(Unread::TooLarge);
    }
    if needed > body.capacity() {
        let grown = (body.capacity() * 2).max(needed).min(limit);
        body.reserve_exact(grown - body.len());
    }
    body.extend_from_slice(chunk);
    Ok(())
}

/// The envelope's `code`, and its `msg` when the code is a failure: the gateway's framework
/// writes `code` first, so a success is known without scanning the body (the full decode into
/// the operation's type happens once, later, for the answer that ends the call).
fn envelope_head(status: StatusCode, body: &[u8]) -> (Option<i64>, Cow<'static, str>) {
    #[derive(serde::Deserialize)]
    struct Head {
        code: i64,
        #[serde(default)]
        msg: Option<String>,
    }
    if status.is_redirection() || !body.starts_with(b"{") {
        return (None, Cow::Borrowed(""));
    }
    if body.starts_with(br#"{"code":0,"#) {
        return (Some(0), Cow::Borrowed(""));
    }
    match serde_json::from_slice::<Head>(body) {
        Ok(head) => (Some(head.code), Cow::Owned(head.msg.unwrap_or_default())),
        Err(_) => (None, Cow::Borrowed("")),
    }
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
                envelope_head(StatusCode::OK, body.as_bytes()).0,
                full,
                "{body}"
            );
        }
    }

    #[test]
    fn a_failure_is_read_once_from_the_status_or_the_code() {
        let answer = |status: u16, body: &'static str| {
            Answer::new(
                StatusCode::from_u16(status).unwrap(),
                HeaderMap::new(),
                Bytes::from_static(body.as_bytes()),
                SystemTime::UNIX_EPOCH,
            )
        };
        assert_eq!(answer(200, r#"{"code":0,"data":1}"#).failure, None);
        assert_eq!(
            answer(200, r#"{"code":401,"msg":"x"}"#).failure,
            Some(ErrorKind::Unauthorized)
        );
        assert_eq!(answer(401, "").failure, Some(ErrorKind::Unauthorized));
        assert_eq!(
            answer(200, r#"{"code":900,"msg":"x"}"#).failure,
            Some(ErrorKind::DuplicateRequest)
        );
        assert_eq!(
            answer(
                400,
                r#"{"code":400,"msg":"Duplicate request, please do not retry"}"#
            )
            .failure,
            Some(ErrorKind::DuplicateRequest)
        );
        assert_eq!(answer(502, "<html>").failure, Some(ErrorKind::ServerError));
        assert_eq!(answer(302, "").failure, Some(ErrorKind::Redirect));
        assert_eq!(
            answer(200, r#"{"code":1008005000,"msg":"no"}"#).failure,
            Some(ErrorKind::Business)
        );
        assert_eq!(answer(200, "<html>").failure, None, "a decode error, later");
    }
}
