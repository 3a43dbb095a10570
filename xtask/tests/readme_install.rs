//! The README's Install block is what a newcomer copies: a throwaway crate made of its exact
//! TOML (the SDK and the mock gateway patched to this checkout) must compile the README's
//! "Testing your code" test, and the same crate without the `mock-gateway` feature must fail
//! with the error a newcomer would see, so the check itself can fail.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// The first fenced block of `lang` after the heading `heading`.
fn block(readme: &str, heading: &str, lang: &str) -> String {
    let section = readme
        .split_once(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("README.md has no {heading:?}"))
        .1;
    let start = section
        .find(&format!("```{lang}\n"))
        .unwrap_or_else(|| panic!("{heading:?} has no ```{lang} block"));
    let body = &section[start + lang.len() + 4..];
    body[..body.find("```").expect("a closed block")].to_owned()
}

/// A crate whose manifest is `dependencies` (the README's block) and whose one test is `test`.
fn throwaway(name: &str, dependencies: &str, test: &str) -> std::path::PathBuf {
    let root = temp_dir(name);
    let ws = workspace();
    let manifest = format!(
        "[package]\nname = \"newcomer\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         # Alone, even inside this checkout's target directory.\n[workspace]\n\n\
         {dependencies}\n\
         [patch.crates-io]\n\
         rizzitgo-open-api = {{ path = {sdk:?} }}\n\
         rizzitgo-mock-gateway = {{ path = {mock:?} }}\n",
        sdk = ws.display().to_string(),
        mock = ws.join("mock-gateway").display().to_string(),
    );
    std::fs::write(root.join("Cargo.toml"), manifest).unwrap();
    // The checkout's versions, so that little is resolved anew.
    std::fs::copy(ws.join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/lib.rs"), "//! A newcomer's crate.\n").unwrap();
    std::fs::create_dir_all(root.join("tests")).unwrap();
    std::fs::write(root.join("tests/mock.rs"), test).unwrap();
    root
}

fn check_tests(root: &Path) -> (bool, String) {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        // Not offline: the block's `futures` (default features) may need a crate this
        // workspace does not use (`futures-executor`), fetched once from the registry.
        .args(["check", "--tests", "--quiet"])
        // Shared with the bump rehearsal: the dependencies are checked once for both.
        .env("CARGO_TARGET_DIR", workspace().join("target/rehearsal"))
        .output()
        .unwrap();
    (out.status.success(), text(&out))
}

#[test]
fn the_install_block_compiles_the_testing_example() {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let install = block(&readme, "## Install", "toml");
    let test = block(&readme, "## Testing your code", "rust,no_run");
    assert!(test.contains("Client::for_mock"), "{test}");
    assert_eq!(
        install.matches("features = [\"mock-gateway\"]").count(),
        1,
        "the Install block enables the feature once:\n{install}"
    );

    let root = throwaway("readme-install", &install, &test);
    let (ok, log) = check_tests(&root);
    assert!(
        ok,
        "the README's Install block does not compile its test:\n{log}"
    );
    let _ = std::fs::remove_dir_all(&root);

    // The block of a newcomer who forgot the feature: the failure this test guards against.
    let without = install.replace(
        "rizzitgo-open-api = { version = \"0.3\", features = [\"mock-gateway\"] }\n",
        "",
    );
    assert_ne!(without, install);
    let root = throwaway("readme-install-without-feature", &without, &test);
    let (ok, log) = check_tests(&root);
    assert!(!ok, "compiles without the feature?\n{log}");
    assert!(
        log.contains("no function or associated item named `for_mock`"),
        "{log}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// The metrics block of the README's Install section: with the crates and versions it names, an
/// application records the SDK's metrics with the stdout exporter, as `examples/metrics.rs` does.
#[test]
fn the_metrics_block_builds_a_client_with_a_stdout_exporter() {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let install = block(&readme, "### With metrics", "toml");
    assert!(
        install.contains("features = [\"opentelemetry\"]"),
        "{install}"
    );
    let program = r#"
use opentelemetry::metrics::MeterProvider;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};

#[test]
fn records_with_the_stdout_exporter() {
    let exporter = opentelemetry_stdout::MetricExporter::default();
    let provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(exporter).build())
        .build();
    let client = rizzitgo_open_api::Client::builder()
        .base_url("http://127.0.0.1:9")
        .client_id("id")
        .client_secret("secret")
        .tenant_id("1")
        .meter(provider.meter("rizzitgo-open-api"))
        .build();
    assert!(client.is_ok());
}
"#;
    let root = throwaway("readme-metrics", &install, program);
    let (ok, log) = check_tests(&root);
    assert!(ok, "the README's metrics block does not build:\n{log}");
    let _ = std::fs::remove_dir_all(&root);
}
