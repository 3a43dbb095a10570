//! How the MSRV the README states is kept without a second toolchain (only one exists on these
//! machines and none can be fetched): the README's "MSRV: Rust X" must be the workspace's
//! `rust-version`, and no crate the SDK builds (any feature, normal and build dependencies,
//! as locked) may declare a higher `rust-version` than it (`cargo metadata`). What it cannot
//! see: a use of a newer std API in our own code; clippy's `incompatible_msrv` lint, which
//! reads the same `rust-version`, catches those in the clippy step.

use crate::Result;
use crate::paths::{CARGO_TOML, Project};
use crate::process::cargo;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The package whose users the MSRV is for.
const SDK: &str = "rizzitgo-open-api";

/// The MSRV the README states ("MSRV: Rust 1.88").
pub fn readme_msrv(readme: &str) -> Result<String> {
    let after = readme
        .split_once("MSRV: Rust")
        .ok_or("README.md does not state the MSRV (`MSRV: Rust X.Y`)")?
        .1;
    let version: String = after
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let version = version.trim_end_matches('.').to_owned();
    if version.is_empty() {
        return Err("README.md: `MSRV: Rust` is not followed by a version".into());
    }
    Ok(version)
}

/// The workspace's `rust-version` (`[workspace.package]`, or the package's own).
pub fn manifest_msrv(manifest: &str) -> Result<String> {
    manifest
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "rust-version").then(|| value.trim().trim_matches('"').to_owned())
        })
        .ok_or_else(|| "Cargo.toml sets no `rust-version`".to_owned())
}

/// Compares `1.88` with `1.85.0` numerically (missing parts are 0).
pub fn compare(a: &str, b: &str) -> Ordering {
    let parts = |v: &str| -> Vec<u64> { v.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
    let (mut a, mut b) = (parts(a), parts(b));
    let len = a.len().max(b.len());
    a.resize(len, 0);
    b.resize(len, 0);
    a.cmp(&b)
}

/// Every crate the SDK builds (itself included) with the `rust-version` it declares, from
/// `cargo metadata`'s JSON: `(name version, rust-version)`.
pub fn declared(metadata: &serde_json::Value) -> Result<Vec<(String, String)>> {
    let packages = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata: no `packages`")?;
    let by_id: BTreeMap<&str, &serde_json::Value> = packages
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let nodes: BTreeMap<&str, &serde_json::Value> = metadata["resolve"]["nodes"]
        .as_array()
        .ok_or("cargo metadata: no `resolve.nodes`")?
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let root = packages
        .iter()
        .find(|p| p["name"] == SDK && p["source"].is_null())
        .and_then(|p| p["id"].as_str())
        .ok_or_else(|| format!("cargo metadata: no package {SDK}"))?;
    // Normal and build dependencies: what a user of the SDK compiles (not its dev-dependencies).
    let mut seen = BTreeSet::from([root]);
    let mut todo = vec![root];
    while let Some(id) = todo.pop() {
        let Some(node) = nodes.get(id) else { continue };
        for dep in node["deps"].as_array().into_iter().flatten() {
            let used = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if let Some(dep_id) = dep["pkg"].as_str()
                && used
                && seen.insert(dep_id)
            {
                todo.push(dep_id);
            }
        }
    }
    let mut out = Vec::new();
    for id in seen {
        let Some(package) = by_id.get(id) else {
            continue;
        };
        if let Some(needs) = package["rust_version"].as_str() {
            out.push((
                format!(
                    "{} {}",
                    package["name"].as_str().unwrap_or("?"),
                    package["version"].as_str().unwrap_or("?")
                ),
                needs.to_owned(),
            ));
        }
    }
    Ok(out)
}

/// `cargo xtask msrv`.
pub fn run(project: &Project) -> Result<()> {
    let stated = readme_msrv(&project.read("README.md")?)?;
    let manifest = manifest_msrv(&project.read(CARGO_TOML)?)?;
    if compare(&stated, &manifest) != Ordering::Equal {
        return Err(format!(
            "README.md states MSRV {stated} but Cargo.toml's rust-version is {manifest}: make them one"
        ));
    }
    let output = cargo()
        .current_dir(&project.root)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--all-features",
            "--locked",
        ])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata: not JSON: {e}"))?;
    let declared = declared(&metadata)?;
    let too_new: Vec<&(String, String)> = declared
        .iter()
        .filter(|(_, needs)| compare(needs, &manifest) == Ordering::Greater)
        .collect();
    let highest = declared
        .iter()
        .filter(|(package, _)| !package.starts_with(&format!("{SDK} ")))
        .max_by(|a, b| compare(&a.1, &b.1));
    if !too_new.is_empty() {
        let list: Vec<String> = too_new
            .iter()
            .map(|(package, needs)| format!("  {package} needs Rust {needs}"))
            .collect();
        return Err(format!(
            "the SDK's MSRV is {manifest} (README.md, Cargo.toml) but dependencies need more:\n{}\n\
             Raise the MSRV in both places (and say why in Cargo.toml), or keep those crates at \
             versions that support it (`cargo update -p NAME --precise VERSION`).",
            list.join("\n")
        ));
    }
    let highest = highest.map_or_else(String::new, |(package, needs)| {
        format!(" (the highest: {package}, Rust {needs})")
    });
    println!(
        "msrv: Rust {manifest} (README.md = Cargo.toml), and none of the {} crates of the SDK \
         that declare a rust-version needs more{highest}",
        declared.len()
    );
    Ok(())
}
