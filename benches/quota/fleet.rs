//! The fleet figures with 4 replica *processes* on one redis-server, as a fleet runs: each
//! replica is this benchmark started again with `RIZZITGO_QUOTA_REPLICA` set, its own client,
//! Redis connection and runtime; the mock gateway runs in the parent. No limit is configured:
//! the replicas learn the quota together (adaptive pacing, fleet-wide) and share it by lane.
//!
//! - `fleet adaptive`: 16 callers in each replica (64 in all); after the warm-up, the share of
//!   429s among the gateway's answers and the fleet's successful calls per second.
//! - `fleet lanes`: qc-page walks on three replicas, the storefront's interactive calls on the
//!   fourth; after the warm-up, the interactive p99 wait, with lanes and without.

use super::lanes::{self, Lanes};
use super::pacing::WARM_UP;
use super::{CALLERS, QUOTA, gateway, sdk_load_of, throttled_share};
use rizzitgo_mock_gateway::{MockGateway, seed};
use rizzitgo_open_api::fleet::RedisFleet;
use rizzitgo_open_api::{Client, Priority};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The variable that makes this benchmark a replica: its task (see [`Task`]).
const REPLICA: &str = "RIZZITGO_QUOTA_REPLICA";
const REPLICAS: usize = 4;

/// What one replica process runs, as its parent wrote it in `RIZZITGO_QUOTA_REPLICA`:
/// `<role> <gateway URL> <redis URL> <start, ms since the epoch> <length, ms> <limit>`.
struct Task {
    role: Role,
    /// The fleet's limit, a ceiling for adaptive pacing (0: none, the quota learned).
    limit: u32,
    gateway: String,
    redis: String,
    /// When the load starts (the same instant in every replica), then the warm-up.
    start: SystemTime,
    length: Duration,
}

#[derive(Clone, Copy)]
enum Role {
    /// `CALLERS / REPLICAS` callers of goods detail.
    Callers,
    /// A third of the walks, in the background lane (`lanes: false`: the normal one).
    Walks { lanes: bool },
    /// The interactive calls, in their lane (`lanes: false`: the normal one).
    Storefront { lanes: bool },
}

impl Task {
    fn encode(&self) -> String {
        let role = match self.role {
            Role::Callers => "callers".to_owned(),
            Role::Walks { lanes } => format!("walks:{lanes}"),
            Role::Storefront { lanes } => format!("storefront:{lanes}"),
        };
        let start = self.start.duration_since(UNIX_EPOCH).unwrap().as_millis();
        format!(
            "{role} {} {} {start} {} {}",
            self.gateway,
            self.redis,
            self.length.as_millis(),
            self.limit
        )
    }

    fn decode(text: &str) -> Self {
        let parts: Vec<&str> = text.split(' ').collect();
        let [role, gateway, redis, start, length, limit] = parts[..] else {
            panic!("{REPLICA}: {text:?}");
        };
        let role = match role.split_once(':') {
            None => Role::Callers,
            Some(("walks", lanes)) => Role::Walks {
                lanes: lanes == "true",
            },
            Some((_, lanes)) => Role::Storefront {
                lanes: lanes == "true",
            },
        };
        Self {
            role,
            limit: limit.parse().unwrap(),
            gateway: gateway.to_owned(),
            redis: redis.to_owned(),
            start: UNIX_EPOCH + Duration::from_millis(start.parse().unwrap()),
            length: Duration::from_millis(length.parse().unwrap()),
        }
    }

    /// The instant of `at` (a time of the system clock) on the monotonic clock.
    fn instant(at: SystemTime) -> Instant {
        let now = (Instant::now(), SystemTime::now());
        match at.duration_since(now.1) {
            Ok(ahead) => now.0 + ahead,
            Err(behind) => now.0 - behind.duration(),
        }
    }
}

/// In a replica process: runs its task, prints what it measured on one line
/// (`pages <n> failed <n> waits <µs,µs,…>`), and returns `true`; `false` in the parent.
pub(crate) fn replica_main() -> bool {
    let Ok(task) = std::env::var(REPLICA) else {
        return false;
    };
    let task = Task::decode(&task);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run_replica(task));
    true
}

async fn run_replica(task: Task) {
    let mut fleet = RedisFleet::new(&task.redis).unwrap();
    if task.limit > 0 {
        fleet = fleet.requests_per_second(task.limit);
    }
    let client = Client::builder()
        .adaptive_pacing(true)
        .base_url(&task.gateway)
        .client_id(seed::CLIENT_ID)
        .client_secret(seed::CLIENT_SECRET)
        .tenant_id(seed::TENANT_ID)
        .coalescing(false)
        .fleet(fleet)
        .build()
        .unwrap();
    let start = Task::instant(task.start);
    tokio::time::sleep_until(start.into()).await;
    let measured = start + WARM_UP;
    let until = measured + task.length;
    let pages = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let mut waits = Vec::new();
    match task.role {
        Role::Callers => {
            sdk_load_of(
                std::slice::from_ref(&client),
                CALLERS / REPLICAS,
                WARM_UP + task.length,
                Arc::new(|| fastrand::u64(..seed::CATALOG_SIZE)),
            )
            .await;
        }
        Role::Walks { lanes } => {
            let lane = if lanes {
                Priority::Background
            } else {
                Priority::Normal
            };
            let walks = lanes::WALKS.div_ceil(REPLICAS - 1);
            let mut set = lanes::walk(&[client], walks, lane, until, &pages, &failed);
            tokio::time::sleep_until(measured.into()).await;
            // Only the measured part counts (the first second of the warm-up is unpaced).
            let before = (
                pages.load(Ordering::Relaxed),
                failed.load(Ordering::Relaxed),
            );
            while set.join_next().await.is_some() {}
            pages.fetch_sub(before.0, Ordering::Relaxed);
            failed.fetch_sub(before.1, Ordering::Relaxed);
        }
        Role::Storefront { lanes } => {
            let lane = if lanes {
                Priority::Interactive
            } else {
                Priority::Normal
            };
            tokio::time::sleep_until(measured.into()).await;
            waits = lanes::calls(&client, lane, until, &failed).await;
        }
    }
    let waits: Vec<String> = waits.iter().map(|w| w.as_micros().to_string()).collect();
    println!(
        "pages {} failed {} waits {}",
        pages.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        waits.join(",")
    );
}

/// Starts the replicas of `roles` on `gateway` and `redis`, resets the gateway's counts at
/// the end of the warm-up, and returns what each printed.
async fn replicas(
    gateway: &MockGateway,
    redis: &str,
    roles: &[Role],
    limit: u32,
    length: Duration,
) -> Lanes {
    let start = SystemTime::now() + Duration::from_millis(500);
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = roles
        .iter()
        .map(|&role| {
            let task = Task {
                role,
                limit,
                gateway: gateway.url(),
                redis: redis.to_owned(),
                start,
                length,
            };
            std::process::Command::new(&exe)
                .env(REPLICA, task.encode())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    tokio::time::sleep_until((Task::instant(start) + WARM_UP).into()).await;
    gateway.reset_stats();
    let mut lanes = Lanes {
        waits: Vec::new(),
        pages_per_second: 0.0,
        failed: 0,
    };
    for child in children {
        let output = tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .unwrap()
            .unwrap();
        assert!(
            output.status.success(),
            "a replica failed: {}",
            output.status
        );
        let line = String::from_utf8(output.stdout).unwrap();
        let fields: Vec<&str> = line.split_whitespace().collect();
        let number = |name: &str| {
            let at = fields.iter().position(|f| *f == name).unwrap();
            fields[at + 1].parse::<u64>().unwrap_or(0)
        };
        lanes.pages_per_second += number("pages") as f64 / length.as_secs_f64();
        lanes.failed += number("failed");
        if let Some(waits) = fields.last().filter(|_| fields.len() == 6) {
            lanes.waits.extend(
                waits
                    .split(',')
                    .filter_map(|w| w.parse().ok())
                    .map(Duration::from_micros),
            );
        }
    }
    lanes.waits.sort();
    lanes
}

/// `fleet adaptive`: the quota unknown to 4 replica processes, 64 callers.
pub(crate) async fn adaptive(redis: &str, length: Duration) {
    let gateway = gateway().await;
    replicas(&gateway, redis, &[Role::Callers; REPLICAS], 0, length).await;
    let stats = gateway.stats();
    let (sent, share) = throttled_share(&gateway);
    let ok = sent.saturating_sub(stats.throttled) as f64 / length.as_secs_f64();
    println!(
        "fleet adaptive ({REPLICAS} replica processes, one redis-server, quota {QUOTA} unknown, {CALLERS} callers, after a {} s warm-up, {} s): {ok:.1} ok/s, {:.2} % 429 ({sent} requests): ratio {:.2}",
        WARM_UP.as_secs(),
        length.as_secs(),
        share * 100.0,
        ok / f64::from(QUOTA),
    );
}

/// `fleet lanes`: walks on three replica processes, the storefront on the fourth, with lanes
/// and without; against the hand-written client's. Adaptive pacing under the fleet's limit
/// (`limit`, a ceiling under the quota), or with none (0: the quota learned, and probed now
/// and then: an interactive call that meets a probe's 429 waits for its retry).
pub(crate) async fn lanes(redis: &str, limit: u32, length: Duration, hand: &Lanes) {
    let run = |lanes: bool| async move {
        let gateway = gateway().await;
        let mut roles = vec![Role::Walks { lanes }; REPLICAS - 1];
        roles.push(Role::Storefront { lanes });
        let measured = replicas(&gateway, redis, &roles, limit, length).await;
        let stats = gateway.stats();
        let sent: u64 = stats.requests_per_endpoint.values().sum();
        (measured, stats.throttled as f64 / sent.max(1) as f64)
    };
    let (on, on_429) = run(true).await;
    let (off, _) = run(false).await;
    let limit = match limit {
        0 => "quota learned".to_owned(),
        n => format!("limit {n}, adaptive pacing under it"),
    };
    lanes::report(
        &format!(
            "fleet lanes ({REPLICAS} replica processes, {limit}, {:.2} % 429)",
            on_429 * 100.0
        ),
        &on,
        &off,
        hand,
    );
}
