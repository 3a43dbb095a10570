//! Every example of the spec (the guide's own samples) decodes into the generated type and
//! encodes back to equivalent JSON.

use crate::generated::examples::roundtrip;
use openapiv3::ReferenceOr;
use serde_json::Value;

fn spec() -> openapiv3::OpenAPI {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/open-api.yaml"))
        .expect("the spec is readable");
    rizzitgo_open_api_codegen::parse_spec(&text).expect("the spec parses")
}

/// Null and absent are the same on the wire: drop nulls before comparing.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

fn schema_of(media: &openapiv3::MediaType) -> String {
    match media.schema.as_ref() {
        Some(ReferenceOr::Reference { reference }) => {
            rizzitgo_open_api_codegen::schema_name(reference).to_owned()
        }
        _ => panic!("every body in the spec is a $ref"),
    }
}

#[test]
fn every_request_and_response_example_round_trips() {
    let spec = spec();
    let mut checked = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        let item = item.as_item().unwrap();
        for (method, op) in item.iter() {
            let body = op.request_body.as_ref().and_then(|b| b.as_item()).unwrap();
            let responses = op.responses.responses.values().filter_map(|r| r.as_item());
            let medias = body
                .content
                .values()
                .chain(responses.flat_map(|r| r.content.values()));
            for media in medias {
                let Some(example) = media.example.clone() else {
                    continue;
                };
                let schema = schema_of(media);
                let Some(result) = roundtrip(&schema, example.clone()) else {
                    continue; // the shared error response: checked below
                };
                let back =
                    result.unwrap_or_else(|e| panic!("{method} {path}: example of {schema}: {e}"));
                assert_eq!(
                    without_nulls(back),
                    without_nulls(example),
                    "{method} {path}: example of {schema} changed on the way back"
                );
                checked.push(schema);
            }
        }
    }
    // 9 request examples and 9 success examples.
    assert_eq!(checked.len(), 18, "examples checked: {checked:?}");
}

#[test]
fn the_error_example_decodes_as_an_envelope() {
    let spec = spec();
    let error = spec.components.as_ref().unwrap().responses["Error"]
        .as_item()
        .unwrap();
    let example = error.content["application/json"].example.clone().unwrap();
    let envelope: crate::Envelope<Value> = serde_json::from_value(example.clone()).unwrap();
    assert_eq!(envelope.code, 401);
    assert!(!envelope.is_success());
    assert_eq!(
        without_nulls(serde_json::to_value(envelope).unwrap()),
        without_nulls(example)
    );
}
