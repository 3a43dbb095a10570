//! `cargo xtask <command>`: see `usage()` and `xtask/README.md`.

use std::path::PathBuf;
use std::process::ExitCode;
use xtask::paths::Project;
use xtask::{api_check, bench, bump, ci, contract, drift, lint, msrv, regen};

fn usage() -> &'static str {
    "usage: cargo xtask [--root DIR] <command>

commands:
  bench [--no-build-times] [--instructions]
                    the benchmarks of BENCHMARKS.md in one run (release build; the guide's
                    Python sample from a venv made here; clean-build times of throwaway crates;
                    instruction counts per call under callgrind)
  bench --quota     calls per second under the gateway's quota: coalescing, the response cache
                    and a fleet sharing it, against a hand-written client (a redis-server is
                    installed when missing)
  bench --build-times-only [--default-tls]
                    the clean-build pairs alone (rustls + ring on both sides, or reqwest's
                    default TLS on both) and the rebuild after a spec edit
  bump-docs <version> [--no-redocly]
                    a new guide version: set info.version, check x-since, bump the crate
                    version (semver from the spec diff), write the CHANGELOG entry, regenerate
                    the artefacts, lint; running it again changes nothing
  regen [--check]   write the artefacts derived from the spec (api/); --check fails if stale
  lint [--no-redocly]
                    Redocly CLI (pinned, installed into .tools/node) and the SDK's own rules
  drift <api-docs.json>
                    compare a springdoc/Knife4j export of the live /open-api/** group with
                    the spec; exits 1 when they differ
  contract          the SDK's contract tests (tests/contract.rs) through Prism in front of
                    the mock gateway
  api-check         fail when an item of the released public API (api/released/public-api.txt)
                    is removed or changed without a breaking bump of Cargo.toml's version
  api-baseline      record the current public API as the released one (run it at a release)
  msrv              the README's MSRV is Cargo.toml's rust-version, and no dependency of the
                    SDK (as locked, any feature) needs a newer Rust
  ci                everything CI runs, in order (what .ci/run calls)

--root DIR runs on a copy of the project (default: this workspace)."
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut root = xtask::paths::workspace();
    if let Some(i) = args.iter().position(|a| a == "--root") {
        if i + 1 >= args.len() {
            eprintln!("error: --root needs a directory\n\n{}", usage());
            return ExitCode::from(2);
        }
        root = PathBuf::from(args.remove(i + 1));
        args.remove(i);
    }
    let project = Project::new(root);
    let flag = |args: &mut Vec<String>, name: &str| -> bool {
        match args.iter().position(|a| a == name) {
            Some(i) => {
                args.remove(i);
                true
            }
            None => false,
        }
    };
    let Some(command) = (!args.is_empty()).then(|| args.remove(0)) else {
        eprintln!("{}", usage());
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "bump-docs" => {
            let redocly = !flag(&mut args, "--no-redocly");
            match args.as_slice() {
                [version] => bump::bump_docs(&project, version, redocly),
                _ => Err(format!(
                    "bump-docs takes one version, e.g. `cargo xtask bump-docs 1.5`\n\n{}",
                    usage()
                )),
            }
        }
        "regen" => {
            let check = flag(&mut args, "--check");
            if !args.is_empty() {
                Err(format!("regen: unexpected arguments {args:?}"))
            } else if check {
                regen::check(&project)
            } else {
                regen::write(&project).map(|_| ())
            }
        }
        "lint" => {
            let redocly = !flag(&mut args, "--no-redocly");
            if args.is_empty() {
                lint::run(&project, redocly)
            } else {
                Err(format!("lint: unexpected arguments {args:?}"))
            }
        }
        "drift" => match args.as_slice() {
            [export] => drift::run(&project, &PathBuf::from(export)),
            _ => Err(format!(
                "drift takes the path of an api-docs.json export\n\n{}",
                usage()
            )),
        },
        "contract" if args.is_empty() => contract::run(&project),
        "bench" if flag(&mut args, "--build-times-only") => {
            let tls = if flag(&mut args, "--default-tls") {
                bench::Tls::Default
            } else {
                bench::Tls::Ring
            };
            if args.is_empty() {
                bench::build_times_ratio(&project, tls)
            } else {
                Err(format!("bench: unexpected arguments {args:?}"))
            }
        }
        "bench" if flag(&mut args, "--quota") => {
            if args.is_empty() {
                bench::quota(&project)
            } else {
                Err(format!("bench: unexpected arguments {args:?}"))
            }
        }
        "bench" => {
            let build_times = !flag(&mut args, "--no-build-times");
            let instructions = flag(&mut args, "--instructions");
            if args.is_empty() {
                bench::run_all(&project, build_times, instructions)
            } else {
                Err(format!("bench: unexpected arguments {args:?}"))
            }
        }
        "api-check" if args.is_empty() => api_check::run(&project),
        "api-baseline" if args.is_empty() => api_check::write_baseline(&project),
        "msrv" if args.is_empty() => msrv::run(&project),
        "ci" if args.is_empty() => ci::run(&project),
        "-h" | "--help" | "help" => {
            println!("{}", usage());
            Ok(())
        }
        other => Err(format!(
            "unknown command or arguments: {other} {}\n\n{}",
            args.join(" "),
            usage()
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
