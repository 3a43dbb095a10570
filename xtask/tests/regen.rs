//! `cargo xtask regen --check` names the stale file and the fix.

mod common;

use common::*;

#[test]
fn regen_check_fails_naming_the_stale_listing_and_the_fix() {
    let root = copy_project("regen-check");
    let out = xtask(&root, &["regen"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = xtask(&root, &["regen", "--check"]);
    assert!(out.status.success(), "{}", text(&out));

    // Documentation changes only the listing's wording: stale listing, no release problem.
    let mut spec = spec_tree();
    *at(
        &mut spec,
        &["paths", "/open-api/goods/detail", "post", "summary"],
    ) = "Query the goods detail".into();
    write_spec(&root, &spec);
    let out = xtask(&root, &["regen", "--check"]);
    let log = text(&out);
    assert!(!out.status.success(), "{log}");
    assert!(log.contains(
        "api/public-api.md is stale: the spec changed. Run `cargo xtask regen` and commit the result."
    ), "{log}");
    let out = xtask(&root, &["regen"]);
    assert!(
        text(&out).contains("regen: wrote api/public-api.md"),
        "{}",
        text(&out)
    );
    let out = xtask(&root, &["regen", "--check"]);
    assert!(out.status.success(), "{}", text(&out));

    // An API change without bump-docs: the CHANGELOG and crate version would be stale.
    let guide = spec["info"]["version"].as_str().unwrap().to_owned();
    map(
        &mut spec,
        &["components", "schemas", "QcDetail", "properties"],
    )
    .insert("qcRemark".into(), yaml("type: string\n"));
    write_spec(&root, &spec);
    let out = xtask(&root, &["regen"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = xtask(&root, &["regen", "--check"]);
    let log = text(&out);
    assert!(!out.status.success(), "{log}");
    assert!(
        log.contains(&format!("run `cargo xtask bump-docs {guide}` again")),
        "{log}"
    );
    assert!(
        log.contains("Optional field `qcRemark` (`string`) of `types::QcDetail`."),
        "{log}"
    );

    // A guide version set by hand, without bump-docs.
    *at(&mut spec, &["info", "version"]) = "7.0".into();
    write_spec(&root, &spec);
    let out = xtask(&root, &["regen", "--check"]);
    let log = text(&out);
    assert!(!out.status.success(), "{log}");
    assert!(log.contains("run `cargo xtask bump-docs 7.0`"), "{log}");
    let _ = std::fs::remove_dir_all(&root);
}
