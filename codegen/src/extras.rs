//! What the generated types get beside progenitor's code, read from the spec and from the
//! generated types themselves: a `new(required…)` constructor per request type, `…Builder`
//! aliases, and named open enums for integer codes (`x-enum-names`).

use crate::listing::serde_rename;
use crate::model::{OperationModel, component};
use openapiv3::{OpenAPI, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// The extras, as tokens of the facade file (module `crate::generated`).
pub fn tokens(
    spec: &OpenAPI,
    ops: &[OperationModel],
    raw: &syn::File,
) -> Result<TokenStream, String> {
    let types = types_module(raw)?;
    let known: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let bodies = request_bodies(ops);
    let mut constructors = Vec::new();
    let mut aliases = Vec::new();
    for body in &bodies {
        let Some(fields) = struct_fields(types, body) else {
            return Err(format!("the generated types have no struct {body}"));
        };
        constructors.push(constructor(spec, body, &fields, &known)?);
        let alias = format_ident!("{body}Builder");
        let builder: syn::Path =
            syn::parse_str(&format!("crate::types::builder::{body}")).map_err(|e| e.to_string())?;
        let doc = format!(
            "The builder of [`{body}`](crate::types::{body}) (`{body}::new(…)` or \
             `{body}::builder()`): set the optional fields, then pass it to the client's method."
        );
        aliases.push(quote!(#[doc = #doc] pub type #alias = #builder;));
    }
    let enums = named_enums(spec)?;
    Ok(quote! {
        #(#constructors)*

        /// Names for the generated request builders, and the named codes of the spec: re-exported
        /// in `crate::types`.
        pub mod extras {
            #(#aliases)*
            #(#enums)*
        }
    })
}

/// The request bodies of the business operations: each gets a constructor and a builder alias
/// (`{body}Builder`), which `setters.rs` names as its `builder()`'s return type.
pub(crate) fn request_bodies(ops: &[OperationModel]) -> BTreeSet<String> {
    ops.iter()
        .filter(|op| op.auth == crate::Auth::Bearer)
        .map(|op| op.body_schema.clone())
        .collect()
}

fn types_module(raw: &syn::File) -> Result<&Vec<syn::Item>, String> {
    raw.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| "the generated code has no `mod types`".to_owned())
}

/// `(wire name, Rust field, type)` of a generated struct.
fn struct_fields(types: &[syn::Item], name: &str) -> Option<Vec<(String, syn::Ident, syn::Type)>> {
    let item = types.iter().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == name => Some(s),
        _ => None,
    })?;
    let syn::Fields::Named(fields) = &item.fields else {
        return None;
    };
    Some(
        fields
            .named
            .iter()
            .filter_map(|f| {
                let ident = f.ident.clone()?;
                let wire = serde_rename(&f.attrs).unwrap_or_else(|| ident.to_string());
                Some((wire, ident, f.ty.clone()))
            })
            .collect(),
    )
}

/// A type of `mod types` as seen from elsewhere in the crate: `GoodsSource` →
/// `crate::types::GoodsSource` (absolute paths stay).
fn absolute(ty: &syn::Type, known: &BTreeSet<String>) -> syn::Type {
    let mut ty = ty.clone();
    if let syn::Type::Path(path) = &mut ty {
        if path.qself.is_none() && path.path.leading_colon.is_none() {
            let first = path.path.segments.first().map(|s| s.ident.to_string());
            if first.is_some_and(|f| known.contains(&f)) {
                let prefixed: syn::Path = syn::parse_quote!(crate::types);
                let mut segments = prefixed.segments;
                segments.extend(path.path.segments.iter().cloned());
                path.path.segments = segments;
            }
        }
        for segment in path.path.segments.iter_mut() {
            if let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments {
                for arg in args.args.iter_mut() {
                    if let syn::GenericArgument::Type(inner) = arg {
                        *inner = absolute(inner, known);
                    }
                }
            }
        }
    }
    ty
}

/// `impl Request { pub fn new(required…) -> builder::Request }`: a request cannot be built
/// without its required fields; the values are checked when it is sent, with the spec's
/// messages.
fn constructor(
    spec: &OpenAPI,
    body: &str,
    fields: &[(String, syn::Ident, syn::Type)],
    known: &BTreeSet<String>,
) -> Result<TokenStream, String> {
    let schema = component(spec, body)?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Ok(TokenStream::new());
    };
    let mut params = Vec::new();
    let mut bounds = Vec::new();
    let mut sets = Vec::new();
    let mut names = Vec::new();
    for (i, wire) in object.required.iter().enumerate() {
        let Some((_, ident, ty)) = fields.iter().find(|(w, ..)| w == wire) else {
            return Err(format!("{body}: no generated field for required `{wire}`"));
        };
        let generic = format_ident!("T{i}");
        let ty = absolute(ty, known);
        params.push(quote!(#ident: #generic));
        bounds.push(quote! {
            #generic: ::std::convert::TryInto<#ty>,
            <#generic as ::std::convert::TryInto<#ty>>::Error: ::std::fmt::Display,
        });
        sets.push(quote!(.#ident(#ident)));
        names.push(format!("`{wire}`"));
    }
    let generics: Vec<_> = (0..object.required.len())
        .map(|i| format_ident!("T{i}"))
        .collect();
    let ty: syn::Path =
        syn::parse_str(&format!("crate::types::{body}")).map_err(|e| e.to_string())?;
    let builder: syn::Path =
        syn::parse_str(&format!("crate::types::{body}Builder")).map_err(|e| e.to_string())?;
    let doc = format!(
        "A request with its required fields ({}), as a builder for the optional rest. The values \
         are checked when the request is sent: a value that breaks the spec fails with an error \
         naming the field, before anything leaves the process.",
        names.join(", ")
    );
    Ok(quote! {
        impl #ty {
            #[doc = #doc]
            // It returns the builder: the optional fields are set on it.
            #[allow(clippy::new_ret_no_self)]
            pub fn new<#(#generics),*>(#(#params),*) -> #builder
            where
                #(#bounds)*
            {
                Self::builder() #(#sets)*
            }
        }
    })
}

/// `x-enum-names` on an integer schema: an open enum with a name per value
/// (`{name: Source, values: {1: Taobao, …}}`), convertible to and from the code, and into the
/// schema's own type for requests.
fn named_enums(spec: &OpenAPI) -> Result<Vec<TokenStream>, String> {
    let mut out = Vec::new();
    let Some(components) = &spec.components else {
        return Ok(out);
    };
    for (schema_name, schema) in &components.schemas {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let Some(spec_enum) = schema.schema_data.extensions.get("x-enum-names") else {
            continue;
        };
        let at = format!("components.schemas.{schema_name}.x-enum-names");
        let name = spec_enum
            .get("name")
            .and_then(|v| v.as_str())
            .ok_or_else(|| format!("{at}: `name` is required"))?;
        let values = spec_enum
            .get("values")
            .and_then(|v| v.as_object())
            .ok_or_else(|| format!("{at}: `values` must map codes to names"))?;
        let mut variants = Vec::new();
        for (code, variant) in values {
            let code: i64 = code
                .parse()
                .map_err(|_| format!("{at}: `{code}` is not an integer"))?;
            let variant = variant
                .as_str()
                .ok_or_else(|| format!("{at}: the name of {code} must be a string"))?;
            variants.push((code, format_ident!("{variant}")));
        }
        let ident = format_ident!("{name}");
        let schema_ty: syn::Path =
            syn::parse_str(&format!("crate::types::{schema_name}")).map_err(|e| e.to_string())?;
        let description = schema.schema_data.description.clone().unwrap_or_default();
        let doc = format!(
            "Named values of [`{schema_name}`](crate::types::{schema_name}): {description} \
             A code without a name is kept in `Unknown`. Pass one to a request's `source(…)`; \
             read one from a response with `{name}::from(code)`."
        );
        let decl = variants.iter().map(|(code, v)| {
            let doc = format!("{code}.");
            quote!(#[doc = #doc] #v,)
        });
        let from = variants.iter().map(|(code, v)| quote!(#code => Self::#v,));
        let to = variants.iter().map(|(code, v)| quote!(Self::#v => #code,));
        let narrow = match &schema.schema_kind {
            SchemaKind::Type(Type::Integer(i))
                if i.format
                    == openapiv3::VariantOrUnknownOrEmpty::Item(
                        openapiv3::IntegerFormat::Int32,
                    ) =>
            {
                quote!(i32)
            }
            _ => quote!(i64),
        };
        out.push(quote! {
            #[doc = #doc]
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            pub enum #ident {
                #(#decl)*
                /// A code the spec does not name, as the gateway sent it.
                Unknown(i64),
            }

            impl #ident {
                /// The code on the wire.
                pub fn code(self) -> i64 {
                    match self {
                        #(#to)*
                        Self::Unknown(code) => code,
                    }
                }
            }

            impl ::std::convert::From<i64> for #ident {
                fn from(code: i64) -> Self {
                    match code {
                        #(#from)*
                        other => Self::Unknown(other),
                    }
                }
            }

            impl ::std::convert::From<i32> for #ident {
                fn from(code: i32) -> Self {
                    Self::from(i64::from(code))
                }
            }

            impl ::std::convert::TryFrom<#ident> for #schema_ty {
                type Error = crate::types::error::ConversionError;

                fn try_from(value: #ident) -> ::std::result::Result<Self, Self::Error> {
                    let code = #narrow::try_from(value.code())
                        .map_err(|_| crate::types::error::ConversionError::from("out of range"))?;
                    Self::try_from(code)
                }
            }
        });
    }
    Ok(out)
}
