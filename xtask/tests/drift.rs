//! `cargo xtask drift` against a springdoc-style export with planted differences.

mod common;

use common::*;

const FIXTURE: &str = "xtask/tests/fixtures/api-docs.json";

fn export() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(workspace().join(FIXTURE)).unwrap()).unwrap()
}

fn spec() -> serde_json::Value {
    serde_json::to_value(spec_tree()).unwrap()
}

#[test]
fn every_planted_difference_is_reported_in_both_directions() {
    let found = xtask::drift::drift(&spec(), &export());
    let expected = [
        "POST /open-api/goods/detail response `data.priceInCents`: type integer(int64) in the spec, string in the live export",
        "POST /open-api/goods/detail response `data.stockNum`: in the spec, missing from the live export",
        "POST /open-api/goods/qc-detail response `data.qcRemark`: in the live export, missing from the spec",
        "POST /open-api/goods/qc-images: in the spec, missing from the live export",
        "POST /open-api/goods/qc-page request `pageSize`: required in the spec, optional in the live export",
        "POST /open-api/goods/qc-page response `data.list[].qcRemark`: in the live export, missing from the spec",
        "POST /open-api/goods/sku-list: in the live export, missing from the spec",
    ];
    assert_eq!(found, expected, "{found:#?}");
}

#[test]
fn a_spec_does_not_drift_from_itself() {
    assert_eq!(xtask::drift::drift(&spec(), &spec()), Vec::<String>::new());
}

#[test]
fn the_command_exits_non_zero_and_lists_the_differences() {
    let out = xtask(
        &workspace(),
        &["drift", &workspace().join(FIXTURE).display().to_string()],
    );
    let log = text(&out);
    assert!(!out.status.success(), "{log}");
    assert!(
        log.contains("7 difference(s) between the spec and the live export"),
        "{log}"
    );
    assert!(
        log.contains("POST /open-api/goods/sku-list: in the live export, missing from the spec")
    );
}
