//! The semver rule of the spec diff: what each kind of change does to the crate version, and
//! the words it gets in the CHANGELOG.

mod common;

use common::*;
use xtask::diff::{Diff, Section, diff};
use xtask::spec::Spec;
use xtask::version::Level;

fn spec(tree: &serde_yaml::Value) -> Spec {
    Spec::parse(&serde_yaml::to_string(tree).unwrap(), "test spec").unwrap()
}

fn diff_after(change: impl FnOnce(&mut serde_yaml::Value)) -> Diff {
    let old = spec_tree();
    let mut new = old.clone();
    change(&mut new);
    diff(&spec(&old), &spec(&new)).unwrap()
}

fn has(diff: &Diff, section: Section, level: Level, words: &str) -> bool {
    diff.changes
        .iter()
        .any(|c| c.section == section && c.level == level && c.text.contains(words))
}

#[test]
fn an_unchanged_spec_is_a_patch_with_no_change() {
    let d = diff_after(|spec| {
        // Documentation only.
        *at(spec, &["info", "description"]) = "Reworded.".into();
        *at(
            spec,
            &["paths", "/open-api/goods/detail", "post", "summary"],
        ) = "Goods detail".into();
    });
    assert!(d.changes.is_empty(), "{:?}", d.changes);
    assert_eq!(d.level(), Level::Patch);
}

#[test]
fn a_removed_operation_is_major() {
    let d = diff_after(|spec| {
        map(spec, &["paths"]).remove("/open-api/goods/qc-images");
    });
    assert_eq!(d.level(), Level::Major);
    assert!(
        has(
            &d,
            Section::Removed,
            Level::Major,
            "**Breaking:** operation `goodsQcImages` (`POST /open-api/goods/qc-images`) and its method `Client::goods_qc_images`."
        ),
        "{:?}",
        d.changes
    );
}

#[test]
fn a_retyped_field_is_major() {
    let d = diff_after(|spec| {
        let price = at(
            spec,
            &[
                "components",
                "schemas",
                "GoodsDetail",
                "properties",
                "priceInCents",
            ],
        );
        *price = yaml("type: string\ndescription: Price (in cents).\n");
    });
    assert_eq!(d.level(), Level::Major);
    assert!(
        has(
            &d,
            Section::Changed,
            Level::Major,
            "**Breaking:** Field `priceInCents` of `types::GoodsDetail` is now `string` (was `integer(int64)`)."
        ),
        "{:?}",
        d.changes
    );
}

#[test]
fn a_new_optional_field_is_minor_and_needs_x_since() {
    let d = diff_after(|spec| {
        map(spec, &["components", "schemas", "QcDetail", "properties"])
            .insert("qcRemark".into(), yaml("type: string\nx-since: \"1.5\"\n"));
    });
    assert_eq!(d.level(), Level::Minor);
    assert!(
        has(
            &d,
            Section::Added,
            Level::Minor,
            "Optional field `qcRemark` (`string`) of `types::QcDetail`."
        ),
        "{:?}",
        d.changes
    );
    assert!(d.since_problems("1.5").is_empty());
    assert_eq!(d.since_problems("1.6").len(), 1);
}

#[test]
fn a_new_required_request_field_is_major() {
    let d = diff_after(|spec| {
        map(
            spec,
            &["components", "schemas", "UrlParseRequest", "properties"],
        )
        .insert("lang".into(), yaml("type: string\nx-since: \"1.5\"\n"));
        at(
            spec,
            &["components", "schemas", "UrlParseRequest", "required"],
        )
        .as_sequence_mut()
        .unwrap()
        .push("lang".into());
    });
    assert_eq!(d.level(), Level::Major);
    assert!(
        has(
            &d,
            Section::Added,
            Level::Major,
            "**Breaking:** Required field `lang` (`string`) of `types::UrlParseRequest`."
        ),
        "{:?}",
        d.changes
    );
}

#[test]
fn a_requiredness_change_is_major() {
    let d = diff_after(|spec| {
        *at(
            spec,
            &["components", "schemas", "QcPageRequest", "required"],
        ) = yaml("[pageNo]");
    });
    assert_eq!(d.level(), Level::Major);
    assert!(
        has(
            &d,
            Section::Changed,
            Level::Major,
            "Field `pageSize` of `types::QcPageRequest` is now optional (was required)."
        ),
        "{:?}",
        d.changes
    );
}

#[test]
fn a_new_operation_is_minor_and_a_scope_change_is_minor() {
    let d = diff_after(|spec| add_sku_operation(spec, "1.5", true));
    assert_eq!(d.level(), Level::Minor);
    assert!(
        d.since_problems("1.5").is_empty(),
        "{:?}",
        d.since_problems("1.5")
    );
    assert!(has(
        &d,
        Section::Added,
        Level::Minor,
        "Operation `goodsSkuList`"
    ));

    let d = diff_after(|spec| {
        *at(
            spec,
            &["paths", "/open-api/goods/qc-images", "post", "security"],
        ) = yaml("[{oauth2: [\"goods:detail:read\"], tenantId: []}]");
    });
    assert_eq!(d.level(), Level::Minor);
    assert!(
        has(
            &d,
            Section::Changed,
            Level::Minor,
            "now needs scope `goods:detail:read` (was scope `goods:qc:read`)"
        ),
        "{:?}",
        d.changes
    );
}

#[test]
fn enum_values_added_are_minor_and_removed_are_major() {
    let d = diff_after(|spec| {
        *at(spec, &["components", "schemas", "GoodsSource", "enum"]) = yaml("[1, 2, 3, 4]");
    });
    assert_eq!(d.level(), Level::Minor);
    assert!(
        has(
            &d,
            Section::Changed,
            Level::Minor,
            "Type `types::GoodsSource` accepts `4` too."
        ),
        "{:?}",
        d.changes
    );
    let d = diff_after(|spec| {
        *at(spec, &["components", "schemas", "GoodsSource", "enum"]) = yaml("[1, 2]");
    });
    assert_eq!(d.level(), Level::Major);
}

#[test]
fn a_changed_response_type_and_a_renamed_operation_are_major() {
    let d = diff_after(|spec| {
        *at(
            spec,
            &["paths", "/open-api/goods/detail", "post", "operationId"],
        ) = "getGoodsDetail".into();
    });
    assert!(
        has(
            &d,
            Section::Changed,
            Level::Major,
            "`Client::goods_detail` is now `Client::get_goods_detail`"
        ),
        "{:?}",
        d.changes
    );
    let d = diff_after(|spec| {
        *at(
            spec,
            &[
                "components",
                "schemas",
                "CommonResultQcDetail",
                "properties",
                "data",
            ],
        ) = yaml("nullable: true\nallOf:\n  - $ref: \"#/components/schemas/GoodsDetail\"\n");
    });
    assert!(
        has(
            &d,
            Section::Changed,
            Level::Major,
            "Operation `goodsQcDetail` (`POST /open-api/goods/qc-detail`) returns `GoodsDetail` (was `QcDetail`)."
        ),
        "{:?}",
        d.changes
    );
}
