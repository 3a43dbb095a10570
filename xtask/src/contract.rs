//! `cargo xtask contract`: the SDK's wire traffic checked against the spec.
//!
//! The mock gateway runs on a free port; Prism (`prism proxy spec/open-api.yaml <mock> --errors`)
//! sits in front of it and refuses any request that breaks the spec (422, not forwarded) and
//! turns any response that breaks it into a 500 naming the violation. `tests/contract.rs` (its
//! tests are `#[ignore]`d in plain `cargo test`) then drives the SDK through Prism: a violation
//! surfaces as a failed call, and Prism's log is scanned for violation lines as well. Both
//! processes are killed at the end, whatever happened.

use crate::Result;
use crate::paths::{Project, SPEC, target_dir};
use crate::process::{Guard, cargo, free_port, run as run_command, wait_for_port};
use crate::tools;
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The variables `tests/contract.rs` reads.
pub const ENV_URL: &str = "RIZZITGO_CONTRACT_URL";
/// Client id for the contract tests.
pub const ENV_CLIENT_ID: &str = "RIZZITGO_CONTRACT_CLIENT_ID";
/// Client secret for the contract tests.
pub const ENV_CLIENT_SECRET: &str = "RIZZITGO_CONTRACT_CLIENT_SECRET";
/// Tenant id for the contract tests.
pub const ENV_TENANT_ID: &str = "RIZZITGO_CONTRACT_TENANT_ID";

const MOCK_BIN: &str = "rizzitgo-mock-gateway";
const STARTUP_LIMIT: Duration = Duration::from_secs(60);

/// The mock gateway's startup lines.
#[derive(Clone, Debug, Default)]
pub(crate) struct Mock {
    pub(crate) url: String,
    client_id: String,
    client_secret: String,
    tenant_id: String,
}

/// Runs the contract suite through Prism.
pub fn run(project: &Project) -> Result<()> {
    let tools = tools::node_tools()?;
    // Build first, so nothing is listening while cargo compiles.
    build_mock()?;
    run_command(
        cargo().args([
            "test",
            "-p",
            "rizzitgo-open-api",
            "--test",
            "contract",
            "--no-run",
        ]),
        "cargo test --no-run (contract suite)",
    )?;

    let (mut mock_guard, mock) = start_mock()?;
    let port = free_port()?;
    let log_path = target_dir().join("contract").join("prism.log");
    std::fs::create_dir_all(log_path.parent().expect("a file in a folder"))
        .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    let log = std::fs::File::create(&log_path)
        .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    let log_err = log.try_clone().map_err(|e| e.to_string())?;
    let mut command = Command::new(&tools.prism);
    command
        .current_dir(&project.root)
        .arg("proxy")
        .arg(SPEC)
        .arg(&mock.url)
        .args(["--errors", "--host", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(log_err));
    tools::quiet_node_env(&mut command);
    let mut prism = Guard::spawn(&mut command, "prism proxy")?;
    if let Err(e) = wait_for_port(port, STARTUP_LIMIT, &mut prism) {
        return Err(format!("{e}; its log:\n{}", read_log(&log_path)));
    }
    let prism_url = format!("http://127.0.0.1:{port}");
    println!(
        "contract: mock gateway {} behind Prism {prism_url}",
        mock.url
    );

    let tests = cargo()
        .args([
            "test",
            "-p",
            "rizzitgo-open-api",
            "--test",
            "contract",
            "--",
            "--ignored",
        ])
        .env(ENV_URL, &prism_url)
        .env(ENV_CLIENT_ID, &mock.client_id)
        .env(ENV_CLIENT_SECRET, &mock.client_secret)
        .env(ENV_TENANT_ID, &mock.tenant_id)
        .status()
        .map_err(|e| format!("cannot run the contract tests: {e}"));
    let still_running = prism.check_running().and(mock_guard.check_running());
    drop(prism);
    drop(mock_guard);

    let log_text = read_log(&log_path);
    let violations = violations(&log_text);
    if !violations.is_empty() {
        eprintln!(
            "contract: Prism reported {} violation line(s) (full log: {}):",
            violations.len(),
            log_path.display()
        );
        for line in &violations {
            eprintln!("  {line}");
        }
    }
    let status = tests?;
    still_running?;
    if !status.success() {
        return Err(format!(
            "the contract tests failed through Prism (log: {})",
            log_path.display()
        ));
    }
    if !violations.is_empty() {
        return Err(format!(
            "Prism saw {} violation(s) of {SPEC}",
            violations.len()
        ));
    }
    println!("contract: every request and response of the SDK followed {SPEC}");
    Ok(())
}

fn read_log(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Lines of Prism's log that report a request or response breaking the spec (or any error).
pub fn violations(log: &str) -> Vec<String> {
    log.lines()
        .filter(|line| {
            line.contains("Violation")
                || line.contains('✖')
                || line.contains("UNPROCESSABLE_ENTITY")
                || line.contains("VIOLATIONS")
        })
        .map(str::to_owned)
        .collect()
}

/// Builds the mock gateway's binary (debug), the one [`start_mock`] runs.
pub(crate) fn build_mock() -> Result<()> {
    run_command(
        cargo().args(["build", "-p", "rizzitgo-mock-gateway", "--bin", MOCK_BIN]),
        "cargo build (mock gateway)",
    )
}

pub(crate) fn start_mock() -> Result<(Guard, Mock)> {
    let bin = target_dir().join("debug").join(MOCK_BIN);
    let mut guard = Guard::spawn(
        Command::new(&bin)
            .args(["--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit()),
        "the mock gateway",
    )?;
    let stdout = guard.child.stdout.take().ok_or("no stdout of the mock")?;
    let (sender, receiver) = mpsc::channel();
    // Keeps draining the mock's stdout until it exits.
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                // Nobody listens any more: keep reading so the mock never blocks.
                continue;
            }
        }
    });
    let mut mock = Mock::default();
    let deadline = std::time::Instant::now() + STARTUP_LIMIT;
    while mock.url.is_empty()
        || mock.client_id.is_empty()
        || mock.client_secret.is_empty()
        || mock.tenant_id.is_empty()
    {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = receiver.recv_timeout(left).map_err(|_| {
            format!(
                "the mock gateway did not print its url and credentials within {} s",
                STARTUP_LIMIT.as_secs()
            )
        })?;
        if let Some((key, value)) = line.split_once(':') {
            let value = value.trim().to_owned();
            match key.trim() {
                "url" => mock.url = value,
                "client_id" => mock.client_id = value,
                "client_secret" => mock.client_secret = value,
                "tenant_id" => mock.tenant_id = value,
                _ => {}
            }
        }
    }
    guard.check_running()?;
    Ok((guard, mock))
}

#[cfg(test)]
mod tests {
    #[test]
    fn violation_lines_are_found() {
        let log = "[11:37:35 AM] › [HTTP SERVER] post /open-api/goods/detail ℹ  info      Request received\n\
                   [11:37:35 AM] › [HTTP SERVER] post /open-api/goods/detail ✖  error     Request terminated with error\n\
                   [11:37:35 AM] ›     [VALIDATOR] ⚠  warning   Violation: response.body must have required property 'code'\n";
        assert_eq!(super::violations(log).len(), 2);
    }
}
