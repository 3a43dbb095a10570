//! The public-API extractor on a small crate written for it: what `pub use`, globs, private
//! modules, `#[doc(hidden)]` and `#[cfg(test)]` make public, and the generated code it includes.

use rizzitgo_open_api_codegen::spec::parse_document;
use rizzitgo_open_api_codegen::surface::Surface;
use rizzitgo_open_api_codegen::{operations, parse_spec};

const SPEC: &str = include_str!("../../spec/open-api.yaml");

/// A crate's `src/` in a fresh temporary directory.
fn sources(files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("codegen-surface-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

#[test]
fn what_is_public_is_resolved_from_the_module_tree() {
    let dir = sources(&[
        (
            "lib.rs",
            "pub mod shapes;\n\
             mod private;\n\
             pub use private::Inner as Renamed;\n\
             pub use shapes::*;\n\
             #[cfg(test)]\npub struct TestOnly;\n\
             impl private::Inner {\n    pub fn grow(&mut self, by: u32) -> u32 { by }\n    fn not_public(&self) {}\n}\n\
             include!(concat!(env!(\"OUT_DIR\"), \"/raw.rs\"));\n",
        ),
        (
            "shapes.rs",
            "#[non_exhaustive]\n#[derive(Clone, Debug)]\npub struct Kept { pub x: u8, y: u8 }\n\
             #[doc(hidden)]\npub struct Hidden;\n\
             pub enum Mode { On, Off(u8) }\n",
        ),
        (
            "private.rs",
            "pub struct Inner;\npub fn helper(value: u8) -> u8 { value }\n",
        ),
    ]);
    let spec = parse_spec(SPEC).unwrap();
    let lines = Surface::of_crate(&spec, &dir).unwrap().lines();
    let _ = std::fs::remove_dir_all(&dir);
    let has = |line: &str| lines.iter().any(|l| l == line);
    for line in [
        "#[non_exhaustive] struct rizzitgo_open_api::Kept",
        "#[non_exhaustive] struct rizzitgo_open_api::shapes::Kept",
        "derive Clone for rizzitgo_open_api::Kept",
        "field rizzitgo_open_api::shapes::Kept::x: u8",
        "variant rizzitgo_open_api::Mode::Off(u8)",
        "struct rizzitgo_open_api::Renamed",
        // An impl is listed once, at the shortest public path of its type.
        "impl rizzitgo_open_api::Renamed { fn grow(&mut self, u32) -> u32 }",
        "struct rizzitgo_open_api::types::GoodsDetail",
    ] {
        assert!(has(line), "no `{line}` in:\n{}", lines.join("\n"));
    }
    for absent in [
        "Hidden",
        "TestOnly",
        "helper",
        "not_public",
        "::y:",
        "private::",
    ] {
        assert!(
            !lines.iter().any(|l| l.contains(absent)),
            "`{absent}` is listed:\n{}",
            lines.join("\n")
        );
    }
}

#[test]
fn the_generated_code_alone_has_its_types_and_the_client_impls() {
    let spec = parse_spec(SPEC).unwrap();
    let surface = Surface::of_generated(&spec, &operations(&spec).unwrap()).unwrap();
    assert!(
        surface
            .items()
            .any(|(path, _)| path == "rizzitgo_open_api::types::GoodsDetail")
    );
    let client_methods: Vec<String> = surface
        .impls()
        .filter(|(path, _)| path.is_none()) // `crate::Client` is hand-written
        .flat_map(|(_, block)| &block.items)
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .collect();
    assert!(
        client_methods.iter().any(|m| m == "goods_detail"),
        "{client_methods:?}"
    );
}

#[test]
fn the_document_keeps_the_written_order_of_the_paths() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1.4'}\npaths:\n  /b: {}\n  /a: {}\n";
    let document = parse_document(text, "test spec").unwrap();
    let paths: Vec<&String> = document.api.paths.paths.keys().collect();
    assert_eq!(paths, ["/b", "/a"]);
    assert_eq!(document.value["info"]["version"], "1.4");
    let error = parse_document("openapi: [3.0.3\n", "test spec").unwrap_err();
    assert!(error.starts_with("test spec does not parse"), "{error}");
}
