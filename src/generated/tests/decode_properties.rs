//! No response can make the SDK panic or show a token: arbitrary bytes, arbitrary JSON and
//! envelopes with random codes, missing fields, wrong types, huge numbers, deep nesting and
//! non-UTF-8, as the body of every operation with any status, always decode to a typed result.
//!
//! The decoder is the one every call runs, reached through the test-only `generated::examples`;
//! the HTTP path around it is covered by the other tests. 4 × 25,000 cases.

use crate::Operation;
use crate::generated::examples::decode;
use proptest::prelude::*;

const CASES: u32 = 25_000;
/// A token-shaped secret planted in the `data` of bodies: no error of the token endpoints, whose
/// bodies carry the access token, may repeat it. (A business body is shown in part by decode
/// errors, on purpose: it carries no token.)
const TOKEN: &str = "0123456789abcdef0123456789abcdef";

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn operation() -> impl Strategy<Value = &'static str> {
    (0..Operation::all().len()).prop_map(|i| Operation::all()[i].name)
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200u16),
        Just(204),
        Just(302),
        Just(400),
        Just(401),
        Just(403),
        Just(429),
        Just(500),
        Just(502),
        Just(503),
        100u16..1000,
    ]
}

/// Any JSON, some of it deep, some of it with huge or odd numbers.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)),
        ".{0,20}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("goodsId".to_owned()),
                    Just("list".to_owned()),
                    Just("total".to_owned()),
                    Just("access_token".to_owned()),
                    Just("expires_in".to_owned()),
                    Just("coupons".to_owned()),
                    "[a-zA-Z]{1,8}",
                ],
                prop_oneof![inner, Just(serde_json::Value::from(TOKEN))],
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The unified envelope, with random codes, missing or mistyped fields.
fn envelope() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![
            Just(None),
            Just(Some(serde_json::json!(0))),
            any::<i64>().prop_map(|c| Some(serde_json::json!(c))),
            Just(Some(serde_json::json!("0"))),
            Just(Some(serde_json::json!(1e300))),
        ],
        prop::option::of(json()),
        prop::option::of(prop_oneof![
            ".{0,30}".prop_map(serde_json::Value::from),
            any::<i32>().prop_map(serde_json::Value::from),
        ]),
    )
        .prop_map(|(code, data, msg)| {
            let mut object = serde_json::Map::new();
            if let Some(code) = code {
                object.insert("code".into(), code);
            }
            if let Some(data) = data {
                object.insert("data".into(), data);
            }
            if let Some(msg) = msg {
                object.insert("msg".into(), msg);
            }
            serde_json::to_vec(&object).unwrap()
        })
}

/// Decodes and checks the outcome is typed and clean.
fn check(operation: &str, status: u16, body: &[u8]) -> Result<(), TestCaseError> {
    let Some(outcome) = decode(operation, status, body) else {
        return Ok(()); // a status reqwest cannot represent
    };
    if let Err(error) = outcome {
        let text = format!("{error} {error:?}");
        let token_endpoint =
            Operation::find(operation).is_some_and(|op| op.auth == crate::operation::Auth::Basic);
        prop_assert!(
            !(token_endpoint && text.contains(TOKEN)),
            "a token in an error: {text}"
        );
        // One kind per failure, whatever came.
        let _ = error.kind();
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes(operation in operation(), status in status(), body in prop::collection::vec(any::<u8>(), 0..256)) {
        check(operation, status, &body)?;
    }

    #[test]
    fn arbitrary_json(operation in operation(), status in status(), value in json()) {
        check(operation, status, &serde_json::to_vec(&value).unwrap())?;
    }

    #[test]
    fn envelopes_of_every_shape(operation in operation(), status in status(), body in envelope()) {
        check(operation, status, &body)?;
    }

    #[test]
    fn deep_huge_and_not_utf8(operation in operation(), status in status(), depth in 0usize..2000, tail in prop::collection::vec(128u8..=255, 0..16)) {
        let mut deep = "[".repeat(depth).into_bytes();
        deep.extend_from_slice(&tail);
        check(operation, status, &deep)?;
        let huge = format!(r#"{{"code":0,"data":{{"total":1{}}},"msg":""}}"#, "0".repeat(depth % 400));
        check(operation, status, huge.as_bytes())?;
        let mut invalid = br#"{"code":0,"data":{"goodsId":""#.to_vec();
        invalid.extend_from_slice(&tail);
        invalid.extend_from_slice(br#""},"msg":""}"#);
        check(operation, status, &invalid)?;
    }
}
