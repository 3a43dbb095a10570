//! The operation subcommands, generated from `spec/open-api.yaml` by `build.rs` (see
//! `rizzitgo_open_api_codegen::cli`): `OPERATIONS` (their flags, as data) and `run`.

include!(concat!(env!("OUT_DIR"), "/cli.rs"));
