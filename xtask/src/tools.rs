//! Node tools (Redocly CLI, Prism), pinned by `xtask/tools/package.json` and its lockfile and
//! installed with `npm ci` into `.tools/node` (gitignored). Installed once: a later run with the
//! same lockfile reuses them.

use crate::Result;
use crate::paths::workspace;
use std::path::PathBuf;
use std::process::Command;

/// The committed manifest and lockfile.
pub const MANIFEST_DIR: &str = "xtask/tools";
/// Where they are installed.
pub const INSTALL_DIR: &str = ".tools/node";

/// Paths of the installed executables.
#[derive(Clone, Debug)]
pub struct NodeTools {
    /// `redocly`
    pub redocly: PathBuf,
    /// `prism`
    pub prism: PathBuf,
}

fn install_dir() -> PathBuf {
    workspace().join(INSTALL_DIR)
}

fn installed() -> NodeTools {
    let bin = install_dir().join("node_modules/.bin");
    NodeTools {
        redocly: bin.join("redocly"),
        prism: bin.join("prism"),
    }
}

/// Whether the tools are installed from the current lockfile (no install needed).
pub fn node_tools_ready() -> bool {
    let tools = installed();
    let lock = std::fs::read(workspace().join(MANIFEST_DIR).join("package-lock.json")).ok();
    let copy = std::fs::read(install_dir().join("package-lock.json")).ok();
    tools.redocly.exists() && tools.prism.exists() && lock.is_some() && lock == copy
}

/// The tools, installed first if needed (`npm ci` from the committed lockfile).
pub fn node_tools() -> Result<NodeTools> {
    if node_tools_ready() {
        return Ok(installed());
    }
    let source = workspace().join(MANIFEST_DIR);
    let dir = install_dir();
    check_node()?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(source.join(file), dir.join(file))
            .map_err(|e| format!("cannot copy {MANIFEST_DIR}/{file}: {e}"))?;
    }
    println!("tools: installing Redocly CLI and Prism into {INSTALL_DIR} (npm ci)");
    let mut command = Command::new("npm");
    command
        .current_dir(&dir)
        .args(["ci", "--no-audit", "--no-fund", "--loglevel", "error"]);
    quiet_node_env(&mut command);
    let status = command
        .status()
        .map_err(|e| format!("cannot run npm (Node 20+ and npm are needed): {e}"))?;
    if !status.success() {
        // A half-installed folder must not pass for a ready one next time.
        let _ = std::fs::remove_file(dir.join("package-lock.json"));
        return Err(format!("npm ci failed in {INSTALL_DIR} ({status})"));
    }
    let tools = installed();
    for bin in [&tools.redocly, &tools.prism] {
        if !bin.exists() {
            return Err(format!("npm ci did not install {}", bin.display()));
        }
    }
    Ok(tools)
}

fn check_node() -> Result<()> {
    let output = Command::new("node")
        .arg("--version")
        .output()
        .map_err(|e| format!("Node.js is needed for Redocly CLI and Prism (Node 20+): {e}"))?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        return Err(format!(
            "Node.js {version} is too old: Redocly CLI 2.77 and Prism 5.14 need Node 20+"
        ));
    }
    Ok(())
}

/// No telemetry, update checks or notifications from the Node tools: they only talk to
/// 127.0.0.1 (and npm to its registry when installing).
pub fn quiet_node_env(command: &mut Command) {
    command
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .env("REDOCLY_SUPPRESS_NOTIFICATIONS", "true")
        .env("DO_NOT_TRACK", "1")
        .env("NO_UPDATE_NOTIFIER", "1")
        .env("NPM_CONFIG_UPDATE_NOTIFIER", "false");
}
