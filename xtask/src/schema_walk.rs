//! Reading the spec's schemas: one walk over the fields of a schema, shared by the spec diff,
//! the drift check and the lint (nested objects and array items flattened into paths like
//! `coupons[].title`), and a schema's type in words.

use crate::spec::{ref_name, resolve};
use serde_json::Value;
use std::collections::BTreeSet;

/// A field met on the walk.
#[derive(Clone, Debug)]
pub struct Field<'a> {
    /// `name`, `parent.name`, `list[].name`, after the walk's prefix.
    pub path: String,
    /// Its schema as written (a `$ref` stays a `$ref`).
    pub schema: &'a Value,
    /// Whether its object lists it as required.
    pub required: bool,
}

/// Whether the walk goes through `$ref`s (and single-element `allOf`s) into other components.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refs {
    /// Through them: the shape a client sees. A component already being expanded is not
    /// expanded again, so a self-referencing schema ends.
    Follow,
    /// Not: the fields written inline in this schema only.
    Stay,
}

/// The schema's own type after `$ref`s and a single-element `allOf`.
pub fn base<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    let schema = resolve(spec, schema);
    match schema.get("allOf").and_then(Value::as_array) {
        Some(list) if list.len() == 1 => base(spec, &list[0]),
        _ => schema,
    }
}

/// A short description of a schema's type: `string`, `integer(int64)`, `array of QcDetail`,
/// or the component name of a `$ref`.
pub fn type_words(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return ref_name(reference).to_owned();
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            if key == "allOf" && list.len() == 1 {
                return type_words(&list[0]);
            }
            let parts: Vec<String> = list.iter().map(type_words).collect();
            return format!("{key}({})", parts.join(" | "));
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => match schema.get("items") {
            Some(items) => format!("array of {}", type_words(items)),
            None => "array".to_owned(),
        },
        Some("object") | None if schema.get("properties").is_some() => "object".to_owned(),
        Some("object") => match schema.get("additionalProperties") {
            Some(v) if v.is_object() => format!("map of {}", type_words(v)),
            _ => "object".to_owned(),
        },
        Some(kind) => match schema.get("format").and_then(Value::as_str) {
            Some(format) => format!("{kind}({format})"),
            None => kind.to_owned(),
        },
        None => "any".to_owned(),
    }
}

/// Visits every field of the object `schema`, depth first in property order (of the JSON map), each path after
/// `prefix`.
pub fn fields<'a>(
    spec: &'a Value,
    schema: &'a Value,
    prefix: &str,
    refs: Refs,
    visit: &mut impl FnMut(Field<'a>),
) {
    properties(spec, schema, prefix, refs, &mut Vec::new(), visit);
}

/// Visits the field `path` of type `schema`, then the fields of its object or of its array's
/// items.
pub fn field<'a>(
    spec: &'a Value,
    schema: &'a Value,
    path: &str,
    required: bool,
    refs: Refs,
    visit: &mut impl FnMut(Field<'a>),
) {
    one(spec, schema, path, required, refs, &mut Vec::new(), visit);
}

fn one<'a>(
    spec: &'a Value,
    schema: &'a Value,
    path: &str,
    required: bool,
    refs: Refs,
    seen: &mut Vec<&'a str>,
    visit: &mut impl FnMut(Field<'a>),
) {
    visit(Field {
        path: path.to_owned(),
        schema,
        required,
    });
    let own = if refs == Refs::Follow {
        base(spec, schema)
    } else {
        schema
    };
    match own.get("items") {
        Some(items) => properties(spec, items, &format!("{path}[]."), refs, seen, visit),
        None => properties(spec, schema, &format!("{path}."), refs, seen, visit),
    }
}

fn properties<'a>(
    spec: &'a Value,
    schema: &'a Value,
    prefix: &str,
    refs: Refs,
    seen: &mut Vec<&'a str>,
    visit: &mut impl FnMut(Field<'a>),
) {
    let target = match refs {
        Refs::Stay => schema,
        Refs::Follow => {
            let single = match schema.get("allOf").and_then(Value::as_array) {
                Some(list) if list.len() == 1 => &list[0],
                _ => schema,
            };
            if let Some(reference) = single.get("$ref").and_then(Value::as_str) {
                if seen.contains(&reference) {
                    return;
                }
                seen.push(reference);
                properties(spec, base(spec, schema), prefix, refs, seen, visit);
                seen.pop();
                return;
            }
            base(spec, schema)
        }
    };
    let required: BTreeSet<&str> = target
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, property) in target
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let path = format!("{prefix}{name}");
        one(
            spec,
            property,
            &path,
            required.contains(name.as_str()),
            refs,
            seen,
            visit,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(spec: &Value, schema: &Value, refs: Refs) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        fields(spec, schema, "", refs, &mut |f| {
            out.push((f.path, f.required))
        });
        out
    }

    #[test]
    fn nested_objects_and_items_flatten_and_refs_are_followed_once() {
        let spec = json!({"components": {"schemas": {
            "Node": {"type": "object", "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
            }},
        }}});
        let schema = json!({"type": "object", "required": ["root"], "properties": {
            "root": {"allOf": [{"$ref": "#/components/schemas/Node"}]},
            "tags": {"type": "array", "items": {"type": "object", "properties": {"v": {}}}},
        }});
        let followed: Vec<String> = paths(&spec, &schema, Refs::Follow)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(
            followed,
            ["root", "root.children", "root.name", "tags", "tags[].v"]
        );
        assert_eq!(
            paths(&spec, &schema, Refs::Stay),
            [
                ("root".to_owned(), true),
                ("tags".to_owned(), false),
                ("tags[].v".to_owned(), false)
            ]
        );
    }
}
