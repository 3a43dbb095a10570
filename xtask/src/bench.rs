//! `cargo xtask bench`: every figure of BENCHMARKS.md in one run. The overhead benchmark
//! (`benches/overhead/`, with the guide's Python sample from a venv installed here), then the
//! clean build of a throwaway crate on the SDK against one on just reqwest + serde + tokio, and
//! the rebuild after a spec edit (rustls + ring on both sides; `--build-times-only` runs these
//! alone, `--default-tls` with reqwest's default TLS on both). `--no-build-times` skips the
//! builds (they take minutes);
//! `--instructions` adds instruction counts per call under callgrind (valgrind), a figure the
//! machine's load does not move.

use crate::Result;
use crate::paths::{Project, target_dir};
use crate::process::{cargo, run};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The Python sample's `requests`, the version conformance.sh pins.
const REQUESTS_VERSION: &str = "2.34.2";

/// Runs the benchmarks; prints the figures.
pub fn run_all(project: &Project, build_times: bool, instructions: bool) -> Result<()> {
    let python = bench_venv(project)?;
    println!("==> cargo bench --bench overhead");
    run(
        cargo()
            .args(["bench", "--bench", "overhead"])
            .env("RIZZITGO_BENCH_PYTHON", &python),
        "cargo bench --bench overhead",
    )?;
    if instructions {
        instructions_per_call()?;
    }
    if build_times {
        build_times_ratio(project, Tls::Ring)?;
    }
    Ok(())
}

/// The quota benchmark (`benches/quota`): a release build with the fleet feature, against a
/// redis-server the project's script installs when missing.
pub fn quota(project: &Project) -> Result<()> {
    run(
        Command::new("bash")
            .arg(project.path("scripts/install-redis.sh"))
            .current_dir(&project.root),
        "scripts/install-redis.sh",
    )?;
    println!("==> cargo bench --bench quota --features redis");
    run(
        cargo().args(["bench", "--bench", "quota", "--features", "redis"]),
        "cargo bench --bench quota",
    )
}

/// Instructions per goods-detail call of each client: the difference of two runs under
/// callgrind (2,000 and 1,000 calls) over 1,000, against the mock gateway's binary in a process
/// of its own (not counted). Then the same under the throughput's load (64 concurrent tasks)
/// with callgrind's cache simulation: what the wall-clock throughput suffers from beyond
/// instructions (a call's state and code that miss the first-level caches) in a figure that
/// does not depend on the machine's load.
fn instructions_per_call() -> Result<()> {
    crate::contract::build_mock()?;
    let (_mock, mock) = crate::contract::start_mock()?;
    let host = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| format!("rustc -vV: {e}"))?;
    let host = String::from_utf8_lossy(&host.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .ok_or("rustc -vV names no host")?;
    let runner = format!(
        "CARGO_TARGET_{}_RUNNER",
        host.to_uppercase().replace(['-', '.'], "_")
    );
    let dir = target_dir().join("callgrind");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let per_call = |side: &str, tasks: usize| -> Result<Counts> {
        let mut counts = Vec::new();
        for calls in [1_000u64, 2_000] {
            let out = dir.join(format!("{side}-{tasks}-{calls}.out"));
            println!("==> callgrind: {side}, {calls} calls from {tasks} task(s)");
            let cache_sim = if tasks > 1 { " --cache-sim=yes" } else { "" };
            run(
                cargo()
                    .args(["bench", "--quiet", "--bench", "overhead"])
                    .env("RIZZITGO_BENCH_PROFILE", side)
                    .env("RIZZITGO_BENCH_CALLS", calls.to_string())
                    .env("RIZZITGO_BENCH_TASKS", tasks.to_string())
                    .env("RIZZITGO_BENCH_MOCK_URL", &mock.url)
                    .env(
                        &runner,
                        format!(
                            "valgrind -q --tool=callgrind{cache_sim} --callgrind-out-file={}",
                            out.display()
                        ),
                    ),
                "cargo bench under callgrind (is valgrind installed?)",
            )?;
            counts.push(Counts::read(&out)?);
        }
        Ok(counts[1].minus(&counts[0], 1_000))
    };
    let (sdk, hand) = (per_call("sdk", 1)?, per_call("hand", 1)?);
    println!(
        "instructions per call of the client, SDK / hand-written   {:.3}   ({} against {}: the SDK's own cost is {} per call)",
        sdk.instructions / hand.instructions,
        sdk.instructions as u64,
        hand.instructions as u64,
        (sdk.instructions - hand.instructions).max(0.0) as u64
    );
    let (sdk, hand) = (per_call("sdk", 64)?, per_call("hand", 64)?);
    println!(
        "under 64 concurrent tasks, SDK / hand-written: instructions {:.3}, first-level cache misses {:.3} ({:.0} against {:.0}), estimated cycles {:.3}   (callgrind's cache simulation; the estimate is callgrind's: an instruction 1, a first-level miss 10, a last-level miss 100)",
        sdk.instructions / hand.instructions,
        sdk.l1_misses / hand.l1_misses,
        sdk.l1_misses,
        hand.l1_misses,
        sdk.cycles() / hand.cycles()
    );
    Ok(())
}

/// Per-call event counts of a callgrind run.
struct Counts {
    instructions: f64,
    l1_misses: f64,
    ll_misses: f64,
}

impl Counts {
    /// The totals of a callgrind output file (its `events:` and `summary:` or `totals:` lines);
    /// without cache simulation the misses are zero.
    fn read(file: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let events: Vec<&str> = text
            .lines()
            .find_map(|l| l.strip_prefix("events:"))
            .map(|l| l.split_whitespace().collect())
            .unwrap_or_else(|| vec!["Ir"]);
        let totals: Vec<f64> = text
            .lines()
            .find_map(|l| {
                l.strip_prefix("summary:")
                    .or_else(|| l.strip_prefix("totals:"))
            })
            .map(|l| {
                l.split_whitespace()
                    .filter_map(|n| n.parse().ok())
                    .collect()
            })
            .ok_or_else(|| format!("{}: no totals", file.display()))?;
        let sum = |names: &[&str]| -> f64 {
            events
                .iter()
                .zip(&totals)
                .filter(|(event, _)| names.contains(event))
                .map(|(_, n)| n)
                .sum()
        };
        let instructions = sum(&["Ir"]);
        if instructions == 0.0 {
            return Err(format!("{}: no instruction total", file.display()));
        }
        Ok(Self {
            instructions,
            l1_misses: sum(&["I1mr", "D1mr", "D1mw"]),
            ll_misses: sum(&["ILmr", "DLmr", "DLmw"]),
        })
    }

    /// `self - earlier`, per call of `calls`.
    fn minus(&self, earlier: &Self, calls: u64) -> Self {
        let per = |a: f64, b: f64| (a - b) / calls as f64;
        Self {
            instructions: per(self.instructions, earlier.instructions),
            l1_misses: per(self.l1_misses, earlier.l1_misses),
            ll_misses: per(self.ll_misses, earlier.ll_misses),
        }
    }

    /// Callgrind's cycle estimate (`callgrind_annotate`'s: Ir + 10 L1 misses + 100 LL misses).
    fn cycles(&self) -> f64 {
        self.instructions + 10.0 * self.l1_misses + 100.0 * self.ll_misses
    }
}

/// `.tools/bench-venv` with `requests`, made when missing; its Python.
fn bench_venv(project: &Project) -> Result<PathBuf> {
    let venv = project.path(".tools/bench-venv");
    let python = venv.join("bin/python");
    let ready = Command::new(&python)
        .args(["-c", "import requests"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        println!(
            "==> creating {} (requests {REQUESTS_VERSION})",
            venv.display()
        );
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv",
        )?;
        run(
            Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet"])
                .arg(format!("requests=={REQUESTS_VERSION}")),
            "pip install requests",
        )?;
    }
    Ok(python)
}

/// The main.rs both throwaway crates build: what a partner's first program needs.
const APP_SDK: &str = r#"#[tokio::main]
async fn main() -> Result<(), rizzitgo_open_api::Error> {
    use rizzitgo_open_api::types::{GoodsRequest, Source};
    let client = rizzitgo_open_api::Client::from_env()?;
    let goods = client.goods_detail(GoodsRequest::new("123456", Source::Taobao)).await?;
    println!("{:?}", goods.goods_title);
    Ok(())
}
"#;

const APP_BASELINE: &str = r#"#[derive(serde::Deserialize, Debug)]
struct Envelope {
    code: i64,
    data: Option<serde_json::Value>,
}

#[tokio::main]
async fn main() -> Result<(), reqwest::Error> {
    INSTALL_PROVIDER
    let envelope: Envelope = reqwest::Client::new()
        .post("https://api.rizzitgo.com/open-api/goods/detail")
        .json(&serde_json::json!({"goodsId": "123456", "source": 1}))
        .send()
        .await?
        .json()
        .await?;
    println!("{} {:?}", envelope.code, envelope.data);
    Ok(())
}
"#;

/// Clean builds per side, each pair back to back (the machine's load moves both alike).
const PAIRS: usize = 3;

/// The TLS both throwaway crates build with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tls {
    /// rustls with the ring provider: the SDK's lean `rustls-ring` feature against reqwest's
    /// `rustls-no-provider` and rustls' `ring` (no C build of aws-lc on either side).
    Ring,
    /// reqwest's default TLS on both sides (rustls with aws-lc-rs).
    Default,
}

impl Tls {
    fn dependencies(self, sdk: &Path) -> (String, String) {
        let tokio = "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n";
        let serde = "serde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n";
        let sdk = sdk.display().to_string();
        match self {
            Tls::Ring => (
                format!(
                    "rizzitgo-open-api = {{ path = {sdk:?}, default-features = false, features = [\"rustls-ring\"] }}\n{tokio}"
                ),
                format!(
                    "reqwest = {{ version = \"0.13\", default-features = false, features = [\"rustls-no-provider\", \"json\", \"form\", \"http2\"] }}\nrustls = {{ version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\", \"logging\"] }}\n{serde}{tokio}"
                ),
            ),
            Tls::Default => (
                format!("rizzitgo-open-api = {{ path = {sdk:?} }}\n{tokio}"),
                format!(
                    "reqwest = {{ version = \"0.13\", default-features = false, features = [\"rustls\", \"json\", \"form\", \"http2\"] }}\n{serde}{tokio}"
                ),
            ),
        }
    }

    fn baseline_main(self) -> String {
        let install = match self {
            Tls::Ring => "let _ = rustls::crypto::ring::default_provider().install_default();",
            Tls::Default => "",
        };
        APP_BASELINE.replace("INSTALL_PROVIDER", install)
    }

    fn describe(self) -> &'static str {
        match self {
            Tls::Ring => {
                "both rustls + ring: the SDK with default-features = false, features = [\"rustls-ring\"]; \
                 reqwest with rustls-no-provider and rustls' ring provider"
            }
            Tls::Default => "both reqwest's default TLS: rustls + aws-lc-rs",
        }
    }
}

/// Clean dev builds of a throwaway crate on the SDK and of one on its HTTP stack alone (the
/// same TLS, serde, tokio), `PAIRS` pairs, each side in an empty target dir; then the SDK
/// app's rebuild after an edit of the spec.
pub fn build_times_ratio(project: &Project, tls: Tls) -> Result<()> {
    let root = target_dir().join("bench-build");
    let _ = std::fs::remove_dir_all(&root);
    let sdk_copy = root.join("project");
    copy_tracked(project, &sdk_copy)?;
    let (sdk_dep, baseline_dep) = tls.dependencies(&sdk_copy);
    let lock = project.path("Cargo.lock");
    let sdk_app = throwaway(&root.join("app-sdk"), &sdk_dep, APP_SDK, &lock)?;
    let baseline_app = throwaway(
        &root.join("app-baseline"),
        &baseline_dep,
        &tls.baseline_main(),
        &lock,
    )?;
    // Fetch first, so that downloads are not timed.
    for app in [&sdk_app, &baseline_app] {
        run(
            cargo().arg("fetch").current_dir(app),
            "cargo fetch (throwaway crate)",
        )?;
    }
    let (mut ratios, mut cpu_ratios) = (Vec::new(), Vec::new());
    for pair in 1..=PAIRS {
        let sdk = timed_build(&sdk_app, true)?;
        let baseline = timed_build(&baseline_app, true)?;
        let ratio = sdk.wall.as_secs_f64() / baseline.wall.as_secs_f64();
        let cpu = sdk.cpu.zip(baseline.cpu).map(|(s, b)| (s, b, s / b));
        println!(
            "clean build, pair {pair}/{PAIRS}: SDK app {:.1} s, hand-written app {:.1} s, ratio {ratio:.2}{}",
            sdk.wall.as_secs_f64(),
            baseline.wall.as_secs_f64(),
            cpu.map(|(s, b, r)| format!(" (CPU time {s:.0} s against {b:.0} s: {r:.2})"))
                .unwrap_or_default()
        );
        ratios.push(ratio);
        cpu_ratios.extend(cpu.map(|(_, _, r)| r));
    }
    let spec = sdk_copy.join("spec/open-api.yaml");
    let text = std::fs::read_to_string(&spec).map_err(|e| e.to_string())?;
    std::fs::write(&spec, add_response_field(&text)?).map_err(|e| e.to_string())?;
    let rebuild = timed_build(&sdk_app, false)?;
    let (min, median, max) = spread(&mut ratios);
    println!(
        "clean build, app on the SDK / app on reqwest + serde + tokio   {min:.2} / {median:.2} / {max:.2} (min / median / max of {PAIRS} pairs; target: median <= 1.30; dev profile; TLS: {})",
        tls.describe()
    );
    if cpu_ratios.len() == PAIRS {
        let (min, median, max) = spread(&mut cpu_ratios);
        println!(
            "  the same in CPU time (user + system of the builds; less moved by other load)   {min:.2} / {median:.2} / {max:.2}"
        );
    }
    println!(
        "rebuild of the SDK app after a field is added to the spec      {:.0} s (target <= 10 s)",
        rebuild.wall.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}

/// Min, median and max.
fn spread(values: &mut [f64]) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let median = values[values.len() / 2];
    (values[0], median, values[values.len() - 1])
}

/// The spec with one more field in the goods-detail response: an edit that changes the
/// generated code (a comment would not: the rebuild would be incremental and take 2 s).
fn add_response_field(spec: &str) -> Result<String> {
    let schema = spec
        .find("\n    GoodsDetail:\n")
        .ok_or("the spec has no GoodsDetail schema")?;
    let properties = spec[schema..]
        .find("      properties:\n")
        .map(|at| schema + at + "      properties:\n".len())
        .ok_or("GoodsDetail has no properties")?;
    let field = "        benchEdit:\n          type: string\n          \
                 description: A field added by cargo xtask bench.\n";
    Ok(format!(
        "{}{field}{}",
        &spec[..properties],
        &spec[properties..]
    ))
}

/// A binary crate at `dir` with `dependencies` and `main`, outside every workspace.
fn throwaway(dir: &Path, dependencies: &str, main: &str, lock: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"throwaway\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{dependencies}\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/main.rs"), main).map_err(|e| e.to_string())?;
    // The project's versions, so that both builds compile what the SDK's users get.
    std::fs::copy(lock, dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    Ok(dir.to_owned())
}

/// The time a build took: wall clock, and CPU time (user + system) when the OS tells it.
struct BuildTime {
    wall: Duration,
    cpu: Option<f64>,
}

/// A dev build of `app`; `clean` starts from an empty target dir.
fn timed_build(app: &Path, clean: bool) -> Result<BuildTime> {
    let target = app.join("target");
    if clean {
        let _ = std::fs::remove_dir_all(&target);
    }
    let cpu_before = children_cpu_seconds();
    let started = Instant::now();
    run(
        cargo()
            .args(["build", "--quiet"])
            .current_dir(app)
            .env("CARGO_TARGET_DIR", &target),
        "cargo build (throwaway crate)",
    )?;
    let wall = started.elapsed();
    let cpu = children_cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    Ok(BuildTime { wall, cpu })
}

/// CPU seconds (user + system) of this process's finished children and theirs: fields
/// `cutime` and `cstime` of `/proc/self/stat` (Linux), in clock ticks of 1/100 s.
fn children_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (in parentheses): state is field 3, cutime 16.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |at: usize| fields.get(at - 3)?.parse::<f64>().ok();
    Some((ticks(16)? + ticks(17)?) / 100.0)
}

/// The files git tracks (as they are in the work tree), copied to `to`.
fn copy_tracked(project: &Project, to: &Path) -> Result<()> {
    let listing = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(project.path("."))
        .output()
        .map_err(|e| format!("git ls-files: {e}"))?;
    for file in listing.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let file = String::from_utf8_lossy(file);
        let (from, dest) = (project.path(&file), to.join(&*file));
        if !from.exists() {
            continue;
        }
        std::fs::create_dir_all(dest.parent().unwrap_or(to)).map_err(|e| e.to_string())?;
        std::fs::copy(&from, &dest).map_err(|e| format!("copy {file}: {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{add_response_field, spread};

    #[test]
    fn the_cpu_time_of_children_grows_with_a_child() {
        let before = super::children_cpu_seconds().unwrap();
        std::process::Command::new("sh")
            .args(["-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"])
            .status()
            .unwrap();
        assert!(super::children_cpu_seconds().unwrap() > before);
    }

    #[test]
    fn the_spread_is_min_median_max() {
        assert_eq!(spread(&mut [1.4, 1.1, 1.2]), (1.1, 1.2, 1.4));
    }

    #[test]
    fn the_spec_edit_adds_a_field_to_goods_detail() {
        let spec =
            std::fs::read_to_string(crate::paths::workspace().join("spec/open-api.yaml")).unwrap();
        let edited: serde_json::Value =
            serde_yaml::from_str(&add_response_field(&spec).unwrap()).unwrap();
        let properties = &edited["components"]["schemas"]["GoodsDetail"]["properties"];
        assert_eq!(properties["benchEdit"]["type"], "string");
        assert!(properties["goodsId"].is_object(), "the other fields stay");
    }
}
