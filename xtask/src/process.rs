//! Running commands: cargo, the mock gateway, Prism.

use crate::Result;
use crate::paths::workspace;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// `cargo` (the one running xtask, when known) in the workspace.
pub fn cargo() -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(program);
    command.current_dir(workspace());
    command
}

/// Runs a command with inherited output; fails, naming it, unless it succeeds.
pub fn run(command: &mut Command, what: &str) -> Result<()> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// A child process that is killed (and reaped) when dropped, whatever happened in between.
#[derive(Debug)]
pub struct Guard {
    /// The process.
    pub child: Child,
    name: String,
}

impl Guard {
    /// Spawns `command`, naming it in errors.
    pub fn spawn(command: &mut Command, name: &str) -> Result<Guard> {
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        Ok(Guard {
            child,
            name: name.to_owned(),
        })
    }

    /// Fails when the process has exited already.
    pub fn check_running(&mut self) -> Result<()> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!("{} exited early ({status})", self.name)),
            Err(e) => Err(format!("cannot watch {}: {e}", self.name)),
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Waits until something accepts connections on 127.0.0.1:`port`, at most `limit`.
pub fn wait_for_port(port: u16, limit: Duration, guard: &mut Guard) -> Result<()> {
    let start = Instant::now();
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    loop {
        guard.check_running()?;
        if std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if start.elapsed() > limit {
            return Err(format!(
                "{} did not listen on 127.0.0.1:{port} within {} s",
                guard.name,
                limit.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| format!("cannot find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// `12.3 s` / `2 min 05 s`.
pub fn duration_text(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1} s")
    } else {
        let whole = d.as_secs();
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}
