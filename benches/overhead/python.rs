//! The guide's own Python `requests` sample in a loop (`guide_loop.py`), run by the venv's
//! Python that `cargo xtask bench` installs (`RIZZITGO_BENCH_PYTHON`).

use rizzitgo_mock_gateway::MockGateway;
use std::time::Duration;

/// Seconds per call of the guide's sample: (as written, with a Session); `None` when no
/// Python was given.
pub fn per_call(gateway: &MockGateway, calls: usize) -> Option<(Duration, Duration)> {
    let python = std::env::var_os("RIZZITGO_BENCH_PYTHON")?;
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/overhead/guide_loop.py"
    );
    let c = gateway.credentials();
    let out = std::process::Command::new(python)
        .arg(script)
        .args([gateway.url(), c.tenant_id, c.client_id, c.client_secret])
        .arg(calls.to_string())
        .output()
        .expect("run the Python sample");
    assert!(
        out.status.success(),
        "the Python sample failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut secs = text.split_whitespace().map(|s| s.parse::<f64>().unwrap());
    Some((
        Duration::from_secs_f64(secs.next()?),
        Duration::from_secs_f64(secs.next()?),
    ))
}
