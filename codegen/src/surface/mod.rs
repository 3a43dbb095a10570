//! The public Rust API of the SDK crate read with `syn`, without compiling anything: the one
//! extractor behind both views of it. `cargo xtask api-check` compares [`Surface::lines`] of the
//! whole crate (`src/` with the generated code it includes) with the released baseline; the
//! Markdown listing (`api/public-api.md`, [`crate::listing`]) reads the generated types and the
//! client's methods from [`Surface::of_generated`].
//!
//! What is public is resolved from the module tree: `pub` items of `pub` modules and what
//! `pub use` re-exports (globs included); impls count wherever they are written. Items marked
//! `#[doc(hidden)]` and `#[cfg(test)]` code are left out; every feature is read as enabled.

mod lines;

use crate::model::OperationModel;
use openapiv3::OpenAPI;
use quote::ToTokens;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The crate name every public path starts with.
pub const CRATE: &str = "rizzitgo_open_api";

struct Module {
    parent: Option<usize>,
    items: Vec<syn::Item>,
    children: BTreeMap<String, usize>,
}

/// An item by where it is defined: module and name.
type Def = (usize, String);

/// The generated files as items, as `include!` brings them into the crate.
struct Generated {
    raw: Vec<syn::Item>,
    facade: Vec<syn::Item>,
}

impl Generated {
    fn of(spec: &OpenAPI, ops: &[OperationModel]) -> Result<Generated, String> {
        let raw = crate::raw_client(spec, ops)?;
        let facade = crate::facade_tokens(spec, ops, &raw)?;
        let parse = |tokens, what: &str| {
            syn::parse2::<syn::File>(tokens)
                .map(|file| file.items)
                .map_err(|e| format!("the generated {what} does not parse: {e}"))
        };
        Ok(Generated {
            raw: parse(raw, "raw.rs")?,
            facade: parse(facade, "facade.rs")?,
        })
    }
}

/// A crate's module tree and what of it is public.
pub struct Surface {
    modules: Vec<Module>,
    /// Every public path with the item it names.
    exports: BTreeMap<String, Def>,
    /// The shortest public path of each exported item.
    public: BTreeMap<Def, String>,
}

impl Surface {
    /// The SDK crate whose sources are in `src_dir` (`lib.rs` and its modules), with the code
    /// `spec` generates where an `include!` names `raw.rs` or `facade.rs`.
    pub fn of_crate(spec: &OpenAPI, src_dir: &Path) -> Result<Surface, String> {
        let generated = Generated::of(spec, &crate::operations(spec)?)?;
        let lib = src_dir.join("lib.rs");
        let root = parse_file(&lib)?;
        Surface::load_root(root.items, Some(src_dir), &generated)
    }

    /// The generated code alone, as if both files were the crate root: its `types` module and
    /// the facade's impls (whose `crate::Client` is then not resolved: it is hand-written).
    pub fn of_generated(spec: &OpenAPI, ops: &[OperationModel]) -> Result<Surface, String> {
        let generated = Generated::of(spec, ops)?;
        let mut items = generated.raw.clone();
        items.extend(generated.facade.iter().cloned());
        Surface::load_root(items, None, &generated)
    }

    fn load_root(
        items: Vec<syn::Item>,
        dir: Option<&Path>,
        generated: &Generated,
    ) -> Result<Surface, String> {
        let mut surface = Surface {
            modules: Vec::new(),
            exports: BTreeMap::new(),
            public: BTreeMap::new(),
        };
        surface.load(None, items, dir, generated)?;
        let mut exports = BTreeMap::new();
        surface.export(0, CRATE, &mut exports, 0);
        surface.public = exports
            .iter()
            .map(|(path, def)| (def.clone(), path.clone()))
            .rev() // the shortest path of an item wins (BTreeMap keeps the last insert)
            .collect();
        surface.exports = exports;
        Ok(surface)
    }

    /// Every public path (sorted) with the item it names; an item re-exported is listed at
    /// each of its paths.
    pub fn items(&self) -> impl Iterator<Item = (&str, &syn::Item)> {
        self.exports
            .iter()
            .filter_map(|(path, (module, name))| Some((path.as_str(), self.item(*module, name)?)))
    }

    /// Every impl block not hidden, with the public path of its type when it has one.
    pub fn impls(&self) -> impl Iterator<Item = (Option<&str>, &syn::ItemImpl)> {
        self.modules
            .iter()
            .enumerate()
            .flat_map(move |(index, module)| {
                module.items.iter().filter_map(move |item| match item {
                    syn::Item::Impl(block) if !is_hidden(&block.attrs) => {
                        Some((self.impl_path(index, block), block))
                    }
                    _ => None,
                })
            })
    }

    /// The API as sorted lines, one per item, field, variant, method and trait impl: the format
    /// of `api/released/public-api.txt`.
    pub fn lines(&self) -> Vec<String> {
        let mut out = BTreeSet::new();
        for (path, item) in self.items() {
            lines::item(path, item, &mut out);
        }
        for (path, block) in self.impls() {
            if let Some(path) = path {
                lines::impl_block(path, block, &mut out);
            }
        }
        out.into_iter().collect()
    }

    /// The public path of the type an impl block (written in `module`) is for.
    fn impl_path(&self, module: usize, block: &syn::ItemImpl) -> Option<&str> {
        let syn::Type::Path(self_ty) = &*block.self_ty else {
            return None;
        };
        let segments: Vec<String> = self_ty
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let Some(Target::Item(def)) = self.resolve(module, &segments, 0) else {
            return None;
        };
        self.public.get(&def).map(String::as_str)
    }

    /// Adds a module of `items` (found in `dir` for its `mod x;` children); its index.
    fn load(
        &mut self,
        parent: Option<usize>,
        items: Vec<syn::Item>,
        dir: Option<&Path>,
        generated: &Generated,
    ) -> Result<usize, String> {
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
            let child_dir = dir.map(|d| d.join(&name));
            let items = match (&mut module.content, dir) {
                (Some((_, items)), _) => std::mem::take(items),
                (None, Some(dir)) => {
                    let file = [
                        dir.join(format!("{name}.rs")),
                        dir.join(&name).join("mod.rs"),
                    ]
                    .into_iter()
                    .find(|p| p.exists())
                    .ok_or_else(|| format!("no file for `mod {name}` in {}", dir.display()))?;
                    parse_file(&file)?.items
                }
                (None, None) => return Err(format!("`mod {name};` in generated code")),
            };
            let child = self.load(Some(index), items, child_dir.as_deref(), generated)?;
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
}

enum Target {
    Module(usize),
    Item(Def),
}

fn parse_file(path: &Path) -> Result<syn::File, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    syn::parse_file(&text).map_err(|e| format!("{} does not parse: {e}", path.display()))
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
