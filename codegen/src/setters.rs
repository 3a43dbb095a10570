//! The setters of typify's builders (`types::builder::*`), made to read as a person expects:
//! an optional field takes its value, not an `Option` (`.request_id("REQ-1")`, as a required
//! one does), `set_…(Option<…>)` passes an optional value through (aws-sdk-rust's pair), and
//! every setter and builder carries the description of its field from the spec. A request's
//! `builder()` is shown returning the name users write (`GoodsRequestBuilder`).
//!
//! typify's optional setter is bounded by `TryInto<Option<String>>`, which `&str` can never
//! satisfy (the orphan rules forbid the impl), so the fix is in the generated code itself.
//!
//! A builder's field that is unset or refused its value holds a `ConversionError` naming the
//! field by its wire name, and whether it was missing (typify holds a `String` of its own
//! words): the SDK maps it to the spec's message for that field from this data, never by
//! reading the text.

use crate::listing::serde_rename;
use crate::model::component;
use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// Rewrites the builders of progenitor's output; `requests` are the request bodies, whose
/// builders have an alias (`{name}Builder`, see `extras.rs`).
pub fn rewrite(
    spec: &OpenAPI,
    requests: &BTreeSet<String>,
    tokens: TokenStream,
) -> Result<TokenStream, String> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    let Some(types) = module_mut(&mut file.items, "types") else {
        return Err("the generated code has no `mod types`".to_owned());
    };
    for item in types.iter_mut() {
        if let syn::Item::Impl(block) = item {
            name_the_builder(block, requests);
        }
    }
    // Field → wire name, from the structs the builders build.
    let wires: BTreeMap<String, BTreeMap<String, String>> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some((s.ident.to_string(), wire_names(&s.fields))),
            _ => None,
        })
        .collect();
    if let Some(error) = types
        .iter_mut()
        .find(|item| matches!(item, syn::Item::Mod(m) if m.ident == "error"))
    {
        *error = conversion_error_module();
    }
    let Some(builders) = module_mut(types, "builder") else {
        return Ok(quote!(#file));
    };
    for item in builders.iter_mut() {
        match item {
            syn::Item::Struct(s) => {
                hold_conversion_errors(&mut s.fields);
                let doc = format!(
                    " The builder of [`{0}`](super::{0}): set its fields, then pass it to the \
                     client's method (or convert it with `TryFrom`).",
                    s.ident
                );
                s.attrs.push(syn::parse_quote!(#[doc = #doc]));
            }
            syn::Item::Impl(block) if is_default(block) => {
                let name = self_name(block);
                let wires = name.as_ref().and_then(|name| wires.get(name));
                mark_missing(block, wires);
            }
            syn::Item::Impl(block) if block.trait_.is_none() => {
                let syn::Type::Path(path) = &*block.self_ty else {
                    continue;
                };
                let Some(name) = path.path.get_ident().map(ToString::to_string) else {
                    continue;
                };
                let fields = Fields::of(spec, &name, wires.get(&name));
                let mut added = Vec::new();
                for member in block.items.iter_mut() {
                    if let syn::ImplItem::Fn(setter) = member {
                        added.extend(rewrite_setter(setter, &fields));
                    }
                }
                block.items.extend(added);
            }
            _ => {}
        }
    }
    Ok(quote!(#file))
}

/// `X::builder()` of a request `X`: returns `crate::types::XBuilder` (the same type), so that
/// rustdoc shows the name users write rather than a second `X`.
fn name_the_builder(block: &mut syn::ItemImpl, requests: &BTreeSet<String>) {
    let syn::Type::Path(path) = &*block.self_ty else {
        return;
    };
    let Some(name) = path.path.get_ident().map(ToString::to_string) else {
        return;
    };
    if block.trait_.is_some() || !requests.contains(&name) {
        return;
    }
    for member in block.items.iter_mut() {
        if let syn::ImplItem::Fn(f) = member
            && f.sig.ident == "builder"
            && f.sig.inputs.is_empty()
        {
            let alias = format_ident!("{name}Builder");
            f.sig.output = syn::parse_quote!(-> crate::types::#alias);
            let doc = format!(
                " A [`{name}Builder`](crate::types::{name}Builder) of every field by name;                  `{name}::new(…)` takes the required ones."
            );
            f.attrs.push(syn::parse_quote!(#[doc = #doc]));
        }
    }
}

fn module_mut<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

fn wire_names(fields: &syn::Fields) -> BTreeMap<String, String> {
    fields
        .iter()
        .filter_map(|f| {
            let ident = f.ident.as_ref()?.to_string();
            let wire = serde_rename(&f.attrs).unwrap_or_else(|| ident.clone());
            Some((ident, wire))
        })
        .collect()
}

/// What the spec says of one schema's properties, by Rust field name.
struct Fields {
    /// `field → (wire name, description, required)`.
    by_field: BTreeMap<String, (String, String, bool)>,
}

impl Fields {
    fn of(spec: &OpenAPI, schema: &str, wires: Option<&BTreeMap<String, String>>) -> Self {
        let mut by_field = BTreeMap::new();
        let object = component(spec, schema)
            .ok()
            .and_then(|s| match &s.schema_kind {
                SchemaKind::Type(Type::Object(object)) => Some(object),
                _ => None,
            });
        if let (Some(object), Some(wires)) = (object, wires) {
            for (field, wire) in wires {
                let Some(property) = object.properties.get(wire) else {
                    continue;
                };
                let description = match property {
                    ReferenceOr::Item(schema) => schema.schema_data.description.clone(),
                    ReferenceOr::Reference { reference } => {
                        component(spec, crate::model::schema_name(reference))
                            .ok()
                            .and_then(|s| s.schema_data.description.clone())
                    }
                };
                let required = object.required.contains(wire);
                let description = description.unwrap_or_default().trim().replace('\n', " ");
                by_field.insert(field.clone(), (wire.clone(), description, required));
            }
        }
        Fields { by_field }
    }
}

/// Documents a setter; an optional one takes the value itself and gains `set_…(Option<…>)`,
/// returned to be added to the same `impl`.
fn rewrite_setter(setter: &mut syn::ImplItemFn, fields: &Fields) -> Option<syn::ImplItem> {
    let name = setter.sig.ident.clone();
    let (wire, description, required) = fields
        .by_field
        .get(&name.to_string())
        .cloned()
        .unwrap_or_else(|| (name.to_string(), String::new(), false));
    let inner = optional_inner(setter);
    let doc = match (&inner, required) {
        (Some(_), _) => format!(
            " `{wire}` (optional): {description} Leave it unset to send nothing; \
             [`set_{name}`](Self::set_{name}) takes an `Option`."
        ),
        (None, true) => format!(" `{wire}` (required): {description}"),
        (None, false) => format!(" `{wire}`: {description}"),
    };
    let Some(inner) = inner else {
        setter.attrs.push(syn::parse_quote!(#[doc = #doc]));
        setter.block = syn::parse_quote!({
            self.#name = value
                .try_into()
                .map_err(|e| super::error::ConversionError::invalid(#wire, e));
            self
        });
        return None;
    };
    *setter = syn::parse_quote! {
        #[doc = #doc]
        pub fn #name<T>(mut self, value: T) -> Self
        where
            T: ::std::convert::TryInto<#inner>,
            T::Error: ::std::fmt::Display,
        {
            self.#name = value
                .try_into()
                .map(::std::option::Option::Some)
                .map_err(|e| super::error::ConversionError::invalid(#wire, e));
            self
        }
    };
    let set = format_ident!("set_{name}");
    let set_doc = format!(" `{wire}` as an `Option`: `None` sends nothing.");
    Some(syn::parse_quote! {
        #[doc = #set_doc]
        pub fn #set(mut self, value: ::std::option::Option<#inner>) -> Self {
            self.#name = Ok(value);
            self
        }
    })
}

/// `X` when the setter is bounded by `TryInto<Option<X>>` (typify's optional field).
fn optional_inner(setter: &syn::ImplItemFn) -> Option<syn::Type> {
    let clause = setter.sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(predicate) = predicate else {
            return None;
        };
        predicate.bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let last = bound.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            let Some(syn::GenericArgument::Type(syn::Type::Path(target))) = args.args.first()
            else {
                return None;
            };
            let option = target.path.segments.last()?;
            if option.ident != "Option" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(inner) = &option.arguments else {
                return None;
            };
            match inner.args.first()? {
                syn::GenericArgument::Type(inner) => Some(inner.clone()),
                _ => None,
            }
        })
    })
}

/// typify's `ConversionError`, carrying the field of a builder that failed: its wire name, and
/// whether it was missing (`true`) or refused the value it was given (`false`).
fn conversion_error_module() -> syn::Item {
    syn::parse_quote! {
        /// Error types.
        pub mod error {
            /// Error from a `TryFrom` or `FromStr` implementation; from a builder, it names the
            /// field that is missing or refused its value.
            #[derive(Clone)]
            pub struct ConversionError {
                /// What went wrong (for a builder's field: what its value's conversion said).
                text: ::std::borrow::Cow<'static, str>,
                field: ::std::option::Option<(&'static str, bool)>,
            }

            impl ConversionError {
                /// The required field `field` (its wire name) was never set. Every builder
                /// starts so, for each required field: nothing is formatted or allocated.
                pub(crate) fn missing(field: &'static str) -> Self {
                    Self {
                        text: ::std::borrow::Cow::Borrowed(""),
                        field: ::std::option::Option::Some((field, true)),
                    }
                }

                /// The field `field` (its wire name) refused its value.
                pub(crate) fn invalid(field: &'static str, error: impl ::std::fmt::Display) -> Self {
                    Self {
                        text: error.to_string().into(),
                        field: ::std::option::Option::Some((field, false)),
                    }
                }

                /// The builder's field that failed, by wire name, and whether it was missing.
                pub(crate) fn field(&self) -> ::std::option::Option<(&'static str, bool)> {
                    self.field
                }
            }

            impl ::std::error::Error for ConversionError {}

            impl ::std::fmt::Display for ConversionError {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self.field {
                        ::std::option::Option::Some((field, true)) => {
                            write!(f, "no value supplied for `{field}`")
                        }
                        ::std::option::Option::Some((field, false)) => {
                            write!(f, "`{field}`: {}", self.text)
                        }
                        ::std::option::Option::None => ::std::fmt::Display::fmt(&self.text, f),
                    }
                }
            }

            impl ::std::fmt::Debug for ConversionError {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    ::std::fmt::Debug::fmt(&self.to_string(), f)
                }
            }

            impl From<&'static str> for ConversionError {
                fn from(value: &'static str) -> Self {
                    Self {
                        text: value.into(),
                        field: ::std::option::Option::None,
                    }
                }
            }

            impl From<String> for ConversionError {
                fn from(value: String) -> Self {
                    Self {
                        text: value.into(),
                        field: ::std::option::Option::None,
                    }
                }
            }
        }
    }
}

/// A builder's fields hold `Result<T, ConversionError>` instead of typify's `Result<T, String>`.
fn hold_conversion_errors(fields: &mut syn::Fields) {
    for field in fields.iter_mut() {
        let syn::Type::Path(path) = &mut field.ty else {
            continue;
        };
        let Some(last) = path.path.segments.last_mut() else {
            continue;
        };
        if last.ident != "Result" {
            continue;
        }
        if let syn::PathArguments::AngleBracketed(args) = &mut last.arguments
            && let Some(error) = args.args.iter_mut().nth(1)
        {
            *error = syn::parse_quote!(super::error::ConversionError);
        }
    }
}

fn is_default(block: &syn::ItemImpl) -> bool {
    block
        .trait_
        .as_ref()
        .and_then(|(_, path, _)| path.segments.last())
        .is_some_and(|last| last.ident == "Default")
}

fn self_name(block: &syn::ItemImpl) -> Option<String> {
    let syn::Type::Path(path) = &*block.self_ty else {
        return None;
    };
    path.path.get_ident().map(ToString::to_string)
}

/// A builder's `Default`: each required field starts as missing, named by its wire name.
fn mark_missing(block: &mut syn::ItemImpl, wires: Option<&BTreeMap<String, String>>) {
    for member in &mut block.items {
        let syn::ImplItem::Fn(default) = member else {
            continue;
        };
        let Some(syn::Stmt::Expr(syn::Expr::Struct(literal), _)) = default.block.stmts.last_mut()
        else {
            continue;
        };
        for field in literal.fields.iter_mut() {
            let syn::Member::Named(name) = &field.member else {
                continue;
            };
            let syn::Expr::Call(call) = &field.expr else {
                continue;
            };
            let is_err = matches!(&*call.func, syn::Expr::Path(p) if p.path.is_ident("Err"));
            if !is_err {
                continue;
            }
            let name = name.to_string();
            let wire = wires
                .and_then(|wires| wires.get(&name))
                .cloned()
                .unwrap_or(name);
            field.expr = syn::parse_quote!(Err(super::error::ConversionError::missing(#wire)));
        }
    }
}
