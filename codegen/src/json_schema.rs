//! The spec's schemas (OpenAPI 3.0) as the JSON Schema typify reads: what progenitor did before
//! handing them to typify, done here so that the build needs typify alone (not progenitor's
//! client generator and the regex crates it pulls in).
//!
//! The two dialects differ in a few keywords only; each schema is translated as JSON:
//! - `nullable: true` → `null` added to `type`, or `oneOf: [null, the schema]` around a
//!   composite (`allOf`, `oneOf`, `anyOf`, `not`) one;
//! - `exclusiveMinimum`/`exclusiveMaximum: true` (flags on `minimum`/`maximum`) → the bound as a
//!   number (draft 6 and later);
//! - `example` → `examples: [example]`;
//! - `discriminator` and `externalDocs` (OpenAPI's own) are dropped, as progenitor drops them.

use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde_json::Value;

/// Every component schema of the spec, by name, in the spec's order.
pub fn components(spec: &OpenAPI) -> Result<Vec<(String, schemars::schema::Schema)>, String> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    components
        .schemas
        .iter()
        .map(|(name, schema)| {
            convert(schema)
                .map(|schema| (name.clone(), schema))
                .map_err(|e| format!("components.schemas.{name}: {e}"))
        })
        .collect()
}

fn convert(schema: &ReferenceOr<Schema>) -> Result<schemars::schema::Schema, String> {
    let mut value = serde_json::to_value(schema).map_err(|e| e.to_string())?;
    translate(&mut value)?;
    serde_json::from_value(value).map_err(|e| format!("not a JSON Schema typify reads: {e}"))
}

/// Translates one schema object and, recursively, the schemas it holds (only those: a property
/// named `example` is a name, not a keyword).
fn translate(value: &mut Value) -> Result<(), String> {
    let Value::Object(schema) = value else {
        return Ok(());
    };
    if schema.contains_key("$ref") {
        return Ok(());
    }
    schema.remove("discriminator");
    schema.remove("externalDocs");
    if let Some(example) = schema.remove("example") {
        schema.insert("examples".to_owned(), Value::Array(vec![example]));
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(exclusive)) = schema.remove(flag)
            && exclusive
            && let Some(limit) = schema.remove(bound)
        {
            schema.insert(flag.to_owned(), limit);
        }
    }
    let nullable = schema.remove("nullable") == Some(Value::Bool(true));
    if nullable && let Some(Value::String(kind)) = schema.get_mut("type") {
        let kind = Value::String(std::mem::take(kind));
        schema.insert("type".to_owned(), Value::Array(vec![kind, "null".into()]));
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(inner) = schema.get_mut(key) {
            translate(inner)?;
        }
    }
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        translate_all(properties.values_mut())?;
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(list)) = schema.get_mut(key) {
            translate_all(list.iter_mut())?;
        }
    }
    let composite = ["allOf", "oneOf", "anyOf", "not"]
        .iter()
        .any(|key| schema.contains_key(*key));
    if nullable && !schema.contains_key("type") && composite {
        // `oneOf: [null, the schema]`, its description outside (as progenitor writes it).
        let extensions: Vec<String> = schema
            .keys()
            .filter(|key| key.starts_with("x-"))
            .cloned()
            .collect();
        let outer: serde_json::Map<String, Value> = METADATA
            .iter()
            .map(|key| (*key).to_owned())
            .chain(extensions)
            .filter_map(|key| schema.remove_entry(&key))
            .collect();
        let inner = Value::Object(std::mem::replace(schema, outer));
        schema.insert(
            "oneOf".to_owned(),
            Value::Array(vec![serde_json::json!({"type": "null"}), inner]),
        );
    }
    // A schema without `type` and without subschemas accepts `null` already.
    Ok(())
}

/// The annotations of a schema (JSON Schema's `metadata`).
const METADATA: [&str; 7] = [
    "title",
    "description",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "examples",
];

fn translate_all<'a>(schemas: impl Iterator<Item = &'a mut Value>) -> Result<(), String> {
    schemas.into_iter().try_for_each(translate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translated(yaml: &str) -> Value {
        let schema: ReferenceOr<Schema> = serde_yaml::from_str(yaml).unwrap();
        let mut value = serde_json::to_value(&schema).unwrap();
        translate(&mut value).unwrap();
        value
    }

    #[test]
    fn openapi_keywords_become_json_schema_ones() {
        let value = translated(
            "type: object\nproperties:\n  example:\n    type: integer\n    nullable: true\n    \
             minimum: 0\n    exclusiveMinimum: true\n    example: 3\n",
        );
        let field = &value["properties"]["example"];
        assert_eq!(field["type"], serde_json::json!(["integer", "null"]));
        assert_eq!(field["exclusiveMinimum"], 0);
        assert!(field.get("minimum").is_none());
        assert_eq!(field["examples"], serde_json::json!([3]));
    }

    #[test]
    fn a_nullable_composite_becomes_one_of_null_and_itself() {
        let value = translated(
            "description: Data.\nnullable: true\nallOf:\n  - $ref: '#/components/schemas/A'\n",
        );
        assert_eq!(
            value,
            serde_json::json!({
                "description": "Data.",
                "oneOf": [
                    {"type": "null"},
                    {"allOf": [{"$ref": "#/components/schemas/A"}]}
                ]
            })
        );
    }
}
