//! Code generation of the `rizzitgo-open-api` SDK from `spec/open-api.yaml`.
//!
//! Used by the SDK's `build.rs` (the client, at compile time) and by `cargo xtask` (the
//! reviewable listing of the generated API), so both read the spec the same way.
//!
//! Two files come out of one spec:
//! - [`Generated::raw`]: progenitor's `types` (typify: the request and response types and their
//!   builders), with every envelope schema replaced by the SDK's generic `crate::Envelope<T>`.
//!   progenitor's client is not kept: the SDK sends requests through its own pipeline;
//! - [`Generated::facade`]: one method per operation on `crate::Client` that unwraps the envelope
//!   into `Result<Data, crate::Error>`, and the `OPERATIONS` table (scopes, auth, retry policy)
//!   the hand-written layer reads at run time.
//!
//! A third, [`cli::generate_cli`], is the `rizzitgo` command line's subcommands (its crate's
//! `build.rs` calls it): one per business operation, calling those facade methods.
#![deny(missing_docs)]

pub mod cli;
mod extras;
mod facade;
pub mod lenient;
pub mod listing;
mod model;
mod setters;
pub mod spec;
// The public-API extractor: xtask's (api-check, the listing), not the build scripts'.
#[cfg(feature = "format")]
pub mod surface;

pub use model::{
    Auth, Check, ErrorDoc, FieldRule, NamedCode, OperationModel, Pagination, Retry, named_codes,
    operations, schema_name, snake_case,
};

use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, InterfaceStyle};

/// The generated source files.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The request and response types (progenitor's `types` module).
    pub raw: String,
    /// The envelope-unwrapping methods and the operation table.
    pub facade: String,
}

/// Parses the spec text (YAML or JSON), as [`spec::parse_document`] does, into the typed model
/// alone.
pub fn parse_spec(text: &str) -> Result<OpenAPI, String> {
    const ORIGIN: &str = "spec/open-api.yaml";
    spec::typed(spec::parse_tree(text, ORIGIN)?, ORIGIN)
}

/// Generates both files from the spec.
pub fn generate(spec: &OpenAPI) -> Result<Generated, String> {
    let ops = operations(spec)?;
    let raw = raw_client(spec, &ops)?;
    let facade = facade_tokens(spec, &ops, &raw)?;
    Ok(Generated {
        raw: format_tokens(raw)?,
        facade: format_tokens(facade)?,
    })
}

/// The facade file: the methods, the operation table, and the extras of the generated types.
pub fn facade_tokens(
    spec: &OpenAPI,
    ops: &[OperationModel],
    raw: &proc_macro2::TokenStream,
) -> Result<proc_macro2::TokenStream, String> {
    let raw: syn::File =
        syn::parse2(raw.clone()).map_err(|e| format!("generated code does not parse: {e}"))?;
    let mut tokens = facade::tokens(ops, &named_codes(spec)?);
    tokens.extend(extras::tokens(spec, ops, &raw)?);
    Ok(tokens)
}

/// progenitor's types for the spec, as tokens: its `types` module alone (the client it also
/// generates is not used: the SDK's runtime sends every request).
pub fn raw_client(
    spec: &OpenAPI,
    ops: &[OperationModel],
) -> Result<proc_macro2::TokenStream, String> {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq")
        // Secrets get a type whose Debug never shows them.
        .with_replacement("AccessTokenValue", "crate::SecretToken", std::iter::empty());
    for (envelope, data) in envelopes(spec, ops)? {
        settings.with_replacement(
            envelope,
            format!("crate::Envelope<{data}>"),
            std::iter::empty(),
        );
    }
    let tokens = Generator::new(&settings)
        .generate_tokens(spec)
        .map_err(|e| format!("progenitor could not generate the client: {e}"))?;
    let requests = extras::request_bodies(ops);
    setters::rewrite(
        spec,
        &requests,
        gate_json_schema(escape_reserved(types_only(tokens)?))?,
    )
}

/// The `types` module of progenitor's output, without its client.
fn types_only(tokens: proc_macro2::TokenStream) -> Result<proc_macro2::TokenStream, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor's code does not parse: {e}"))?;
    let types = file
        .items
        .into_iter()
        .find(|item| matches!(item, syn::Item::Mod(m) if m.ident == "types"))
        .ok_or("progenitor's code has no `types` module")?;
    Ok(quote::quote!(#types))
}

/// typify derives `schemars::JsonSchema` (and implements it by hand for some types); the SDK
/// compiles those only with its `schemars` feature: few users need the schemas, every build
/// would pay for them.
fn gate_json_schema(tokens: proc_macro2::TokenStream) -> Result<proc_macro2::TokenStream, String> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("typify's code does not parse: {e}"))?;
    gate_items(&mut file.items);
    Ok(quote::quote!(#file))
}

fn gate_items(items: &mut [syn::Item]) {
    let is_schemars = |path: &syn::Path| path.segments.iter().any(|s| s.ident == "schemars");
    for item in items {
        let attrs = match item {
            syn::Item::Mod(module) => {
                if let Some((_, items)) = &mut module.content {
                    gate_items(items);
                }
                continue;
            }
            syn::Item::Impl(block) => {
                if block
                    .trait_
                    .as_ref()
                    .is_some_and(|(_, path, _)| is_schemars(path))
                {
                    block
                        .attrs
                        .push(syn::parse_quote!(#[cfg(feature = "schemars")]));
                }
                continue;
            }
            syn::Item::Struct(s) => &mut s.attrs,
            syn::Item::Enum(e) => &mut e.attrs,
            _ => continue,
        };
        let Some(at) = attrs.iter().position(|a| a.path().is_ident("derive")) else {
            continue;
        };
        let Ok(derives) = attrs[at].parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let (gated, kept): (Vec<_>, Vec<_>) = derives.into_iter().partition(is_schemars);
        if !gated.is_empty() {
            attrs[at] = syn::parse_quote!(#[derive(#(#kept),*)]);
            attrs.insert(
                at + 1,
                syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(#(#gated),*))]),
            );
        }
    }
}

/// typify writes edition-2021 code (`gen` as an identifier); the SDK is edition 2024.
fn escape_reserved(tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    use proc_macro2::{Group, Ident, TokenTree};
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(ident) if ident == "gen" => {
                TokenTree::Ident(Ident::new_raw("gen", ident.span()))
            }
            TokenTree::Group(group) => {
                let mut escaped = Group::new(group.delimiter(), escape_reserved(group.stream()));
                escaped.set_span(group.span());
                TokenTree::Group(escaped)
            }
            other => other,
        })
        .collect()
}

/// Every envelope schema (success and error) with the Rust type of its `data`.
fn envelopes(spec: &OpenAPI, ops: &[OperationModel]) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = ops
        .iter()
        .map(|op| (op.envelope_schema.clone(), op.data_type.clone()))
        .collect();
    if let Some(components) = &spec.components {
        for response in components.responses.values().filter_map(|r| r.as_item()) {
            for media in response.content.values() {
                if let Some(openapiv3::ReferenceOr::Reference { reference }) = &media.schema {
                    let name = schema_name(reference).to_owned();
                    let data = model::envelope_data_type(spec, &name)?;
                    out.push((name, data));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The tokens as a Rust source file: formatted by prettyplease with the `format` feature (for
/// people: xtask's listing, the tests), else as plain token text (the build scripts: the
/// compiler reads it as well, and the build skips compiling a formatter).
pub fn format_tokens(tokens: proc_macro2::TokenStream) -> Result<String, String> {
    #[cfg(feature = "format")]
    {
        let file: syn::File =
            syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
        Ok(prettyplease::unparse(&file))
    }
    #[cfg(not(feature = "format"))]
    {
        // Parsed all the same, so that a generator bug fails here, not in the SDK's build.
        let file: syn::File =
            syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
        Ok(quote::quote!(#file).to_string())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_wrong_value_in_the_spec_is_reported_with_its_path() {
        let spec = "openapi: 3.0.3\ninfo: {title: [t], version: '1'}\npaths: {}\n";
        let error = super::parse_spec(spec).unwrap_err();
        assert!(error.contains("info.title: invalid type"), "{error}");
    }

    #[test]
    fn json_schema_is_derived_and_implemented_only_with_the_schemars_feature() {
        let text = include_str!("../../spec/open-api.yaml");
        let spec = super::parse_spec(text).unwrap();
        let ops = super::operations(&spec).unwrap();
        let raw = super::raw_client(&spec, &ops).unwrap().to_string();
        let raw = raw.replace(' ', "");
        let gated_derive = r#"#[cfg_attr(feature="schemars",derive(schemars::JsonSchema))]"#;
        let gated_impl = r#"#[cfg(feature="schemars")]impl::schemars::JsonSchemafor"#;
        let derived = raw.matches(gated_derive).count();
        assert!(derived >= 20, "{derived} types derive it");
        assert!(
            raw.contains(gated_impl),
            "typify implements it by hand for GoodsSource"
        );
        let rest = raw.replace(gated_derive, "").replace(gated_impl, "");
        assert!(!rest.contains("JsonSchemafor"), "an impl left ungated");
        assert!(
            !rest.contains("schemars::JsonSchema)]") && !rest.contains("schemars::JsonSchema,")
        );
    }

    #[test]
    fn a_spec_that_is_not_yaml_is_reported_with_its_line() {
        let error = super::parse_spec("openapi: [3.0.3\n").unwrap_err();
        assert!(error.contains("line"), "{error}");
    }
}
