//! Seeded QC (quality-control) records, all in June 2026.

use serde_json::{Value, json};

use super::goods::SearchGoods;
use crate::seed;

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
    debug_assert_eq!(out.len() as u64, seed::QC_RECORD_COUNT);
    out
}
