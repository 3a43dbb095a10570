//! Targeted faults: a failure or a dropped connection for the business calls that match a
//! path, body field values and a call index, instead of "the next n calls".

use serde_json::Value;

use crate::endpoint::Endpoint;
use crate::failure::{DropPoint, Failure};

/// Which business calls a targeted fault hits ([`crate::MockGateway::fail_when`],
/// [`crate::MockGateway::drop_when`]): a path, top-level body field values, and which of the
/// matching calls (counted from when the fault is set).
///
/// ```
/// use rizzitgo_mock_gateway::Match;
/// // Page 2 of a qc-page walk, every time it is asked for.
/// let page_2 = Match::path("/open-api/goods/qc-page").field("pageNo", 2);
/// // The second redemption of one code, once.
/// let second = Match::path("/open-api/promotion/redeem-code/redeem")
///     .field("code", "A1B2C3D4E5F60001")
///     .nth(2)
///     .times(1);
/// # let _ = (page_2, second);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    path: Option<String>,
    fields: Vec<(String, Value)>,
    nth: u32,
    times: Option<u32>,
    every: u32,
}

impl Match {
    /// Every business call (the seven business paths; never token, revoke or admin calls).
    pub fn any() -> Self {
        Self {
            path: None,
            fields: Vec::new(),
            nth: 1,
            times: None,
            every: 1,
        }
    }

    /// The business calls to `path`, e.g. `"/open-api/goods/qc-page"`.
    ///
    /// # Panics
    /// If `path` is not one of the seven business paths (a fault that could never fire).
    pub fn path(path: &str) -> Self {
        assert!(
            is_business_path(path),
            "not a business path of the gateway: {path:?}"
        );
        Self {
            path: Some(path.to_owned()),
            ..Self::any()
        }
    }

    /// Only calls whose JSON body has the top-level field `name` equal to `value`, as JSON:
    /// `field("pageNo", 2)` matches `"pageNo": 2`, not `"pageNo": "2"`. Several fields must
    /// all match.
    pub fn field(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.fields.push((name.to_owned(), value.into()));
        self
    }

    /// The fault starts at the `k`-th matching call (1-based, counted from when the fault is
    /// set); the calls before it pass through. Default 1.
    ///
    /// # Panics
    /// If `k` is 0.
    pub fn nth(mut self, k: u32) -> Self {
        assert!(k > 0, "nth counts from 1");
        self.nth = k;
        self
    }

    /// Only every `k`-th matching call from [`Match::nth`] on fails (the `nth`, the
    /// `nth + k`-th, …): `Match::any().every(30)` throttles one call in 30, whatever the rate.
    /// Default 1.
    ///
    /// # Panics
    /// If `k` is 0.
    pub fn every(mut self, k: u32) -> Self {
        assert!(k > 0, "every counts from 1");
        self.every = k;
        self
    }

    /// At most `n` calls fail, then the fault is spent. Default: every matching call from
    /// [`Match::nth`] on, until [`crate::MockGateway::clear_faults`].
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    fn hits(&self, path: &str, body: &mut LazyJson<'_>) -> bool {
        if self.path.as_deref().is_some_and(|p| p != path) {
            return false;
        }
        self.fields.is_empty()
            || body
                .get()
                .is_some_and(|b| self.fields.iter().all(|(k, v)| b.get(k) == Some(v)))
    }
}

/// Whether `path` is a business path (where targeted faults apply).
pub(crate) fn is_business_path(path: &str) -> bool {
    Endpoint::from_path(path).is_some()
}

/// What a targeted fault does to a call it hits.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Action {
    Fail(Failure),
    Drop(DropPoint),
}

#[derive(Debug)]
struct Targeted {
    when: Match,
    action: Action,
    /// Matching calls seen so far.
    seen: u32,
    /// Calls hit so far.
    hit: u32,
}

impl Targeted {
    fn spent(&self) -> bool {
        self.when.times.is_some_and(|t| self.hit >= t)
    }
}

/// The targeted faults of a gateway, in the order they were set.
#[derive(Debug, Default)]
pub(crate) struct TargetedFaults(Vec<Targeted>);

impl TargetedFaults {
    pub(crate) fn add(&mut self, when: Match, action: Action) {
        if when.times != Some(0) {
            self.0.push(Targeted {
                when,
                action,
                seen: 0,
                hit: 0,
            });
        }
    }

    /// The action of the first fault (in the order set) that hits this call. Every fault
    /// that matches counts the call, whether or not an earlier one hits it.
    pub(crate) fn take(&mut self, path: &str, body: &[u8]) -> Option<Action> {
        let mut body = LazyJson::new(body);
        let mut action = None;
        for fault in &mut self.0 {
            if !fault.when.hits(path, &mut body) {
                continue;
            }
            fault.seen = fault.seen.saturating_add(1);
            let due = fault.seen >= fault.when.nth
                && (fault.seen - fault.when.nth).is_multiple_of(fault.when.every);
            if action.is_none() && due {
                fault.hit += 1;
                action = Some(fault.action.clone());
            }
        }
        self.0.retain(|f| !f.spent());
        action
    }
}

/// A request body parsed as a JSON object at most once, and only if a fault looks at fields.
struct LazyJson<'a> {
    raw: &'a [u8],
    parsed: Option<Option<serde_json::Map<String, Value>>>,
}

impl<'a> LazyJson<'a> {
    fn new(raw: &'a [u8]) -> Self {
        Self { raw, parsed: None }
    }

    fn get(&mut self) -> Option<&serde_json::Map<String, Value>> {
        self.parsed
            .get_or_insert_with(|| match serde_json::from_slice(self.raw) {
                Ok(Value::Object(m)) => Some(m),
                _ => None,
            })
            .as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QC_PAGE: &str = "/open-api/goods/qc-page";
    const DETAIL: &str = "/open-api/goods/detail";

    fn fail() -> Action {
        Action::Fail(Failure::http(503))
    }

    #[test]
    fn path_and_fields_must_all_match() {
        let mut f = TargetedFaults::default();
        f.add(Match::path(QC_PAGE).field("pageNo", 2), fail());
        assert_eq!(f.take(DETAIL, br#"{"pageNo":2}"#), None);
        assert_eq!(f.take(QC_PAGE, br#"{"pageNo":1}"#), None);
        assert_eq!(f.take(QC_PAGE, br#"{"pageNo":"2"}"#), None);
        assert_eq!(f.take(QC_PAGE, b"not json"), None);
        assert_eq!(
            f.take(QC_PAGE, br#"{"pageNo":2,"pageSize":10}"#),
            Some(fail())
        );
        // No `times`: it stays.
        assert_eq!(f.take(QC_PAGE, br#"{"pageNo":2}"#), Some(fail()));
    }

    #[test]
    fn nth_and_times_count_matching_calls_only() {
        let mut f = TargetedFaults::default();
        f.add(Match::any().field("code", "X").nth(2).times(2), fail());
        let x = br#"{"code":"X"}"#;
        assert_eq!(f.take(DETAIL, br#"{"code":"Y"}"#), None);
        assert_eq!(f.take(DETAIL, x), None, "the first matching call passes");
        assert_eq!(f.take(DETAIL, x), Some(fail()));
        assert_eq!(f.take(QC_PAGE, x), Some(fail()));
        assert_eq!(f.take(DETAIL, x), None, "spent after two");
        assert!(f.0.is_empty());
    }

    #[test]
    fn the_first_fault_set_wins_and_later_ones_still_count() {
        let mut f = TargetedFaults::default();
        f.add(Match::path(DETAIL).times(1), fail());
        f.add(
            Match::any().nth(2).times(1),
            Action::Drop(DropPoint::AfterProcessing),
        );
        assert_eq!(f.take(DETAIL, b"{}"), Some(fail()));
        assert_eq!(
            f.take(DETAIL, b"{}"),
            Some(Action::Drop(DropPoint::AfterProcessing))
        );
        assert_eq!(f.take(DETAIL, b"{}"), None);
    }

    #[test]
    #[should_panic(expected = "not a business path")]
    fn an_unknown_path_panics() {
        let _ = Match::path("/open-api/goods/qc_page");
    }
}
