//! Where the workflow's files live, relative to the project root.

use crate::Result;
use std::fs;
use std::path::{Path, PathBuf};

/// The spec, single source of truth.
pub const SPEC: &str = "spec/open-api.yaml";
/// The listing of the generated public API.
pub const LISTING: &str = "api/public-api.md";
/// Snapshots of the spec as released with each guide version (`guide-v1.4.yaml`).
pub const RELEASED_DIR: &str = "api/released";
/// The changelog (Keep a Changelog).
pub const CHANGELOG: &str = "CHANGELOG.md";
/// The SDK crate's manifest (its `[package] version`).
pub const CARGO_TOML: &str = "Cargo.toml";
/// Manifests of workspace members that depend on the SDK by path: their version requirement
/// follows the SDK's version.
pub const DEPENDENT_MANIFESTS: &[&str] = &["cli/Cargo.toml"];
/// The lockfile (the SDK's own entry follows its version).
pub const CARGO_LOCK: &str = "Cargo.lock";
/// Redocly's configuration.
pub const REDOCLY_CONFIG: &str = ".redocly.yaml";

/// The workspace this xtask was built from.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// The cargo target directory of the workspace.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                workspace().join(dir)
            }
        }
        None => workspace().join("target"),
    }
}

/// A project: the workspace itself, or a copy of it (a rehearsal in a temp dir).
#[derive(Clone, Debug)]
pub struct Project {
    /// Its root folder.
    pub root: PathBuf,
}

impl Project {
    /// The project rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// A path inside the project.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Reads a project file, naming it on failure.
    pub fn read(&self, relative: &str) -> Result<String> {
        read(&self.path(relative))
    }

    /// Reads a project file that may be absent.
    pub fn read_optional(&self, relative: &str) -> Result<Option<String>> {
        let path = self.path(relative);
        if path.exists() {
            read(&path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Writes `text` unless the file already holds it; returns whether it changed.
    pub fn write_if_changed(&self, relative: &str, text: &str) -> Result<bool> {
        let path = self.path(relative);
        if fs::read_to_string(&path).ok().as_deref() == Some(text) {
            return Ok(false);
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::write(&path, text).map_err(|e| format!("cannot write {relative}: {e}"))?;
        Ok(true)
    }
}

/// Reads a file, naming it on failure.
pub fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
