//! The SDK crate's public Rust API as sorted lines, one per item, field, variant, method and
//! trait impl, read with `syn` from `src/` and from the code the spec generates (as `build.rs`
//! includes it). It covers the hand-written layer as well as the generated one, without
//! compiling anything; `api_check` compares it with the released baseline.
//!
//! What is public is resolved from the module tree: `pub` items of `pub` modules and what
//! `pub use` re-exports (globs included); impls count wherever they are written. Items marked
//! `#[doc(hidden)]` and `#[cfg(test)]` code are left out; every feature is read as enabled.

use crate::Result;
use crate::paths::{Project, SPEC};
use quote::ToTokens;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The crate name every public path starts with.
const CRATE: &str = "rizzitgo_open_api";

struct Module {
    parent: Option<usize>,
    items: Vec<syn::Item>,
    children: BTreeMap<String, usize>,
}

/// An item by where it is defined: module and name.
type Def = (usize, String);

struct Crate {
    modules: Vec<Module>,
}

/// The public API lines of the SDK crate at `project`.
pub fn listing(project: &Project) -> Result<Vec<String>> {
    let spec = rizzitgo_open_api_codegen::parse_spec(&project.read(SPEC)?)?;
    let generated = rizzitgo_open_api_codegen::generate(&spec)?;
    let parse = |text: &str, what: &str| {
        syn::parse_file(text).map_err(|e| format!("{what} does not parse: {e}"))
    };
    let generated = Generated {
        raw: parse(&generated.raw, "the generated raw.rs")?.items,
        facade: parse(&generated.facade, "the generated facade.rs")?.items,
    };
    let mut krate = Crate {
        modules: Vec::new(),
    };
    let lib = project.path("src/lib.rs");
    let root = parse(&crate::paths::read(&lib)?, "src/lib.rs")?;
    krate.load(None, root.items, &project.path("src"), &generated)?;
    let mut exports = BTreeMap::new();
    krate.export(0, CRATE, &mut exports, 0);
    let public: BTreeMap<Def, String> = exports
        .iter()
        .map(|(path, def)| (def.clone(), path.clone()))
        .rev() // the shortest path of an item wins (BTreeMap keeps the last insert)
        .collect();
    let mut lines = BTreeSet::new();
    for (path, (module, name)) in &exports {
        if let Some(item) = krate.item(*module, name) {
            item_lines(path, item, &mut lines);
        }
    }
    for (index, module) in krate.modules.iter().enumerate() {
        for item in &module.items {
            if let syn::Item::Impl(block) = item {
                krate.impl_lines(index, block, &public, &mut lines);
            }
        }
    }
    Ok(lines.into_iter().collect())
}

struct Generated {
    raw: Vec<syn::Item>,
    facade: Vec<syn::Item>,
}

fn is_hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let text = a.to_token_stream().to_string();
        (a.path().is_ident("doc") && text.contains("hidden"))
            || (a.path().is_ident("cfg") && text.contains("test"))
    })
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// The generated file an `include!` names, by its file name.
fn included<'a>(mac: &syn::Macro, generated: &'a Generated) -> Option<&'a [syn::Item]> {
    if !mac.path.is_ident("include") {
        return None;
    }
    let tokens = mac.tokens.to_string();
    if tokens.contains("/raw.rs") {
        Some(&generated.raw)
    } else if tokens.contains("/facade.rs") {
        Some(&generated.facade)
    } else {
        None
    }
}

impl Crate {
    /// Adds a module of `items` (found in `dir` for its `mod x;` children); its index.
    fn load(
        &mut self,
        parent: Option<usize>,
        items: Vec<syn::Item>,
        dir: &Path,
        generated: &Generated,
    ) -> Result<usize> {
        let index = self.modules.len();
        self.modules.push(Module {
            parent,
            items: Vec::new(),
            children: BTreeMap::new(),
        });
        let mut kept = Vec::new();
        for item in items {
            match item {
                syn::Item::Macro(m) if included(&m.mac, generated).is_some() => {
                    kept.extend(included(&m.mac, generated).unwrap_or_default().to_vec());
                }
                other => kept.push(other),
            }
        }
        for item in &mut kept {
            let syn::Item::Mod(module) = item else {
                continue;
            };
            if is_hidden(&module.attrs) && !is_pub(&module.vis) {
                continue;
            }
            let name = module.ident.to_string();
            let (items, child_dir) = match &mut module.content {
                Some((_, items)) => (std::mem::take(items), dir.join(&name)),
                None => {
                    let file = [
                        dir.join(format!("{name}.rs")),
                        dir.join(&name).join("mod.rs"),
                    ]
                    .into_iter()
                    .find(|p| p.exists())
                    .ok_or_else(|| format!("no file for `mod {name}` in {}", dir.display()))?;
                    let text = crate::paths::read(&file)?;
                    let parsed = syn::parse_file(&text)
                        .map_err(|e| format!("{} does not parse: {e}", file.display()))?;
                    (parsed.items, dir.join(&name))
                }
            };
            let child = self.load(Some(index), items, &child_dir, generated)?;
            self.modules[index].children.insert(name, child);
        }
        self.modules[index].items = kept;
        Ok(index)
    }

    fn item(&self, module: usize, name: &str) -> Option<&syn::Item> {
        self.modules[module]
            .items
            .iter()
            .find(|item| item_name(item).is_some_and(|n| n == name))
    }

    /// Every public path under `path` (module `module`), with what it names.
    fn export(&self, module: usize, path: &str, out: &mut BTreeMap<String, Def>, depth: usize) {
        if depth > 16 {
            return;
        }
        for item in &self.modules[module].items {
            match item {
                syn::Item::Mod(m) if is_pub(&m.vis) && !is_hidden(&m.attrs) => {
                    if let Some(&child) = self.modules[module].children.get(&m.ident.to_string()) {
                        self.export(child, &format!("{path}::{}", m.ident), out, depth + 1);
                    }
                }
                syn::Item::Use(u) if is_pub(&u.vis) && !is_hidden(&u.attrs) => {
                    let mut leaves = Vec::new();
                    use_leaves(&u.tree, Vec::new(), &mut leaves);
                    for (segments, alias) in leaves {
                        match self.resolve(module, &segments, depth) {
                            Some(Target::Module(target)) if alias == "*" => {
                                self.export(target, path, out, depth + 1)
                            }
                            Some(Target::Module(target)) => {
                                self.export(target, &format!("{path}::{alias}"), out, depth + 1)
                            }
                            Some(Target::Item(def)) => {
                                out.insert(format!("{path}::{alias}"), def);
                            }
                            None => {}
                        }
                    }
                }
                other => {
                    if let Some(name) = item_name(other)
                        && item_is_pub(other)
                        && !is_hidden(item_attrs(other))
                        && !matches!(other, syn::Item::Mod(_))
                    {
                        out.insert(format!("{path}::{name}"), (module, name));
                    }
                }
            }
        }
    }

    /// What `segments` (a `use` or type path written in `module`) names.
    fn resolve(&self, module: usize, segments: &[String], depth: usize) -> Option<Target> {
        if depth > 16 {
            return None;
        }
        let (first, rest) = segments.split_first()?;
        let mut at = match first.as_str() {
            "crate" => 0,
            "self" => module,
            "super" => self.modules[module].parent?,
            name => {
                if rest.is_empty() {
                    return self.lookup(module, name, depth);
                }
                match self.lookup(module, name, depth)? {
                    Target::Module(m) => m,
                    Target::Item(_) => return None,
                }
            }
        };
        for (i, segment) in rest.iter().enumerate() {
            let target = if segment == "super" {
                Target::Module(self.modules[at].parent?)
            } else {
                self.lookup(at, segment, depth)?
            };
            match target {
                Target::Module(m) => at = m,
                item @ Target::Item(_) if i + 1 == rest.len() => return Some(item),
                Target::Item(_) => return None,
            }
        }
        Some(Target::Module(at))
    }

    /// A name as seen inside `module`: a child module, an item, or an import.
    fn lookup(&self, module: usize, name: &str, depth: usize) -> Option<Target> {
        if let Some(&child) = self.modules[module].children.get(name) {
            return Some(Target::Module(child));
        }
        if self.item(module, name).is_some() {
            return Some(Target::Item((module, name.to_owned())));
        }
        let mut globs = Vec::new();
        for item in &self.modules[module].items {
            let syn::Item::Use(u) = item else { continue };
            let mut leaves = Vec::new();
            use_leaves(&u.tree, Vec::new(), &mut leaves);
            for (segments, alias) in leaves {
                if alias == name {
                    return self.resolve(module, &segments, depth + 1);
                }
                if alias == "*" {
                    globs.push(segments);
                }
            }
        }
        globs.into_iter().find_map(
            |segments| match self.resolve(module, &segments, depth + 1)? {
                Target::Module(m) => self.lookup(m, name, depth + 1),
                Target::Item(_) => None,
            },
        )
    }

    /// The lines of an impl block whose type is public.
    fn impl_lines(
        &self,
        module: usize,
        block: &syn::ItemImpl,
        public: &BTreeMap<Def, String>,
        out: &mut BTreeSet<String>,
    ) {
        if is_hidden(&block.attrs) {
            return;
        }
        let syn::Type::Path(self_ty) = &*block.self_ty else {
            return;
        };
        let segments: Vec<String> = self_ty
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let Some(Target::Item(def)) = self.resolve(module, &segments, 0) else {
            return;
        };
        let Some(path) = public.get(&def) else {
            return;
        };
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
}

enum Target {
    Module(usize),
    Item(Def),
}

/// The leaves of a `use` tree: the path and the name it binds (`*` for a glob).
fn use_leaves(tree: &syn::UseTree, prefix: Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    let extend = |name: String| {
        let mut p = prefix.clone();
        p.push(name);
        p
    };
    match tree {
        syn::UseTree::Path(p) => use_leaves(&p.tree, extend(p.ident.to_string()), out),
        syn::UseTree::Name(n) => out.push((extend(n.ident.to_string()), n.ident.to_string())),
        syn::UseTree::Rename(r) => out.push((extend(r.ident.to_string()), r.rename.to_string())),
        syn::UseTree::Glob(_) => out.push((prefix, "*".to_owned())),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                use_leaves(tree, prefix.clone(), out);
            }
        }
    }
}

fn item_name(item: &syn::Item) -> Option<String> {
    Some(
        match item {
            syn::Item::Struct(i) => &i.ident,
            syn::Item::Enum(i) => &i.ident,
            syn::Item::Trait(i) => &i.ident,
            syn::Item::Fn(i) => &i.sig.ident,
            syn::Item::Const(i) => &i.ident,
            syn::Item::Static(i) => &i.ident,
            syn::Item::Type(i) => &i.ident,
            syn::Item::Union(i) => &i.ident,
            syn::Item::Mod(i) => &i.ident,
            _ => return None,
        }
        .to_string(),
    )
}

fn item_is_pub(item: &syn::Item) -> bool {
    is_pub(match item {
        syn::Item::Struct(i) => &i.vis,
        syn::Item::Enum(i) => &i.vis,
        syn::Item::Trait(i) => &i.vis,
        syn::Item::Fn(i) => &i.vis,
        syn::Item::Const(i) => &i.vis,
        syn::Item::Static(i) => &i.vis,
        syn::Item::Type(i) => &i.vis,
        syn::Item::Union(i) => &i.vis,
        syn::Item::Mod(i) => &i.vis,
        _ => return false,
    })
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        _ => &[],
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
fn item_lines(path: &str, item: &syn::Item, out: &mut BTreeSet<String>) {
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
