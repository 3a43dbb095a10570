//! Seeded QC (quality-control) records: the guide's, in June 2026; the recent ones, relative
//! to each gateway's start date; and the synthetic records a test may add to one gateway.

use std::cmp::Ordering;

use serde_json::{Value, json};

use super::goods::SearchGoods;
use crate::{calendar, seed};

/// One QC record (guide 7.2); `create_time` is only used for filtering.
#[derive(Clone, Debug)]
pub(crate) struct QcRecord {
    pub(crate) goods_id: String,
    pub(crate) source: i64,
    pub(crate) photos: Vec<String>,
    pub(crate) length: u64,
    pub(crate) width: u64,
    pub(crate) height: u64,
    pub(crate) weight: u64,
    /// `yyyy-MM-dd HH:mm:ss`: fixed width, so string order is time order.
    pub(crate) completion_time: String,
    pub(crate) create_time: String,
}

impl QcRecord {
    /// The wire form; staff IDs and names are never part of it (guide 7.2 note).
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "goodsId": self.goods_id,
            "qcPathList": self.photos,
            "length": self.length.to_string(),
            "width": self.width.to_string(),
            "height": self.height.to_string(),
            "weight": self.weight.to_string(),
            "volume": (self.length * self.width * self.height).to_string(),
            "completionTime": self.completion_time,
        })
    }
}

/// The qc-page order: latest completion first, then goodsId.
pub(crate) fn newest_first(a: &QcRecord, b: &QcRecord) -> Ordering {
    b.completion_time
        .cmp(&a.completion_time)
        .then_with(|| a.goods_id.cmp(&b.goods_id))
}

/// Highest counter of a synthetic goods id (`7` + 8 digits).
pub(crate) const EXTRA_MAX: u64 = 99_999_999;

/// The goods id of the `counter`-th synthetic record (1-based): `7` followed by the counter
/// zero-padded to 8 digits. Nine digits starting with 7: no seeded goods id has that shape
/// (they have 6, 10 or 12 digits), and fixed width makes string order counter order.
pub(crate) fn extra_goods_id(counter: u64) -> String {
    format!("7{counter:08}")
}

/// The `counter`-th synthetic record (source 1, one photo), completed and created at `time`
/// (already validated).
pub(crate) fn extra_record(counter: u64, time: &str) -> QcRecord {
    let goods_id = extra_goods_id(counter);
    QcRecord {
        photos: vec![format!("https://example.com/qc/extra-{goods_id}.jpg")],
        goods_id,
        source: 1,
        length: 10 + counter % 40,
        width: 5 + counter % 20,
        height: 2 + counter % 15,
        weight: 100 + counter * 37 % 2000,
        completion_time: time.to_owned(),
        create_time: time.to_owned(),
    }
}

pub(crate) use crate::calendar::is_valid_date_time;

fn at(day: u64, hour: u64, minute: u64) -> String {
    format!("2026-06-{day:02} {hour:02}:{minute:02}:00")
}

/// The guide's 7.2 record: the only one completed on June 1–2, so the 7.4 example query
/// answers exactly one record.
fn guide_record() -> QcRecord {
    QcRecord {
        goods_id: seed::GOODS_ID.to_owned(),
        source: 1,
        photos: vec![
            "https://example.com/qc/1.jpg".to_owned(),
            "https://example.com/qc/2.jpg".to_owned(),
        ],
        length: 30,
        width: 20,
        height: 10,
        weight: 500,
        completion_time: "2026-06-02 18:30:00".to_owned(),
        create_time: "2026-06-01 10:00:00".to_owned(),
    }
}

/// All QC records: the guide's, three for [`seed::QC_MULTI_GOODS_ID`], and 50 for
/// image-search goods spread over June 3–30.
pub(crate) fn records(search: &[Vec<SearchGoods>; 3]) -> Vec<QcRecord> {
    let mut out = vec![guide_record()];
    for (n, day) in [10u64, 15, 20].into_iter().enumerate() {
        let id = seed::QC_MULTI_GOODS_ID;
        out.push(QcRecord {
            goods_id: id.to_owned(),
            source: seed::QC_MULTI_GOODS_SOURCE,
            photos: (1..=n + 1)
                .map(|p| format!("https://example.com/qc/{id}/{day}-{p}.jpg"))
                .collect(),
            length: 40,
            width: 30,
            height: 20 + n as u64,
            weight: 1200 + n as u64 * 10,
            completion_time: at(day, 16, 0),
            create_time: at(day - 1, 9, 0),
        });
    }
    for i in 0..50u64 {
        let list = &search[(i % 3) as usize];
        let goods = &list[(i / 3 + 1) as usize];
        let day = 3 + i * 28 / 50;
        out.push(QcRecord {
            goods_id: goods.goods_id.clone(),
            source: goods.source,
            photos: (1..=1 + i % 4)
                .map(|p| format!("https://example.com/qc/{}/{p}.jpg", goods.goods_id))
                .collect(),
            length: 10 + i % 40,
            width: 5 + i % 20,
            height: 2 + i % 15,
            weight: 100 + i * 37 % 2000,
            completion_time: at(day, i * 5 % 24, i * 17 % 60),
            create_time: at(day - 1, i * 3 % 24, i * 11 % 60),
        });
    }
    debug_assert_eq!(out.len() as u64, seed::QC_JUNE_2026_COUNT);
    out
}

/// The recent records of a gateway started on `today` (days since 1970-01-01, UTC+8): one for
/// each of the first [`seed::QC_RECENT_COUNT`] goods of the synthetic catalog, completed on
/// `today` and every other day before it, so that this month and the previous one both have
/// some, whatever the date. Newest first.
pub(crate) fn recent_records(today: i64) -> Vec<QcRecord> {
    (0..seed::QC_RECENT_COUNT)
        .map(|k| {
            let day = today - 2 * k as i64;
            let goods_id = (seed::CATALOG_FIRST_ID + k).to_string();
            QcRecord {
                photos: vec![format!("https://example.com/qc/{goods_id}.jpg")],
                goods_id,
                source: 1,
                length: 20 + k,
                width: 10 + k % 7,
                height: 5 + k % 5,
                weight: 300 + k * 41,
                // Early in the day: never later than the gateway's start.
                completion_time: calendar::date_time(day, (k * 97 % 3600) as u32),
                create_time: calendar::date_time(day - 1, 9 * 3600),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_must_be_real() {
        for ok in [
            "2026-06-30 23:00:00",
            "2024-02-29 00:00:00",
            "2000-02-29 12:30:59",
            "2026-12-31 23:59:59",
        ] {
            assert!(is_valid_date_time(ok), "{ok}");
        }
        for bad in [
            "",
            "2026-06-30",
            "2026-06-30T23:00:00",
            "2026-06-30 23:00:00 ",
            "2026-6-30 23:00:00",
            "2026-13-01 00:00:00",
            "2026-00-01 00:00:00",
            "2026-06-00 00:00:00",
            "2026-06-31 00:00:00",
            "2026-02-29 00:00:00",
            "1900-02-29 00:00:00",
            "2026-06-30 24:00:00",
            "2026-06-30 23:60:00",
            "2026-06-30 23:00:60",
            "２026-06-30 23:00:00",
        ] {
            assert!(!is_valid_date_time(bad), "{bad:?}");
        }
    }

    #[test]
    fn extra_ids_are_fixed_width_and_unseeded() {
        assert_eq!(extra_goods_id(1), "700000001");
        assert_eq!(extra_goods_id(EXTRA_MAX), "799999999");
        let data = crate::data::dataset();
        assert!(data.qc.iter().all(|r| r.goods_id.len() != 9));
        assert!(data.goods.iter().all(|g| g.goods_id.len() != 9));
        let r = extra_record(42, "2026-06-30 23:00:00");
        assert_eq!(r.photos, ["https://example.com/qc/extra-700000042.jpg"]);
        assert_eq!(
            (r.source, r.create_time.as_str()),
            (1, "2026-06-30 23:00:00")
        );
    }
}
