//! The one reader of spec text, for the build scripts (the SDK's, the CLI's) and for xtask: YAML
//! (or JSON) into a JSON tree, and that tree into openapiv3's typed model.

use openapiv3::OpenAPI;
use serde_json::Value;

/// A spec read both ways: the tree keeps every key (extensions next to a `$ref` included), the
/// typed model is what the generator sees.
#[derive(Clone, Debug)]
pub struct SpecDocument {
    /// The generic tree.
    pub value: Value,
    /// The typed model.
    pub api: OpenAPI,
}

/// Parses YAML or JSON text into a tree; `origin` names the text in the error.
pub fn parse_tree(text: &str, origin: &str) -> Result<Value, String> {
    serde_yaml::from_str(text).map_err(|e| format!("{origin} does not parse: {e}"))
}

/// Parses spec text into both the tree and the typed model; `origin` names it in errors.
///
/// The model's paths keep the order the spec writes them in (the order of the listing, of
/// lint's and of the diff's findings); the tree, like [`crate::parse_spec`]'s model (the
/// generator's), has its keys sorted (`serde_json`'s map).
pub fn parse_document(text: &str, origin: &str) -> Result<SpecDocument, String> {
    let value = parse_tree(text, origin)?;
    let mut api = typed(value.clone(), origin)?;
    let written: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| format!("{origin} does not parse: {e}"))?;
    if let Some(paths) = written.get("paths").and_then(serde_yaml::Value::as_mapping) {
        let order: Vec<&str> = paths.keys().filter_map(serde_yaml::Value::as_str).collect();
        api.paths
            .paths
            .sort_by_key(|path, _| order.iter().position(|p| p == path));
    }
    Ok(SpecDocument { value, api })
}

/// The typed model of a spec tree.
///
/// Through `serde_json::Value`: openapiv3's (large) `Deserialize` impls are then compiled for
/// that simple deserializer rather than for the YAML one, a third of this crate's compile time.
/// A spec that is valid YAML but not an OpenAPI document is reported with the path of the
/// value at fault.
pub(crate) fn typed(value: Value, origin: &str) -> Result<OpenAPI, String> {
    serde_path_to_error::deserialize(value)
        .map_err(|e| format!("{origin}: {}: {}", e.path(), e.inner()))
}
