//! Generates the operation subcommands from `spec/open-api.yaml` into OUT_DIR (see
//! `rizzitgo_open_api_codegen::cli`): never committed, like the SDK's client.

use std::{env, fs, path::PathBuf, process::ExitCode};

fn main() -> ExitCode {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/open-api.yaml");
    println!("cargo:rerun-if-changed={}", spec.display());
    match generate(&spec) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate(spec: &std::path::Path) -> Result<(), String> {
    let text =
        fs::read_to_string(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let spec = rizzitgo_open_api_codegen::parse_spec(&text)?;
    let code = rizzitgo_open_api_codegen::cli::generate_cli(&spec)?;
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    fs::write(out.join("cli.rs"), code).map_err(|e| format!("cannot write cli.rs: {e}"))
}
