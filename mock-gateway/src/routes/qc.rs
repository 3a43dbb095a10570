//! QC endpoints: qc-detail (7.2), qc-images (7.3), qc-page (7.4).
//!
//! A gateway's QC records are the seeded ones (June 2026's and the recent ones) plus those
//! added to it
//! ([`GatewayState::extra_qc`], kept in qc-page order).

use std::borrow::Borrow;
use std::iter::Peekable;

use serde_json::{Value, json};

use super::goods::goods_not_exists;
use crate::data::dataset;
use crate::data::qc::{QcRecord, newest_first};
use crate::envelope::ApiError;
use crate::state::{GatewayState, lock};
use crate::validate::{Body, check_source, goods_id, opt_int, opt_str, req_int, time_range};

/// The latest QC record of a goods; `data: null` when the goods exists without QC.
pub(super) fn detail(shared: &GatewayState, body: &Body) -> Result<Value, ApiError> {
    latest(shared, body, QcRecord::to_json, Value::Null)
}

/// The photos of the latest QC record; `[]` when the goods exists without QC.
pub(super) fn images(shared: &GatewayState, body: &Body) -> Result<Value, ApiError> {
    latest(shared, body, |r| json!(r.photos), json!([]))
}

/// `answer` of the latest record of the body's goods (seeded or added), `without_qc` for a
/// known goods without QC, an error for an unknown goods.
fn latest(
    shared: &GatewayState,
    body: &Body,
    answer: impl Fn(&QcRecord) -> Value,
    without_qc: Value,
) -> Result<Value, ApiError> {
    let goods_id = goods_id(body)?;
    let source = check_source(req_int(body, "source")?)?;
    let recent = (shared.recent_qc.iter()).find(|r| r.goods_id == goods_id && r.source == source);
    let seeded = (recent.into_iter())
        .chain(dataset().qc_of(goods_id, source).into_iter().next())
        .max_by(|a, b| a.completion_time.cmp(&b.completion_time));
    let extra = lock(&shared.extra_qc);
    // Sorted latest first, so the first match is the goods' latest added record.
    let added = extra
        .iter()
        .find(|r| r.goods_id == goods_id && r.source == source);
    let latest = match (seeded, added) {
        (Some(s), Some(a)) if a.completion_time > s.completion_time => Some(a),
        (Some(s), _) => Some(s),
        (None, a) => a,
    };
    match latest {
        Some(r) => Ok(answer(r)),
        None if dataset().goods(goods_id, source).is_some() => Ok(without_qc),
        None => Err(goods_not_exists()),
    }
}

/// Filtered, paged QC records, latest completion first; `total` counts every match.
pub(super) fn page(shared: &GatewayState, body: &Body) -> Result<Value, ApiError> {
    let page_no = req_int(body, "pageNo")?;
    if page_no < 1 {
        return Err(ApiError::bad_request("pageNo must be at least 1"));
    }
    let page_size = req_int(body, "pageSize")?;
    if !(1..=100).contains(&page_size) {
        return Err(ApiError::bad_request("pageSize must be between 1 and 100"));
    }
    let goods_id = opt_str(body, "goodsId")?.filter(|s| !s.is_empty());
    let source = opt_int(body, "source")?.map(check_source).transpose()?;
    let created = time_range(body, "createTime")?;
    let completed = time_range(body, "completionTime")?;
    let within = |t: &str, range: &Option<(String, String)>| {
        range
            .as_ref()
            .is_none_or(|(a, b)| a.as_str() <= t && t <= b.as_str())
    };
    // Every filter but completionTime, which the added records are narrowed by below.
    let keep_run = |r: &&QcRecord| {
        goods_id.is_none_or(|g| r.goods_id == g)
            && source.is_none_or(|s| r.source == s)
            && within(&r.create_time, &created)
    };
    let keep = |r: &&QcRecord| keep_run(r) && within(&r.completion_time, &completed);
    // The few seeded matches are sorted here; the added records already are (maybe 100,000
    // of them), so they are merged in, never sorted, and only scanned for the filters that
    // do not follow their order.
    let mut seeded: Vec<&QcRecord> = (shared.recent_qc.iter())
        .chain(&dataset().qc)
        .filter(keep)
        .collect();
    seeded.sort_by(|a, b| newest_first(a, b));
    let extra = lock(&shared.extra_qc);
    // Sorted by completion time, so the completionTime filter keeps one run of them.
    let run = match &completed {
        None => &extra[..],
        Some((from, to)) => {
            let start = extra.partition_point(|r| r.completion_time.as_str() > to.as_str());
            let end = extra.partition_point(|r| r.completion_time.as_str() >= from.as_str());
            extra.get(start..end).unwrap_or_default()
        }
    };
    // Both are within i32 (validated), so the product cannot overflow usize on 64-bit.
    let skip = usize::try_from((page_no - 1) * page_size).unwrap_or(usize::MAX);
    let take = page_size as usize;
    let scanned: Vec<&QcRecord>;
    let page = if goods_id.is_none() && source.is_none() && created.is_none() {
        // The whole run matches: no scan.
        merged_page(&seeded, run, skip, take)
    } else {
        scanned = run.iter().filter(keep_run).collect();
        merged_page(&seeded, &scanned, skip, take)
    };
    let list: Vec<Value> = page.list.into_iter().map(QcRecord::to_json).collect();
    Ok(json!({ "list": list, "total": page.total }))
}

/// One page of the merge of the seeded matches and the matching added records.
struct Page<'a> {
    list: Vec<&'a QcRecord>,
    /// Every match: both sequences' lengths.
    total: usize,
}

/// `take` records from position `skip` of the merge of two sorted sequences, without walking
/// the first `skip`: they are the first `k` of `seeded` (those whose merged position is below
/// `skip`) and the first `skip - k` of `run`.
fn merged_page<'a, R: Borrow<QcRecord>>(
    seeded: &[&'a QcRecord],
    run: &'a [R],
    skip: usize,
    take: usize,
) -> Page<'a> {
    let total = seeded.len() + run.len();
    if skip >= total {
        return Page {
            list: Vec::new(),
            total,
        };
    }
    // The merged position of seeded[i]: i, plus the records of `run` ordered before it
    // (strictly: on a tie `Merge` puts the seeded record first).
    let k = seeded
        .iter()
        .enumerate()
        .take_while(|(i, s)| {
            i + run.partition_point(|r| newest_first(r.borrow(), s).is_lt()) < skip
        })
        .count();
    let run = run.get(skip - k..).unwrap_or_default();
    let list = Merge::new(seeded[k..].iter().copied(), run.iter().map(R::borrow))
        .take(take)
        .collect();
    Page { list, total }
}

/// Merges two sequences sorted by [`newest_first`] into one; on a tie the first goes first.
struct Merge<'a, A: Iterator<Item = &'a QcRecord>, B: Iterator<Item = &'a QcRecord>> {
    a: Peekable<A>,
    b: Peekable<B>,
}

impl<'a, A: Iterator<Item = &'a QcRecord>, B: Iterator<Item = &'a QcRecord>> Merge<'a, A, B> {
    fn new(a: A, b: B) -> Self {
        Self {
            a: a.peekable(),
            b: b.peekable(),
        }
    }
}

impl<'a, A: Iterator<Item = &'a QcRecord>, B: Iterator<Item = &'a QcRecord>> Iterator
    for Merge<'a, A, B>
{
    type Item = &'a QcRecord;

    fn next(&mut self) -> Option<&'a QcRecord> {
        match (self.a.peek(), self.b.peek()) {
            (Some(x), Some(y)) if newest_first(x, y).is_gt() => self.b.next(),
            (Some(_), _) => self.a.next(),
            (None, _) => self.b.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::qc::extra_record;

    #[test]
    fn merged_page_equals_walking_the_merge() {
        let mut seeded: Vec<&QcRecord> = dataset().qc.iter().collect();
        seeded.sort_by(|a, b| newest_first(a, b));
        // Before, between (and tied with) and after the seeded records.
        let times = [
            "2026-07-01 00:00:00",
            "2026-06-20 16:00:00",
            "2026-06-15 16:00:00",
            "2026-06-15 16:00:00",
            "2026-06-10 00:00:00",
            "2026-06-02 18:30:00",
            "2026-05-01 00:00:00",
        ];
        let mut run: Vec<QcRecord> = (0..70)
            .map(|c| extra_record(c + 1, times[c as usize % times.len()]))
            .collect();
        run.sort_by(newest_first);
        for seeded in [&seeded[..], &seeded[..0], &seeded[..1]] {
            for run in [&run[..], &run[..0], &run[..5]] {
                let walked: Vec<&QcRecord> =
                    Merge::new(seeded.iter().copied(), run.iter()).collect();
                assert!(walked.is_sorted_by(|a, b| newest_first(a, b).is_le()));
                for take in [1, 7, 100] {
                    for skip in 0..=walked.len() + 1 {
                        let expected: Vec<&QcRecord> =
                            walked.iter().copied().skip(skip).take(take).collect();
                        let page = merged_page(seeded, run, skip, take);
                        assert_eq!(page.total, walked.len());
                        let got = page.list;
                        // The scan path passes references.
                        let refs: Vec<&QcRecord> = run.iter().collect();
                        let by_ref = merged_page(seeded, &refs, skip, take).list;
                        assert!(got.iter().zip(&by_ref).all(|(a, b)| std::ptr::eq(*a, *b)));
                        assert_eq!(got.len(), by_ref.len());
                        assert!(
                            got.len() == expected.len()
                                && got.iter().zip(&expected).all(|(a, b)| std::ptr::eq(*a, *b)),
                            "skip {skip} take {take}"
                        );
                    }
                }
            }
        }
    }
}
