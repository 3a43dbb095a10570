//! Helpers of the xtask tests: project copies in temp dirs, spec edits, running the binary.
#![allow(dead_code)]

use serde_yaml::{Mapping, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The workspace under test.
pub fn workspace() -> PathBuf {
    xtask::paths::workspace()
}

/// A fresh, empty directory under cargo's target tmp dir (removed first if a previous run left
/// it).
pub fn temp_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("xtask-tests")
        .join(format!("{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of what the workflow reads and writes, and what building the SDK needs: manifests,
/// lockfile, build script, sources, spec, artefacts (`api/`), CHANGELOG and README when present.
pub fn copy_project(name: &str) -> PathBuf {
    let from = workspace();
    let to = temp_dir(name);
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "CHANGELOG.md",
        "README.md",
        ".redocly.yaml",
    ] {
        if from.join(file).exists() {
            std::fs::copy(from.join(file), to.join(file)).unwrap();
        }
    }
    for dir in [
        "src",
        // Cargo.toml declares the bench target, the fleet example and the mock_faults test.
        "benches",
        "examples",
        "tests",
        "spec",
        "api",
        "codegen/src",
        "mock-gateway/src",
        "xtask/src",
        // A workspace member: its build script, sources and manifest.
        "cli",
    ] {
        if from.join(dir).exists() {
            copy_tree(&from.join(dir), &to.join(dir));
        }
    }
    for manifest in [
        "codegen/Cargo.toml",
        "mock-gateway/Cargo.toml",
        "xtask/Cargo.toml",
    ] {
        std::fs::copy(from.join(manifest), to.join(manifest)).unwrap();
    }
    to
}

/// Runs the xtask binary on the project at `root`.
pub fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("XTASK_TODAY", "2026-12-01")
        .output()
        .unwrap()
}

/// stdout + stderr of an output, for assertions and failure messages.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The workspace spec as a YAML tree.
pub fn spec_tree() -> Value {
    let text = std::fs::read_to_string(workspace().join("spec/open-api.yaml")).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

/// The value at a path of keys, mutable (panics when absent).
pub fn at<'a>(value: &'a mut Value, keys: &[&str]) -> &'a mut Value {
    keys.iter().fold(value, |v, k| {
        v.get_mut(*k)
            .unwrap_or_else(|| panic!("no key {k} in the spec"))
    })
}

/// The mapping at a path of keys.
pub fn map<'a>(value: &'a mut Value, keys: &[&str]) -> &'a mut Mapping {
    at(value, keys).as_mapping_mut().unwrap()
}

/// YAML from a literal.
pub fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap()
}

/// The next guide version after the workspace spec's (1.4 → 1.5).
pub fn next_guide(current: &str) -> String {
    let (major, minor) = current.split_once('.').unwrap();
    format!("{major}.{}", minor.parse::<u32>().unwrap() + 1)
}

/// Adds the rehearsal's new guide version to a spec tree: an operation `goodsSkuList` with its
/// scope and types, and an optional field `goodsWeight` on the existing `GoodsDetail`.
pub fn add_sku_operation(spec: &mut Value, since: &str, with_since: bool) {
    let since_line = if with_since {
        format!("x-since: \"{since}\"")
    } else {
        String::new()
    };
    let operation = yaml(&format!(
        r##"
post:
  operationId: goodsSkuList
  {since_line}
  x-retry-safe: true
  tags: [goods]
  summary: Query goods SKU list
  description: Returns the SKUs (variants) of one goods item.
  security:
    - oauth2: ["goods:sku:read"]
      tenantId: []
  requestBody:
    required: true
    content:
      application/json:
        schema:
          $ref: "#/components/schemas/GoodsRequest"
        example:
          goodsId: "123456"
          source: 1
  responses:
    "200":
      description: The SKU list, in the unified envelope.
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/CommonResultSkuList"
          example:
            code: 0
            data:
              skus:
                - skuId: "1001"
                  skuName: Red / XL
                  priceInCents: 9900
              total: 1
            msg: ""
    4XX:
      $ref: "#/components/responses/Error"
    5XX:
      $ref: "#/components/responses/Error"
"##
    ));
    map(spec, &["paths"]).insert("/open-api/goods/sku-list".into(), operation);
    map(
        spec,
        &[
            "components",
            "securitySchemes",
            "oauth2",
            "flows",
            "clientCredentials",
            "scopes",
        ],
    )
    .insert("goods:sku:read".into(), "Query goods SKUs.".into());
    let schemas = map(spec, &["components", "schemas"]);
    schemas.insert(
        "Sku".into(),
        yaml(
            r#"
type: object
properties:
  skuId:
    type: string
    description: SKU ID.
  skuName:
    type: string
    description: SKU name.
  priceInCents:
    type: integer
    format: int64
    description: Price (cents).
"#,
        ),
    );
    schemas.insert(
        "SkuList".into(),
        yaml(
            r##"
type: object
properties:
  skus:
    type: array
    items:
      $ref: "#/components/schemas/Sku"
    description: The SKUs.
  total:
    type: integer
    format: int64
    description: Total count.
"##,
        ),
    );
    schemas.insert(
        "CommonResultSkuList".into(),
        yaml(
            r##"
type: object
required: [code]
description: The unified envelope around a SKU list.
properties:
  code:
    $ref: "#/components/schemas/ResultCode"
  data:
    nullable: true
    allOf:
      - $ref: "#/components/schemas/SkuList"
  msg:
    $ref: "#/components/schemas/ResultMessage"
"##,
        ),
    );
    let mut weight = yaml("type: string\ndescription: Weight (g).\n");
    if with_since {
        weight
            .as_mapping_mut()
            .unwrap()
            .insert("x-since".into(), since.into());
    }
    map(
        spec,
        &["components", "schemas", "GoodsDetail", "properties"],
    )
    .insert("goodsWeight".into(), weight);
}

/// Writes a spec tree as the project's spec.
pub fn write_spec(root: &Path, spec: &Value) {
    std::fs::write(
        root.join("spec/open-api.yaml"),
        serde_yaml::to_string(spec).unwrap(),
    )
    .unwrap();
}

/// Every file of a project copy (not `target/`), with its bytes, to compare two states.
pub fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out
}
