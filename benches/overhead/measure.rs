//! Measuring helpers: percentiles, a closed-loop throughput, CPU time of a thread, and
//! min/median/max over the runs.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Calls per second of `call`, from `tasks` tasks taking calls from one counter until `calls`
/// are done (each future is made when its task is ready to run it).
pub async fn throughput<F, Fut>(tasks: usize, calls: usize, call: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let left = Arc::new(AtomicUsize::new(calls));
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..tasks {
        let (left, call) = (left.clone(), call.clone());
        set.spawn(async move {
            while left
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
                .is_ok()
            {
                call().await;
            }
        });
    }
    while set.join_next().await.is_some() {}
    calls as f64 / started.elapsed().as_secs_f64()
}

/// CPU time (user + system) used so far by the threads of this process with a given name,
/// read from /proc (Linux; zero elsewhere).
pub fn cpu_of_threads(name: &str) -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let mut ticks = 0u64;
    for task in tasks.flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim_end() != name {
            continue;
        }
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        // After the command name (which may hold spaces): utime is the 12th field, stime 13th.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let field = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        ticks += field(11) + field(12);
    }
    // USER_HZ is 100 on every Linux this runs on.
    Duration::from_millis(ticks * 10)
}

/// min / median / max of the runs, printed as ratios.
pub struct Spread(pub Vec<f64>);

impl std::fmt::Display for Spread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        match v.len() {
            0 => write!(f, "-"),
            n => write!(
                f,
                "min {:.3}  median {:.3}  max {:.3}",
                v[0],
                v[n / 2],
                v[n - 1]
            ),
        }
    }
}
