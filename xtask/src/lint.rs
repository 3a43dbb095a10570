//! `cargo xtask lint`: Redocly CLI (zero errors) and the SDK's own rules.
//!
//! Own rules, each a message naming where and what to do:
//! - every operation has an operationId (a unique Rust method name), a summary, a scope (or
//!   Basic auth), a request example, a response example and `x-since` (not newer than
//!   `info.version`); fields' `x-since` are valid and not newer either;
//! - the spec stays inside what progenitor supports (OpenAPI 3.0.x, one request content type
//!   with a `$ref` schema, one success response, one error schema for 4XX/5XX/default) and the
//!   generator really accepts it;
//! - no `additionalProperties: false` and no `enum` in any schema a response can reach: a new
//!   field or value from the gateway must never break decoding.

use crate::Result;
use crate::paths::{Project, REDOCLY_CONFIG, SPEC};
use crate::schema_walk::{self, Refs};
use crate::spec::{Spec, ref_name, resolve, version_text};
use crate::{tools, version};
use openapiv3::{ReferenceOr, StatusCode};
use rizzitgo_open_api_codegen as codegen;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Runs Redocly (unless `redocly` is false) and the own rules on the project's spec.
pub fn run(project: &Project, redocly: bool) -> Result<()> {
    let spec = Spec::load(project)?;
    let problems = own_rules(&spec);
    if problems.is_empty() {
        println!("lint: {SPEC} follows the SDK's own rules");
    } else {
        eprintln!("lint: {SPEC} breaks the SDK's own rules:");
        for problem in &problems {
            eprintln!("  - {problem}");
        }
    }
    let redocly_result = if redocly {
        run_redocly(project)
    } else {
        println!("lint: Redocly skipped (--no-redocly)");
        Ok(())
    };
    match (problems.len(), redocly_result) {
        (0, Ok(())) => Ok(()),
        (0, Err(e)) => Err(e),
        (n, Ok(())) => Err(format!("{n} problem(s) with the SDK's own rules")),
        (n, Err(e)) => Err(format!("{n} problem(s) with the SDK's own rules; {e}")),
    }
}

fn run_redocly(project: &Project) -> Result<()> {
    let bin = tools::node_tools()?.redocly;
    let mut command = std::process::Command::new(bin);
    command.current_dir(&project.root).arg("lint").arg(SPEC);
    if project.path(REDOCLY_CONFIG).exists() {
        command.arg("--config").arg(REDOCLY_CONFIG);
    }
    command.args(["--format", "stylish"]);
    tools::quiet_node_env(&mut command);
    let output = command
        .output()
        .map_err(|e| format!("cannot run Redocly CLI: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // Drop the framed Node-version banner; keep the findings and the summary.
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with(['╔', '║', '╚']) {
            continue;
        }
        println!("redocly: {line}");
    }
    if output.status.success() {
        println!("lint: Redocly CLI found no error");
        Ok(())
    } else {
        Err("Redocly CLI found errors in the spec (listed above)".to_owned())
    }
}

/// Every problem with the SDK's own rules, as messages.
pub fn own_rules(spec: &Spec) -> Vec<String> {
    let mut problems = Vec::new();
    if !spec.api.openapi.starts_with("3.0.") {
        problems.push(format!(
            "openapi is {}: progenitor supports OpenAPI 3.0.x only",
            spec.api.openapi
        ));
    }
    let info_version = spec.guide_version().to_owned();
    if version::check_guide(&info_version).is_err() {
        problems.push(format!(
            "info.version `{info_version}` is not a guide version like 1.4"
        ));
    }
    operation_rules(spec, &info_version, &mut problems);
    field_since_rules(spec, &info_version, &mut problems);
    response_rules(spec, &mut problems);
    if let Err(e) = codegen::generate(&spec.api) {
        problems.push(format!("the client cannot be generated from the spec: {e}"));
    }
    problems
}

fn since_problem(since: Option<&Value>, info_version: &str, at: &str) -> Option<String> {
    let since = since?;
    let Some(text) = since.as_str() else {
        return Some(match version_text(since) {
            Some(v) => format!("{at}: `x-since: {v}` must be a string: write `x-since: \"{v}\"`"),
            None => format!("{at}: `x-since` must be a guide version string like \"1.4\""),
        });
    };
    if version::check_guide(text).is_err() {
        return Some(format!(
            "{at}: `x-since: \"{text}\"` is not a guide version like \"1.4\""
        ));
    }
    version::compare(text, info_version).is_gt().then(|| {
        format!(
            "{at}: `x-since: \"{text}\"` is newer than info.version {info_version}: \
             run `cargo xtask bump-docs {text}`"
        )
    })
}

fn operation_rules(spec: &Spec, info_version: &str, problems: &mut Vec<String>) {
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut methods: BTreeMap<String, String> = BTreeMap::new();
    let declared_scopes = crate::spec::declared_scopes(&spec.value);
    for (path, item) in spec.api.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            problems.push(format!(
                "{path}: path item $refs are not supported by progenitor"
            ));
            continue;
        };
        for (method, op) in item.iter() {
            let at = format!("{} {path}", method.to_uppercase());
            let raw = spec
                .value
                .pointer(&format!("/paths/{}/{method}", pointer_escape(path)))
                .unwrap_or(&Value::Null);
            match &op.operation_id {
                None => problems.push(format!(
                    "{at}: no operationId (progenitor needs it to name the method)"
                )),
                Some(id) => {
                    if let Some(other) = ids.insert(id.clone(), at.clone()) {
                        problems.push(format!("{at}: operationId `{id}` is also used by {other}"));
                    }
                    let method_name = codegen::snake_case(id);
                    if syn_ident_invalid(&method_name) {
                        problems.push(format!(
                            "{at}: operationId `{id}` does not make a Rust method name (`{method_name}`)"
                        ));
                    }
                    if let Some(other) = methods.insert(method_name.clone(), at.clone()) {
                        problems.push(format!(
                            "{at}: method name `{method_name}` is also the method of {other}"
                        ));
                    }
                }
            }
            if op.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
                problems.push(format!("{at}: no summary"));
            }
            // As the generator reads it (codegen::operations): the first requirement.
            let security = op.security.as_ref().or(spec.api.security.as_ref());
            let requirement = security.and_then(|s| s.first());
            let basic = requirement.is_some_and(|r| r.contains_key("clientBasic"));
            let scopes = requirement.and_then(|r| r.get("oauth2")).cloned();
            let scopes = scopes.unwrap_or_default();
            if !basic && scopes.is_empty() {
                problems.push(format!(
                    "{at}: no scope: declare `security: [{{oauth2: [\"<scope>\"], tenantId: []}}]`"
                ));
            }
            for scope in scopes.iter().filter(|s| !declared_scopes.contains_key(*s)) {
                problems.push(format!(
                    "{at}: scope `{scope}` is not declared in components.securitySchemes.oauth2 flows"
                ));
            }
            match raw.get("x-since") {
                None => problems.push(format!(
                    "{at}: no `x-since` (the guide version that introduced it, e.g. `x-since: \"{info_version}\"`)"
                )),
                since => problems.extend(since_problem(since, info_version, &at)),
            }
            request_rules(spec, &at, op, problems);
            response_shape_rules(spec, &at, op, problems);
        }
    }
}

fn syn_ident_invalid(name: &str) -> bool {
    name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        || name.starts_with(|c: char| c.is_ascii_digit())
}

fn pointer_escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn has_example(media: &openapiv3::MediaType) -> bool {
    media.example.is_some() || !media.examples.is_empty()
}

fn request_rules(spec: &Spec, at: &str, op: &openapiv3::Operation, problems: &mut Vec<String>) {
    let Some(body) = &op.request_body else {
        problems.push(format!(
            "{at}: no request body (every endpoint of the gateway takes one)"
        ));
        return;
    };
    let body = match body {
        ReferenceOr::Item(b) => b,
        ReferenceOr::Reference { reference } => match spec
            .api
            .components
            .as_ref()
            .and_then(|c| c.request_bodies.get(ref_name(reference)))
            .and_then(|b| b.as_item())
        {
            Some(b) => b,
            None => {
                problems.push(format!("{at}: request body {reference} does not resolve"));
                return;
            }
        },
    };
    if body.content.len() != 1 {
        problems.push(format!(
            "{at}: {} request content types: progenitor supports exactly one",
            body.content.len()
        ));
    }
    if let Some((_, media)) = body.content.first() {
        if !matches!(media.schema, Some(ReferenceOr::Reference { .. })) {
            problems.push(format!(
                "{at}: the request schema must be a $ref to components.schemas (the SDK names its type)"
            ));
        }
        if !has_example(media) {
            problems.push(format!("{at}: no request example"));
        }
    }
}

/// The schema `$ref` of a response (following a `$ref` to components.responses).
pub(crate) fn response_schema_ref(
    spec: &Spec,
    response: &ReferenceOr<openapiv3::Response>,
) -> Option<(String, bool)> {
    let response = match response {
        ReferenceOr::Item(r) => r,
        ReferenceOr::Reference { reference } => spec
            .api
            .components
            .as_ref()?
            .responses
            .get(ref_name(reference))?
            .as_item()?,
    };
    let (_, media) = response.content.first()?;
    let has_example = has_example(media);
    match &media.schema {
        Some(ReferenceOr::Reference { reference }) => {
            Some((ref_name(reference).to_owned(), has_example))
        }
        _ => Some(("(inline schema)".to_owned(), has_example)),
    }
}

fn response_shape_rules(
    spec: &Spec,
    at: &str,
    op: &openapiv3::Operation,
    problems: &mut Vec<String>,
) {
    let mut success = Vec::new();
    let mut errors: BTreeSet<String> = BTreeSet::new();
    for (code, response) in &op.responses.responses {
        let is_success = match code {
            StatusCode::Code(c) => (200..300).contains(c),
            StatusCode::Range(r) => *r == 2,
        };
        let schema = response_schema_ref(spec, response);
        if is_success {
            success.push((code.to_string(), schema));
        } else if let Some((name, _)) = schema {
            errors.insert(name);
        }
    }
    if let Some(default) = &op.responses.default
        && let Some((name, _)) = response_schema_ref(spec, default)
    {
        errors.insert(name);
    }
    match success.as_slice() {
        [(code, Some((name, example)))] => {
            if code != "200" {
                problems.push(format!(
                    "{at}: the success response must be 200 (is {code})"
                ));
            }
            if name == "(inline schema)" {
                problems.push(format!(
                    "{at}: the 200 response schema must be a $ref to an envelope schema"
                ));
            }
            if !example {
                problems.push(format!("{at}: no response example for 200"));
            }
        }
        [(_, None)] => problems.push(format!("{at}: the 200 response has no content")),
        [] => problems.push(format!("{at}: no success (200) response")),
        _ => problems.push(format!(
            "{at}: {} success responses: progenitor supports one success schema",
            success.len()
        )),
    }
    if errors.len() > 1 {
        let names: Vec<&String> = errors.iter().collect();
        problems.push(format!(
            "{at}: error responses use several schemas {names:?}: progenitor needs one error schema"
        ));
    }
}

fn field_since_rules(spec: &Spec, info_version: &str, problems: &mut Vec<String>) {
    let Some(schemas) = spec
        .value
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    for (name, schema) in schemas {
        let at = format!("components.schemas.{name}");
        problems.extend(since_problem(schema.get("x-since"), info_version, &at));
        let prefix = format!("{at}.");
        schema_walk::fields(&spec.value, schema, &prefix, Refs::Stay, &mut |f| {
            problems.extend(since_problem(
                f.schema.get("x-since"),
                info_version,
                &f.path,
            ));
        });
    }
}

/// No `additionalProperties: false` and no `enum` anywhere a response can reach.
fn response_rules(spec: &Spec, problems: &mut Vec<String>) {
    let value = &spec.value;
    let mut roots: Vec<(String, &Value)> = Vec::new();
    if let Some(paths) = value.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in crate::spec::METHODS {
                let Some(responses) = item
                    .get(method)
                    .and_then(|op| op.get("responses"))
                    .and_then(Value::as_object)
                else {
                    continue;
                };
                for (code, response) in responses {
                    let response = resolve(value, response);
                    for media in response
                        .get("content")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flat_map(|c| c.values())
                    {
                        if let Some(schema) = media.get("schema") {
                            roots.push((
                                format!("{} {path} response {code}", method.to_uppercase()),
                                schema,
                            ));
                        }
                    }
                }
            }
        }
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut found: BTreeSet<String> = BTreeSet::new();
    for (origin, schema) in roots {
        check_response_schema(value, schema, &origin, &mut seen, &mut found);
    }
    problems.extend(found);
}

fn check_response_schema(
    spec: &Value,
    schema: &Value,
    at: &str,
    seen: &mut BTreeSet<String>,
    found: &mut BTreeSet<String>,
) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        if seen.insert(reference.to_owned()) {
            let target = resolve(spec, schema);
            let at = format!("components.schemas.{}", ref_name(reference));
            check_response_schema(spec, target, &at, seen, found);
        }
        return;
    }
    if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
        found.insert(format!(
            "{at}: `additionalProperties: false` in a response schema: a field the gateway adds \
             would break decoding (typify makes it deny_unknown_fields)"
        ));
    }
    if schema.get("enum").is_some() {
        found.insert(format!(
            "{at}: `enum` in a response schema: a value the gateway adds would break decoding; \
             use the plain type and list the values in the description"
        ));
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            check_response_schema(spec, prop, &format!("{at}.{name}"), seen, found);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(sub) = schema.get(key).filter(|s| s.is_object()) {
            check_response_schema(spec, sub, &format!("{at}.{key}"), seen, found);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, sub) in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            check_response_schema(spec, sub, &format!("{at}.{key}[{i}]"), seen, found);
        }
    }
}
