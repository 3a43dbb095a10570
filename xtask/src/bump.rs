//! `cargo xtask bump-docs <version>`: a new version of the partner guide, spec → crate.
//!
//! 1. The baseline is the newest released snapshot older than `<version>`
//!    (`api/released/guide-v<X>.yaml`, see [`crate::released`]).
//! 2. The spec's `info.version` becomes `<version>`; every operation and every field of an
//!    existing type added since the baseline must say `x-since: "<version>"`.
//! 3. The crate version is the baseline's bumped by the level of the spec diff (a new operation
//!    or optional field: minor; a removed or retyped one: major; else patch).
//! 4. The CHANGELOG entry of `<version>` is written from the diff (replaced when it exists).
//! 5. The snapshot of `<version>` and the artefacts of `regen` are written, then `lint` runs.
//!
//! Everything is computed from the baseline, so a second run writes the same bytes: nothing
//! changes.

use crate::Result;
use crate::changelog;
use crate::diff;
use crate::edit;
use crate::paths::{CARGO_LOCK, CARGO_TOML, CHANGELOG, DEPENDENT_MANIFESTS, Project, SPEC};
use crate::released::{self, Released};
use crate::spec::Spec;
use crate::version;
use crate::version::Level;

/// Runs the workflow for guide `target` on `project`; `redocly`: include Redocly in the lint.
pub fn bump_docs(project: &Project, target: &str, redocly: bool) -> Result<()> {
    version::check_guide(target)?;
    let all = released::list(project)?;
    let Some(latest) = all.last() else {
        return Err(format!(
            "no released spec in {}: record the released spec first with `cargo xtask regen` \
             (on the commit of the last release)",
            crate::paths::RELEASED_DIR
        ));
    };
    if version::compare(target, &latest.guide).is_lt() {
        return Err(format!(
            "guide v{} is already released: bump-docs takes v{} or newer",
            latest.guide, latest.guide
        ));
    }
    let rerun = all.iter().find(|r| r.guide == target);
    let baseline = all
        .iter()
        .rev()
        .find(|r| version::compare(&r.guide, target).is_lt());
    let spec = Spec::load(project)?;
    let Some(baseline) = baseline else {
        // Only the first snapshot exists and it is this version: nothing to compare with.
        return refresh_first_snapshot(project, &spec, rerun.unwrap_or(latest), redocly);
    };
    let old = baseline.spec()?;
    let new_text = edit::set_info_version(&spec.text, target, &baseline.guide)?;
    let new = Spec::parse(&new_text, SPEC)?;

    let diff = diff::diff(&old, &new)?;
    let since = diff.since_problems(target);
    if !since.is_empty() {
        return Err(format!(
            "every operation and field added since guide v{} must carry the version that \
             introduced it; nothing was changed:\n  - {}",
            baseline.guide,
            since.join("\n  - ")
        ));
    }
    let rules = crate::lint::own_rules(&new);
    if !rules.is_empty() {
        return Err(format!(
            "the spec breaks the SDK's own lint rules; nothing was changed:\n  - {}",
            rules.join("\n  - ")
        ));
    }

    let manifest = project.read(CARGO_TOML)?;
    let current_crate = edit::package_version(&manifest)?;
    let from_crate = match rerun {
        Some(r) => r
            .previous_crate_version
            .clone()
            .unwrap_or_else(|| baseline.crate_version.clone()),
        None => current_crate.clone(),
    };
    let level = diff.level();
    let new_crate = version::bump_crate(&from_crate, level)?;

    println!(
        "bump-docs: guide v{} → v{target}: {} change(s), {} release; crate {from_crate} → {new_crate}",
        baseline.guide,
        diff.changes.len(),
        level.name()
    );
    for change in &diff.changes {
        println!("  - [{}] {}", change.level.name(), change.text);
    }

    let mut changed = Vec::new();
    if project.write_if_changed(SPEC, &new_text)? {
        changed.push(format!("{SPEC}: info.version \"{target}\""));
    }
    // The description's "guide v<baseline>" follows too (a re-run finds it already done).
    let new_manifest = edit::set_package_version(&manifest, &new_crate, &baseline.guide, target)?;
    if project.write_if_changed(CARGO_TOML, &new_manifest)? {
        changed.push(format!(
            "{CARGO_TOML}: version {current_crate} → {new_crate}"
        ));
    }
    let name = edit::package_name(&manifest)?;
    for dependent in DEPENDENT_MANIFESTS {
        if let Some(text) = project.read_optional(dependent)? {
            let edited = edit::set_path_dependency_version(&text, &name, &new_crate);
            if project.write_if_changed(dependent, &edited)? {
                changed.push(format!("{dependent}: {name} {new_crate}"));
            }
        }
    }
    if let Some(lock) = project.read_optional(CARGO_LOCK)?
        && project.write_if_changed(
            CARGO_LOCK,
            &edit::set_lock_version(&lock, &name, &new_crate),
        )?
    {
        changed.push(format!("{CARGO_LOCK}: {name} {new_crate}"));
    }
    let existing = project.read_optional(CHANGELOG)?;
    let date = existing
        .as_deref()
        .and_then(|text| changelog::existing_date(text, target))
        .unwrap_or_else(changelog::today);
    let body = changelog::entry_body(target, &diff);
    let log = changelog::upsert(existing.as_deref(), target, &new_crate, &date, &body);
    if project.write_if_changed(CHANGELOG, &log)? {
        changed.push(format!(
            "{CHANGELOG}: entry [{new_crate}] - {date} (guide v{target})"
        ));
    }
    let snapshot = released::snapshot_text(target, &new_crate, Some(&from_crate), &new_text);
    let snapshot_path = released::relative_path(target);
    if project.write_if_changed(&snapshot_path, &snapshot)? {
        changed.push(format!(
            "{snapshot_path}: the released spec of guide v{target}"
        ));
    }
    changed.extend(crate::regen::write_for(project, &new)?);

    if changed.is_empty() {
        println!("bump-docs: already at guide v{target}, crate {new_crate}: nothing changed");
    } else {
        println!("bump-docs: changed");
        for line in &changed {
            println!("  - {line}");
        }
    }
    crate::lint::run(project, redocly)?;
    if level == Level::Major {
        println!(
            "bump-docs: this is a breaking release: review the CHANGELOG entry's **Breaking** lines"
        );
    }
    Ok(())
}

fn refresh_first_snapshot(
    project: &Project,
    spec: &Spec,
    first: &Released,
    redocly: bool,
) -> Result<()> {
    let text = released::snapshot_text(
        &first.guide,
        &first.crate_version,
        first.previous_crate_version.as_deref(),
        &spec.text,
    );
    let path = released::relative_path(&first.guide);
    if project.write_if_changed(&path, &text)? {
        println!(
            "bump-docs: guide v{} is the first recorded release: {path} now records the current spec \
             (no older version to compare with, no CHANGELOG entry)",
            first.guide
        );
    } else {
        println!(
            "bump-docs: guide v{} is the first recorded release and is up to date",
            first.guide
        );
    }
    crate::regen::write_for(project, spec)?;
    crate::lint::run(project, redocly)
}
