//! How an error reads: `Display` for people (never a secret), `Debug` for logs, and the body
//! excerpts both show.

use super::Error;
use crate::Operation;
use std::fmt;

/// How long a body excerpt in an error may be.
const SNIPPET_CHARS: usize = 200;

/// The start of a body for an error, except from the token endpoints: their bodies carry the
/// access token (or would echo one), and errors never show a token.
pub(crate) fn snippet_of(operation: Option<&'static Operation>, body: &[u8]) -> String {
    if operation.is_some_and(|op| op.auth == crate::operation::Auth::Basic) {
        return format!("[{} bytes from a token endpoint, not shown]", body.len());
    }
    snippet(body)
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().count() > SNIPPET_CHARS {
        out.push('…');
    }
    out
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        if let Some(op) = i.operation {
            write!(f, "{}: ", op.name)?;
        }
        f.write_str(i.kind.describe())?;
        let mut details = Vec::new();
        if let Some(code) = i.code {
            details.push(format!("code {code}"));
        }
        if let Some(status) = i.status {
            details.push(format!("HTTP {}", status.as_u16()));
        }
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        if let Some(message) = &i.message {
            write!(f, ": {message}")?;
        }
        // The gateway's 403 message usually names the scope already: said once.
        if self.is_forbidden() && !self.message_names_scopes() {
            write!(
                f,
                "; the operation needs scope {}",
                self.required_scopes().join(" ")
            )?;
        }
        if let Some(after) = i.retry_after {
            write!(f, "; retry after {} s", after.as_secs_f64())?;
        }
        if let Some(body) = &i.body_snippet {
            write!(f, "; body starts with {body:?}")?;
        }
        if i.attempts > 1 {
            write!(f, "; after {} attempts", i.attempts)?;
        }
        if let Some(key) = &i.request_id {
            write!(f, "; requestId {key}")?;
        }
        if let Some(hint) = i.hint {
            write!(f, "; {hint}")?;
        }
        if let Some(field) = i.field {
            write!(f, " (field `{field}`)")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind);
        if let Some(op) = i.operation {
            d.field("operation", &op.name);
        }
        if let Some(status) = i.status {
            d.field("status", &status.as_u16());
        }
        if let Some(code) = i.code {
            d.field("code", &code);
        }
        if let Some(message) = &i.message {
            d.field("message", message);
        }
        if let Some(after) = i.retry_after {
            d.field("retry_after", &after);
        }
        if let Some(body) = &i.body_snippet {
            d.field("body_snippet", body);
        }
        if i.attempts > 0 {
            d.field("attempts", &i.attempts);
        }
        if let Some(key) = &i.request_id {
            d.field("request_id", key);
        }
        if let Some(id) = &i.correlation_id {
            d.field("correlation_id", id);
        }
        if let Some(field) = i.field {
            d.field("field", &field);
        }
        if let Some(source) = &i.source {
            d.field("source", source);
        }
        d.finish()
    }
}
