//! Generates the operation subcommands into OUT_DIR (see `rizzitgo_open_api_codegen::cli`),
//! never committed, like the SDK's client. The spec is the one the SDK dependency was generated
//! from: its build script hands over the path (`links`, `DEP_RIZZITGO_OPEN_API_SPEC`), so the
//! CLI and the SDK it calls always agree, in a checkout and in a packaged build.

use std::{env, fs, path::PathBuf, process::ExitCode};

const SPEC_VAR: &str = "DEP_RIZZITGO_OPEN_API_SPEC";

fn main() -> ExitCode {
    println!("cargo:rerun-if-env-changed={SPEC_VAR}");
    match generate() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate() -> Result<(), String> {
    let spec = PathBuf::from(env::var(SPEC_VAR).map_err(|_| {
        format!("{SPEC_VAR} is not set: the rizzitgo-open-api build script sets it")
    })?);
    println!("cargo:rerun-if-changed={}", spec.display());
    let text =
        fs::read_to_string(&spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let spec = rizzitgo_open_api_codegen::parse_spec(&text)?;
    let code = rizzitgo_open_api_codegen::cli::generate_cli(&spec)?;
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    fs::write(out.join("cli.rs"), code).map_err(|e| format!("cannot write cli.rs: {e}"))
}
