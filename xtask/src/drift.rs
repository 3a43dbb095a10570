//! `cargo xtask drift <api-docs.json>`: the live gateway's own description (a springdoc /
//! Knife4j export of the `/open-api/**` group, guide section 13) against our spec.
//!
//! Schema names differ (springdoc writes `CommonResultAppGoodsDetailRespVO`), so shapes are
//! compared, not names: per operation, the request fields (body properties and query
//! parameters: springdoc shows `@RequestParam` form fields as query parameters) and the
//! response `data` fields (the `{code, data, msg}` envelope unwrapped), nested objects and
//! arrays followed through `$ref`s. A field differs when it exists on one side only, when its
//! type differs (integer formats only when both sides give one), or when its requiredness
//! differs. Enums, descriptions and examples are not compared: springdoc writes Java integers
//! without enums.

use crate::Result;
use crate::paths::{Project, SPEC, read};
use crate::schema_walk::{self, Refs, base};
use crate::spec::{METHODS, resolve};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Compares the export at `export` with the project's spec; prints every difference and fails
/// when there is one.
pub fn run(project: &Project, export: &Path) -> Result<()> {
    let ours = crate::spec::Spec::load(project)?.value;
    let text = read(export)?;
    // YAML is a superset of JSON: the spec's own reader takes both.
    let theirs: Value =
        rizzitgo_open_api_codegen::spec::parse_tree(&text, &export.display().to_string())
            .map_err(|e| format!("not a JSON (or YAML) OpenAPI export: {e}"))?;
    let differences = drift(&ours, &theirs);
    if differences.is_empty() {
        println!(
            "drift: {SPEC} and {} describe the same /open-api/** paths and fields",
            export.display()
        );
        return Ok(());
    }
    println!(
        "drift: {SPEC} (the spec) vs {} (the live export):",
        export.display()
    );
    for line in &differences {
        println!("  - {line}");
    }
    Err(format!(
        "{} difference(s) between the spec and the live export",
        differences.len()
    ))
}

#[derive(Clone, Debug, PartialEq)]
struct Shape {
    ty: String,
    format: Option<String>,
    required: bool,
}

impl Shape {
    fn type_text(&self) -> String {
        match &self.format {
            Some(f) if self.ty == "integer" || self.ty == "number" => format!("{}({f})", self.ty),
            _ => self.ty.clone(),
        }
    }

    fn same_type(&self, other: &Shape) -> bool {
        self.ty == other.ty
            && match (&self.format, &other.format) {
                (Some(a), Some(b)) if self.ty == "integer" || self.ty == "number" => a == b,
                _ => true,
            }
    }
}

/// Every difference, in words, spec side first ("in the spec, …, in the live export").
pub fn drift(ours: &Value, theirs: &Value) -> Vec<String> {
    let (ours_ops, theirs_ops) = (operations(ours), operations(theirs));
    let mut out = Vec::new();
    let keys: BTreeSet<&String> = ours_ops.keys().chain(theirs_ops.keys()).collect();
    for key in keys {
        match (ours_ops.get(key), theirs_ops.get(key)) {
            (Some(_), None) => {
                out.push(format!("{key}: in the spec, missing from the live export"))
            }
            (None, Some(_)) => {
                out.push(format!("{key}: in the live export, missing from the spec"))
            }
            (Some(a), Some(b)) => {
                compare(
                    key,
                    "request",
                    &request_fields(ours, a),
                    &request_fields(theirs, b),
                    &mut out,
                );
                compare(
                    key,
                    "response",
                    &response_fields(ours, a),
                    &response_fields(theirs, b),
                    &mut out,
                );
            }
            (None, None) => {}
        }
    }
    out
}

fn compare(
    key: &str,
    side: &str,
    ours: &BTreeMap<String, Shape>,
    theirs: &BTreeMap<String, Shape>,
    out: &mut Vec<String>,
) {
    let paths: BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
    for path in paths {
        let at = format!("{key} {side} `{path}`");
        match (ours.get(path), theirs.get(path)) {
            (Some(_), None) => out.push(format!("{at}: in the spec, missing from the live export")),
            (None, Some(_)) => out.push(format!("{at}: in the live export, missing from the spec")),
            (Some(a), Some(b)) => {
                if !a.same_type(b) {
                    out.push(format!(
                        "{at}: type {} in the spec, {} in the live export",
                        a.type_text(),
                        b.type_text()
                    ));
                }
                if a.required != b.required {
                    let word = |r: bool| if r { "required" } else { "optional" };
                    out.push(format!(
                        "{at}: {} in the spec, {} in the live export",
                        word(a.required),
                        word(b.required)
                    ));
                }
            }
            (None, None) => {}
        }
    }
}

/// `"POST /open-api/goods/detail"` → the operation, for `/open-api/` paths only.
fn operations(spec: &Value) -> BTreeMap<String, &Value> {
    let mut out = BTreeMap::new();
    for (path, item) in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if !path.starts_with("/open-api/") {
            continue;
        }
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.insert(format!("{} {path}", method.to_uppercase()), op);
            }
        }
    }
    out
}

fn request_fields(spec: &Value, op: &Value) -> BTreeMap<String, Shape> {
    let mut out = BTreeMap::new();
    if let Some(schema) = op
        .get("requestBody")
        .map(|b| resolve(spec, b))
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .and_then(|c| c.values().next())
        .and_then(|m| m.get("schema"))
    {
        flatten(spec, schema, &mut out);
    }
    for param in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| resolve(spec, p))
    {
        if param.get("in").and_then(Value::as_str) != Some("query") {
            continue;
        }
        let Some(name) = param.get("name").and_then(Value::as_str) else {
            continue;
        };
        let required = param.get("required") == Some(&Value::Bool(true));
        match param.get("schema") {
            Some(schema) => add(spec, schema, name, required, &mut out),
            None => {
                out.insert(
                    name.to_owned(),
                    Shape {
                        ty: "any".into(),
                        format: None,
                        required,
                    },
                );
            }
        }
    }
    out
}

fn response_fields(spec: &Value, op: &Value) -> BTreeMap<String, Shape> {
    let mut out = BTreeMap::new();
    let Some(schema) = success_schema(spec, op) else {
        return out;
    };
    let resolved = resolve(spec, schema);
    let props = resolved.get("properties");
    let is_envelope = props.is_some_and(|p| p.get("code").is_some() && p.get("data").is_some());
    match props.and_then(|p| p.get("data")) {
        Some(data) if is_envelope => add(spec, data, "data", false, &mut out),
        _ => flatten(spec, schema, &mut out),
    }
    out
}

fn kind(schema: &Value) -> String {
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => t.to_owned(),
        None if schema.get("properties").is_some() => "object".to_owned(),
        None => "any".to_owned(),
    }
}

/// The field `path` of type `schema`, then every field under it.
fn add(
    spec: &Value,
    schema: &Value,
    path: &str,
    required: bool,
    out: &mut BTreeMap<String, Shape>,
) {
    schema_walk::field(spec, schema, path, required, Refs::Follow, &mut |f| {
        out.insert(f.path, shape(spec, f.schema, f.required));
    });
}

/// Every field of the object `schema`.
fn flatten(spec: &Value, schema: &Value, out: &mut BTreeMap<String, Shape>) {
    schema_walk::fields(spec, schema, "", Refs::Follow, &mut |f| {
        out.insert(f.path, shape(spec, f.schema, f.required));
    });
}

fn shape(spec: &Value, schema: &Value, required: bool) -> Shape {
    let target = base(spec, schema);
    let format = target
        .get("format")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let ty = match kind(target).as_str() {
        "array" => match target.get("items").map(|i| base(spec, i)) {
            Some(item) => format!("array of {}", kind(item)),
            None => "array".to_owned(),
        },
        other => other.to_owned(),
    };
    Shape {
        ty,
        format,
        required,
    }
}

/// The 2xx response's schema (its `application/json` one, or its first), if any.
fn success_schema<'a>(spec: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let responses = op.get("responses")?.as_object()?;
    let response = responses
        .iter()
        .find(|(code, _)| code.starts_with('2'))
        .map(|(_, r)| resolve(spec, r))?;
    let content = response.get("content")?.as_object()?;
    let media = content
        .get("application/json")
        .or_else(|| content.values().next())?;
    media.get("schema")
}
