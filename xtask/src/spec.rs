//! The spec, read both as openapiv3 types (what the generator sees) and as JSON (every key,
//! extensions next to `$ref` included), by the generator's own reader
//! (`rizzitgo_open_api_codegen::spec`), and the helpers xtask's commands walk the tree with.

use crate::Result;
use crate::paths::{Project, SPEC};
use openapiv3::OpenAPI;
use rizzitgo_open_api_codegen::spec::{SpecDocument, parse_document};
use serde_json::Value;

/// The component name a `$ref` points at.
pub use rizzitgo_open_api_codegen::schema_name as ref_name;

/// A parsed spec.
#[derive(Clone, Debug)]
pub struct Spec {
    /// The text as written.
    pub text: String,
    /// The generic tree.
    pub value: Value,
    /// The typed model.
    pub api: OpenAPI,
}

impl Spec {
    /// Parses spec text (YAML or JSON); `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Spec> {
        let SpecDocument { value, api } = parse_document(text, origin)?;
        Ok(Spec {
            text: text.to_owned(),
            value,
            api,
        })
    }

    /// Reads `spec/open-api.yaml` of a project.
    pub fn load(project: &Project) -> Result<Spec> {
        Spec::parse(&project.read(SPEC)?, SPEC)
    }

    /// `info.version`: the guide version the spec describes.
    pub fn guide_version(&self) -> &str {
        &self.api.info.version
    }
}

/// The HTTP methods an OpenAPI path item can hold, in spec order.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Follows a local `$ref` (`#/components/...`) until a non-reference value.
pub fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return value;
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            return value;
        };
        match spec.pointer(pointer) {
            Some(target) => value = target,
            None => return value,
        }
    }
    value
}

/// An `x-since` (or any version-like) value as text: YAML may have made `1.5` a number.
pub fn version_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The OAuth2 scopes `components.securitySchemes` declares (every flow), with their
/// descriptions.
pub fn declared_scopes(spec: &Value) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    for scheme in spec
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|s| s.values())
        .map(|s| resolve(spec, s))
    {
        for flow in scheme
            .get("flows")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|f| f.values())
        {
            for (scope, description) in flow
                .get("scopes")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let description = description.as_str().unwrap_or_default().to_owned();
                out.insert(scope.clone(), description);
            }
        }
    }
    out
}
