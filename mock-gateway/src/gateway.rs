//! The running gateway and its control surface.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::failure::{DropPoint, Failure};
use crate::fault_match::{Action, Match};
use crate::seed;
use crate::state::{GatewayState, lock};
use crate::stats::Stats;

/// Client credentials of a partner application.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// Public client identifier.
    pub client_id: String,
    /// Client secret (redacted in `Debug`).
    pub client_secret: String,
    /// Tenant the application belongs to, sent as the `tenant-id` header.
    pub tenant_id: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("tenant_id", &self.tenant_id)
            .finish()
    }
}

/// A running mock gateway on 127.0.0.1. Dropping it stops the server and closes its
/// connections.
pub struct MockGateway {
    addr: SocketAddr,
    shared: Arc<GatewayState>,
    // Dropping the sender (with the gateway) stops the accept loop.
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl fmt::Debug for MockGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockGateway")
            .field("url", &self.url())
            .field("error_style", &self.shared.style)
            .finish_non_exhaustive()
    }
}

impl MockGateway {
    pub(crate) fn new(
        addr: SocketAddr,
        shared: Arc<GatewayState>,
        shutdown: oneshot::Sender<()>,
        task: JoinHandle<()>,
    ) -> Self {
        Self {
            addr,
            shared,
            shutdown,
            task,
        }
    }

    /// Base URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The seeded default partner application.
    pub fn credentials(&self) -> Credentials {
        Credentials {
            client_id: seed::CLIENT_ID.to_owned(),
            client_secret: seed::CLIENT_SECRET.to_owned(),
            tenant_id: seed::TENANT_ID.to_owned(),
        }
    }

    /// A snapshot of the statistics.
    pub fn stats(&self) -> Stats {
        self.shared.stats.snapshot()
    }

    /// Clears the statistics (not the redemption state: codes stay used).
    pub fn reset_stats(&self) {
        self.shared.stats.reset();
    }

    /// The next `n` business calls (POSTs to the seven business paths; not token, revoke or
    /// admin) answer `failure` without being processed. Replaces any pending business failure.
    pub fn fail_next(&self, n: u32, failure: Failure) {
        lock(&self.shared.faults).set_fail_business(n, failure);
    }

    /// The business calls `when` matches answer `failure` without being processed: only page
    /// 2 of a walk, only the redeem path, only one redeem code. Adds to the faults already
    /// set; the first one set that hits a call answers it, and a call it hits does not
    /// consume a [`MockGateway::fail_next`] or [`MockGateway::drop_next`].
    ///
    /// ```no_run
    /// # async fn demo() -> std::io::Result<()> {
    /// use rizzitgo_mock_gateway::{Failure, Match, MockGateway, seed};
    /// let gw = MockGateway::start().await?;
    /// gw.fail_when(
    ///     Match::path("/open-api/goods/qc-page").field("pageNo", 2),
    ///     Failure::http(503),
    /// );
    /// gw.fail_when(
    ///     Match::path("/open-api/promotion/redeem-code/redeem")
    ///         .field("code", seed::REDEEM_CODE_10_USD_OFF)
    ///         .times(1),
    ///     Failure::code(seed::codes::REDEEM_CODE_EXPIRED, "Redeem code has expired"),
    /// );
    /// # Ok(()) }
    /// ```
    pub fn fail_when(&self, when: Match, failure: Failure) {
        lock(&self.shared.faults)
            .targeted
            .add(when, Action::Fail(failure));
    }

    /// The business calls `when` matches get their connection closed without any HTTP
    /// response, at `at` (e.g. one redeem code committed, then no answer). Adds up with
    /// [`MockGateway::fail_when`], in the order set.
    pub fn drop_when(&self, when: Match, at: DropPoint) {
        lock(&self.shared.faults)
            .targeted
            .add(when, Action::Drop(at));
    }

    /// Forgets every pending failure and drop: targeted ones, `fail_next`, `fail_next_token`
    /// and `drop_next` (the latency stays).
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// The next `n` token requests (POSTs) answer `failure`. Replaces any pending one.
    pub fn fail_next_token(&self, n: u32, failure: Failure) {
        lock(&self.shared.faults).set_fail_token(n, failure);
    }

    /// Delay added before every response (admin calls excluded).
    pub fn set_latency(&self, d: Duration) {
        lock(&self.shared.faults).latency = d;
    }

    /// The next `n` business calls get their connection closed without any HTTP response, at
    /// `at`. Replaces any pending drop.
    pub fn drop_next(&self, n: u32, at: DropPoint) {
        lock(&self.shared.faults).set_drop(n, at);
    }

    /// Every token issued so far is expired from now on.
    pub fn expire_all_tokens(&self) {
        let now = self.shared.clock.now();
        lock(&self.shared.tokens).expire_all(now);
    }

    /// Every token issued so far is revoked (its holder is not told).
    pub fn revoke_all_tokens(&self) {
        lock(&self.shared.tokens).revoke_all();
    }

    /// Moves the mock clock forward (token expiry, the redeem `requestId` window, the QPS
    /// window).
    pub fn advance_clock(&self, d: Duration) {
        self.shared.clock.advance(d);
    }

    /// Per-clientId quota of business calls per (mock) second; beyond it, 429 in the current
    /// error style. `None` removes the limit. Resets the current windows.
    pub fn set_qps_limit(&self, limit: Option<u32>) {
        lock(&self.shared.rate).set_limit(limit);
    }

    /// When on, every JSON object of every response gains `"futureField": "x"`, the second
    /// image-search result of page 1 has `goodsSource` 9 and redeemed coupons have
    /// `couponType` 9: server additions clients must tolerate.
    pub fn set_future_fields(&self, on: bool) {
        self.shared.future_fields.store(on, Ordering::SeqCst);
    }

    /// How successes are written from now on (see [`ResponseStyle`](crate::ResponseStyle)); also
    /// `POST /__mock/response-style {"dateTimesAsMillis": true, "integersAsStrings": true,
    /// "nullMsg": true}` (absent fields: off).
    pub fn set_response_style(&self, style: crate::ResponseStyle) {
        *lock(&self.shared.response_style) = style;
    }

    /// Adds `n` synthetic QC records to this gateway only (never to the seeded data, nor to
    /// other gateways); from then on qc-page, qc-detail and qc-images answer them along with
    /// the seeded records, in the usual order (latest completion first, then goodsId).
    ///
    /// Every record is completed and created at `completion_time` (`yyyy-MM-dd HH:mm:ss`, a
    /// real date and time of day), has source 1, one photo
    /// `https://example.com/qc/extra-<goodsId>.jpg` and small deterministic dimensions. Its
    /// goods id is `7` followed by a per-gateway counter zero-padded to 8 digits, starting at
    /// `700000001` and continuing across calls; no seeded goods has such an id, and the
    /// goods has no detail record (goods detail answers "Goods does not exist").
    ///
    /// Returns the new goods ids, in order. Refuses (adding nothing) a malformed
    /// `completion_time`, or an `n` beyond the 99,999,999 ids of a gateway. `n = 0` adds
    /// nothing. The records stay until the gateway stops (`reset_stats` keeps them).
    ///
    /// ```no_run
    /// # async fn demo() -> std::io::Result<()> {
    /// let gw = rizzitgo_mock_gateway::MockGateway::start().await?;
    /// let ids = gw.add_qc_records(2, "2026-06-30 23:00:00").unwrap();
    /// assert_eq!(ids, ["700000001", "700000002"]);
    /// assert!(gw.add_qc_records(1, "2026-06-31 00:00:00").is_err());
    /// # Ok(()) }
    /// ```
    pub fn add_qc_records(&self, n: usize, completion_time: &str) -> Result<Vec<String>, String> {
        self.shared.add_qc_records(n, completion_time)
    }

    /// Stops the server, closes its connections, and waits until it has stopped.
    pub async fn shutdown(self) {
        let MockGateway { shutdown, task, .. } = self;
        let _ = shutdown.send(());
        let _ = task.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_can_move_across_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<MockGateway>();
        send_sync::<Stats>();
        send_sync::<Failure>();
    }
}
