//! Snapshots of the spec as released with each guide version: `api/released/guide-v<X>.yaml`.
//!
//! They are how `bump-docs` knows "the previous version": the newest snapshot older than the
//! version being bumped to is the baseline of the diff, and its header records the crate
//! version released with it. Plain files, so a rehearsal in a temp dir needs no git history.

use crate::Result;
use crate::paths::{Project, RELEASED_DIR, read};
use crate::spec::Spec;
use crate::version;
use std::path::PathBuf;

const CRATE_VERSION: &str = "# crate-version: ";
const PREVIOUS_CRATE_VERSION: &str = "# previous-crate-version: ";

/// One released guide version.
#[derive(Clone, Debug)]
pub struct Released {
    /// The guide version, e.g. `1.4`.
    pub guide: String,
    /// The crate version released with it.
    pub crate_version: String,
    /// The crate version `bump-docs` bumped from (absent for the first snapshot).
    pub previous_crate_version: Option<String>,
    /// The snapshot file.
    pub path: PathBuf,
}

impl Released {
    /// The snapshot's spec.
    pub fn spec(&self) -> Result<Spec> {
        Spec::parse(&read(&self.path)?, &self.path.display().to_string())
    }
}

/// The project-relative path of the snapshot of `guide`.
pub fn relative_path(guide: &str) -> String {
    format!("{RELEASED_DIR}/guide-v{guide}.yaml")
}

/// The snapshot file's text: a header, then the spec as written.
pub fn snapshot_text(
    guide: &str,
    crate_version: &str,
    previous_crate_version: Option<&str>,
    spec_text: &str,
) -> String {
    let mut text = format!(
        "# The spec as released with partner API guide v{guide}: the baseline that\n\
         # `cargo xtask bump-docs` compares the next guide version with. Written by xtask, do not edit.\n\
         {CRATE_VERSION}{crate_version}\n"
    );
    if let Some(previous) = previous_crate_version {
        text.push_str(&format!("{PREVIOUS_CRATE_VERSION}{previous}\n"));
    }
    text.push_str(spec_text);
    text
}

/// Every snapshot of the project, oldest guide version first.
pub fn list(project: &Project) -> Result<Vec<Released>> {
    let dir = project.path(RELEASED_DIR);
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(guide) = name
            .strip_prefix("guide-v")
            .and_then(|n| n.strip_suffix(".yaml"))
        else {
            continue;
        };
        let text = read(&path)?;
        let header = |prefix: &str| {
            text.lines()
                .take_while(|l| l.starts_with('#'))
                .find_map(|l| l.strip_prefix(prefix).map(|v| v.trim().to_owned()))
        };
        let crate_version = header(CRATE_VERSION).ok_or_else(|| {
            format!(
                "{}: the header has no `{CRATE_VERSION}…` line",
                path.display()
            )
        })?;
        out.push(Released {
            guide: guide.to_owned(),
            crate_version,
            previous_crate_version: header(PREVIOUS_CRATE_VERSION),
            path,
        });
    }
    out.sort_by(|a, b| version::compare(&a.guide, &b.guide));
    Ok(out)
}
