//! A public API that cannot break by accident: `api/released/public-api.txt` is the SDK's public
//! Rust API as released (the lines of codegen's `surface`, the extractor behind
//! `api/public-api.md` too, headed by the crate version), and
//! `cargo xtask api-check` (a CI step) fails when an item of it is gone or changed while
//! Cargo.toml's version is not a breaking bump of the released one. `cargo xtask api-baseline`
//! records the current API as the released one: run it when releasing.
//!
//! cargo-semver-checks would be the finer tool, but it is not on these machines, and `cargo
//! install` of it (0.51) builds the 416 crates of its lockfile (gix, three rustdoc adapters) on
//! 2 shared cores, then two rustdoc builds of the SDK per run: far more than a few minutes of
//! CI. This check reads the sources only (about 2 s).

use crate::Result;
use crate::edit::package_version;
use crate::paths::{CARGO_TOML, Project};
use crate::spec::Spec;
use crate::version;
use crate::version::Level;
use rizzitgo_open_api_codegen::surface::Surface;
use std::collections::BTreeSet;

/// The released API baseline.
pub const BASELINE: &str = "api/released/public-api.txt";
const CRATE_VERSION: &str = "# crate-version: ";

/// Writes the baseline from the current sources and crate version.
pub fn write_baseline(project: &Project) -> Result<()> {
    let crate_version = package_version(&project.read(CARGO_TOML)?)?;
    let mut text = format!(
        "# The public Rust API of rizzitgo-open-api as released: `cargo xtask api-check` (CI) fails\n\
         # when an item below is removed or changed without a breaking version bump. Written by\n\
         # `cargo xtask api-baseline` at a release, do not edit.\n\
         {CRATE_VERSION}{crate_version}\n"
    );
    for line in listing(project)? {
        text.push_str(&line);
        text.push('\n');
    }
    let changed = project.write_if_changed(BASELINE, &text)?;
    println!(
        "api-baseline: {BASELINE} {} (crate version {crate_version})",
        if changed { "written" } else { "unchanged" }
    );
    Ok(())
}

/// What changed against the baseline.
#[derive(Debug)]
pub struct Report {
    /// The released crate version.
    pub released: String,
    /// The crate version now.
    pub current: String,
    /// Baseline lines that are gone (removed or changed items).
    pub removed: Vec<String>,
    /// Lines that are new.
    pub added: Vec<String>,
}

/// The public API lines of the SDK crate at `project`: `src/` and the code its spec generates.
pub fn listing(project: &Project) -> Result<Vec<String>> {
    let spec = Spec::load(project)?;
    Ok(Surface::of_crate(&spec.api, &project.path("src"))?.lines())
}

/// Compares the sources with the baseline.
pub fn compare(project: &Project) -> Result<Report> {
    let text = project.read_optional(BASELINE)?.ok_or_else(|| {
        format!("{BASELINE} is missing: record the released API with `cargo xtask api-baseline`")
    })?;
    let released = text
        .lines()
        .find_map(|l| l.strip_prefix(CRATE_VERSION))
        .ok_or_else(|| format!("{BASELINE} has no `{CRATE_VERSION}…` line"))?
        .trim()
        .to_owned();
    // Header lines are comments (`# …`); items may start with `#[non_exhaustive]`.
    let old: BTreeSet<&str> = text.lines().filter(|l| !l.starts_with("# ")).collect();
    let now = listing(project)?;
    let new: BTreeSet<&str> = now.iter().map(String::as_str).collect();
    Ok(Report {
        released,
        current: package_version(&project.read(CARGO_TOML)?)?,
        removed: old.difference(&new).map(|s| (*s).to_owned()).collect(),
        added: new.difference(&old).map(|s| (*s).to_owned()).collect(),
    })
}

/// The smallest version that may break the API of `released`: the next major, or for 0.y.z
/// the next minor (cargo's rule: 0.y is a major).
pub fn breaking_bump(released: &str) -> Result<String> {
    let level = if released.starts_with("0.") {
        Level::Minor
    } else {
        Level::Major
    };
    version::bump_crate(released, level)
}

/// `cargo xtask api-check`.
pub fn run(project: &Project) -> Result<()> {
    let report = compare(project)?;
    let needed = breaking_bump(&report.released)?;
    let bumped = version::compare(&report.current, &needed) != std::cmp::Ordering::Less;
    if !report.added.is_empty() {
        println!(
            "api-check: {} item(s) added since {} (a minor release at least):",
            report.added.len(),
            report.released
        );
        for line in report.added.iter().take(20) {
            println!("  + {line}");
        }
    }
    if report.removed.is_empty() {
        println!(
            "api-check: nothing of the released API ({}) removed or changed",
            report.released
        );
        return Ok(());
    }
    let list: Vec<String> = report
        .removed
        .iter()
        .map(|line| format!("  - {line}"))
        .collect();
    if bumped {
        println!(
            "api-check: breaking changes since {}, and the version is {} (≥ {needed}):\n{}",
            report.released,
            report.current,
            list.join("\n")
        );
        return Ok(());
    }
    Err(format!(
        "the public API of {} lost or changed {} item(s), a breaking change, but Cargo.toml's \
         version is {} (a breaking release after {} is {needed} or later):\n{}\n\
         Keep the item, or bump the version (`version` in Cargo.toml), or, before the first \
         release of that API, record it as the baseline with `cargo xtask api-baseline`.",
        report.released,
        report.removed.len(),
        report.current,
        report.released,
        list.join("\n")
    ))
}
