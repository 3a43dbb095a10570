//! One public item as the lines of `api/released/public-api.txt`: token text on one line, full
//! paths kept and parameter names dropped, so that the baseline diffs exactly what can break a
//! user.

use super::{is_hidden, is_pub};
use quote::ToTokens;
use std::collections::BTreeSet;

/// The lines of an impl block for the type public at `path`: the trait impl, or each public
/// method and constant.
pub(super) fn impl_block(path: &str, block: &syn::ItemImpl, out: &mut BTreeSet<String>) {
    let generics = block.generics.to_token_stream();
    let generics = one_line(&generics.to_string());
    let where_clause = block
        .generics
        .where_clause
        .as_ref()
        .map(|w| format!(" {}", one_line(&w.to_token_stream().to_string())))
        .unwrap_or_default();
    match &block.trait_ {
        Some((negative, trait_path, _)) => {
            let bang = if negative.is_some() { "!" } else { "" };
            let trait_text = one_line(&trait_path.to_token_stream().to_string());
            let trait_text = trait_text.trim_start_matches("::");
            out.insert(format!(
                "impl{generics} {bang}{trait_text} for {path}{where_clause}"
            ));
        }
        None => {
            for item in &block.items {
                let text = match item {
                    syn::ImplItem::Fn(f) if is_pub(&f.vis) && !is_hidden(&f.attrs) => {
                        signature(&f.sig)
                    }
                    syn::ImplItem::Const(c) if is_pub(&c.vis) && !is_hidden(&c.attrs) => {
                        format!("const {}: {}", c.ident, ty(&c.ty))
                    }
                    _ => continue,
                };
                out.insert(format!("impl{generics} {path}{where_clause} {{ {text} }}"));
            }
        }
    }
}

fn non_exhaustive(attrs: &[syn::Attribute]) -> &'static str {
    if attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
        "#[non_exhaustive] "
    } else {
        ""
    }
}

/// The lines of one public item at `path`.
pub(super) fn item(path: &str, item: &syn::Item, out: &mut BTreeSet<String>) {
    match item {
        syn::Item::Struct(s) => {
            let generics = one_line(&s.generics.to_token_stream().to_string());
            out.insert(format!(
                "{}struct {path}{generics}",
                non_exhaustive(&s.attrs)
            ));
            derives(path, &s.attrs, out);
            for (i, field) in s.fields.iter().enumerate() {
                if is_pub(&field.vis) {
                    let name = field
                        .ident
                        .as_ref()
                        .map_or_else(|| i.to_string(), ToString::to_string);
                    out.insert(format!("field {path}::{name}: {}", ty(&field.ty)));
                }
            }
        }
        syn::Item::Enum(e) => {
            let generics = one_line(&e.generics.to_token_stream().to_string());
            out.insert(format!("{}enum {path}{generics}", non_exhaustive(&e.attrs)));
            derives(path, &e.attrs, out);
            for variant in &e.variants {
                let fields = match &variant.fields {
                    syn::Fields::Unit => String::new(),
                    syn::Fields::Unnamed(f) => format!(
                        "({})",
                        f.unnamed
                            .iter()
                            .map(|f| ty(&f.ty))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    syn::Fields::Named(f) => format!(
                        " {{ {} }}",
                        f.named
                            .iter()
                            .map(|f| format!(
                                "{}: {}",
                                f.ident
                                    .as_ref()
                                    .map(ToString::to_string)
                                    .unwrap_or_default(),
                                ty(&f.ty)
                            ))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                out.insert(format!("variant {path}::{}{fields}", variant.ident));
            }
        }
        syn::Item::Trait(t) => {
            let supertraits = one_line(&t.supertraits.to_token_stream().to_string());
            let colon = if supertraits.is_empty() { "" } else { ": " };
            out.insert(format!("trait {path}{colon}{supertraits}"));
            for item in &t.items {
                match item {
                    syn::TraitItem::Fn(f) => {
                        out.insert(format!("trait {path} {{ {} }}", signature(&f.sig)));
                    }
                    syn::TraitItem::Type(t) => {
                        out.insert(format!("trait {path} {{ type {} }}", t.ident));
                    }
                    syn::TraitItem::Const(c) => {
                        out.insert(format!(
                            "trait {path} {{ const {}: {} }}",
                            c.ident,
                            ty(&c.ty)
                        ));
                    }
                    _ => {}
                }
            }
        }
        syn::Item::Fn(f) => {
            out.insert(format!("fn {path}: {}", signature(&f.sig)));
        }
        syn::Item::Const(c) => {
            out.insert(format!("const {path}: {}", ty(&c.ty)));
        }
        syn::Item::Static(s) => {
            out.insert(format!("static {path}: {}", ty(&s.ty)));
        }
        syn::Item::Type(t) => {
            out.insert(format!("type {path} = {}", ty(&t.ty)));
        }
        syn::Item::Union(_) => {
            out.insert(format!("union {path}"));
        }
        _ => {}
    }
}

/// A function's signature without its parameter names (renaming one breaks nothing).
fn signature(sig: &syn::Signature) -> String {
    let args: Vec<String> = sig
        .inputs
        .iter()
        .map(|arg| match arg {
            syn::FnArg::Receiver(r) => {
                let reference = match &r.reference {
                    Some((_, Some(lifetime))) => format!("&{lifetime} "),
                    Some((_, None)) => "&".to_owned(),
                    None => String::new(),
                };
                let mutable = if r.reference.is_some() && r.mutability.is_some() {
                    "mut "
                } else {
                    ""
                };
                format!("{reference}{mutable}self")
            }
            syn::FnArg::Typed(t) => ty(&t.ty),
        })
        .collect();
    let asyncness = if sig.asyncness.is_some() {
        "async "
    } else {
        ""
    };
    let unsafety = if sig.unsafety.is_some() {
        "unsafe "
    } else {
        ""
    };
    let generics = one_line(&sig.generics.to_token_stream().to_string());
    let output = match &sig.output {
        syn::ReturnType::Default => String::new(),
        syn::ReturnType::Type(_, t) => format!(" -> {}", ty(t)),
    };
    let where_clause = sig
        .generics
        .where_clause
        .as_ref()
        .map(|w| format!(" {}", one_line(&w.to_token_stream().to_string())))
        .unwrap_or_default();
    format!(
        "{asyncness}{unsafety}fn {}{generics}({}){output}{where_clause}",
        sig.ident,
        args.join(", ")
    )
}

/// The `derive`d traits of an item, one line each: removing one breaks users.
fn derives(path: &str, attrs: &[syn::Attribute], out: &mut BTreeSet<String>) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            let name = one_line(&meta.path.to_token_stream().to_string());
            let name = name.trim_start_matches("::");
            out.insert(format!("derive {name} for {path}"));
            Ok(())
        });
    }
}

fn ty(ty: &syn::Type) -> String {
    one_line(&ty.to_token_stream().to_string())
}

/// Token text on one line, with the spaces a reader expects (`a::b<C>(&self)`).
fn one_line(tokens: &str) -> String {
    let mut text = tokens.split_whitespace().collect::<Vec<_>>().join(" ");
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" ::", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" ,", ","),
        ("( ", "("),
        (" )", ")"),
        (" (", "("),
        ("& ", "&"),
        (" ;", ";"),
        ("[ ", "["),
        (" ]", "]"),
        (" :", ":"),
        ("' ", "'"),
    ] {
        while text.contains(from) {
            text = text.replace(from, to);
        }
    }
    // `-> T`, `: ::std` and `impl ::path` keep their spaces.
    text = text.replace("->", " -> ").replace("  ", " ");
    for (from, to) in [
        (":::", ": ::"),
        ("impl::", "impl ::"),
        ("dyn::", "dyn ::"),
        ("=::", "= ::"),
        (",>", ">"),
        (",)", ")"),
    ] {
        text = text.replace(from, to);
    }
    text
}
