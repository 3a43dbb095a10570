//! What changed between two versions of the spec, in words, with the semver level each change
//! implies for the generated client:
//! - major: an operation, type, field or scope removed; a type changed; a field's requiredness
//!   changed (the Rust type changes between `T` and `Option<T>`); a new required field; an enum
//!   value removed; a method renamed or its request/response type changed;
//! - minor: a new operation, type, optional field, scope or enum value; an operation's scope
//!   changed (the partner may need a new grant);
//! - patch: anything else the SDK sees (retry policy, constraints of a field).
//!
//! Descriptions, summaries and examples are documentation: they are not changes here.

use crate::spec::{METHODS, ref_name, resolve, version_text};
use rizzitgo_open_api_codegen as codegen;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// How much a change breaks users of the generated client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Nothing a user could notice in the API.
    Patch,
    /// Something new; old code keeps compiling and working.
    Minor,
    /// Old code may stop compiling or working.
    Major,
}

impl Level {
    /// "minor", …
    pub fn name(self) -> &'static str {
        match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

/// The Keep-a-Changelog section of a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// `### Added`
    Added,
    /// `### Changed`
    Changed,
    /// `### Removed`
    Removed,
}

/// One change, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Where it goes in the changelog.
    pub section: Section,
    /// What it implies for the crate version.
    pub level: Level,
    /// The sentence (Markdown).
    pub text: String,
}

/// Something that appeared since the baseline and so must say since when (`x-since`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewItem {
    /// What it is, for messages: "operation `goodsSkuList` (POST /open-api/goods/sku-list)".
    pub what: String,
    /// Its `x-since`, if any.
    pub since: Option<String>,
}

/// The difference between two specs.
#[derive(Clone, Debug, Default)]
pub struct Diff {
    /// Every change, operations first, then scopes, types and fields.
    pub changes: Vec<Change>,
    /// Operations and fields (of types that already existed) that are new.
    pub new_items: Vec<NewItem>,
}

impl Diff {
    /// The level of the whole difference (patch when there is no change at all).
    pub fn level(&self) -> Level {
        self.changes
            .iter()
            .map(|c| c.level)
            .max()
            .unwrap_or(Level::Patch)
    }

    /// Problems with the `x-since` of new items, for a bump to guide `target`.
    pub fn since_problems(&self, target: &str) -> Vec<String> {
        self.new_items
            .iter()
            .filter_map(|item| match &item.since {
                Some(since) if crate::version::compare(since, target).is_eq() => None,
                Some(since) => Some(format!(
                    "{} is new in guide v{target} but says `x-since: \"{since}\"`: set `x-since: \"{target}\"`",
                    item.what
                )),
                None => Some(format!(
                    "{} is new in guide v{target} but has no `x-since`: add `x-since: \"{target}\"`",
                    item.what
                )),
            })
            .collect()
    }
}

/// Compares the baseline `old` with `new`.
pub fn diff(old: &Value, new: &Value) -> Diff {
    let mut out = Diff::default();
    operations_diff(old, new, &mut out);
    scopes_diff(old, new, &mut out);
    schemas_diff(old, new, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Operations

#[derive(Clone, Debug, PartialEq)]
struct Op {
    key: String,
    id: String,
    since: Option<String>,
    basic: bool,
    scopes: Vec<String>,
    request: String,
    data: String,
    retry: String,
}

impl Op {
    fn method(&self) -> String {
        codegen::snake_case(&self.id)
    }

    fn scope_words(&self) -> String {
        if self.basic {
            "Basic auth".to_owned()
        } else if self.scopes.is_empty() {
            "no scope".to_owned()
        } else {
            let scopes: Vec<String> = self.scopes.iter().map(|s| format!("`{s}`")).collect();
            format!("scope {}", scopes.join(", "))
        }
    }
}

fn operations(spec: &Value) -> Vec<Op> {
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let item = resolve(spec, item);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            out.push(Op {
                key: format!("{} {path}", method.to_uppercase()),
                id: op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or("(no operationId)")
                    .to_owned(),
                since: op.get("x-since").and_then(version_text),
                basic: is_basic(spec, op),
                scopes: scopes_of(spec, op),
                request: request_type(spec, op),
                data: response_data_type(spec, op),
                retry: retry_words(op),
            });
        }
    }
    out
}

fn security<'a>(spec: &'a Value, op: &'a Value) -> Vec<&'a Map<String, Value>> {
    op.get("security")
        .or_else(|| spec.get("security"))
        .and_then(Value::as_array)
        .map(|reqs| reqs.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default()
}

fn scheme_type<'a>(spec: &'a Value, name: &str) -> (&'a str, &'a str) {
    let scheme = spec
        .pointer(&format!("/components/securitySchemes/{name}"))
        .map(|s| resolve(spec, s));
    let kind = scheme
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let http = scheme
        .and_then(|s| s.get("scheme"))
        .and_then(Value::as_str)
        .unwrap_or("");
    (kind, http)
}

/// Whether the operation authenticates with HTTP Basic.
pub(crate) fn is_basic(spec: &Value, op: &Value) -> bool {
    security(spec, op).first().is_some_and(|req| {
        req.keys().any(|name| {
            let (kind, http) = scheme_type(spec, name);
            kind == "http" && http.eq_ignore_ascii_case("basic")
        })
    })
}

/// The OAuth2 scopes of an operation (of its first security requirement).
pub(crate) fn scopes_of(spec: &Value, op: &Value) -> Vec<String> {
    let mut scopes = Vec::new();
    if let Some(req) = security(spec, op).first() {
        for (name, values) in req.iter() {
            if scheme_type(spec, name).0 == "oauth2" {
                scopes.extend(
                    values
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_owned),
                );
            }
        }
    }
    scopes
}

fn request_type(spec: &Value, op: &Value) -> String {
    let Some(body) = op.get("requestBody").map(|b| resolve(spec, b)) else {
        return "(none)".to_owned();
    };
    body.get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.values().next())
        .and_then(|media| media.get("schema"))
        .map(type_desc)
        .unwrap_or_else(|| "(none)".to_owned())
}

/// The 200 response's schema (resolved), if any.
pub(crate) fn success_schema<'a>(spec: &'a Value, op: &'a Value) -> Option<&'a Value> {
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

fn response_data_type(spec: &Value, op: &Value) -> String {
    let Some(schema) = success_schema(spec, op) else {
        return "(none)".to_owned();
    };
    match resolve(spec, schema)
        .get("properties")
        .and_then(|p| p.get("data"))
    {
        Some(data) => type_desc(data),
        None => type_desc(schema),
    }
}

fn retry_words(op: &Value) -> String {
    if let Some(field) = op.get("x-idempotency-key").and_then(Value::as_str) {
        format!("re-sent with the same `{field}`")
    } else if op.get("x-retry-safe") == Some(&Value::Bool(true)) {
        "re-sent when it fails (read-only)".to_owned()
    } else {
        "never re-sent".to_owned()
    }
}

fn operations_diff(old: &Value, new: &Value, out: &mut Diff) {
    let old_ops = operations(old);
    let new_ops = operations(new);
    for op in &new_ops {
        let Some(before) = old_ops.iter().find(|o| o.key == op.key) else {
            out.new_items.push(NewItem {
                what: format!("operation `{}` ({})", op.id, op.key),
                since: op.since.clone(),
            });
            let method = if op.basic {
                "no public method (Basic auth: used by the client itself)".to_owned()
            } else {
                format!(
                    "`Client::{}(body: {}) -> {}`",
                    op.method(),
                    op.request,
                    op.data
                )
            };
            out.changes.push(Change {
                section: Section::Added,
                level: Level::Minor,
                text: format!(
                    "Operation `{}` (`{}`, {}): {method}.",
                    op.id,
                    op.key,
                    op.scope_words()
                ),
            });
            continue;
        };
        let name = format!("Operation `{}` (`{}`)", op.id, op.key);
        let mut changed = |level: Level, text: String| {
            out.changes.push(Change {
                section: Section::Changed,
                level,
                text,
            })
        };
        if before.id != op.id {
            changed(
                Level::Major,
                format!(
                    "**Breaking:** operation `{}` is renamed `{}`: `Client::{}` is now `Client::{}`.",
                    before.key,
                    op.id,
                    before.method(),
                    op.method()
                ),
            );
        }
        if before.basic != op.basic {
            changed(
                Level::Major,
                format!(
                    "**Breaking:** {name} now uses {} (was {}).",
                    op.scope_words(),
                    before.scope_words()
                ),
            );
        } else if before.scopes != op.scopes {
            changed(
                Level::Minor,
                format!(
                    "{name} now needs {} (was {}): the application may need a new grant.",
                    op.scope_words(),
                    before.scope_words()
                ),
            );
        }
        if before.request != op.request {
            changed(
                Level::Major,
                format!(
                    "**Breaking:** {name} takes `{}` (was `{}`).",
                    op.request, before.request
                ),
            );
        }
        if before.data != op.data {
            changed(
                Level::Major,
                format!(
                    "**Breaking:** {name} returns `{}` (was `{}`).",
                    op.data, before.data
                ),
            );
        }
        if before.retry != op.retry {
            changed(
                Level::Patch,
                format!("{name} is now {} (was {}).", op.retry, before.retry),
            );
        }
    }
    for op in old_ops
        .iter()
        .filter(|o| !new_ops.iter().any(|n| n.key == o.key))
    {
        let method = if op.basic {
            String::new()
        } else {
            format!(" and its method `Client::{}`", op.method())
        };
        out.changes.push(Change {
            section: Section::Removed,
            level: Level::Major,
            text: format!(
                "**Breaking:** operation `{}` (`{}`){method}.",
                op.id, op.key
            ),
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Scopes

fn scopes(spec: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(schemes) = spec
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    else {
        return out;
    };
    for scheme in schemes.values().map(|s| resolve(spec, s)) {
        if scheme.get("type").and_then(Value::as_str) != Some("oauth2") {
            continue;
        }
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
                out.insert(
                    scope.clone(),
                    description.as_str().unwrap_or_default().to_owned(),
                );
            }
        }
    }
    out
}

fn scopes_diff(old: &Value, new: &Value, out: &mut Diff) {
    let (old, new) = (scopes(old), scopes(new));
    for (scope, description) in &new {
        if !old.contains_key(scope) {
            out.changes.push(Change {
                section: Section::Added,
                level: Level::Minor,
                text: format!("Scope `{scope}`: {}", sentence(description)),
            });
        }
    }
    for scope in old.keys().filter(|s| !new.contains_key(*s)) {
        out.changes.push(Change {
            section: Section::Removed,
            level: Level::Major,
            text: format!("**Breaking:** scope `{scope}`."),
        });
    }
}

fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        "(no description).".to_owned()
    } else if text.ends_with('.') {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

// ---------------------------------------------------------------------------------------------
// Types and fields

/// A short description of a schema's type: `string`, `integer(int64)`, `array of QcDetail`,
/// or the component name of a `$ref`.
pub fn type_desc(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return ref_name(reference).to_owned();
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            if key == "allOf" && list.len() == 1 {
                return type_desc(&list[0]);
            }
            let parts: Vec<String> = list.iter().map(type_desc).collect();
            return format!("{key}({})", parts.join(" | "));
        }
    }
    let format = schema.get("format").and_then(Value::as_str);
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => match schema.get("items") {
            Some(items) => format!("array of {}", type_desc(items)),
            None => "array".to_owned(),
        },
        Some("object") | None if schema.get("properties").is_some() => "object".to_owned(),
        Some("object") => match schema.get("additionalProperties") {
            Some(v) if v.is_object() => format!("map of {}", type_desc(v)),
            _ => "object".to_owned(),
        },
        Some(kind) => match format {
            Some(format) => format!("{kind}({format})"),
            None => kind.to_owned(),
        },
        None => "any".to_owned(),
    }
}

/// One field (or the type itself, at path ""), as the diff compares it.
#[derive(Clone, Debug, PartialEq)]
struct Field {
    ty: String,
    required: bool,
    nullable: bool,
    since: Option<String>,
    values: Option<Vec<String>>,
    constraints: String,
}

const CONSTRAINTS: [&str; 9] = [
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
];

fn field(schema: &Value, required: bool) -> Field {
    let values = schema.get("enum").and_then(Value::as_array).map(|values| {
        values
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    });
    let constraints: Vec<String> = CONSTRAINTS
        .iter()
        .filter_map(|key| schema.get(*key).map(|v| format!("{key} {v}")))
        .collect();
    Field {
        ty: type_desc(schema),
        required,
        nullable: schema.get("nullable") == Some(&Value::Bool(true)),
        since: schema.get("x-since").and_then(version_text),
        values,
        constraints: constraints.join(", "),
    }
}

/// The fields of a component schema, nested inline objects flattened (`coupons[].title`).
fn fields(schema: &Value) -> BTreeMap<String, Field> {
    let mut out = BTreeMap::new();
    if schema.get("properties").is_some() {
        object_fields(schema, "", &mut out);
    } else {
        out.insert(String::new(), field(schema, true));
    }
    out
}

fn object_fields(schema: &Value, prefix: &str, out: &mut BTreeMap<String, Field>) {
    let required: BTreeSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let path = format!("{prefix}{name}");
        out.insert(
            path.clone(),
            field(property, required.contains(name.as_str())),
        );
        if property.get("properties").is_some() {
            object_fields(property, &format!("{path}."), out);
        } else if let Some(items) = property.get("items")
            && items.get("properties").is_some()
        {
            object_fields(items, &format!("{path}[]."), out);
        }
    }
}

/// Schemas used directly as a response body: the `{code, data, msg}` envelopes, which the SDK
/// replaces by `Envelope<T>` (their `data` type is compared per operation instead).
fn envelope_names(spec: &Value) -> BTreeSet<String> {
    let mut responses: Vec<&Value> = Vec::new();
    if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
        for item in paths.values() {
            for method in METHODS {
                if let Some(rs) = item
                    .get(method)
                    .and_then(|op| op.get("responses"))
                    .and_then(Value::as_object)
                {
                    responses.extend(rs.values());
                }
            }
        }
    }
    if let Some(rs) = spec
        .pointer("/components/responses")
        .and_then(Value::as_object)
    {
        responses.extend(rs.values());
    }
    let mut out = BTreeSet::new();
    for response in responses {
        for media in resolve(spec, response)
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|c| c.values())
        {
            if let Some(reference) = media
                .get("schema")
                .and_then(|s| s.get("$ref"))
                .and_then(Value::as_str)
            {
                out.insert(ref_name(reference).to_owned());
            }
        }
    }
    out
}

fn schemas(spec: &Value) -> BTreeMap<String, &Value> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.iter().map(|(k, v)| (k.clone(), v)).collect())
        .unwrap_or_default()
}

fn requiredness(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

fn schemas_diff(old: &Value, new: &Value, out: &mut Diff) {
    let mut envelopes = envelope_names(old);
    envelopes.extend(envelope_names(new));
    let (old_schemas, new_schemas) = (schemas(old), schemas(new));
    let names: BTreeSet<&String> = old_schemas.keys().chain(new_schemas.keys()).collect();
    for name in names.into_iter().filter(|n| !envelopes.contains(*n)) {
        let ty = format!("`types::{name}`");
        match (old_schemas.get(name), new_schemas.get(name)) {
            (None, Some(schema)) => {
                let fields = fields(schema);
                let shape = if fields.contains_key("") {
                    format!("a `{}`", type_desc(schema))
                } else {
                    let list = |required: bool| -> Vec<String> {
                        fields
                            .iter()
                            .filter(|(path, f)| !path.contains('.') && f.required == required)
                            .map(|(path, f)| format!("`{path}` (`{}`)", f.ty))
                            .collect()
                    };
                    let mut parts = Vec::new();
                    for (required, word) in [(true, "required"), (false, "optional")] {
                        let names = list(required);
                        if !names.is_empty() {
                            parts.push(format!("{word} {}", names.join(", ")));
                        }
                    }
                    if parts.is_empty() {
                        "no fields".to_owned()
                    } else {
                        format!("fields: {}", parts.join("; "))
                    }
                };
                out.changes.push(Change {
                    section: Section::Added,
                    level: Level::Minor,
                    text: format!("Type {ty} ({shape})."),
                });
            }
            (Some(_), None) => out.changes.push(Change {
                section: Section::Removed,
                level: Level::Major,
                text: format!("**Breaking:** type {ty}."),
            }),
            (Some(before), Some(after)) => fields_diff(before, after, &ty, out),
            (None, None) => {}
        }
    }
}

fn fields_diff(before: &Value, after: &Value, ty: &str, out: &mut Diff) {
    let (before, after) = (fields(before), fields(after));
    let paths: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for path in paths {
        let what = if path.is_empty() {
            format!("type {ty}")
        } else {
            format!("field `{path}` of {ty}")
        };
        let mut push = |section: Section, level: Level, text: String| {
            let text = if level == Level::Major {
                format!("**Breaking:** {text}")
            } else {
                text
            };
            out.changes.push(Change {
                section,
                level,
                text,
            });
        };
        match (before.get(path), after.get(path)) {
            (None, Some(f)) => {
                out.new_items.push(NewItem {
                    what: what.clone(),
                    since: f.since.clone(),
                });
                let (level, kind) = if f.required {
                    (Level::Major, "Required")
                } else {
                    (Level::Minor, "Optional")
                };
                push(
                    Section::Added,
                    level,
                    format!("{kind} field `{path}` (`{}`) of {ty}.", f.ty),
                );
            }
            (Some(_), None) => push(
                Section::Removed,
                Level::Major,
                format!("{}.", capital(&what)),
            ),
            (Some(b), Some(a)) => {
                if b.ty != a.ty {
                    push(
                        Section::Changed,
                        Level::Major,
                        format!("{} is now `{}` (was `{}`).", capital(&what), a.ty, b.ty),
                    );
                }
                if b.required != a.required {
                    push(
                        Section::Changed,
                        Level::Major,
                        format!(
                            "{} is now {} (was {}).",
                            capital(&what),
                            requiredness(a.required),
                            requiredness(b.required)
                        ),
                    );
                }
                if b.nullable != a.nullable {
                    let level = if a.required {
                        Level::Major
                    } else {
                        Level::Patch
                    };
                    let now = if a.nullable {
                        "may be null"
                    } else {
                        "is never null"
                    };
                    push(
                        Section::Changed,
                        level,
                        format!("{} {now}.", capital(&what)),
                    );
                }
                values_diff(b, a, &what, &mut push);
                if b.constraints != a.constraints {
                    let show = |c: &str| {
                        if c.is_empty() {
                            "none".to_owned()
                        } else {
                            c.to_owned()
                        }
                    };
                    push(
                        Section::Changed,
                        Level::Patch,
                        format!(
                            "{} constraints: {} (were {}).",
                            capital(&what),
                            show(&a.constraints),
                            show(&b.constraints)
                        ),
                    );
                }
            }
            (None, None) => {}
        }
    }
}

fn values_diff(
    before: &Field,
    after: &Field,
    what: &str,
    push: &mut impl FnMut(Section, Level, String),
) {
    match (&before.values, &after.values) {
        (Some(b), Some(a)) => {
            let added: Vec<String> = a
                .iter()
                .filter(|v| !b.contains(v))
                .map(|v| format!("`{v}`"))
                .collect();
            let removed: Vec<String> = b
                .iter()
                .filter(|v| !a.contains(v))
                .map(|v| format!("`{v}`"))
                .collect();
            if !added.is_empty() {
                push(
                    Section::Changed,
                    Level::Minor,
                    format!("{} accepts {} too.", capital(what), added.join(", ")),
                );
            }
            if !removed.is_empty() {
                push(
                    Section::Changed,
                    Level::Major,
                    format!(
                        "{} no longer accepts {}.",
                        capital(what),
                        removed.join(", ")
                    ),
                );
            }
        }
        (None, Some(a)) => push(
            Section::Changed,
            Level::Major,
            format!("{} is now limited to {}.", capital(what), a.join(", ")),
        ),
        (Some(_), None) => push(
            Section::Changed,
            Level::Minor,
            format!(
                "{} is no longer limited to a list of values.",
                capital(what)
            ),
        ),
        (None, None) => {}
    }
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
