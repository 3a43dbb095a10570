//! A body that does not decode is a `Decode` error that says where it broke: the JSON path,
//! what was expected and what was found, with the body's start; never a token. And what real
//! gateways add to the envelope (`msg: null`, fields of their own) decodes.

use crate::generated::examples::decode;
use crate::types::GoodsRequest;
use crate::{Error, ErrorKind};
use rizzitgo_mock_gateway::{Failure, MockGateway, seed};

fn decoded(operation: &str, body: &str) -> Result<(), Error> {
    decode(operation, 200, body.as_bytes()).expect("an operation of the spec")
}

#[test]
fn a_wrong_type_in_a_nested_list_is_named_by_its_path() {
    let body = r#"{"code":0,"msg":"","data":{"coupons":[{"templateId":"not-a-number"}]}}"#;
    let error = decoded("redeem_coupon", body).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    let text = error.to_string();
    assert!(text.contains("`data.coupons[0].templateId`"), "{text}");
    assert!(text.contains("expected i64"), "what was expected: {text}");
    assert!(text.contains("not-a-number"), "what was found: {text}");
    assert!(error.body_snippet().unwrap().starts_with(r#"{"code":0"#));
}

#[test]
fn a_success_without_data_says_so() {
    let error = decoded("goods_detail", r#"{"code":0,"msg":""}"#).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.to_string().contains("at `data`"), "{error}");
}

#[test]
fn a_body_that_is_not_json_says_so() {
    let error = decoded("goods_detail", "<html>maintenance</html>").unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.to_string().contains("not JSON"), "{error}");
    assert_eq!(error.body_snippet(), Some("<html>maintenance</html>"));
}

#[test]
fn a_token_endpoints_decode_error_shows_no_value() {
    let body = r#"{"code":0,"msg":"","data":{"access_token":"0123456789abcdef0123456789abcdef","expires_in":"soon"}}"#;
    let error = decoded("issue_token", body).unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("0123456789abcdef"), "{shown}");
    assert!(shown.contains("`data.expires_in`"), "{shown}");
}

#[test]
fn msg_null_and_fields_a_gateway_adds_decode() {
    for body in [
        r#"{"code":0,"msg":null,"data":{"goodsId":"1"}}"#,
        r#"{"code":0,"data":{"goodsId":"1"}}"#,
        r#"{"code":0,"msg":"","data":{"goodsId":"1"},"traceId":"t-1","timestamp":1}"#,
    ] {
        decoded("goods_detail", body).unwrap_or_else(|e| panic!("{body}: {e}"));
    }
}

#[tokio::test]
async fn over_http_a_body_that_is_not_json_is_a_decode_error_after_one_attempt() {
    let gateway = MockGateway::start().await.unwrap();
    let client = crate::Client::builder().mock(&gateway).build().unwrap();
    gateway.fail_next(1, Failure::html(200));
    let error = client
        .goods_detail(GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    assert!(error.to_string().contains("not JSON"), "{error}");
    assert_eq!(error.attempts(), 1);
}

#[test]
fn the_fuzz_seeds_decode_as_their_names_say() {
    // The seeds of `fuzz/` start the fuzzer at each reading (the guide's shapes, the
    // framework's, failures): an `-ok` or `-framework` seed decodes, the others fail cleanly.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/decode");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let input = std::fs::read(&path).unwrap();
        let [op, hi, lo, body @ ..] = input.as_slice() else {
            panic!("{name}: shorter than its header");
        };
        let operation = &crate::Operation::all()[usize::from(*op)];
        assert!(
            name.starts_with(&operation.name.replace('_', "-")),
            "{name}: {}",
            operation.name
        );
        let status = 100 + u16::from_be_bytes([*hi, *lo]) % 900;
        let outcome = decode(operation.name, status, body).unwrap();
        if name.ends_with("-ok") || name.ends_with("-framework") {
            outcome.unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        seen += 1;
    }
    assert!(seen >= 14, "{seen} seeds");
}
