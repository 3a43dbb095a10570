//! The unified response structure `{code, data, msg}` of every endpoint.

use serde::{Deserialize, Serialize};

/// The envelope every endpoint answers: `code` 0 is success, anything else a failure
/// described by `msg`. The SDK's methods unwrap it; it is public for users who decode
/// gateway bodies themselves (webhooks, logs, tests).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Envelope<T> {
    /// 0 on success; the error code otherwise (open-ended).
    pub code: i64,
    /// The payload; null on failure.
    pub data: Option<T>,
    /// The failure message; empty on success. Absent or `null` (a gateway or proxy in front
    /// of the platform may send either) is read as empty.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub msg: String,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Option::<String>::deserialize(d).map(Option::unwrap_or_default)
}

impl<T> Envelope<T> {
    /// Whether `code` is 0.
    pub fn is_success(&self) -> bool {
        self.code == 0
    }
}
