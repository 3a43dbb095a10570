//! Fleet mode around a Redis fault, with each replica a separate process: the driver starts a
//! redis-server and the mock gateway (enforcing a quota), starts the replicas (this program
//! again, with `REPLICA_ENV` set), lets them call for a while, kills or pauses Redis for two
//! seconds, and counts what the fleet got. Shared by `tests/fleet_faults.rs` and
//! `examples/fleet.rs` (included by path).
#![allow(dead_code)] // each user takes a subset

use super::redis_server::RedisServer;
use rizzitgo_mock_gateway::{MockGateway, seed};
use rizzitgo_open_api::Client;
use rizzitgo_open_api::fleet::RedisFleet;
use rizzitgo_open_api::types::GoodsRequest;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Set (to the settings, see [`Settings::from_env`]) in a replica's environment.
pub const REPLICA_ENV: &str = "RIZZITGO_FLEET_REPLICA";
const DETAIL: &str = "/open-api/goods/detail";
/// How long Redis is down or paused.
pub const OUTAGE: Duration = Duration::from_secs(2);
/// How long the run goes on after Redis answers again.
const AFTER: Duration = Duration::from_secs(5);
/// From when after Redis answers again the fleet must be back at the quota.
const SETTLED: Duration = Duration::from_secs(2);
/// Callers per replica, each calling again as soon as its call is over: more than the quota
/// lets through, so the limiter is always the bottleneck.
const CALLERS: usize = 16;

/// What goes wrong with Redis mid-run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// SIGKILL, then a new, empty server on the same port.
    Killed,
    /// SIGSTOP, then SIGCONT: the server keeps its keys and runs what was queued.
    Paused,
}

/// A replica's settings, handed over in one environment variable.
#[derive(Clone, Debug)]
pub struct Settings {
    pub gateway_url: String,
    pub redis_url: String,
    pub quota: u32,
    /// `None`: the default fallback.
    pub fallback: Option<u32>,
    pub redis_timeout: Duration,
}

impl Settings {
    fn to_env(&self) -> String {
        format!(
            "{} {} {} {} {}",
            self.gateway_url,
            self.redis_url,
            self.quota,
            self.fallback
                .map_or("default".to_owned(), |f| f.to_string()),
            self.redis_timeout.as_millis()
        )
    }

    /// The settings of this process when it is a replica.
    pub fn from_env() -> Option<Self> {
        let value = std::env::var(REPLICA_ENV).ok()?;
        let parts: Vec<&str> = value.split(' ').collect();
        let [gateway, redis, quota, fallback, timeout] = parts[..] else {
            return None;
        };
        Some(Self {
            gateway_url: gateway.to_owned(),
            redis_url: redis.to_owned(),
            quota: quota.parse().ok()?,
            fallback: fallback.parse().ok(),
            redis_timeout: Duration::from_millis(timeout.parse().ok()?),
        })
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// A replica: calls with `CALLERS` callers until its standard input closes, printing one
/// `CALL ok <ms>` or `CALL failed <ms> <error>` line per call (wall-clock ms, shared by the
/// processes of one machine).
pub async fn replica(settings: Settings) {
    let mut fleet = RedisFleet::new(&settings.redis_url)
        .expect("a redis URL")
        .timeout(settings.redis_timeout)
        .requests_per_second(settings.quota);
    if let Some(fallback) = settings.fallback {
        fleet = fleet.fallback_requests_per_second(fallback);
    }
    let client = Client::builder()
        .base_url(settings.gateway_url)
        .client_id(seed::CLIENT_ID)
        .client_secret(seed::CLIENT_SECRET)
        .tenant_id(seed::TENANT_ID)
        .fleet(fleet)
        .build()
        .expect("a valid configuration");
    let stop = Arc::new(AtomicBool::new(false));
    let stopper = stop.clone();
    std::thread::spawn(move || {
        // The driver closes our standard input to end the run.
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        stopper.store(true, Ordering::Release);
    });
    let mut callers = tokio::task::JoinSet::new();
    for _ in 0..CALLERS {
        let (client, stop) = (client.clone(), stop.clone());
        callers.spawn(async move {
            while !stop.load(Ordering::Acquire) {
                let request = GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1);
                match client.goods_detail(request).await {
                    Ok(_) => println!("CALL ok {}", now_ms()),
                    Err(error) => println!("CALL failed {} {error}", now_ms()),
                }
            }
        });
    }
    while callers.join_next().await.is_some() {}
}

/// One call as a replica reported it.
#[derive(Clone, Debug)]
struct Call {
    at_ms: u64,
    ok: bool,
    replica: usize,
}

/// The replica processes of one run.
struct Replicas {
    children: Vec<(Child, Option<ChildStdin>)>,
    readers: Vec<std::thread::JoinHandle<()>>,
    calls: Arc<Mutex<Vec<Call>>>,
    failures: Arc<Mutex<Vec<String>>>,
}

impl Replicas {
    fn new() -> Self {
        Self {
            children: Vec::new(),
            readers: Vec::new(),
            calls: Arc::default(),
            failures: Arc::default(),
        }
    }

    /// Starts one more replica: this program with `args` and the settings.
    fn spawn(&mut self, args: &[&str], settings: &Settings) -> Result<(), String> {
        let program = std::env::current_exe().map_err(|e| format!("no current exe: {e}"))?;
        let mut child = Command::new(program)
            .args(args)
            .env(REPLICA_ENV, settings.to_env())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("a replica did not start: {e}"))?;
        let stdout = child.stdout.take().expect("piped");
        let stdin = child.stdin.take();
        let replica = self.children.len();
        let (calls, failures) = (self.calls.clone(), self.failures.clone());
        self.readers.push(std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // The first one follows the test harness's "test replica ... " on its line.
                let Some(at) = line.find("CALL ") else {
                    continue;
                };
                let mut words = line[at..].splitn(4, ' ').skip(1);
                let ok = words.next() == Some("ok");
                let at_ms = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
                if !ok {
                    failures
                        .lock()
                        .unwrap()
                        .push(words.next().unwrap_or("").to_owned());
                }
                calls.lock().unwrap().push(Call { at_ms, ok, replica });
            }
        }));
        self.children.push((child, stdin));
        Ok(())
    }

    fn ok_count(&self, replica: Option<usize>) -> usize {
        let calls = self.calls.lock().unwrap();
        calls
            .iter()
            .filter(|c| c.ok && replica.is_none_or(|r| r == c.replica))
            .count()
    }

    fn latest_ms(&self) -> u64 {
        let calls = self.calls.lock().unwrap();
        calls.iter().map(|c| c.at_ms).max().unwrap_or(0)
    }

    /// Closes every replica's standard input and waits for them to finish their calls.
    fn stop(mut self) -> Result<(Vec<Call>, Vec<String>), String> {
        for (_, stdin) in &mut self.children {
            stdin.take();
        }
        for (mut child, _) in self.children {
            let status = child.wait().map_err(|e| e.to_string())?;
            if !status.success() {
                return Err(format!("a replica ended with {status}"));
            }
        }
        for reader in self.readers {
            let _ = reader.join();
        }
        let calls = std::mem::take(&mut *self.calls.lock().unwrap());
        let failures = std::mem::take(&mut *self.failures.lock().unwrap());
        Ok((calls, failures))
    }
}

/// Polls `done` every 20 ms until it holds, or fails naming `what` after `within`.
async fn until(what: &str, within: Duration, done: impl Fn() -> bool) -> Result<(), String> {
    let deadline = Instant::now() + within;
    while !done() {
        if Instant::now() > deadline {
            return Err(format!("{what}: not within {within:?}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// What a run gave.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub calls: usize,
    pub failed: usize,
    /// 429s the gateway sent (each retried by the SDK unless the call failed).
    pub rate_limited: u64,
    pub token_requests: u64,
    /// The fleet's calls per second from 2 s after Redis answered again, as a share of the
    /// quota: the median time the fleet took for a quota's worth of calls, from each call
    /// then (the callers all wait for their turn, so the calls come in bursts a window apart:
    /// a count over a fixed second depends on where the bursts fall, the time from each call
    /// to the quota-th next one does not).
    pub settled: f64,
    /// The same, measured over the 3 s before the fault (Redis up).
    pub before: f64,
    /// Once every call is over, how long the lease that ends last in Redis still counts (ms):
    /// a place kept by an admission whose reply was lost (a paused Redis runs it when it
    /// resumes) shows here.
    pub longest_lease_ms: u64,
    /// The errors of failed calls (at most a few).
    pub failures: Vec<String>,
}

impl Outcome {
    /// The table row of the README.
    pub fn row(&self, mode: &str) -> String {
        format!(
            "| {mode} | {} | {} | {} | {} | {:.2} | {:.2} |",
            self.token_requests,
            self.rate_limited,
            self.failed,
            self.calls,
            self.before,
            self.settled
        )
    }
}

/// The fleet's rate from `from` to `until` as a share of the quota (see
/// [`Outcome::settled`]), from the oks' instants (ms, sorted).
fn settled_rate(oks: &[u64], from: u64, until: u64, quota: u32) -> f64 {
    let n = quota as usize;
    let mut spans: Vec<u64> = oks
        .iter()
        .zip(oks.iter().skip(n))
        .filter(|&(&a, &b)| a >= from && b < until)
        .map(|(&a, &b)| b - a)
        .collect();
    if spans.is_empty() {
        return 0.0;
    }
    spans.sort_unstable();
    let median = spans[spans.len() / 2].max(1);
    1000.0 / median as f64
}

/// See [`Outcome::longest_lease_ms`]; the key is the one `rizzitgo_open_api::fleet` documents.
fn longest_lease(redis: &RedisServer, gateway: &MockGateway) -> Result<u64, String> {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let key = format!(
        "rizzitgo:v1:ratelimit:{}:{}",
        enc(&gateway.url()),
        enc(seed::CLIENT_ID)
    );
    let failed = |e: redis::RedisError| format!("reading the leases: {e}");
    let mut connection = redis::Client::open(redis.url())
        .and_then(|c| c.get_connection())
        .map_err(failed)?;
    let (secs, micros): (u64, u64) = redis::cmd("TIME").query(&mut connection).map_err(failed)?;
    let last: Vec<(String, f64)> = redis::cmd("ZRANGE")
        .arg(&key)
        .arg(-1)
        .arg(-1)
        .arg("WITHSCORES")
        .query(&mut connection)
        .map_err(failed)?;
    let now = secs * 1_000_000 + micros;
    Ok(last
        .first()
        .map_or(0, |(_, end)| (*end as u64).saturating_sub(now) / 1000))
}

/// `replicas` replica processes (started as this program with `args`) sharing a quota of
/// `quota` calls/s through one redis-server; `fault` happens once they all called and the
/// fleet made 3.5 s worth of calls; the run ends 5 s after Redis answers again.
pub async fn run(
    replicas: usize,
    quota: u32,
    fallback: Option<u32>,
    fault: Fault,
    args: &[&str],
) -> Result<Outcome, String> {
    let mut redis = RedisServer::start()?;
    let gateway = MockGateway::builder()
        .qps_limit(Some(quota))
        .start()
        .await
        .map_err(|e| format!("the mock gateway did not start: {e}"))?;
    let settings = Settings {
        gateway_url: gateway.url(),
        redis_url: redis.url(),
        quota,
        fallback,
        // Long enough that a busy machine does not take a slow answer for an outage (a
        // replica would then fetch a token of its own), short enough to notice a pause.
        redis_timeout: Duration::from_millis(500),
    };
    let mut fleet = Replicas::new();
    let startup = Duration::from_secs(60);
    // The first replica fetches the token; the others start once it is in Redis.
    fleet.spawn(args, &settings)?;
    until("the first replica's first call", startup, || {
        fleet.ok_count(Some(0)) > 0
    })
    .await?;
    for _ in 1..replicas {
        fleet.spawn(args, &settings)?;
    }
    until("every replica's first call", startup, || {
        (0..replicas).all(|r| fleet.ok_count(Some(r)) > 0)
    })
    .await?;
    // 3.5 s of calls: the fleet's rate with Redis up is measured over the last 3.
    let warm = fleet.ok_count(None) + (quota as usize) * 7 / 2;
    until("the calls before the fault", startup, || {
        fleet.ok_count(None) >= warm
    })
    .await?;
    let fault_at = now_ms();

    match fault {
        Fault::Killed => redis.kill(),
        Fault::Paused => redis.pause()?,
    }
    // The outage itself: the fleet keeps calling meanwhile.
    tokio::time::sleep(OUTAGE).await;
    match fault {
        // Blocking: it polls the new server until it answers PING.
        Fault::Killed => tokio::task::block_in_place(|| redis.restart())?,
        Fault::Paused => redis.resume()?,
    }
    let back = now_ms();
    let end = back + AFTER.as_millis() as u64;
    until("the calls after the outage", startup, || {
        fleet.latest_ms() >= end
    })
    .await?;
    let (calls, failures) = fleet.stop()?;
    let longest_lease_ms = tokio::task::block_in_place(|| longest_lease(&redis, &gateway))?;
    let stats = gateway.stats();
    let ok = calls.iter().filter(|c| c.ok).count();
    let mut oks: Vec<u64> = calls.iter().filter(|c| c.ok).map(|c| c.at_ms).collect();
    oks.sort_unstable();
    let before = settled_rate(&oks, fault_at - 3_000, fault_at, quota);
    let settled = settled_rate(&oks, back + SETTLED.as_millis() as u64, end, quota);
    Ok(Outcome {
        calls: calls.len(),
        failed: calls.len() - ok,
        rate_limited: stats.endpoint(DETAIL).saturating_sub(ok as u64),
        token_requests: stats.token_requests,
        before,
        settled,
        longest_lease_ms,
        failures,
    })
}
