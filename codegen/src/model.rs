//! What the SDK needs to know of each operation, read from the spec.

use openapiv3::{OpenAPI, Operation, ReferenceOr, Schema, SchemaKind, Type};

/// How an operation authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// HTTP Basic with the client id and secret (the token endpoints).
    Basic,
    /// A Bearer access token (business endpoints).
    Bearer,
}

/// Whether an operation may be sent again after a failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Retry {
    /// `x-retry-safe: true`: it only reads.
    Safe,
    /// `x-idempotency-key: <field>`: safe to re-send with the same value of this body field.
    IdempotencyKey(String),
    /// Neither: never re-sent once it may have reached the server.
    Never,
}

/// One operation of the spec, as the SDK sees it.
#[derive(Clone, Debug)]
pub struct OperationModel {
    /// The spec's operationId, e.g. `goodsDetail`.
    pub operation_id: String,
    /// The Rust method name progenitor gives it, e.g. `goods_detail`.
    pub method_name: String,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// The path, e.g. `/open-api/goods/detail`.
    pub path: String,
    /// The summary line.
    pub summary: String,
    /// The longer description, possibly empty.
    pub description: String,
    /// How it authenticates.
    pub auth: Auth,
    /// OAuth2 scopes it needs (Bearer operations).
    pub scopes: Vec<String>,
    /// `x-since`: the guide version that introduced it.
    pub since: String,
    /// Whether it may be re-sent.
    pub retry: Retry,
    /// The schema name of its request body.
    pub body_schema: String,
    /// The schema name of its success (HTTP 200) envelope.
    pub envelope_schema: String,
    /// The Rust type of the envelope's `data`, as source text.
    pub data_type: String,
    /// `x-nullable-data: true`: a success may carry `data: null` (the method returns `Option`).
    pub nullable_data: bool,
}

/// Reads every operation of the spec, in path order.
pub fn operations(spec: &OpenAPI) -> Result<Vec<OperationModel>, String> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        let item = item
            .as_item()
            .ok_or_else(|| format!("{path}: path item references are not supported"))?;
        for (method, op) in item.iter() {
            out.push(operation(spec, path, method, op)?);
        }
    }
    Ok(out)
}

fn operation(
    spec: &OpenAPI,
    path: &str,
    method: &str,
    op: &Operation,
) -> Result<OperationModel, String> {
    let at = format!("{} {path}", method.to_uppercase());
    let operation_id = op
        .operation_id
        .clone()
        .ok_or_else(|| format!("{at}: operationId is missing"))?;
    let security = op.security.as_ref().or(spec.security.as_ref());
    let (auth, scopes) = match security.and_then(|s| s.first()) {
        Some(req) if req.contains_key("clientBasic") => (Auth::Basic, Vec::new()),
        Some(req) => (Auth::Bearer, req.get("oauth2").cloned().unwrap_or_default()),
        None => (Auth::Bearer, Vec::new()),
    };
    let retry = if let Some(field) = op.extensions.get("x-idempotency-key") {
        let field = field
            .as_str()
            .ok_or_else(|| format!("{at}: x-idempotency-key must be a string"))?;
        Retry::IdempotencyKey(field.to_owned())
    } else if op.extensions.get("x-retry-safe") == Some(&serde_json::Value::Bool(true)) {
        Retry::Safe
    } else {
        Retry::Never
    };
    let body_schema = request_body_schema(op).ok_or_else(|| {
        format!("{at}: the request body must be one content type with a $ref schema")
    })?;
    let envelope_schema = success_schema(op)
        .ok_or_else(|| format!("{at}: the 200 response must be application/json with a $ref"))?;
    type_name(&body_schema).map_err(|e| format!("{at}: {e}"))?;
    type_name(&envelope_schema).map_err(|e| format!("{at}: {e}"))?;
    let data_type = envelope_data_type(spec, &envelope_schema)?;
    Ok(OperationModel {
        method_name: snake_case(&operation_id),
        operation_id,
        http_method: method.to_uppercase(),
        path: path.to_owned(),
        summary: op.summary.clone().unwrap_or_default(),
        description: op.description.clone().unwrap_or_default(),
        auth,
        scopes,
        since: op
            .extensions
            .get("x-since")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned(),
        retry,
        body_schema,
        envelope_schema,
        data_type,
        nullable_data: op.extensions.get("x-nullable-data") == Some(&serde_json::Value::Bool(true)),
    })
}

fn request_body_schema(op: &Operation) -> Option<String> {
    let body = op.request_body.as_ref()?.as_item()?;
    let (_, media) = body.content.first()?;
    ref_name(media.schema.as_ref()?)
}

fn success_schema(op: &Operation) -> Option<String> {
    let response = op
        .responses
        .responses
        .get(&openapiv3::StatusCode::Code(200))?
        .as_item()?;
    ref_name(response.content.get("application/json")?.schema.as_ref()?)
}

/// The Rust type of an envelope's `data` property.
pub fn envelope_data_type(spec: &OpenAPI, envelope: &str) -> Result<String, String> {
    let schema = component(spec, envelope)?;
    let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
        return Err(format!("{envelope}: an envelope must be an object"));
    };
    match obj.properties.get("data") {
        None => Err(format!("{envelope}: an envelope needs a `data` property")),
        Some(data) => rust_type(data),
    }
}

fn rust_type(schema: &ReferenceOr<Box<Schema>>) -> Result<String, String> {
    let schema = match schema {
        ReferenceOr::Reference { reference } => return types_path(reference),
        ReferenceOr::Item(s) => s,
    };
    Ok(match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
            ReferenceOr::Reference { reference } => types_path(reference)?,
            ReferenceOr::Item(_) => return Err("allOf must wrap a single $ref".into()),
        },
        SchemaKind::Type(Type::Boolean(_)) => "bool".into(),
        SchemaKind::Type(Type::String(_)) => "::std::string::String".into(),
        SchemaKind::Type(Type::Integer(_)) => "i64".into(),
        SchemaKind::Type(Type::Array(arr)) => {
            let item = arr
                .items
                .as_ref()
                .ok_or("an array needs items")?
                .clone()
                .unbox();
            format!("::std::vec::Vec<{}>", rust_type(&boxed(item))?)
        }
        SchemaKind::Any(_) => "::serde_json::Value".into(),
        other => return Err(format!("unsupported `data` schema: {other:?}")),
    })
}

fn boxed(r: ReferenceOr<Schema>) -> ReferenceOr<Box<Schema>> {
    match r {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference },
        ReferenceOr::Item(s) => ReferenceOr::Item(Box::new(s)),
    }
}

fn types_path(reference: &str) -> Result<String, String> {
    Ok(format!(
        "crate::types::{}",
        type_name(schema_name(reference))?
    ))
}

/// A schema name the SDK refers to by name must already be the Rust type name typify gives it
/// (PascalCase, ASCII): the generated methods name these types.
fn type_name(name: &str) -> Result<&str, String> {
    let mut chars = name.chars();
    // No two capitals in a row: typify would turn `QCPage` into `QcPage`.
    let pascal = chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && !name
            .as_bytes()
            .windows(2)
            .any(|w| w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase());
    if pascal {
        Ok(name)
    } else {
        Err(format!(
            "schema name {name:?} must be PascalCase ASCII (it names a Rust type)"
        ))
    }
}

/// The component name a `$ref` points at.
pub fn schema_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

fn ref_name(schema: &ReferenceOr<Schema>) -> Option<String> {
    match schema {
        ReferenceOr::Reference { reference } => Some(schema_name(reference).to_owned()),
        ReferenceOr::Item(_) => None,
    }
}

/// A schema of `components.schemas` by name.
pub fn component<'a>(spec: &'a OpenAPI, name: &str) -> Result<&'a Schema, String> {
    spec.components
        .as_ref()
        .and_then(|c| c.schemas.get(name))
        .and_then(|s| s.as_item())
        .ok_or_else(|| format!("components.schemas.{name} is missing"))
}

/// `goodsQcDetail` → `goods_qc_detail`, the name progenitor gives the method.
pub fn snake_case(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 4);
    for (i, c) in id.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '-' {
            out.push('_');
        } else {
            out.push(c);
        }
    }
    out
}
