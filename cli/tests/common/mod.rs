//! Runs the built `rizzitgo` against a mock gateway started in the test process (127.0.0.1).

#![allow(dead_code)] // Each test file uses part of it.

use rizzitgo_mock_gateway::{MockGateway, seed};
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// What a run printed, and its exit code.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Credentials the child gets as `RIZZITGO_*` variables.
pub struct Creds {
    pub client_id: &'static str,
    pub client_secret: &'static str,
    pub tenant_id: &'static str,
}

pub const DEMO: Creds = Creds {
    client_id: seed::CLIENT_ID,
    client_secret: seed::CLIENT_SECRET,
    tenant_id: seed::TENANT_ID,
};

/// `rizzitgo --base-url <gateway> ARGS` with `creds` in the environment (and no other
/// `RIZZITGO_*` variable), `stdin` on its standard input. Runs on a blocking thread, so that
/// the gateway keeps serving on the test's runtime.
pub async fn rizzitgo(
    gateway: Option<&MockGateway>,
    creds: Option<&Creds>,
    args: &[&str],
    stdin: Option<&str>,
) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rizzitgo"));
    for (name, _) in std::env::vars() {
        if name.starts_with("RIZZITGO_") {
            command.env_remove(name);
        }
    }
    if let Some(gateway) = gateway {
        command.arg("--base-url").arg(gateway.url());
    }
    if let Some(creds) = creds {
        command
            .env("RIZZITGO_CLIENT_ID", creds.client_id)
            .env("RIZZITGO_CLIENT_SECRET", creds.client_secret)
            .env("RIZZITGO_TENANT_ID", creds.tenant_id);
    }
    command.args(args);
    let stdin = stdin.map(str::to_owned);
    let output: Output = tokio::task::spawn_blocking(move || {
        command
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the rizzitgo binary runs");
        if let Some(text) = stdin {
            let written = child
                .stdin
                .take()
                .expect("piped stdin")
                .write_all(text.as_bytes());
            // A command refused before it reads stdin (a usage error) closes it early.
            if let Err(e) = written {
                assert_eq!(
                    e.kind(),
                    std::io::ErrorKind::BrokenPipe,
                    "writing stdin: {e}"
                );
            }
        }
        child.wait_with_output().expect("rizzitgo finishes")
    })
    .await
    .expect("the runner thread");
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Fails when stdout or stderr shows a client secret, a token the gateway saw, or anything
/// shaped like a token (a run of 32 hex digits).
pub fn assert_no_secret(run: &Run, gateway: Option<&MockGateway>) {
    let text = format!("{}\n{}", run.stdout, run.stderr);
    for secret in [
        seed::CLIENT_SECRET,
        seed::OTHER_CLIENT_SECRET,
        "wrong-secret",
    ] {
        assert!(
            !text.contains(secret),
            "a client secret was printed:\n{text}"
        );
    }
    if let Some(gateway) = gateway {
        for request in gateway.stats().requests {
            if let Some(token) = request
                .header("authorization")
                .and_then(|h| h.strip_prefix("Bearer "))
            {
                assert!(!text.contains(token), "a token was printed:\n{text}");
            }
        }
    }
    let mut run_of_hex = 0;
    for c in text.chars() {
        run_of_hex = if c.is_ascii_hexdigit() {
            run_of_hex + 1
        } else {
            0
        };
        assert!(
            run_of_hex < 32,
            "something token-shaped was printed:\n{text}"
        );
    }
}
