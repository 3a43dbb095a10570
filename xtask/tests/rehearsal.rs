//! The rehearsal of a guide bump: a copy of the project gets a new operation (and a new optional
//! field) for the next guide version, `bump-docs` runs there, and the result is checked: spec
//! version, minor crate bump, CHANGELOG words, the listing's new method, idempotency, and that
//! the new method compiles with no hand-written SDK code.

mod common;

use common::*;
use std::process::Command;

fn current_guide() -> String {
    spec_tree()["info"]["version"].as_str().unwrap().to_owned()
}

fn crate_version(root: &std::path::Path) -> String {
    xtask::edit::package_version(&std::fs::read_to_string(root.join("Cargo.toml")).unwrap())
        .unwrap()
}

#[test]
fn bump_docs_rehearsal_adds_a_typed_method_a_minor_release_and_a_changelog_entry() {
    let root = copy_project("rehearsal");
    // The committed artefacts normally hold the baseline already; regen records it otherwise.
    let out = xtask(&root, &["regen"]);
    assert!(out.status.success(), "{}", text(&out));

    let guide = current_guide();
    let next = next_guide(&guide);
    let old_crate = crate_version(&root);
    let mut spec = spec_tree();
    add_sku_operation(&mut spec, &next, true);
    write_spec(&root, &spec);

    let redocly = xtask::tools::node_tools_ready();
    let mut args = vec!["bump-docs", next.as_str()];
    if !redocly {
        args.push("--no-redocly");
    }
    let out = xtask(&root, &args);
    let log = text(&out);
    assert!(out.status.success(), "bump-docs failed:\n{log}");

    // The spec's version.
    let bumped: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("spec/open-api.yaml")).unwrap())
            .unwrap();
    assert_eq!(bumped["info"]["version"].as_str(), Some(next.as_str()));

    // A minor crate bump (0.1.0 → 0.2.0 from the first release).
    let new_crate = crate_version(&root);
    assert_eq!(
        new_crate,
        xtask::version::bump_crate(&old_crate, xtask::version::Level::Minor).unwrap()
    );
    if old_crate == "0.1.0" {
        assert_eq!(new_crate, "0.2.0");
    }
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
    assert!(
        lock.contains(&format!(
            "name = \"rizzitgo-open-api\"\nversion = \"{new_crate}\""
        )),
        "Cargo.lock follows the crate version"
    );

    // The CHANGELOG entry, in words.
    let changelog = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap();
    for expected in [
        format!("## [{new_crate}] - 2026-12-01"),
        format!("Partner API guide v{next}: new operations, types or fields, nothing removed (minor release)."),
        "### Added".to_owned(),
        "- Operation `goodsSkuList` (`POST /open-api/goods/sku-list`, scope `goods:sku:read`): `Client::goods_sku_list(body: GoodsRequest) -> SkuList`.".to_owned(),
        "- Scope `goods:sku:read`: Query goods SKUs.".to_owned(),
        "- Type `types::Sku` (fields: optional `priceInCents` (`integer(int64)`), `skuId` (`string`), `skuName` (`string`)).".to_owned(),
        "- Type `types::SkuList` (fields: optional `skus` (`array of Sku`), `total` (`integer(int64)`)).".to_owned(),
        "- Optional field `goodsWeight` (`string`) of `types::GoodsDetail`.".to_owned(),
    ] {
        assert!(changelog.contains(&expected), "CHANGELOG lacks {expected:?}:\n{changelog}");
    }
    assert!(!changelog.contains("### Removed"), "{changelog}");
    assert!(
        !changelog.contains("CommonResultSkuList"),
        "envelopes are not types: {changelog}"
    );

    // The listing shows the new method and type.
    let listing = std::fs::read_to_string(root.join("api/public-api.md")).unwrap();
    assert!(listing.contains(
        "pub fn goods_sku_list(&self, body: impl TryInto<types::GoodsRequest>) -> Call<types::SkuList>"
    ), "{listing}");
    assert!(listing.contains("| `goods_weight` | `Option<String>` | `goodsWeight` |"));
    assert!(listing.contains(&format!("Guide v{next}.")));

    // The released snapshot of the new version records the crate version.
    let released =
        std::fs::read_to_string(root.join(format!("api/released/guide-v{next}.yaml"))).unwrap();
    assert!(released.contains(&format!("# crate-version: {new_crate}\n")));
    assert!(released.contains(&format!("# previous-crate-version: {old_crate}\n")));

    // regen --check agrees with what bump-docs wrote.
    let out = xtask(&root, &["regen", "--check"]);
    assert!(out.status.success(), "{}", text(&out));

    // A second run changes nothing.
    let before = snapshot(&root);
    let out = xtask(&root, &args);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("nothing changed"), "{}", text(&out));
    assert!(before == snapshot(&root), "the second run changed files");

    // The new method is callable and typed, generated from the spec alone: compile a call of
    // it against the copy (the call is test code appended to the copy, not SDK code).
    let lib = root.join("src/lib.rs");
    let mut source = std::fs::read_to_string(&lib).unwrap();
    source.push_str(
        "\n/// Rehearsal: the v-next method, typed request and response.\n\
         #[doc(hidden)]\n\
         pub async fn __rehearsal_call(client: &Client) -> Result<(), Error> {\n\
             let list: types::SkuList = client\n\
                 .goods_sku_list(types::GoodsRequest::builder().goods_id(\"123456\").source(1))\n\
                 .await?;\n\
             let _: Vec<types::Sku> = list.skus;\n\
             let detail: types::GoodsDetail = client\n\
                 .goods_detail(types::GoodsRequest::builder().goods_id(\"123456\").source(1))\n\
                 .await?;\n\
             let _: Option<String> = detail.goods_weight;\n\
             Ok(())\n\
         }\n",
    );
    std::fs::write(&lib, source).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(&root)
        .args([
            "check",
            "-p",
            "rizzitgo-open-api",
            "--lib",
            "--offline",
            "--quiet",
        ])
        .env("CARGO_TARGET_DIR", workspace().join("target/rehearsal"))
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the copy with the new method does not compile"
    );

    // The command line gets the new operation as a subcommand calling the new method, with no
    // hand-written code: its build script generates it, and it compiles against the SDK.
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args([
            "check",
            "-p",
            "rizzitgo-cli",
            "--bins",
            "--offline",
            "--quiet",
        ])
        .env("CARGO_TARGET_DIR", workspace().join("target/rehearsal"))
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the command line of the copy does not compile"
    );
    let generated = std::fs::read_to_string(newest_cli_source(
        &workspace().join("target/rehearsal/debug/build"),
    ))
    .unwrap();
    assert!(
        generated.contains("command: \"goods-sku-list\""),
        "{generated}"
    );
    assert!(
        generated.contains("client.goods_sku_list(request).await?"),
        "{generated}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn bump_docs_refuses_new_items_without_x_since_and_changes_nothing() {
    let root = copy_project("rehearsal-no-since");
    let out = xtask(&root, &["regen"]);
    assert!(out.status.success(), "{}", text(&out));
    let next = next_guide(&current_guide());
    let mut spec = spec_tree();
    add_sku_operation(&mut spec, &next, false);
    write_spec(&root, &spec);
    let before = snapshot(&root);
    let out = xtask(&root, &["bump-docs", &next, "--no-redocly"]);
    let log = text(&out);
    assert!(!out.status.success(), "{log}");
    assert!(log.contains(&format!(
        "operation `goodsSkuList` (POST /open-api/goods/sku-list) is new in guide v{next} but has no `x-since`: add `x-since: \"{next}\"`"
    )), "{log}");
    assert!(log.contains(&format!(
        "field `goodsWeight` of `types::GoodsDetail` is new in guide v{next} but has no `x-since`"
    )), "{log}");
    assert!(
        before == snapshot(&root),
        "a refused bump must not change files"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn bump_docs_refuses_a_version_older_than_the_last_release() {
    let root = copy_project("rehearsal-old");
    let out = xtask(&root, &["regen"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = xtask(&root, &["bump-docs", "0.9", "--no-redocly"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("is already released"), "{}", text(&out));
    let _ = std::fs::remove_dir_all(&root);
}

/// The `cli.rs` the cli crate's build script wrote last (the copy's, just checked).
fn newest_cli_source(build_dir: &std::path::Path) -> std::path::PathBuf {
    std::fs::read_dir(build_dir)
        .unwrap()
        .flatten()
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with("rizzitgo-cli-")
        })
        .map(|entry| entry.path().join("out/cli.rs"))
        .filter(|path| path.exists())
        .max_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok())
        .expect("the cli crate's build script ran")
}
