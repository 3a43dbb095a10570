//! The retry budget of a client: a token bucket that retries draw from and successes refill
//! (the AWS SDKs' "retry quota"), so that a gateway that is down sees each call about once,
//! not once per attempt, however many callers there are.

use super::classify::Reason;
use std::sync::atomic::{AtomicU32, Ordering};

/// What a retry costs.
const RETRY_COST: u32 = 5;
/// What a retry after a timeout costs: timeouts are the most expensive failures to repeat.
const TIMEOUT_RETRY_COST: u32 = 10;
/// What a call that succeeds at once gives back.
const SUCCESS_REFILL: u32 = 1;

/// The bucket. First attempts never draw from it.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    available: AtomicU32,
    capacity: u32,
}

impl RetryBudget {
    pub(crate) fn new(capacity: u32) -> Self {
        Self {
            available: AtomicU32::new(capacity),
            capacity,
        }
    }

    /// Takes the cost of one retry for `reason`; `None` when the budget cannot pay for it.
    pub(crate) fn acquire(&self, reason: Reason) -> Option<u32> {
        let cost = match reason {
            Reason::Timeout => TIMEOUT_RETRY_COST,
            _ => RETRY_COST,
        };
        self.available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(cost))
            .ok()
            .map(|_| cost)
    }

    /// A call succeeded after spending `spent` on retries: that comes back, or a small refill
    /// when it spent nothing.
    pub(crate) fn succeeded(&self, spent: u32) {
        let refill = if spent == 0 { SUCCESS_REFILL } else { spent };
        let capacity = self.capacity;
        let _ = self
            .available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                Some(n.saturating_add(refill).min(capacity))
            });
    }

    #[cfg(test)]
    fn available(&self) -> u32 {
        self.available.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_of_500_pays_for_100_retries_then_refills_on_success() {
        let budget = RetryBudget::new(500);
        let paid = (0..1000)
            .filter(|_| budget.acquire(Reason::Server).is_some())
            .count();
        assert_eq!(paid, 100);
        assert_eq!(budget.acquire(Reason::Throttled), None);
        budget.succeeded(0);
        budget.succeeded(0);
        assert_eq!(budget.available(), 2);
        budget.succeeded(5);
        assert_eq!(budget.acquire(Reason::Server), Some(5));
    }

    #[test]
    fn timeouts_cost_double_and_the_bucket_never_overflows() {
        let budget = RetryBudget::new(30);
        assert_eq!(budget.acquire(Reason::Timeout), Some(10));
        assert_eq!(budget.available(), 20);
        for _ in 0..100 {
            budget.succeeded(10);
        }
        assert_eq!(budget.available(), 30);
    }
}
