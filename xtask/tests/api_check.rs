//! `cargo xtask api-check` on a copy of the project: an addition passes, a removed method of
//! the hand-written layer and a removed field of the spec fail until the version is bumped;
//! `cargo xtask msrv` fails when the README and Cargo.toml disagree or a dependency needs more.

mod common;

use common::*;
use std::path::Path;

fn edit(root: &Path, file: &str, change: impl FnOnce(String) -> String) {
    let path = root.join(file);
    let before = std::fs::read_to_string(&path).unwrap();
    let after = change(before.clone());
    assert_ne!(before, after, "the edit of {file} changed nothing");
    std::fs::write(path, after).unwrap();
}

/// Sets the SDK's version in the copy's Cargo.toml, whatever it is.
fn set_sdk_version(root: &Path, version: &str) {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let name = "name = \"rizzitgo-open-api\"\nversion = \"";
    let start = text.find(name).expect("the SDK's package section") + name.len();
    let end = start + text[start..].find('"').unwrap();
    std::fs::write(
        &path,
        format!("{}{version}{}", &text[..start], &text[end..]),
    )
    .unwrap();
}

#[test]
fn a_breaking_change_fails_until_the_version_says_so() {
    let root = copy_project("api-check");
    // The test speaks of 0.1.0 and 0.2.0, whatever the version of the tree it copies.
    set_sdk_version(&root, "0.1.0");
    let out = xtask(&root, &["api-baseline"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = xtask(&root, &["api-check"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("nothing of the released API (0.1.0) removed or changed"));
    assert!(!text(&out).contains("added"), "{}", text(&out));

    // An enum that becomes non-exhaustive breaks users' exhaustive matches.
    edit(&root, "src/operation.rs", |s| {
        s.replacen("pub enum Auth", "#[non_exhaustive]\npub enum Auth", 1)
    });
    let out = xtask(&root, &["api-check"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("- enum rizzitgo_open_api::operation::Auth\n"),
        "{}",
        text(&out)
    );
    edit(&root, "src/operation.rs", |s| {
        s.replacen("#[non_exhaustive]\npub enum Auth", "pub enum Auth", 1)
    });

    // An addition is no break.
    edit(&root, "src/error/mod.rs", |s| {
        s + "\nimpl Error {\n    /// Planted.\n    pub fn planted_addition(&self) -> bool {\n        true\n    }\n}\n"
    });
    let out = xtask(&root, &["api-check"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out)
            .contains("+ impl rizzitgo_open_api::Error { fn planted_addition(&self) -> bool }"),
        "{}",
        text(&out)
    );

    // A renamed method of the hand-written layer, and a field removed from the spec.
    edit(&root, "src/error/mod.rs", |s| {
        s.replace("pub fn is_rate_limited(", "pub fn is_rate_limited_now(")
    });
    edit(&root, "spec/open-api.yaml", |s| {
        s.replacen("        salesCount:\n", "        salesCountRenamed:\n", 1)
    });
    let out = xtask(&root, &["api-check"]);
    let log = text(&out);
    assert!(!out.status.success(), "{log}");
    assert!(
        log.contains("- impl rizzitgo_open_api::Error { fn is_rate_limited(&self) -> bool }"),
        "{log}"
    );
    assert!(log.contains("- field rizzitgo_open_api::types::"), "{log}");
    assert!(log.contains("::sales_count: "), "{log}");
    assert!(
        log.contains("Cargo.toml's version is 0.1.0 (a breaking release after 0.1.0 is 0.2.0"),
        "{log}"
    );

    // The same change with a breaking version.
    edit(&root, "Cargo.toml", |s| {
        s.replacen(
            "name = \"rizzitgo-open-api\"\nversion = \"0.1.0\"",
            "name = \"rizzitgo-open-api\"\nversion = \"0.2.0\"",
            1,
        )
    });
    let out = xtask(&root, &["api-check"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("breaking changes since 0.1.0, and the version is 0.2.0"));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn the_committed_baseline_matches_the_sources() {
    let out = xtask(&workspace(), &["api-check"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn the_msrv_is_stated_once_and_no_dependency_needs_more() {
    let out = xtask(&workspace(), &["msrv"]);
    assert!(out.status.success(), "{}", text(&out));

    let root = copy_project("msrv");
    edit(&root, "README.md", |s| {
        s.replace("MSRV: Rust\n1.88", "MSRV: Rust\n1.85")
    });
    let out = xtask(&root, &["msrv"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("README.md states MSRV 1.85 but Cargo.toml's rust-version is 1.88"),
        "{}",
        text(&out)
    );

    // Both lowered below what the dependencies declare (to edition 2024's floor): they are
    // named.
    edit(&root, "Cargo.toml", |s| {
        s.replace("rust-version = \"1.88\"", "rust-version = \"1.85\"")
    });
    let out = xtask(&root, &["msrv"]);
    assert!(!out.status.success());
    assert!(text(&out).contains(" needs Rust 1.88"), "{}", text(&out));
    let _ = std::fs::remove_dir_all(&root);
}
