//! The deterministic seeded dataset, built once per process and never mutated.

pub(crate) mod goods;
pub(crate) mod promotion;
pub(crate) mod qc;

use std::sync::OnceLock;

use goods::{GoodsDetail, SearchGoods};
use promotion::{CouponTemplate, RedeemCode};
use qc::QcRecord;

/// Everything the business endpoints read.
#[derive(Debug)]
pub(crate) struct Dataset {
    pub(crate) goods: Vec<GoodsDetail>,
    /// Image-search results per source (index = source - 1).
    pub(crate) search: [Vec<SearchGoods>; 3],
    pub(crate) qc: Vec<QcRecord>,
    pub(crate) templates: Vec<CouponTemplate>,
    pub(crate) codes: Vec<RedeemCode>,
    pub(crate) members: Vec<&'static str>,
}

impl Dataset {
    fn build() -> Self {
        let search = [
            goods::search_results(1),
            goods::search_results(2),
            goods::search_results(3),
        ];
        Self {
            goods: goods::details(&search),
            qc: qc::records(&search),
            search,
            templates: promotion::templates(),
            codes: promotion::codes(),
            members: promotion::members(),
        }
    }

    pub(crate) fn goods(&self, goods_id: &str, source: i64) -> Option<&GoodsDetail> {
        self.goods
            .iter()
            .find(|g| g.goods_id == goods_id && g.source == source)
    }

    /// QC records of one goods, latest completion first.
    pub(crate) fn qc_of(&self, goods_id: &str, source: i64) -> Vec<&QcRecord> {
        let mut found: Vec<&QcRecord> = self
            .qc
            .iter()
            .filter(|r| r.goods_id == goods_id && r.source == source)
            .collect();
        found.sort_by(|a, b| b.completion_time.cmp(&a.completion_time));
        found
    }

    pub(crate) fn template(&self, id: u64) -> Option<&CouponTemplate> {
        self.templates.iter().find(|t| t.template_id == id)
    }

    pub(crate) fn code(&self, code: &str) -> Option<&RedeemCode> {
        self.codes.iter().find(|c| c.code == code)
    }

    pub(crate) fn is_member(&self, email: &str) -> bool {
        self.members.contains(&email)
    }
}

/// The shared dataset.
pub(crate) fn dataset() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(Dataset::build)
}
