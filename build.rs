//! Generates the client from `spec/open-api.yaml` into OUT_DIR (see `codegen/`).

use std::{env, fs, path::PathBuf, process::ExitCode};

const SPEC: &str = "spec/open-api.yaml";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
    match generate() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate() -> Result<(), String> {
    let text = fs::read_to_string(SPEC).map_err(|e| format!("cannot read {SPEC}: {e}"))?;
    let spec = rizzitgo_open_api_codegen::parse_spec(&text)?;
    let generated = rizzitgo_open_api_codegen::generate(&spec)?;
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    for (name, code) in [("raw.rs", &generated.raw), ("facade.rs", &generated.facade)] {
        fs::write(out.join(name), code).map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    // The spec this SDK was generated from, for dependents' build scripts (the CLI): they then
    // read the same file, from a checkout or from the published package alike.
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    println!("cargo::metadata=spec={}", dir.join(SPEC).display());
    Ok(())
}
