//! How the gateway writes its successes: in the guide's shapes, or in the defaults of the
//! framework behind it (yudao / ruoyi-vue-pro's Jackson set-up) that the guide does not show —
//! `LocalDateTime` as epoch milliseconds, longs as JSON strings, `msg: null` — so that users'
//! tests meet what a real gateway may send.

use serde_json::Value;

use crate::calendar;

/// The shapes of a success's `data` and `msg`. The default is the guide's; each switch turns
/// one of the framework's defaults on.
///
/// ```
/// use rizzitgo_mock_gateway::ResponseStyle;
/// let style = ResponseStyle::guide().date_times_as_millis(true);
/// assert_ne!(style, ResponseStyle::guide());
/// assert_eq!(ResponseStyle::framework(), style.integers_as_strings(true).null_msg(true));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResponseStyle {
    millis: bool,
    strings: bool,
    null_msg: bool,
}

impl ResponseStyle {
    /// The guide's shapes: date-times as `yyyy-MM-dd HH:mm:ss`, integers as JSON numbers,
    /// `msg: ""`.
    pub fn guide() -> Self {
        Self::default()
    }

    /// Every switch on.
    pub fn framework() -> Self {
        Self {
            millis: true,
            strings: true,
            null_msg: true,
        }
    }

    /// Every date-time of `data` (a string `yyyy-MM-dd HH:mm:ss`, UTC+8) as epoch
    /// milliseconds, a JSON number, as Jackson's `LocalDateTimeSerializer` writes it.
    pub fn date_times_as_millis(mut self, on: bool) -> Self {
        self.millis = on;
        self
    }

    /// Every integer of `data` as a JSON string holding it (`"total": "54"`). The framework's
    /// `NumberSerializer` does so for a long beyond ±(2^53 − 1); the mock does it for all of
    /// them, so that a test meets the shape on every field.
    pub fn integers_as_strings(mut self, on: bool) -> Self {
        self.strings = on;
        self
    }

    /// `msg: null` in successes, instead of `""`.
    pub fn null_msg(mut self, on: bool) -> Self {
        self.null_msg = on;
        self
    }

    /// Whether successes carry `msg: null`.
    pub(crate) fn has_null_msg(self) -> bool {
        self.null_msg
    }

    /// `data` of a success, rewritten in this style.
    pub(crate) fn restyle(self, data: &mut Value) {
        match data {
            Value::Object(map) => map.values_mut().for_each(|v| self.restyle(v)),
            Value::Array(items) => items.iter_mut().for_each(|v| self.restyle(v)),
            Value::Number(n) if self.strings && (n.is_i64() || n.is_u64()) => {
                *data = Value::String(n.to_string());
            }
            Value::String(s) if self.millis => {
                if let Some(ms) = calendar::epoch_millis(s) {
                    *data = Value::from(ms);
                }
            }
            _ => {}
        }
    }

    /// Reads `{"dateTimesAsMillis": bool, "integersAsStrings": bool, "nullMsg": bool}` (each
    /// optional, false when absent), the admin API's body.
    pub(crate) fn from_json(body: &serde_json::Map<String, Value>) -> Result<Self, String> {
        let flag = |name: &str| match body.get(name) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(format!("{name} must be a boolean")),
        };
        for key in body.keys() {
            if !["dateTimesAsMillis", "integersAsStrings", "nullMsg"].contains(&key.as_str()) {
                return Err(format!(
                    "unknown field {key} (dateTimesAsMillis, integersAsStrings, nullMsg)"
                ));
            }
        }
        Ok(Self {
            millis: flag("dateTimesAsMillis")?,
            strings: flag("integersAsStrings")?,
            null_msg: flag("nullMsg")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_switch_changes_its_shape_only() {
        let data = json!({"list": [{"completionTime": "2026-06-02 18:30:00", "length": "30"}],
                          "total": 54, "ok": true});
        let mut millis = data.clone();
        ResponseStyle::guide()
            .date_times_as_millis(true)
            .restyle(&mut millis);
        assert_eq!(millis["list"][0]["completionTime"], 1_780_396_200_000_i64);
        assert_eq!(
            (&millis["total"], &millis["list"][0]["length"]),
            (&json!(54), &json!("30"))
        );
        let mut strings = data.clone();
        ResponseStyle::guide()
            .integers_as_strings(true)
            .restyle(&mut strings);
        assert_eq!(strings["total"], "54");
        assert_eq!(strings["list"][0]["completionTime"], "2026-06-02 18:30:00");
        // Both: the milliseconds stay a number, as Jackson writes them.
        let mut both = data.clone();
        ResponseStyle::framework().restyle(&mut both);
        assert_eq!(both["list"][0]["completionTime"], 1_780_396_200_000_i64);
        assert_eq!((&both["total"], &both["ok"]), (&json!("54"), &json!(true)));
        let mut guide = data.clone();
        ResponseStyle::guide().restyle(&mut guide);
        assert_eq!(guide, data);
    }
}
