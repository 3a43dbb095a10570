//! The SDK's own lint rules catch planted defects (Redocly itself runs in `cargo xtask lint`).

mod common;

use common::*;
use xtask::spec::Spec;

fn problems(spec: &serde_yaml::Value) -> Vec<String> {
    let text = serde_yaml::to_string(spec).unwrap();
    xtask::lint::own_rules(&Spec::parse(&text, "spec").unwrap())
}

fn assert_found(problems: &[String], words: &str) {
    assert!(
        problems.iter().any(|p| p.contains(words)),
        "no problem says {words:?}: {problems:#?}"
    );
}

#[test]
fn the_real_spec_follows_the_rules() {
    let spec = Spec::parse(
        &std::fs::read_to_string(workspace().join("spec/open-api.yaml")).unwrap(),
        "spec",
    )
    .unwrap();
    assert_eq!(xtask::lint::own_rules(&spec), Vec::<String>::new());
}

#[test]
fn planted_defects_are_each_reported() {
    let mut spec = spec_tree();
    map(&mut spec, &["paths", "/open-api/goods/qc-images", "post"]).remove("operationId");
    map(&mut spec, &["paths", "/open-api/goods/qc-page", "post"]).remove("x-since");
    map(&mut spec, &["components", "schemas", "GoodsDetail"])
        .insert("additionalProperties".into(), false.into());
    map(
        &mut spec,
        &[
            "components",
            "schemas",
            "Coupon",
            "properties",
            "couponType",
        ],
    )
    .insert("enum".into(), yaml("[1, 2, 3]"));
    map(&mut spec, &["paths", "/open-api/goods/detail", "post"]).remove("summary");
    map(
        &mut spec,
        &[
            "paths",
            "/open-api/goods/search-url-parse",
            "post",
            "requestBody",
            "content",
            "application/json",
        ],
    )
    .remove("example");
    let found = problems(&spec);
    assert_found(&found, "POST /open-api/goods/qc-images: no operationId");
    assert_found(&found, "POST /open-api/goods/qc-page: no `x-since`");
    assert_found(
        &found,
        "components.schemas.GoodsDetail: `additionalProperties: false` in a response schema",
    );
    assert_found(
        &found,
        "components.schemas.Coupon.couponType: `enum` in a response schema",
    );
    assert_found(&found, "POST /open-api/goods/detail: no summary");
    assert_found(
        &found,
        "POST /open-api/goods/search-url-parse: no request example",
    );
    assert_found(&found, "the client cannot be generated from the spec");
}

#[test]
fn request_enums_are_fine_but_x_since_must_not_be_newer_than_the_spec() {
    let mut spec = spec_tree();
    // GoodsSource (an enum) is only used by requests: allowed.
    *at(
        &mut spec,
        &["paths", "/open-api/goods/detail", "post", "x-since"],
    ) = "9.9".into();
    map(
        &mut spec,
        &["components", "schemas", "QcDetail", "properties", "length"],
    )
    .insert("x-since".into(), serde_yaml::Value::from(1.1));
    let found = problems(&spec);
    assert_found(
        &found,
        "POST /open-api/goods/detail: `x-since: \"9.9\"` is newer than info.version",
    );
    assert_found(
        &found,
        "components.schemas.QcDetail.length: `x-since: 1.1` must be a string",
    );
    assert_eq!(found.len(), 2, "{found:#?}");
}

#[test]
fn progenitor_limits_are_reported() {
    let mut spec = spec_tree();
    let content = map(
        &mut spec,
        &[
            "paths",
            "/open-api/goods/detail",
            "post",
            "requestBody",
            "content",
        ],
    );
    let json = content.get("application/json").unwrap().clone();
    content.insert("application/x-www-form-urlencoded".into(), json);
    map(&mut spec, &["paths", "/open-api/goods/qc-detail", "post", "responses"]).insert(
        "201".into(),
        yaml("description: Created\ncontent:\n  application/json:\n    schema:\n      $ref: \"#/components/schemas/CommonResultGoodsDetail\"\n"),
    );
    *at(&mut spec, &["openapi"]) = "3.1.0".into();
    let found = problems(&spec);
    assert_found(
        &found,
        "POST /open-api/goods/detail: 2 request content types",
    );
    assert_found(
        &found,
        "POST /open-api/goods/qc-detail: 2 success responses",
    );
    assert_found(&found, "openapi is 3.1.0");
}
