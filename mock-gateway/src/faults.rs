//! The faults pending on one gateway: the next n calls, the targeted ones, the latency.

use std::time::Duration;

use crate::failure::{DropPoint, Failure};
use crate::fault_match::{Action, TargetedFaults};

/// Pending faults; each `set_` replaces what was pending of its kind, targeted faults add up.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    fail_business: Option<(u32, Failure)>,
    fail_token: Option<(u32, Failure)>,
    drop_business: Option<(u32, DropPoint)>,
    pub(crate) targeted: TargetedFaults,
    pub(crate) latency: Duration,
}

impl Faults {
    pub(crate) fn set_fail_business(&mut self, n: u32, failure: Failure) {
        self.fail_business = (n > 0).then_some((n, failure));
    }

    pub(crate) fn set_fail_token(&mut self, n: u32, failure: Failure) {
        self.fail_token = (n > 0).then_some((n, failure));
    }

    pub(crate) fn set_drop(&mut self, n: u32, at: DropPoint) {
        self.drop_business = (n > 0).then_some((n, at));
    }

    /// Consumes one pending business failure.
    pub(crate) fn take_business_failure(&mut self) -> Option<Failure> {
        take(&mut self.fail_business)
    }

    /// Consumes one pending token failure.
    pub(crate) fn take_token_failure(&mut self) -> Option<Failure> {
        take(&mut self.fail_token)
    }

    /// Consumes one pending drop.
    pub(crate) fn take_drop(&mut self) -> Option<DropPoint> {
        take(&mut self.drop_business)
    }

    /// What happens to a business call to `path` with `body`: a targeted fault that hits it,
    /// else the pending drop and failure of the next-n kind (a call a targeted fault hits
    /// does not consume them).
    pub(crate) fn take_business(
        &mut self,
        path: &str,
        body: &[u8],
    ) -> (Option<DropPoint>, Option<Failure>) {
        match self.targeted.take(path, body) {
            Some(Action::Fail(failure)) => (None, Some(failure)),
            Some(Action::Drop(at)) => (Some(at), None),
            None => (self.take_drop(), self.take_business_failure()),
        }
    }

    /// Forgets every pending failure and drop, targeted or not (the latency stays).
    pub(crate) fn clear(&mut self) {
        *self = Self {
            latency: self.latency,
            ..Self::default()
        };
    }
}

fn take<T: Clone>(slot: &mut Option<(u32, T)>) -> Option<T> {
    let (n, value) = slot.as_mut()?;
    let out = value.clone();
    *n -= 1;
    if *n == 0 {
        *slot = None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_faults_are_consumed_one_per_call() {
        let mut f = Faults::default();
        f.set_fail_business(2, Failure::http(503));
        assert!(f.take_business_failure().is_some());
        assert!(f.take_business_failure().is_some());
        assert!(f.take_business_failure().is_none());
        assert!(f.take_token_failure().is_none());
    }
}
