//! What a lean application compiles with the SDK (`default-features = false, features =
//! ["rustls-ring"]`), from `cargo tree`: the crates that issue 20 took out of the clean build
//! stay out, and the lean TLS option keeps its promise (no aws-lc).

use std::process::Command;

/// The crates of the SDK's dependency graph along `edges`, one `name vX.Y.Z` a line.
fn tree(edges: &str, features: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(xtask::paths::workspace())
        .args(["tree", "--offline", "--prefix", "none", "-e", edges])
        .args(["-p", "rizzitgo-open-api"])
        .args(features)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn has(tree: &str, name: &str) -> bool {
    tree.lines()
        .any(|line| line.split_whitespace().next() == Some(name))
}

const LEAN: [&str; 3] = ["--no-default-features", "--features", "rustls-ring"];

#[test]
fn the_lean_build_compiles_neither_aws_lc_nor_the_schemas() {
    let runtime = tree("normal", &LEAN);
    assert!(has(&runtime, "rustls"), "{runtime}");
    for absent in ["aws-lc-rs", "aws-lc-sys", "schemars", "tracing-attributes"] {
        assert!(!has(&runtime, absent), "{absent} is built:\n{runtime}");
    }
}

#[test]
fn the_build_script_formats_nothing_and_builds_no_tls() {
    let build = tree("normal,build", &LEAN);
    // progenitor stays the spec reader and type generator (the design).
    assert!(has(&build, "progenitor-impl"), "{build}");
    for absent in ["prettyplease", "aws-lc-sys"] {
        assert!(!has(&build, absent), "{absent} is built:\n{build}");
    }
}

#[test]
fn the_default_build_keeps_its_tls_and_the_feature_brings_the_schemas_back() {
    let default = tree("normal", &["--features", "schemars"]);
    assert!(has(&default, "aws-lc-rs"), "{default}");
    assert!(has(&default, "schemars"), "{default}");
}
