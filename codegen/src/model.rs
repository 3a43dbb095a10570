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
    /// The media type of its request body (`application/json` or
    /// `application/x-www-form-urlencoded`).
    pub content_type: String,
    /// The schema name of its success (HTTP 200) envelope.
    pub envelope_schema: String,
    /// The Rust type of the envelope's `data`, as source text.
    pub data_type: String,
    /// `x-nullable-data: true`: a success may carry `data: null` (the method returns `Option`).
    pub nullable_data: bool,
    /// `x-pagination`: how to walk its pages (the SDK then generates `*_pages` and `*_stream`).
    pub pagination: Option<Pagination>,
    /// The rules of the request body's fields, checked before sending.
    pub rules: Vec<FieldRule>,
    /// `x-errors`: the failures it documents, for its "Errors" section.
    pub errors: Vec<ErrorDoc>,
    /// The builder calls that make the spec's request example, one `.field(value)` per line
    /// (e.g. `.goods_id("123456")`), for the method's documentation.
    pub example_calls: Vec<(String, String)>,
    /// `x-cache-ttl` and `x-cache-ttl-empty`, in seconds (0: not cached): how long a client may
    /// reuse a success, and one that holds no record yet.
    pub cache_ttl: (u64, u64),
    /// The fields of its `data` that accept another shape than their schema's (a string for
    /// an integer, epoch milliseconds for a date-time, a number for a string).
    pub response_shape: crate::lenient::Lenient,
}

/// A named envelope `code` (`x-codes` at the spec's root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedCode {
    /// The code.
    pub code: i64,
    /// The Rust variant name, e.g. `TooManyRequests`.
    pub name: String,
    /// What it means.
    pub meaning: String,
    /// Where the number comes from, when it is not one of the framework's global codes.
    pub source: Option<String>,
}

/// One failure an operation documents (`x-errors`): by code, or by the guide's message when
/// the code is not published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorDoc {
    /// The code, when published.
    pub code: Option<i64>,
    /// The gateway's message, when the guide gives it.
    pub message: Option<String>,
    /// When it happens.
    pub when: String,
}

/// The named codes of the spec (`x-codes`), in spec order.
pub fn named_codes(spec: &OpenAPI) -> Result<Vec<NamedCode>, String> {
    let Some(list) = spec.extensions.get("x-codes") else {
        return Ok(Vec::new());
    };
    let list = list.as_array().ok_or("x-codes must be a list")?;
    list.iter()
        .map(|item| {
            let code = item.get("code").and_then(|v| v.as_i64());
            let name = item.get("name").and_then(|v| v.as_str());
            let meaning = item.get("meaning").and_then(|v| v.as_str());
            let source = item
                .get("source")
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            match (code, name, meaning) {
                (Some(code), Some(name), Some(meaning)) if type_name(name).is_ok() => {
                    Ok(NamedCode {
                        code,
                        name: name.to_owned(),
                        meaning: meaning.to_owned(),
                        source,
                    })
                }
                _ => Err(format!(
                    "x-codes: every entry needs `code`, a PascalCase `name` and `meaning`: {item}"
                )),
            }
        })
        .collect()
}

fn error_docs(op: &Operation) -> Result<Vec<ErrorDoc>, String> {
    let Some(list) = op.extensions.get("x-errors") else {
        return Ok(Vec::new());
    };
    let list = list.as_array().ok_or("x-errors must be a list")?;
    list.iter()
        .map(|item| {
            let code = item.get("code").and_then(|v| v.as_i64());
            let message = item
                .get("message")
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            let when = item.get("when").and_then(|v| v.as_str());
            match (code.is_some() || message.is_some(), when) {
                (true, Some(when)) => Ok(ErrorDoc {
                    code,
                    message,
                    when: when.to_owned(),
                }),
                _ => Err(format!(
                    "x-errors: every entry needs `code` or `message`, and `when`: {item}"
                )),
            }
        })
        .collect()
}

/// One field of a request body and the rule it must follow, read from its schema.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldRule {
    /// The wire name, e.g. `pageSize`.
    pub field: String,
    /// Whether the schema requires it.
    pub required: bool,
    /// What the user reads when the value breaks the rule (`x-message`, else made from it).
    pub message: String,
    /// What the user reads when the field is missing (`x-required-message`, else made).
    pub required_message: String,
    /// The rule.
    pub check: Check,
}

/// The rule of one field.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// A string, of at least / at most so many characters.
    Text {
        /// `minLength`.
        min_len: Option<u64>,
        /// `maxLength`.
        max_len: Option<u64>,
    },
    /// An integer within bounds, or one of a list.
    Integer {
        /// `minimum`.
        min: Option<i64>,
        /// `maximum`.
        max: Option<i64>,
        /// `enum`.
        one_of: Vec<i64>,
    },
    /// A platform date-time (`x-date-time`): a real calendar date and time.
    DateTime,
    /// Two platform date-times, `[start, end]`, start not after end.
    DateTimeRange,
    /// Anything else: typify's conversion is the check.
    Other,
}

/// `x-pagination` of an operation: which request field numbers the pages, which response
/// fields hold the items and tell when to stop. Field names are the wire names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pagination {
    /// The request field of the page number, counted from 1 (e.g. `pageNo`).
    pub page: String,
    /// The request field of the page size, if the caller chooses it (e.g. `pageSize`).
    pub page_size: Option<String>,
    /// The largest page size the spec allows (the `maximum` of the page-size field).
    pub max_page_size: Option<u64>,
    /// The response field holding the page's items (e.g. `list`).
    pub items: String,
    /// The Rust type of one item, as source text.
    pub item_type: String,
    /// The response field with the total number of items, if any (e.g. `total`).
    pub total: Option<String>,
    /// The response field with the number of pages, if any (e.g. `totalPage`).
    pub total_pages: Option<String>,
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
    let content_type = request_content_type(op)
        .filter(|t| *t == "application/json" || *t == "application/x-www-form-urlencoded")
        .ok_or_else(|| {
            format!("{at}: the request body must be application/json or application/x-www-form-urlencoded")
        })?
        .to_owned();
    let body_schema = request_body_schema(op).ok_or_else(|| {
        format!("{at}: the request body must be one content type with a $ref schema")
    })?;
    let envelope_schema = success_schema(op)
        .ok_or_else(|| format!("{at}: the 200 response must be application/json with a $ref"))?;
    type_name(&body_schema).map_err(|e| format!("{at}: {e}"))?;
    type_name(&envelope_schema).map_err(|e| format!("{at}: {e}"))?;
    let data_type = envelope_data_type(spec, &envelope_schema)?;
    let response_shape = crate::lenient::of_envelope(spec, &envelope_schema)?;
    let pagination = match op.extensions.get("x-pagination") {
        None => None,
        Some(value) => Some(
            pagination(spec, value, &body_schema, &data_type)
                .map_err(|e| format!("{at}: x-pagination: {e}"))?,
        ),
    };
    let nullable_data =
        op.extensions.get("x-nullable-data") == Some(&serde_json::Value::Bool(true));
    if nullable_data && pagination.is_some() {
        return Err(format!(
            "{at}: x-pagination and x-nullable-data cannot be combined (a page is never null)"
        ));
    }
    let cache_ttl = cache_ttl(op, &retry).map_err(|e| format!("{at}: {e}"))?;
    let rules = field_rules(spec, &body_schema).map_err(|e| format!("{at}: {e}"))?;
    let errors = error_docs(op).map_err(|e| format!("{at}: {e}"))?;
    let example_calls = request_example(op)
        .map(|example| builder_calls(spec, &body_schema, example))
        .unwrap_or_default();
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
        content_type,
        envelope_schema,
        data_type,
        nullable_data,
        pagination,
        rules,
        errors,
        example_calls,
        cache_ttl,
        response_shape,
    })
}

/// `x-cache-ttl` and `x-cache-ttl-empty` (seconds): only a read-only operation's answers may be
/// reused, and one without records lives no longer than a full one.
fn cache_ttl(op: &Operation, retry: &Retry) -> Result<(u64, u64), String> {
    let seconds = |name: &str| match op.extensions.get(name) {
        None => Ok(None),
        Some(value) => value
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("{name} must be a whole number of seconds")),
    };
    let (ttl, empty) = (seconds("x-cache-ttl")?, seconds("x-cache-ttl-empty")?);
    let ttl = ttl.unwrap_or(0);
    if ttl > 0 && *retry != Retry::Safe {
        return Err("x-cache-ttl needs x-retry-safe: only reads may be reused".into());
    }
    let empty = empty.unwrap_or(ttl);
    if empty > ttl {
        return Err("x-cache-ttl-empty must not exceed x-cache-ttl".into());
    }
    Ok((ttl, empty))
}

/// The rule of every field of a request body schema, in schema order.
fn field_rules(spec: &OpenAPI, body_schema: &str) -> Result<Vec<FieldRule>, String> {
    let schema = component(spec, body_schema)?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        // A form body of the token endpoint, say: nothing to check field by field.
        return Ok(Vec::new());
    };
    let mut rules = Vec::new();
    for (field, property) in &object.properties {
        let (own, resolved) = match property {
            ReferenceOr::Item(s) => (Some(&**s), &**s),
            ReferenceOr::Reference { reference } => {
                (None, component(spec, schema_name(reference))?)
            }
        };
        let text = |key: &str| -> Option<String> {
            own.and_then(|s| s.schema_data.extensions.get(key))
                .or_else(|| resolved.schema_data.extensions.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let check = check_of(spec, resolved)?;
        let message = text("x-message").unwrap_or_else(|| default_message(field, &check));
        let required_message =
            text("x-required-message").unwrap_or_else(|| format!("`{field}` is required"));
        rules.push(FieldRule {
            field: field.clone(),
            required: object.required.contains(field),
            message,
            required_message,
            check,
        });
    }
    Ok(rules)
}

/// Whether a schema is a platform date-time (`x-date-time: true`).
pub(crate) fn is_date_time(schema: &Schema) -> bool {
    schema.schema_data.extensions.get("x-date-time") == Some(&serde_json::Value::Bool(true))
}

fn check_of(spec: &OpenAPI, schema: &Schema) -> Result<Check, String> {
    if is_date_time(schema) {
        return Ok(Check::DateTime);
    }
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => Check::Text {
            min_len: s.min_length.map(|n| n as u64),
            max_len: s.max_length.map(|n| n as u64),
        },
        SchemaKind::Type(Type::Integer(i)) => Check::Integer {
            min: i
                .minimum
                .map(|n| if i.exclusive_minimum { n + 1 } else { n }),
            max: i
                .maximum
                .map(|n| if i.exclusive_maximum { n - 1 } else { n }),
            one_of: i.enumeration.iter().flatten().copied().collect(),
        },
        SchemaKind::Type(Type::Array(a)) => {
            let item = match &a.items {
                Some(ReferenceOr::Reference { reference }) => {
                    Some(component(spec, schema_name(reference))?)
                }
                Some(ReferenceOr::Item(s)) => Some(&**s),
                None => None,
            };
            if item.is_some_and(is_date_time) && a.min_items == Some(2) && a.max_items == Some(2) {
                Check::DateTimeRange
            } else {
                Check::Other
            }
        }
        _ => Check::Other,
    })
}

fn default_message(field: &str, check: &Check) -> String {
    match check {
        Check::Text {
            min_len: Some(1),
            max_len: None,
        } => format!("`{field}` must not be empty"),
        Check::Text { min_len, max_len } => match (min_len, max_len) {
            (Some(a), Some(b)) => format!("`{field}` must be {a} to {b} characters"),
            (Some(a), None) => format!("`{field}` must be at least {a} characters"),
            (None, Some(b)) => format!("`{field}` must be at most {b} characters"),
            (None, None) => format!("`{field}` is not valid"),
        },
        Check::Integer { one_of, .. } if !one_of.is_empty() => {
            let values: Vec<String> = one_of.iter().map(i64::to_string).collect();
            format!("`{field}` must be one of {}", values.join(", "))
        }
        Check::Integer { min, max, .. } => match (min, max) {
            (Some(a), Some(b)) => format!("`{field}` must be between {a} and {b}"),
            (Some(a), None) => format!("`{field}` must be at least {a}"),
            (None, Some(b)) => format!("`{field}` must be at most {b}"),
            (None, None) => format!("`{field}` must be an integer"),
        },
        Check::DateTime => {
            format!("`{field}` must be a real date-time `yyyy-MM-dd HH:mm:ss` (UTC+8)")
        }
        Check::DateTimeRange => format!(
            "`{field}` must be [start, end]: two real date-times `yyyy-MM-dd HH:mm:ss` (UTC+8), start not after end"
        ),
        Check::Other => format!("`{field}` is not valid"),
    }
}

fn request_example(op: &Operation) -> Option<&serde_json::Value> {
    let body = op.request_body.as_ref()?.as_item()?;
    let (_, media) = body.content.first()?;
    media.example.as_ref().or_else(|| {
        media
            .examples
            .values()
            .find_map(|e| e.as_item().and_then(|e| e.value.as_ref()))
    })
}

/// `(wire field, builder call)` for each field of a request example: `.goods_id("123456")`,
/// `.rno("ABC123")`, `.completion_time(types::TimeRange::days("2026-06-01", "2026-06-02")?)`
/// (the helpers the README shows).
fn builder_calls(
    spec: &OpenAPI,
    body_schema: &str,
    example: &serde_json::Value,
) -> Vec<(String, String)> {
    let (Some(fields), Ok(schema)) = (example.as_object(), object_schema(spec, body_schema)) else {
        return Vec::new();
    };
    let mut calls = Vec::new();
    for (name, value) in fields {
        // Optional setters take the value itself, like required ones (see `setters.rs`).
        let newtype = match schema.properties.get(name) {
            Some(ReferenceOr::Reference { reference }) => Some(schema_name(reference).to_owned()),
            _ => None,
        };
        let expr = match value {
            serde_json::Value::String(text) => format!("{text:?}"),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Array(items) => {
                let items: Vec<&str> = items.iter().filter_map(|item| item.as_str()).collect();
                let range = newtype.as_deref().filter(|ty| is_date_time_range(spec, ty));
                match (&newtype, range) {
                    (_, Some(ty)) => range_call(ty, items),
                    (Some(ty), None) => format!("types::{ty}([{}])", parsed(items).join(", ")),
                    (None, None) => format!("vec![{}]", parsed(items).join(", ")),
                }
            }
            _ => continue,
        };
        calls.push((name.clone(), format!(".{}({expr})", snake_case(name))));
    }
    calls
}

fn parsed(items: Vec<&str>) -> Vec<String> {
    items.iter().map(|t| format!("{t:?}.parse()?")).collect()
}

/// Whether schema `name` is a pair of platform date-times (the `TimeRange` the hand-written
/// layer gives helpers).
fn is_date_time_range(spec: &OpenAPI, name: &str) -> bool {
    let Ok(schema) = component(spec, name) else {
        return false;
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(arr)) => {
            arr.min_items == Some(2)
                && arr.max_items == Some(2)
                && matches!(&arr.items, Some(ReferenceOr::Reference { reference })
                    if component(spec, schema_name(reference)).is_ok_and(is_date_time))
        }
        _ => false,
    }
}

/// A range's constructor: `days(first, last)` for whole days, else `new(start, end)`.
fn range_call(ty: &str, items: Vec<&str>) -> String {
    match items.as_slice() {
        [start, end]
            if start.len() == 19
                && start.ends_with(" 00:00:00")
                && end.len() == 19
                && end.ends_with(" 23:59:59") =>
        {
            format!("types::{ty}::days({:?}, {:?})?", &start[..10], &end[..10])
        }
        [start, end] => format!("types::{ty}::new({start:?}, {end:?})?"),
        _ => format!("types::{ty}([{}])", parsed(items).join(", ")),
    }
}

/// Reads and checks `x-pagination` against the request and response schemas.
fn pagination(
    spec: &OpenAPI,
    value: &serde_json::Value,
    body_schema: &str,
    data_type: &str,
) -> Result<Pagination, String> {
    let object = value
        .as_object()
        .ok_or("must be an object (page, pageSize, items, total, totalPages)")?;
    for key in object.keys() {
        if !["page", "pageSize", "items", "total", "totalPages"].contains(&key.as_str()) {
            return Err(format!("unknown key `{key}`"));
        }
    }
    let text = |key: &str| -> Result<Option<String>, String> {
        match object.get(key) {
            None => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("`{key}` must be a field name")),
        }
    };
    let request = object_schema(spec, body_schema)?;
    let page = text("page")?.ok_or("`page` (the request's page-number field) is required")?;
    if !request.required.contains(&page) {
        return Err(format!(
            "`{page}` must be a required field of {body_schema}"
        ));
    }
    let page_size = text("pageSize")?;
    let max_page_size = match &page_size {
        None => None,
        Some(field) => {
            let Some(ReferenceOr::Item(schema)) = request.properties.get(field) else {
                return Err(format!("{body_schema} has no inline field `{field}`"));
            };
            match &schema.schema_kind {
                SchemaKind::Type(Type::Integer(int)) => match int.maximum {
                    Some(max) if max >= 1 => Some(max.unsigned_abs()),
                    _ => return Err(format!("`{field}` needs a `maximum` (the largest page)")),
                },
                _ => return Err(format!("`{field}` must be an integer")),
            }
        }
    };
    let data_name = data_type
        .strip_prefix("crate::types::")
        .ok_or("the response `data` must be a schema")?;
    let data = object_schema(spec, data_name)?;
    let items = text("items")?.ok_or("`items` (the response's item list) is required")?;
    let item_type = match data.properties.get(&items) {
        Some(ReferenceOr::Item(schema)) => match &schema.schema_kind {
            SchemaKind::Type(Type::Array(arr)) => match &arr.items {
                Some(ReferenceOr::Reference { reference }) => types_path(reference)?,
                _ => return Err(format!("`{items}` must be an array of a $ref schema")),
            },
            _ => return Err(format!("`{items}` must be an array")),
        },
        _ => return Err(format!("{data_name} has no inline field `{items}`")),
    };
    let (total, total_pages) = (text("total")?, text("totalPages")?);
    for field in total.iter().chain(&total_pages) {
        if !data.properties.contains_key(field) {
            return Err(format!("{data_name} has no field `{field}`"));
        }
        if data.required.contains(field) || data.required.contains(&items) {
            // Response fields are optional in this spec: the generated code reads `Option`s.
            return Err(format!(
                "{data_name}: `{field}` and `{items}` must be optional"
            ));
        }
    }
    Ok(Pagination {
        page,
        page_size,
        max_page_size,
        items,
        item_type,
        total,
        total_pages,
    })
}

fn object_schema<'a>(spec: &'a OpenAPI, name: &str) -> Result<&'a openapiv3::ObjectType, String> {
    match &component(spec, name)?.schema_kind {
        SchemaKind::Type(Type::Object(obj)) => Ok(obj),
        _ => Err(format!("{name} must be an object schema")),
    }
}

fn request_content_type(op: &Operation) -> Option<&str> {
    let body = op.request_body.as_ref()?.as_item()?;
    body.content
        .first()
        .map(|(media_type, _)| media_type.as_str())
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
