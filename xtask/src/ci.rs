//! `cargo xtask ci`: everything CI runs, in order, stopping at the first failure. `.ci/run`
//! calls it, and a developer runs the same thing locally.

use crate::Result;
use crate::paths::Project;
use crate::process::{cargo, duration_text, run as run_command};
use crate::{api_check, contract, lint, msrv, regen};
use std::process::Command;
use std::time::Instant;

/// The conformance script of the mock gateway (schemathesis), run when present.
pub const CONFORMANCE: &str = "scripts/conformance.sh";

/// The SDK's optional features every step builds with (one set: no step rebuilds another's
/// artefacts). The TLS stack is the default one. `mock-gateway` is also what the `rizzitgo`
/// command line (crate `rizzitgo-cli`, built and tested by the `--workspace` steps) enables, so
/// the SDK is compiled once for the library's tests and the CLI's; `redis` runs the fleet tests
/// against a real redis-server; `opentelemetry` the metrics test; `schemars` the test of the
/// types' JSON Schemas.
pub const FEATURES: &str = "rizzitgo-open-api/jiff,rizzitgo-open-api/chrono,rizzitgo-open-api/mock-gateway,rizzitgo-open-api/redis,rizzitgo-open-api/opentelemetry,rizzitgo-open-api/schemars";

/// Variables that would point the examples at a real gateway: CI runs them against the mock.
const CREDENTIAL_VARS: [&str; 5] = [
    "RIZZITGO_CLIENT_ID",
    "RIZZITGO_CLIENT_SECRET",
    "RIZZITGO_TENANT_ID",
    "RIZZITGO_ENVIRONMENT",
    "RIZZITGO_SCOPES",
];

type Step<'a> = (&'static str, Box<dyn Fn() -> Result<()> + 'a>);

/// Runs every step; fails at the first failing one.
pub fn run(project: &Project) -> Result<()> {
    let steps: Vec<Step> = vec![
        (
            // The fleet-mode tests start real redis-servers: installed here when missing, so
            // that this one command works on a fresh machine.
            "scripts/install-redis.sh",
            Box::new(|| {
                run_command(
                    Command::new("bash")
                        .arg(project.path("scripts/install-redis.sh"))
                        .current_dir(&project.root),
                    "scripts/install-redis.sh",
                )
            }),
        ),
        (
            "cargo fmt --all --check",
            Box::new(|| {
                run_command(
                    cargo().args(["fmt", "--all", "--check"]),
                    "cargo fmt --check",
                )
            }),
        ),
        (
            "cargo clippy --workspace --all-targets -- -D warnings",
            Box::new(|| {
                run_command(
                    cargo().args([
                        "clippy",
                        "--workspace",
                        "--all-targets",
                        "--features",
                        FEATURES,
                        "--",
                        "-D",
                        "warnings",
                    ]),
                    "cargo clippy",
                )
            }),
        ),
        (
            // Every other step unifies the workspace's features: this one catches a test or an
            // example of the SDK that needs a feature its manifest does not require.
            "cargo check --tests --examples -p rizzitgo-open-api (default features)",
            Box::new(|| {
                run_command(
                    cargo().args(["check", "--tests", "--examples", "-p", "rizzitgo-open-api"]),
                    "cargo check (default features)",
                )
            }),
        ),
        (
            "cargo doc --workspace --no-deps (warnings denied)",
            Box::new(|| {
                run_command(
                    cargo()
                        .args(["doc", "--workspace", "--no-deps", "--features", FEATURES])
                        .env("RUSTDOCFLAGS", "-D warnings"),
                    "cargo doc",
                )
            }),
        ),
        (
            // The docs as a user builds them (the README's command): the SDK with the mock as a
            // dependency, not the workspace's feature set. Its dependencies' docs are not built
            // (--no-deps), so this costs the two crates' rustdoc alone.
            "cargo doc -p rizzitgo-open-api -p rizzitgo-mock-gateway, as the README says",
            Box::new(|| {
                run_command(
                    cargo()
                        .args([
                            "doc",
                            "--no-deps",
                            "-p",
                            "rizzitgo-open-api",
                            "-p",
                            "rizzitgo-mock-gateway",
                            "--features",
                            "rizzitgo-open-api/mock-gateway",
                        ])
                        .env("RUSTDOCFLAGS", "-D warnings"),
                    "cargo doc (as a user)",
                )
            }),
        ),
        (
            "cargo xtask regen --check",
            Box::new(|| regen::check(project)),
        ),
        ("cargo xtask lint", Box::new(|| lint::run(project, true))),
        (
            "cargo xtask api-check (the released public API is kept, or the version bumped)",
            Box::new(|| api_check::run(project)),
        ),
        (
            "cargo xtask msrv (README = rust-version ≥ every dependency's)",
            Box::new(|| msrv::run(project)),
        ),
        (
            "cargo test --workspace",
            Box::new(|| {
                run_command(
                    cargo().args(["test", "--workspace", "--features", FEATURES]),
                    "cargo test --workspace",
                )
            }),
        ),
        (
            "every example, against the mock gateway",
            Box::new(|| examples(project)),
        ),
        (
            "cargo package --workspace (each crate builds from its tarball)",
            Box::new(|| {
                forget_packaged_sources()?;
                run_command(
                    cargo().args(["package", "--workspace", "--allow-dirty"]),
                    "cargo package --workspace",
                )
            }),
        ),
        (CONFORMANCE, Box::new(|| conformance(project))),
        ("cargo xtask contract", Box::new(|| contract::run(project))),
    ];
    let total = steps.len();
    let start = Instant::now();
    let mut timings: Vec<String> = Vec::new();
    for (i, (name, step)) in steps.iter().enumerate() {
        println!("\n==> ci [{}/{total}] {name}", i + 1);
        let step_start = Instant::now();
        let result = step();
        let took = duration_text(step_start.elapsed());
        match result {
            Ok(()) => {
                println!("==> ci [{}/{total}] {name}: ok ({took})", i + 1);
                timings.push(format!("{name} {took}"));
            }
            Err(e) => {
                eprintln!("\n==> ci [{}/{total}] {name}: FAILED ({took}): {e}", i + 1);
                if !timings.is_empty() {
                    eprintln!("==> ci: passed before it: {}", timings.join(", "));
                }
                return Err(format!(
                    "ci failed at step {}/{total} ({name}) after {}",
                    i + 1,
                    duration_text(start.elapsed())
                ));
            }
        }
    }
    println!(
        "\n==> ci: all {total} steps passed in {}: {}",
        duration_text(start.elapsed()),
        timings.join(", ")
    );
    Ok(())
}

/// `cargo package --workspace` verifies each crate against the others through a local registry
/// (`target/package/tmp-registry`) whose sources cargo extracts once per name and version: a
/// second run with changed code but the same version would build the first run's copy. Those
/// extracted copies of this workspace's crates (in local registries only, never crates.io's)
/// are removed first, and so are the fingerprints of this workspace's crates: cargo deems a
/// registry crate of an unchanged version fresh, so its stale build would be reused.
fn forget_packaged_sources() -> Result<()> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| crate::paths::workspace().join("target"));
    let fingerprints = target.join("debug").join(".fingerprint");
    for entry in std::fs::read_dir(&fingerprints)
        .into_iter()
        .flatten()
        .flatten()
    {
        if entry.file_name().to_string_lossy().starts_with("rizzitgo-") {
            std::fs::remove_dir_all(entry.path()).map_err(|e| {
                format!(
                    "cannot remove the fingerprint {}: {e}",
                    entry.path().display()
                )
            })?;
        }
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo")));
    let Some(sources) = home.map(|h| h.join("registry").join("src")) else {
        return Ok(());
    };
    let Ok(registries) = std::fs::read_dir(&sources) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        // Local registries have no host name: their folder name starts with the hash's '-'.
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for krate in std::fs::read_dir(registry.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = krate.file_name().to_string_lossy().into_owned();
            if name.starts_with("rizzitgo-") {
                std::fs::remove_dir_all(krate.path())
                    .map_err(|e| format!("cannot remove the stale {name}: {e}"))?;
            }
        }
    }
    Ok(())
}

/// Runs every example of the SDK (they start the mock gateway themselves when no credentials
/// are set).
fn examples(project: &Project) -> Result<()> {
    let mut names: Vec<String> = std::fs::read_dir(project.path("examples"))
        .map_err(|e| format!("cannot list examples/: {e}"))?
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .collect();
    names.sort();
    for name in &names {
        println!("ci: example {name}");
        let mut command = cargo();
        command.args(["run", "-q", "--features", FEATURES, "--example", name]);
        for var in CREDENTIAL_VARS {
            command.env_remove(var);
        }
        run_command(&mut command, &format!("example {name}"))?;
    }
    Ok(())
}

fn conformance(project: &Project) -> Result<()> {
    let script = project.path(CONFORMANCE);
    if !script.exists() {
        println!("ci: {CONFORMANCE} does not exist yet: skipped");
        return Ok(());
    }
    // The script runs target/debug/rizzitgo-mock-gateway: make sure it is the current one.
    crate::contract::build_mock()?;
    run_command(
        Command::new("bash").arg(&script).current_dir(&project.root),
        CONFORMANCE,
    )
}
