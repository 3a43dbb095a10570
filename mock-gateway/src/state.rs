//! State shared by every connection of one gateway.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::clock::MockClock;
use crate::data::qc::{self, QcRecord};
use crate::envelope::ErrorStyle;
use crate::faults::Faults;
use crate::issued_tokens::IssuedTokens;
use crate::response_style::ResponseStyle;
use crate::stats::Recorder;

/// A registered partner application.
#[derive(Clone, Debug)]
pub(crate) struct App {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) tenant_id: String,
    pub(crate) scopes: Vec<String>,
}

/// Mutable redemption state: survives `reset_stats`.
#[derive(Debug, Default)]
pub(crate) struct RedeemState {
    /// Committed redemptions per code.
    pub(crate) per_code: HashMap<String, u64>,
    /// Committed redemptions per (code, email).
    pub(crate) per_member: HashMap<(String, String), u64>,
    /// When each (clientId, requestId) was first processed, in mock time.
    pub(crate) request_ids: HashMap<(String, String), Duration>,
}

/// Per-clientId sliding one-second window.
#[derive(Debug, Default)]
pub(crate) struct QpsWindows {
    pub(crate) limit: Option<u32>,
    admitted: HashMap<String, VecDeque<Duration>>,
}

impl QpsWindows {
    /// Admits a call of `client` at mock time `now`, or refuses it (quota of the last second
    /// used). A sliding window, so a burst is refused however it straddles a second boundary.
    pub(crate) fn admit(&mut self, client: &str, now: Duration) -> bool {
        let Some(limit) = self.limit else {
            return true;
        };
        let window = self.admitted.entry(client.to_owned()).or_default();
        while window
            .front()
            .is_some_and(|t| *t + Duration::from_secs(1) <= now)
        {
            window.pop_front();
        }
        if window.len() < limit as usize {
            window.push_back(now);
            true
        } else {
            false
        }
    }

    pub(crate) fn set_limit(&mut self, limit: Option<u32>) {
        self.limit = limit;
        self.admitted.clear();
    }
}

/// Everything a request handler may read or change.
#[derive(Debug)]
pub(crate) struct GatewayState {
    pub(crate) style: ErrorStyle,
    pub(crate) token_ttl: Duration,
    pub(crate) apps: Vec<App>,
    pub(crate) clock: MockClock,
    pub(crate) tokens: Mutex<IssuedTokens>,
    pub(crate) redeem: Mutex<RedeemState>,
    pub(crate) rate: Mutex<QpsWindows>,
    pub(crate) faults: Mutex<Faults>,
    pub(crate) stats: Recorder,
    pub(crate) future_fields: AtomicBool,
    /// How successes are written.
    pub(crate) response_style: Mutex<ResponseStyle>,
    /// QC records added to this gateway (on top of the seeded ones), kept in qc-page order
    /// ([`qc::newest_first`]) so a page request merges instead of sorting.
    pub(crate) extra_qc: Mutex<Vec<QcRecord>>,
    /// The seeded QC records relative to the gateway's start date, newest first.
    pub(crate) recent_qc: Vec<QcRecord>,
}

/// Locks a mutex, ignoring poisoning: one panicking request must not wedge the mock.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl GatewayState {
    pub(crate) fn new(
        style: ErrorStyle,
        token_ttl: Duration,
        apps: Vec<App>,
        qps: Option<u32>,
        today: i64,
        response_style: ResponseStyle,
    ) -> Self {
        let mut rate = QpsWindows::default();
        rate.set_limit(qps);
        Self {
            style,
            token_ttl,
            apps,
            clock: MockClock::new(),
            tokens: Mutex::default(),
            redeem: Mutex::default(),
            rate: Mutex::new(rate),
            faults: Mutex::default(),
            stats: Recorder::default(),
            future_fields: AtomicBool::new(false),
            response_style: Mutex::new(response_style),
            extra_qc: Mutex::default(),
            recent_qc: qc::recent_records(today),
        }
    }

    /// Adds `n` synthetic QC records completed (and created) at `completion_time`, keeping
    /// [`GatewayState::extra_qc`] sorted; answers their goods ids, in order.
    pub(crate) fn add_qc_records(
        &self,
        n: usize,
        completion_time: &str,
    ) -> Result<Vec<String>, String> {
        if !qc::is_valid_date_time(completion_time) {
            return Err(format!(
                "completionTime must be a yyyy-MM-dd HH:mm:ss date-time, not {completion_time:?}"
            ));
        }
        let mut extra = lock(&self.extra_qc);
        let first = extra.len() as u64 + 1;
        let room = qc::EXTRA_MAX + 1 - first;
        let n = u64::try_from(n)
            .ok()
            .filter(|n| *n <= room)
            .ok_or_else(|| {
                format!("n is too large: at most {room} more QC records fit in the goods id space")
            })?;
        let batch: Vec<QcRecord> = (first..first + n)
            .map(|c| qc::extra_record(c, completion_time))
            .collect();
        let ids = batch.iter().map(|r| r.goods_id.clone()).collect();
        // The batch shares one completion time and its ids are larger than every earlier
        // one (fixed width), so it is sorted and belongs in one place: after every record
        // completed at the same time or later.
        if let Some(head) = batch.first() {
            let at = extra.partition_point(|r| qc::newest_first(r, head).is_lt());
            extra.splice(at..at, batch);
        }
        Ok(ids)
    }

    pub(crate) fn app(&self, client_id: &str) -> Option<&App> {
        self.apps.iter().find(|a| a.client_id == client_id)
    }

    pub(crate) fn future_fields(&self) -> bool {
        self.future_fields.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_window_admits_limit_per_second() {
        let mut r = QpsWindows::default();
        r.set_limit(Some(2));
        let t = Duration::from_millis(999);
        assert!(r.admit("a", t));
        assert!(r.admit("a", t));
        assert!(!r.admit("a", t + Duration::from_millis(2)));
        assert!(r.admit("b", t));
        assert!(r.admit("a", t + Duration::from_secs(1)));
    }
}
