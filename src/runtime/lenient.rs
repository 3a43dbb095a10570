//! Reading what real gateways send beyond the guide's shapes. The framework behind the gateway
//! writes a `LocalDateTime` as epoch milliseconds and a long beyond ±(2^53 − 1) as a JSON
//! string unless a field says otherwise; a number may come where the guide shows a string. The
//! codegen reads from the spec where each of these can happen ([`Lenient`], one tree per
//! operation); a body is reshaped by it only when its exact decoding failed, so the guide's
//! shapes cost nothing more.

use crate::types::DateTime;
use serde_json::{Number, Value};

/// The fields of a response value that accept another shape than their own (generated).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Lenient {
    /// Nothing to accept.
    Exact,
    /// An integer: also a string holding one, read exactly (no float on the way).
    Integer,
    /// A platform date-time: also epoch milliseconds (a number, or a string of digits),
    /// written as `yyyy-MM-dd HH:mm:ss` in UTC+8.
    DateTime,
    /// A string: also a number, as its text (`99.00` sent as a number reads `"99.0"`:
    /// serde_json keeps the value, not the digits).
    Text,
    /// An object, with its fields that accept something.
    Object(&'static [(&'static str, Lenient)]),
    /// A list of items that accept something.
    List(&'static Lenient),
}

impl Lenient {
    /// Rewrites what `value` holds in another shape into the schema's own; whether anything
    /// changed. A value that fits neither is left as it is, for the decoding to name it.
    pub(crate) fn reshape(&self, value: &mut Value) -> bool {
        match (self, &mut *value) {
            (Lenient::Exact, _) => false,
            (Lenient::Object(fields), Value::Object(map)) => {
                let mut changed = false;
                for (name, shape) in *fields {
                    if let Some(field) = map.get_mut(*name) {
                        changed |= shape.reshape(field);
                    }
                }
                changed
            }
            (Lenient::List(item), Value::Array(items)) => {
                let mut changed = false;
                for value in items {
                    changed |= item.reshape(value);
                }
                changed
            }
            (Lenient::Integer, Value::String(text)) => match integer(text) {
                Some(n) => {
                    *value = Value::Number(n);
                    true
                }
                None => false,
            },
            (Lenient::DateTime, Value::Number(n)) => match n.as_i64().and_then(from_millis) {
                Some(text) => {
                    *value = Value::String(text);
                    true
                }
                None => false,
            },
            (Lenient::DateTime, Value::String(text))
                if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) =>
            {
                match text.parse().ok().and_then(from_millis) {
                    Some(text) => {
                        *value = Value::String(text);
                        true
                    }
                    None => false,
                }
            }
            (Lenient::Text, Value::Number(n)) => {
                *value = Value::String(n.to_string());
                true
            }
            _ => false,
        }
    }
}

/// The integer a string holds (`"-12"`, `"9007199254740993"`), exactly.
fn integer(text: &str) -> Option<Number> {
    text.parse::<i64>()
        .map(Number::from)
        .or_else(|_| text.parse::<u64>().map(Number::from))
        .ok()
}

/// Epoch milliseconds as the platform's `yyyy-MM-dd HH:mm:ss` (UTC+8; milliseconds dropped,
/// rounding down); `None` outside years 0–9999.
pub(crate) fn from_millis(ms: i64) -> Option<String> {
    DateTime::from_unix_seconds(ms.div_euclid(1000))
        .ok()
        .map(|t| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static COUPON: Lenient = Lenient::Object(&[
        ("templateId", Lenient::Integer),
        ("validStartTime", Lenient::DateTime),
        ("price", Lenient::Text),
    ]);
    static RESULT: Lenient = Lenient::Object(&[("coupons", Lenient::List(&COUPON))]);

    #[test]
    fn each_shape_reads_its_other_form_and_keeps_the_rest() {
        let mut value = json!({"coupons": [
            {"templateId": "9007199254740993", "validStartTime": 1_780_396_200_000_i64,
             "price": 99.5, "other": "7"},
            {"templateId": 12, "validStartTime": "2026-06-02 18:30:00", "price": "99.00"},
            {"templateId": "twelve", "validStartTime": true, "price": null},
        ]});
        assert!(RESULT.reshape(&mut value));
        assert_eq!(
            value,
            json!({"coupons": [
                {"templateId": 9_007_199_254_740_993_i64, "validStartTime": "2026-06-02 18:30:00",
                 "price": "99.5", "other": "7"},
                {"templateId": 12, "validStartTime": "2026-06-02 18:30:00", "price": "99.00"},
                {"templateId": "twelve", "validStartTime": true, "price": null},
            ]})
        );
        // The guide's shapes: nothing to change.
        let mut guide = json!({"coupons": [{"templateId": 12, "price": "1"}]});
        assert!(!RESULT.reshape(&mut guide));
    }

    #[test]
    fn integers_stay_exact_and_milliseconds_round_down() {
        let mut big = json!(u64::MAX.to_string());
        assert!(Lenient::Integer.reshape(&mut big));
        assert_eq!(big, json!(u64::MAX));
        assert_eq!(from_millis(0).as_deref(), Some("1970-01-01 08:00:00"));
        assert_eq!(from_millis(-1).as_deref(), Some("1970-01-01 07:59:59"));
        assert_eq!(
            from_millis(1_780_396_200_999).as_deref(),
            Some("2026-06-02 18:30:00")
        );
        let mut digits = json!("1780396200000");
        assert!(Lenient::DateTime.reshape(&mut digits));
        assert_eq!(digits, "2026-06-02 18:30:00");
        assert_eq!(from_millis(i64::MAX), None);
    }

    mod properties {
        use crate::generated::ops::{GOODS_QC_DETAIL, REDEEM_COUPON};
        use crate::generated::support::{answered, conclude};
        use crate::types::{QcDetail, RedeemResult};
        use proptest::prelude::*;

        fn decoded<T: serde::de::DeserializeOwned>(
            operation: &'static crate::Operation,
            body: String,
        ) -> T {
            let finished = answered(reqwest::StatusCode::OK, body.as_bytes());
            conclude::<T>(operation, &finished)
                .unwrap_or_else(|e| panic!("{body}: {e}"))
                .expect("data")
        }

        proptest! {
            #[test]
            fn any_i64_as_a_number_or_a_string_decodes_to_itself(n: i64, quoted: bool) {
                let id = if quoted { format!("\"{n}\"") } else { n.to_string() };
                let body = format!(r#"{{"code":0,"msg":null,"data":{{"coupons":[{{"templateId":{id}}}]}}}}"#);
                let redeemed: RedeemResult = decoded(REDEEM_COUPON, body);
                prop_assert_eq!(redeemed.coupons[0].template_id, Some(n));
            }

            #[test]
            fn epoch_millis_of_1970_to_2100_read_as_the_platform_text_of_that_instant(
                ms in 0_i64..4_102_444_800_000,
            ) {
                let body = format!(r#"{{"code":0,"msg":"","data":{{"completionTime":{ms}}}}}"#);
                let qc: QcDetail = decoded(GOODS_QC_DETAIL, body);
                let text = qc.completion_time.expect("a completion time");
                let parsed = crate::types::DateTime::parse(&text).unwrap();
                prop_assert_eq!(parsed.as_str(), text.as_str());
                #[cfg(feature = "jiff")]
                {
                    let instant = jiff::Timestamp::from_millisecond(ms).unwrap();
                    let second = jiff::Timestamp::from_second(instant.as_second()).unwrap();
                    prop_assert_eq!(parsed.to_jiff_timestamp(), second);
                }
            }
        }
    }
}
