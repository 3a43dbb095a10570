//! State shared by every connection of one gateway.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::auth::TokenStore;
use crate::clock::MockClock;
use crate::envelope::ErrorStyle;
use crate::faults::Faults;
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
pub(crate) struct RateLimiter {
    pub(crate) limit: Option<u32>,
    admitted: HashMap<String, VecDeque<Duration>>,
}

impl RateLimiter {
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
pub(crate) struct Shared {
    pub(crate) style: ErrorStyle,
    pub(crate) token_ttl: Duration,
    pub(crate) apps: Vec<App>,
    pub(crate) clock: MockClock,
    pub(crate) tokens: Mutex<TokenStore>,
    pub(crate) redeem: Mutex<RedeemState>,
    pub(crate) rate: Mutex<RateLimiter>,
    pub(crate) faults: Mutex<Faults>,
    pub(crate) stats: Recorder,
    pub(crate) future_fields: AtomicBool,
}

/// Locks a mutex, ignoring poisoning: one panicking request must not wedge the mock.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub(crate) fn new(
        style: ErrorStyle,
        token_ttl: Duration,
        apps: Vec<App>,
        qps: Option<u32>,
    ) -> Self {
        let mut rate = RateLimiter::default();
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
        }
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
        let mut r = RateLimiter::default();
        r.set_limit(Some(2));
        let t = Duration::from_millis(999);
        assert!(r.admit("a", t));
        assert!(r.admit("a", t));
        assert!(!r.admit("a", t + Duration::from_millis(2)));
        assert!(r.admit("b", t));
        assert!(r.admit("a", t + Duration::from_secs(1)));
    }
}
