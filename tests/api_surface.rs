//! The public method signatures the spec generates, as a reviewed snapshot: a change to the
//! spec that changes the API shows up here.

#[test]
fn generated_method_signatures() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/open-api.yaml"))
        .unwrap();
    let spec = rizzitgo_open_api_codegen::parse_spec(&text).unwrap();
    let generated = rizzitgo_open_api_codegen::generate(&spec).unwrap();
    let file = syn::parse_file(&generated.facade).unwrap();
    let mut signatures = Vec::new();
    for item in &file.items {
        // The client's methods (the file also has `impl BusinessCode`).
        if let syn::Item::Impl(block) = item
            && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Client"))
        {
            for item in &block.items {
                if let syn::ImplItem::Fn(f) = item {
                    // The signature alone, formatted as rustfmt would.
                    let item = syn::ItemFn {
                        attrs: Vec::new(),
                        vis: f.vis.clone(),
                        sig: f.sig.clone(),
                        block: Box::new(syn::parse_quote!({})),
                    };
                    let file = syn::File {
                        shebang: None,
                        attrs: Vec::new(),
                        items: vec![syn::Item::Fn(item)],
                    };
                    signatures.push(prettyplease::unparse(&file));
                }
            }
        }
    }
    // One method per business endpoint, and a pages and a stream method per paginated one.
    assert_eq!(signatures.len(), 7 + 2 * 2);
    insta::assert_snapshot!(signatures.join("\n"));
}
