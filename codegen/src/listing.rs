//! A readable listing of the generated public API: what a reviewer needs to see change when the
//! spec changes (`cargo xtask regen` writes it to `api/public-api.md`).
//!
//! The listing is read back from the generated code itself, not from the spec: the method
//! signatures from the facade's impls of the client, the types and fields from progenitor's `mod
//! types`, both as the public-API extractor ([`crate::surface`], also behind `cargo xtask
//! api-check`) finds them, so it shows exactly what the SDK compiles.

#![cfg_attr(not(feature = "format"), allow(dead_code, unused_imports))]
use crate::model::{Auth, OperationModel, Retry, operations};
#[cfg(feature = "format")]
use crate::surface::{CRATE, Surface};
use openapiv3::OpenAPI;
use std::fmt::Write as _;
use syn::{
    Fields, GenericArgument, Item, ItemEnum, ItemStruct, PathArguments, ReturnType, Type,
    TypeParamBound, WherePredicate,
};

/// The Markdown listing of the public API generated from `spec`. Deterministic: the same spec
/// always gives the same text.
#[cfg(feature = "format")]
pub fn api_listing(spec: &OpenAPI) -> Result<String, String> {
    let ops = operations(spec)?;
    let surface = Surface::of_generated(spec, &ops)?;
    let signatures = client_signatures(&surface);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Public API generated from `spec/open-api.yaml`\n\n\
         Guide v{version}. Written by `cargo xtask regen`, do not edit: CI fails when this file \
         no longer matches the spec.\n\n\
         Every operation with Bearer auth is a method of `rizzitgo_open_api::Client` that takes \
         the request type (or its `builder()`) and returns the envelope's `data`; the Basic-auth \
         operations are driven by the client's token cache.",
        version = spec.info.version
    );
    out.push_str("\n## Operations\n");
    for op in &ops {
        write_operation(&mut out, op, &signatures);
    }
    out.push_str("\n## Types (`rizzitgo_open_api::types`)\n\n");
    out.push_str(
        "Envelope schemas (`CommonResult…`) are not listed: they are `rizzitgo_open_api::Envelope<T>`.\n",
    );
    let mut types = generated_types(&surface)?;
    types.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, text) in types {
        out.push('\n');
        out.push_str(&text);
    }
    Ok(out)
}

fn write_operation(
    out: &mut String,
    op: &OperationModel,
    signatures: &std::collections::BTreeMap<String, String>,
) {
    let signature = signatures.get(op.method_name.as_str());
    let _ = writeln!(out, "\n### `{}`: {}\n", op.operation_id, op.summary);
    let _ = writeln!(out, "- `{} {}`", op.http_method, op.path);
    let auth = match op.auth {
        Auth::Basic => "Basic (client id and secret)".to_owned(),
        Auth::Bearer if op.scopes.is_empty() => "Bearer, no scope".to_owned(),
        Auth::Bearer => {
            let scopes: Vec<String> = op.scopes.iter().map(|s| format!("`{s}`")).collect();
            format!("Bearer, scope {}", scopes.join(", "))
        }
    };
    let _ = writeln!(out, "- Auth: {auth}");
    let _ = writeln!(out, "- Since: guide v{}", op.since);
    let retry = match &op.retry {
        Retry::Safe => "may be re-sent (read-only)".to_owned(),
        Retry::IdempotencyKey(field) => format!("re-sent with the same `{field}`"),
        Retry::Never => "never re-sent".to_owned(),
    };
    let _ = writeln!(out, "- Retry: {retry}");
    let _ = writeln!(
        out,
        "- Request: `types::{}`; response `data`: `{}`",
        op.body_schema,
        simplify(&op.data_type)
    );
    if let Some(p) = &op.pagination {
        let mut counts: Vec<String> = Vec::new();
        counts.extend(p.total.iter().map(|f| format!("total `{f}`")));
        counts.extend(p.total_pages.iter().map(|f| format!("pages `{f}`")));
        let size = match (&p.page_size, p.max_page_size) {
            (Some(field), Some(max)) => format!(", size `{field}` (at most {max})"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "- Paginated: page `{}`{size}, items `{}`{}",
            p.page,
            p.items,
            counts.iter().map(|c| format!(", {c}")).collect::<String>()
        );
    }
    match signature {
        Some(sig) => {
            let _ = writeln!(out, "\n```rust\n{sig}");
            for suffix in ["_pages", "_stream"] {
                if let Some(walk) = signatures.get(&format!("{}{suffix}", op.method_name)) {
                    let _ = writeln!(out, "{walk}");
                }
            }
            let _ = writeln!(out, "```");
        }
        None => {
            let _ = writeln!(
                out,
                "- No generated method: Basic auth, called by the client's own token handling."
            );
        }
    }
}

/// `"crate::types::GoodsDetail"` → `"types::GoodsDetail"`, `::std::vec::Vec<…>` → `Vec<…>`.
fn simplify(rust_type: &str) -> String {
    match syn::parse_str::<Type>(rust_type) {
        Ok(ty) => render_type(&ty),
        Err(_) => rust_type.to_owned(),
    }
}

/// Method name → its signature as users see it, for every method of `impl crate::Client`.
#[cfg(feature = "format")]
fn client_signatures(surface: &Surface) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let of_client = |block: &syn::ItemImpl| {
        matches!(&*block.self_ty, Type::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "Client"))
    };
    for (_, block) in surface.impls().filter(|(_, block)| of_client(block)) {
        for member in &block.items {
            let syn::ImplItem::Fn(method) = member else {
                continue;
            };
            let sig = &method.sig;
            // A generic parameter is shown as `impl Bound` (its where-clause bound).
            let mut bounds = std::collections::BTreeMap::new();
            if let Some(clause) = &sig.generics.where_clause {
                for predicate in &clause.predicates {
                    let WherePredicate::Type(p) = predicate else {
                        continue;
                    };
                    let Type::Path(param) = &p.bounded_ty else {
                        continue;
                    };
                    if let (Some(ident), Some(TypeParamBound::Trait(bound))) =
                        (param.path.get_ident(), p.bounds.first())
                    {
                        bounds.insert(ident.to_string(), render_path(&bound.path));
                    }
                }
            }
            let inputs: Vec<String> = sig
                .inputs
                .iter()
                .map(|input| match input {
                    syn::FnArg::Receiver(_) => "&self".to_owned(),
                    syn::FnArg::Typed(arg) => {
                        let pat = match &*arg.pat {
                            syn::Pat::Ident(ident) => ident.ident.to_string(),
                            other => quote::quote!(#other).to_string(),
                        };
                        let ty = match &*arg.ty {
                            Type::Path(p) => p
                                .path
                                .get_ident()
                                .and_then(|i| bounds.get(&i.to_string()))
                                .map(|bound| format!("impl {bound}"))
                                .unwrap_or_else(|| render_type(&arg.ty)),
                            other => render_type(other),
                        };
                        format!("{pat}: {ty}")
                    }
                })
                .collect();
            let output = match &sig.output {
                ReturnType::Default => String::new(),
                ReturnType::Type(_, ty) => format!(" -> {}", render_type(ty)),
            };
            let asyncness = if sig.asyncness.is_some() {
                "async "
            } else {
                ""
            };
            out.insert(
                sig.ident.to_string(),
                format!(
                    "pub {asyncness}fn {}({}){output}",
                    sig.ident,
                    inputs.join(", ")
                ),
            );
        }
    }
    out
}

/// Every struct and enum of progenitor's `mod types` that users see, as (name, Markdown).
#[cfg(feature = "format")]
fn generated_types(surface: &Surface) -> Result<Vec<(String, String)>, String> {
    let prefix = format!("{CRATE}::types::");
    let mut found = false;
    let mut out = Vec::new();
    for (path, item) in surface.items() {
        let Some(name) = path.strip_prefix(&prefix) else {
            continue;
        };
        found = true;
        match item {
            Item::Struct(s) if !name.contains("::") => out.push((name.to_owned(), struct_text(s))),
            Item::Enum(e) if !name.contains("::") => out.push((name.to_owned(), enum_text(e))),
            _ => {}
        }
    }
    if !found {
        return Err("the generated code has no `mod types`".to_owned());
    }
    Ok(out)
}

/// The first line of an item's doc comment, unless it only repeats the name.
fn doc_line(attrs: &[syn::Attribute], name: &str) -> Option<String> {
    let text = attrs.iter().find_map(|attr| match &attr.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })?;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())?
        .to_owned();
    (line != format!("`{name}`")).then_some(line)
}

fn struct_text(s: &ItemStruct) -> String {
    let name = &s.ident;
    let mut out = String::new();
    let doc = doc_line(&s.attrs, &name.to_string());
    match &s.fields {
        Fields::Named(fields) => {
            let _ = writeln!(out, "### `{name}` (struct, `{name}::builder()`)\n");
            if let Some(doc) = &doc {
                let _ = writeln!(out, "{doc}\n");
            }
            out.push_str("| Field | Rust type | Wire name |\n|---|---|---|\n");
            for field in &fields.named {
                let ident = field
                    .ident
                    .as_ref()
                    .map(|i| i.to_string())
                    .unwrap_or_default();
                let wire = serde_rename(&field.attrs).unwrap_or_else(|| ident.clone());
                let _ = writeln!(
                    out,
                    "| `{ident}` | `{}` | `{wire}` |",
                    render_type(&field.ty)
                );
            }
        }
        Fields::Unnamed(fields) => {
            let inner: Vec<String> = fields.unnamed.iter().map(|f| render_type(&f.ty)).collect();
            let checked = fields
                .unnamed
                .iter()
                .any(|f| matches!(f.vis, syn::Visibility::Inherited));
            let note = if checked {
                ", validated: build it with `TryFrom` or `parse`"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "### `{name}` (newtype of `{}`{note})",
                inner.join(", ")
            );
            if let Some(doc) = &doc {
                let _ = writeln!(out, "\n{doc}");
            }
        }
        Fields::Unit => {
            let _ = writeln!(out, "### `{name}` (unit struct)");
        }
    }
    out
}

fn enum_text(e: &ItemEnum) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### `{}` (enum)\n", e.ident);
    if let Some(doc) = doc_line(&e.attrs, &e.ident.to_string()) {
        let _ = writeln!(out, "{doc}\n");
    }
    out.push_str("| Variant | Wire value |\n|---|---|\n");
    for variant in &e.variants {
        let ident = variant.ident.to_string();
        let wire = serde_rename(&variant.attrs).unwrap_or_else(|| ident.clone());
        let _ = writeln!(out, "| `{ident}` | `{wire}` |");
    }
    out
}

/// The value of `#[serde(rename = "…")]`, if any.
pub(crate) fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                rename = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                // Skip the value of every other `key = value`.
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    rename
}

/// A type as a user writes it: `Option<String>`, `types::GoodsDetail`, `[DateTime; 2]`.
fn render_type(ty: &Type) -> String {
    match ty {
        Type::Path(p) if p.qself.is_none() => render_path(&p.path),
        Type::Array(a) => {
            let len = match &a.len {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(int),
                    ..
                }) => int.base10_digits().to_owned(),
                other => quote::quote!(#other).to_string(),
            };
            format!("[{}; {len}]", render_type(&a.elem))
        }
        Type::Reference(r) => {
            let lifetime = r
                .lifetime
                .as_ref()
                .map(|l| format!("'{} ", l.ident))
                .unwrap_or_default();
            let mutability = if r.mutability.is_some() { "mut " } else { "" };
            format!("&{lifetime}{mutability}{}", render_type(&r.elem))
        }
        Type::Slice(s) => format!("[{}]", render_type(&s.elem)),
        Type::Tuple(t) => {
            let elems: Vec<String> = t.elems.iter().map(render_type).collect();
            format!("({})", elems.join(", "))
        }
        Type::Paren(p) => render_type(&p.elem),
        Type::Group(g) => render_type(&g.elem),
        Type::ImplTrait(t) => {
            let bounds: Vec<String> = t
                .bounds
                .iter()
                .map(|bound| match bound {
                    TypeParamBound::Trait(t) => render_path(&t.path),
                    TypeParamBound::Lifetime(l) => format!("'{}", l.ident),
                    // `use<B>`: written as rustfmt would.
                    other => quote::quote!(#other).to_string().replace(' ', ""),
                })
                .collect();
            format!("impl {}", bounds.join(" + "))
        }
        other => quote::quote!(#other).to_string(),
    }
}

/// Drops `::std::…`/`::core::…` module paths and the `crate::` prefix.
fn render_path(path: &syn::Path) -> String {
    let segments: Vec<&syn::PathSegment> = path.segments.iter().collect();
    let first = segments
        .first()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let keep: &[&syn::PathSegment] = match first.as_str() {
        "std" | "core" | "alloc" => &segments[segments.len() - 1..],
        "crate" => &segments[1..],
        _ => &segments,
    };
    keep.iter()
        .map(|segment| {
            let mut text = segment.ident.to_string();
            if let PathArguments::AngleBracketed(args) = &segment.arguments {
                let args: Vec<String> = args
                    .args
                    .iter()
                    .map(|arg| match arg {
                        GenericArgument::Type(ty) => render_type(ty),
                        GenericArgument::AssocType(assoc) => {
                            format!("{} = {}", assoc.ident, render_type(&assoc.ty))
                        }
                        GenericArgument::Lifetime(l) => format!("'{}", l.ident),
                        other => quote::quote!(#other).to_string(),
                    })
                    .collect();
                text.push('<');
                text.push_str(&args.join(", "));
                text.push('>');
            }
            text
        })
        .collect::<Vec<_>>()
        .join("::")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_render_as_users_write_them() {
        assert_eq!(
            simplify("::std::option::Option<::std::vec::Vec<crate::types::QcDetail>>"),
            "Option<Vec<types::QcDetail>>"
        );
        assert_eq!(
            simplify("::std::result::Result<crate::types::GoodsDetail, crate::Error>"),
            "Result<types::GoodsDetail, Error>"
        );
        assert_eq!(simplify("[DateTime; 2usize]"), "[DateTime; 2]");
        assert_eq!(simplify("::serde_json::Value"), "serde_json::Value");
    }
}
