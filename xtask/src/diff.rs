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

use crate::Result;
use crate::schema_walk::{self, Refs, type_words};
use crate::spec::{Spec, declared_scopes, version_text};
use crate::version::Level::{self, Major, Minor, Patch};
use rizzitgo_open_api_codegen::{self as codegen, Auth, OperationModel, Retry};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

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
        self.changes.iter().map(|c| c.level).max().unwrap_or(Patch)
    }

    /// Problems with the `x-since` of new items, for a bump to guide `target`.
    pub fn since_problems(&self, target: &str) -> Vec<String> {
        let problem = |item: &NewItem| match &item.since {
            Some(since) if crate::version::compare(since, target).is_eq() => None,
            Some(since) => Some(format!(
                "says `x-since: \"{since}\"`: set `x-since: \"{target}\"`"
            )),
            None => Some(format!("has no `x-since`: add `x-since: \"{target}\"`")),
        };
        let problems = self.new_items.iter().filter_map(|item| {
            let (what, why) = (&item.what, problem(item)?);
            Some(format!("{what} is new in guide v{target} but {why}"))
        });
        problems.collect()
    }

    /// Records a change; a major one is marked **Breaking**.
    fn push(&mut self, section: Section, level: Level, text: String) {
        let text = match level {
            Major => format!("**Breaking:** {text}"),
            _ => text,
        };
        self.changes.push(Change {
            section,
            level,
            text,
        });
    }
}

/// Compares the baseline `old` with `new`: operations as the SDK's generator models them
/// (`codegen::operations`), then scopes, then the types and their fields.
pub fn diff(old: &Spec, new: &Spec) -> Result<Diff> {
    let mut out = Diff::default();
    let ops = |spec: &Spec, which| {
        codegen::operations(&spec.api).map_err(|e| format!("{which} spec: {e}"))
    };
    operations_diff(&ops(old, "the baseline")?, &ops(new, "the new")?, &mut out);
    scopes_diff(&old.value, &new.value, &mut out);
    schemas_diff(old, new, &mut out);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Operations

fn key(op: &OperationModel) -> String {
    format!("{} {}", op.http_method, op.path)
}

fn scope_words(op: &OperationModel) -> String {
    match (op.auth, op.scopes.as_slice()) {
        (Auth::Basic, _) => "Basic auth".to_owned(),
        (Auth::Bearer, []) => "no scope".to_owned(),
        (Auth::Bearer, scopes) => {
            let scopes: Vec<String> = scopes.iter().map(|s| format!("`{s}`")).collect();
            format!("scope {}", scopes.join(", "))
        }
    }
}

fn retry_words(op: &OperationModel) -> String {
    match &op.retry {
        Retry::IdempotencyKey(field) => format!("re-sent with the same `{field}`"),
        Retry::Safe => "re-sent when it fails (read-only)".to_owned(),
        Retry::Never => "never re-sent".to_owned(),
    }
}

/// The Rust type of the envelope's `data` without its paths, as a reader writes it
/// (`Vec<QcImage>`).
fn data_words(op: &OperationModel) -> String {
    let parts: Vec<&str> = (op.data_type.split('<'))
        .map(|part| part.rsplit("::").next().unwrap_or(part))
        .collect();
    parts.join("<")
}

fn operations_diff(old_ops: &[OperationModel], new_ops: &[OperationModel], out: &mut Diff) {
    for op in new_ops {
        let (id, method, at) = (&op.operation_id, &op.method_name, key(op));
        let Some(before) = old_ops.iter().find(|o| key(o) == at) else {
            let since = Some(op.since.clone()).filter(|s| !s.is_empty());
            let what = format!("operation `{id}` ({at})");
            out.new_items.push(NewItem { what, since });
            let (body, data) = (&op.body_schema, data_words(op));
            let method = match op.auth {
                Auth::Basic => "no public method (Basic auth: used by the client itself)".into(),
                Auth::Bearer => format!("`Client::{method}(body: {body}) -> {data}`"),
            };
            let text = format!("Operation `{id}` (`{at}`, {}): {method}.", scope_words(op));
            out.push(Section::Added, Minor, text);
            continue;
        };
        let mut change = |differs: bool, level, text: String| {
            if differs {
                out.push(Section::Changed, level, text);
            }
        };
        let was = &before.method_name;
        let renamed = format!(
            "operation `{at}` is renamed `{id}`: `Client::{was}` is now `Client::{method}`."
        );
        change(before.operation_id != *id, Major, renamed);
        let name = format!("Operation `{id}` (`{at}`)");
        let (now, was, same_auth) = (scope_words(op), scope_words(before), before.auth == op.auth);
        let text = format!("{name} now uses {now} (was {was}).");
        change(!same_auth, Major, text);
        let grant =
            format!("{name} now needs {now} (was {was}): the application may need a new grant.");
        change(same_auth && before.scopes != op.scopes, Minor, grant);
        let (now, was) = (&op.body_schema, &before.body_schema);
        let text = format!("{name} takes `{now}` (was `{was}`).");
        change(now != was, Major, text);
        let (now, was) = (data_words(op), data_words(before));
        let text = format!("{name} returns `{now}` (was `{was}`).");
        change(now != was, Major, text);
        let (now, was) = (retry_words(op), retry_words(before));
        let text = format!("{name} is now {now} (was {was}).");
        change(now != was, Patch, text);
    }
    let removed = |o: &&OperationModel| new_ops.iter().all(|n| key(n) != key(o));
    for op in old_ops.iter().filter(removed) {
        let method = match op.auth {
            Auth::Basic => String::new(),
            Auth::Bearer => format!(" and its method `Client::{}`", op.method_name),
        };
        let text = format!("operation `{}` (`{}`){method}.", op.operation_id, key(op));
        out.push(Section::Removed, Major, text);
    }
}

// ---------------------------------------------------------------------------------------------
// Scopes

fn scopes_diff(old: &Value, new: &Value, out: &mut Diff) {
    let (old, new) = (declared_scopes(old), declared_scopes(new));
    for (scope, description) in new.iter().filter(|(s, _)| !old.contains_key(*s)) {
        let description = match description.trim() {
            "" => "(no description).".to_owned(),
            d if d.ends_with('.') => d.to_owned(),
            d => format!("{d}."),
        };
        let text = format!("Scope `{scope}`: {description}");
        out.push(Section::Added, Minor, text);
    }
    for scope in old.keys().filter(|s| !new.contains_key(*s)) {
        out.push(Section::Removed, Major, format!("scope `{scope}`."));
    }
}

// ---------------------------------------------------------------------------------------------
// Types and fields

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

/// A type's fields by path.
type Fields = BTreeMap<String, Field>;

/// The keywords compared as a field's constraints, in this order.
const CONSTRAINTS: &str = "pattern minLength maxLength minimum maximum exclusiveMinimum \
                           exclusiveMaximum minItems maxItems";

fn field(schema: &Value, required: bool) -> Field {
    let values = schema.get("enum").and_then(Value::as_array).map(|values| {
        let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
        values.iter().map(text).collect()
    });
    let constraints: Vec<String> = CONSTRAINTS
        .split(' ')
        .filter_map(|key| schema.get(key).map(|v| format!("{key} {v}")))
        .collect();
    Field {
        ty: type_words(schema),
        required,
        nullable: schema.get("nullable") == Some(&Value::Bool(true)),
        since: schema.get("x-since").and_then(version_text),
        values,
        constraints: constraints.join(", "),
    }
}

/// The fields of a component schema, its own nested inline objects flattened
/// (`coupons[].title`); a schema without properties is one field at path "".
fn fields(spec: &Value, schema: &Value) -> Fields {
    let mut out = BTreeMap::new();
    if schema.get("properties").is_none() {
        out.insert(String::new(), field(schema, true));
    }
    schema_walk::fields(spec, schema, "", Refs::Stay, &mut |f| {
        out.insert(f.path, field(f.schema, f.required));
    });
    out
}

/// Schemas used directly as a response body: the `{code, data, msg}` envelopes, which the SDK
/// replaces by `Envelope<T>` (their `data` type is compared per operation instead).
fn envelope_names(spec: &Spec) -> BTreeSet<String> {
    let components = spec.api.components.iter();
    let shared = components.flat_map(|c| c.responses.values());
    let own = spec.api.operations().flat_map(|(_, _, op)| {
        let responses = &op.responses;
        responses.responses.values().chain(&responses.default)
    });
    own.chain(shared)
        .filter_map(|r| crate::lint::response_schema_ref(spec, r))
        .map(|(name, _)| name)
        .collect()
}

fn schemas(spec: &Value) -> BTreeMap<&String, &Value> {
    let schemas = spec["components"]["schemas"].as_object();
    schemas.into_iter().flatten().collect()
}

fn schemas_diff(old: &Spec, new: &Spec, out: &mut Diff) {
    let mut envelopes = envelope_names(old);
    envelopes.extend(envelope_names(new));
    let (old_schemas, new_schemas) = (schemas(&old.value), schemas(&new.value));
    let names: BTreeSet<&&String> = old_schemas.keys().chain(new_schemas.keys()).collect();
    for name in names.into_iter().filter(|n| !envelopes.contains(**n)) {
        let ty = format!("`types::{name}`");
        match (old_schemas.get(*name), new_schemas.get(*name)) {
            (None, Some(schema)) => {
                let text = format!("Type {ty} ({}).", shape(&new.value, schema));
                out.push(Section::Added, Minor, text);
            }
            (Some(_), None) => out.push(Section::Removed, Major, format!("type {ty}.")),
            (Some(before), Some(after)) => {
                let (before, after) = (fields(&old.value, before), fields(&new.value, after));
                fields_diff(&before, &after, &ty, out);
            }
            (None, None) => {}
        }
    }
}

/// A new type in words: its type, or its top-level fields, required ones first.
fn shape(spec: &Value, schema: &Value) -> String {
    let fields = fields(spec, schema);
    if fields.contains_key("") {
        return format!("a `{}`", type_words(schema));
    }
    let mut parts = Vec::new();
    for (required, word) in [(true, "required"), (false, "optional")] {
        let names: Vec<String> = fields
            .iter()
            .filter(|(path, f)| !path.contains('.') && f.required == required)
            .map(|(path, f)| format!("`{path}` (`{}`)", f.ty))
            .collect();
        if !names.is_empty() {
            parts.push(format!("{word} {}", names.join(", ")));
        }
    }
    match parts.is_empty() {
        true => "no fields".to_owned(),
        false => format!("fields: {}", parts.join("; ")),
    }
}

fn fields_diff(before: &Fields, after: &Fields, ty: &str, out: &mut Diff) {
    for path in before.keys().chain(after.keys()).collect::<BTreeSet<_>>() {
        let what = match path.as_str() {
            "" => format!("Type {ty}"),
            _ => format!("Field `{path}` of {ty}"),
        };
        let (b, a) = match (before.get(path), after.get(path)) {
            (None, Some(f)) => {
                // "field …" or "type …": `what` starts with an ASCII capital.
                let (what, since) = (what[..1].to_ascii_lowercase() + &what[1..], f.since.clone());
                out.new_items.push(NewItem { what, since });
                let (level, kind) = pick(f.required, (Major, "Required"), (Minor, "Optional"));
                let text = format!("{kind} field `{path}` (`{}`) of {ty}.", f.ty);
                out.push(Section::Added, level, text);
                continue;
            }
            (Some(_), None) => {
                out.push(Section::Removed, Major, format!("{what}."));
                continue;
            }
            (Some(b), Some(a)) => (b, a),
            (None, None) => continue,
        };
        let mut change = |differs: bool, level, text: String| {
            if differs {
                out.push(Section::Changed, level, format!("{what} {text}"));
            }
        };
        let text = format!("is now `{}` (was `{}`).", a.ty, b.ty);
        change(a.ty != b.ty, Major, text);
        let word = |required| pick(required, "required", "optional");
        let (now, was) = (word(a.required), word(b.required));
        let text = format!("is now {now} (was {was}).");
        change(now != was, Major, text);
        let (level, now) = (
            pick(a.required, Major, Patch),
            pick(a.nullable, "may", "is never"),
        );
        change(a.nullable != b.nullable, level, format!("{now} be null."));
        let (now, was) = (a.values.as_deref(), b.values.as_deref());
        let (added, removed) = (missing(now, was), missing(was, now));
        let text = format!("accepts {added} too.");
        change(!added.is_empty(), Minor, text);
        let text = format!("no longer accepts {removed}.");
        change(!removed.is_empty(), Major, text);
        let limited = format!("is now limited to {}.", now.unwrap_or_default().join(", "));
        change(was.is_none() && now.is_some(), Major, limited);
        let unlimited = "is no longer limited to a list of values.".to_owned();
        change(was.is_some() && now.is_none(), Minor, unlimited);
        let or_none = |c: &String| pick(c.is_empty(), "none".to_owned(), c.clone());
        let (now, was) = (or_none(&a.constraints), or_none(&b.constraints));
        let text = format!("constraints: {now} (were {was}).");
        change(now != was, Patch, text);
    }
}

fn pick<T>(yes: bool, then: T, otherwise: T) -> T {
    if yes { then } else { otherwise }
}

/// The values of `of` that `from` lacks, as a Markdown list; empty unless both are lists.
fn missing(of: Option<&[String]>, from: Option<&[String]>) -> String {
    let (Some(of), Some(from)) = (of, from) else {
        return String::new();
    };
    let gone: Vec<String> = of
        .iter()
        .filter(|v| !from.contains(v))
        .map(|v| format!("`{v}`"))
        .collect();
    gone.join(", ")
}
