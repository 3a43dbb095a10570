//! `cargo xtask regen [--check]`: the reviewable artefacts derived from the spec.
//!
//! - `api/public-api.md`: the generated public API (operations, method signatures, types and
//!   their fields), read back from the generated code;
//! - `api/released/guide-v<X>.yaml`: the released-spec snapshot, written here only when there is
//!   none yet (afterwards `bump-docs` writes one per guide version).
//!
//! `--check` (CI) also fails when the spec's guide version was never bumped with `bump-docs`, or
//! when the API changed since the snapshot of that version without `bump-docs` being run again
//! (the CHANGELOG and crate version would be stale).

use crate::Result;
use crate::paths::{CARGO_TOML, LISTING, Project, SPEC};
use crate::released;
use crate::spec::Spec;
use rizzitgo_open_api_codegen as codegen;

/// One derived file.
#[derive(Clone, Debug)]
pub struct Artefact {
    /// Project-relative path.
    pub path: String,
    /// Its content.
    pub text: String,
}

/// The artefacts as the spec says they should be.
pub fn artefacts(project: &Project, spec: &Spec) -> Result<Vec<Artefact>> {
    let mut out = vec![Artefact {
        path: LISTING.to_owned(),
        text: codegen::listing::api_listing(&spec.api)?,
    }];
    if released::list(project)?.is_empty() {
        let crate_version = crate::edit::package_version(&project.read(CARGO_TOML)?)?;
        out.push(Artefact {
            path: released::relative_path(spec.guide_version()),
            text: released::snapshot_text(spec.guide_version(), &crate_version, None, &spec.text),
        });
    }
    Ok(out)
}

/// Writes the artefacts; returns the paths that changed.
pub fn write(project: &Project) -> Result<Vec<String>> {
    let spec = Spec::load(project)?;
    write_for(project, &spec)
}

/// Writes the artefacts of `spec`; returns the paths that changed.
pub fn write_for(project: &Project, spec: &Spec) -> Result<Vec<String>> {
    let mut changed = Vec::new();
    for artefact in artefacts(project, spec)? {
        if project.write_if_changed(&artefact.path, &artefact.text)? {
            println!("regen: wrote {}", artefact.path);
            changed.push(artefact.path);
        }
    }
    if changed.is_empty() {
        println!("regen: every artefact is up to date");
    }
    Ok(changed)
}

/// Fails, naming the stale file and the fix, when the artefacts do not match the spec.
pub fn check(project: &Project) -> Result<()> {
    let spec = Spec::load(project)?;
    let mut stale = Vec::new();
    for artefact in artefacts(project, &spec)? {
        match project.read_optional(&artefact.path)? {
            Some(text) if text == artefact.text => {}
            Some(_) => stale.push(format!(
                "{} is stale: the spec changed. Run `cargo xtask regen` and commit the result.",
                artefact.path
            )),
            None => stale.push(format!(
                "{} is missing. Run `cargo xtask regen` and commit the result.",
                artefact.path
            )),
        }
    }
    stale.extend(release_problems(project, &spec)?);
    if stale.is_empty() {
        println!("regen --check: every artefact matches {SPEC}");
        Ok(())
    } else {
        for problem in &stale {
            eprintln!("regen --check: {problem}");
        }
        Err(format!(
            "{} problem(s): the artefacts do not match the spec",
            stale.len()
        ))
    }
}

/// The spec's guide version must have been bumped with `bump-docs`, and the API must not have
/// changed since.
fn release_problems(project: &Project, spec: &Spec) -> Result<Vec<String>> {
    let all = released::list(project)?;
    if all.is_empty() {
        // Reported as a missing artefact above.
        return Ok(Vec::new());
    }
    let guide = spec.guide_version();
    let Some(current) = all.iter().find(|r| r.guide == guide) else {
        return Ok(vec![format!(
            "{SPEC} says guide v{guide}, but {} does not exist: run `cargo xtask bump-docs {guide}` \
             (it also bumps the crate version and writes the CHANGELOG entry) and commit the result.",
            released::relative_path(guide)
        )]);
    };
    let diff = crate::diff::diff(&current.spec()?, spec)?;
    if diff.changes.is_empty() {
        return Ok(Vec::new());
    }
    let mut problem = format!(
        "the API in {SPEC} changed since {} was written, so the CHANGELOG entry and the crate \
         version are stale. For a new guide version run `cargo xtask bump-docs <version>`; to amend \
         guide v{guide}, run `cargo xtask bump-docs {guide}` again. Changes:",
        released::relative_path(guide)
    );
    for change in &diff.changes {
        problem.push_str(&format!("\n  - {}", change.text));
    }
    Ok(vec![problem])
}
