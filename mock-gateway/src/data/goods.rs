//! Seeded goods: detail records and image-search results.

use serde_json::{Value, json};

use crate::seed;

/// A goods detail record (guide 7.1).
#[derive(Clone, Debug)]
pub(crate) struct GoodsDetail {
    pub(crate) goods_id: String,
    pub(crate) source: i64,
    pub(crate) title: String,
    pub(crate) detail_url: String,
    pub(crate) pic_url: String,
    pub(crate) price_cents: i64,
    pub(crate) original_cents: i64,
    pub(crate) stock: u64,
    pub(crate) sales: u64,
    pub(crate) images: Vec<String>,
    pub(crate) post_fee_cents: i64,
}

impl GoodsDetail {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "goodsId": self.goods_id,
            "goodsTitle": self.title,
            "goodsDetailUrl": self.detail_url,
            "goodsPicUrl": self.pic_url,
            "price": yuan(self.price_cents),
            "priceInCents": self.price_cents,
            // `orginalPrice` (sic): the wire name as the guide spells it.
            "orginalPrice": yuan(self.original_cents),
            "stockNum": self.stock.to_string(),
            "salesCount": self.sales.to_string(),
            "goodsImageUrlList": self.images,
            "postFee": yuan(self.post_fee_cents),
            "goodsSource": self.source,
        })
    }
}

/// An image-search result (guide 7.5).
#[derive(Clone, Debug)]
pub(crate) struct SearchGoods {
    pub(crate) goods_id: String,
    pub(crate) source: i64,
    pub(crate) title: String,
    pub(crate) detail_url: String,
    pub(crate) pic_url: String,
    pub(crate) price_cents: i64,
    pub(crate) origin_cents: i64,
    pub(crate) sales: u64,
    pub(crate) discount_cents: Option<i64>,
}

impl SearchGoods {
    /// `goods_source` overrides the source (the future-fields mode sends an unknown 9).
    pub(crate) fn to_json(&self, goods_source: i64) -> Value {
        json!({
            "goodsId": self.goods_id,
            "goodsTitle": self.title,
            "goodsDetailUrl": self.detail_url,
            "goodsPicUrl": self.pic_url,
            "goodsSource": goods_source,
            "price": yuan(self.price_cents),
            "priceInCents": self.price_cents,
            "originPriceInCents": self.origin_cents,
            "salesCount": self.sales.to_string(),
            "hasDiscount": self.discount_cents.is_some(),
            "discountPriceInCents": self.discount_cents.unwrap_or(self.price_cents),
        })
    }

    /// The detail record of a search result, so search → detail chains work.
    fn to_detail(&self, index: u64) -> GoodsDetail {
        GoodsDetail {
            goods_id: self.goods_id.clone(),
            source: self.source,
            title: self.title.clone(),
            detail_url: self.detail_url.clone(),
            pic_url: self.pic_url.clone(),
            price_cents: self.price_cents,
            original_cents: self.origin_cents,
            stock: 50 + index * 13 % 900,
            sales: self.sales,
            images: vec![
                format!("https://example.com/img/{}/1.jpg", self.goods_id),
                format!("https://example.com/img/{}/2.jpg", self.goods_id),
            ],
            post_fee_cents: if index.is_multiple_of(3) { 0 } else { 800 },
        }
    }
}

/// Cents as a yuan string with two decimals ("99.00").
pub(crate) fn yuan(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// The guide's 7.1 example, verbatim.
fn guide_goods() -> GoodsDetail {
    GoodsDetail {
        goods_id: seed::GOODS_ID.to_owned(),
        source: 1,
        title: "Sample Goods".to_owned(),
        detail_url: "https://example.com/item/123456".to_owned(),
        pic_url: "https://example.com/img/123456.jpg".to_owned(),
        price_cents: 9900,
        original_cents: 12900,
        stock: 1000,
        sales: 532,
        images: vec![
            "https://example.com/img/1.jpg".to_owned(),
            "https://example.com/img/2.jpg".to_owned(),
        ],
        post_fee_cents: 0,
    }
}

fn explicit_goods(goods_id: &str, source: i64, title: &str, detail_url: String) -> GoodsDetail {
    GoodsDetail {
        goods_id: goods_id.to_owned(),
        source,
        title: title.to_owned(),
        detail_url,
        pic_url: format!("https://example.com/img/{goods_id}.jpg"),
        price_cents: 15800,
        original_cents: 19900,
        stock: 240,
        sales: 1875,
        images: vec![format!("https://example.com/img/{goods_id}/1.jpg")],
        post_fee_cents: 1000,
    }
}

/// Image-search results of one source (1, 2 or 3); the first of source 1 is the guide's 7.5
/// example.
pub(crate) fn search_results(source: i64) -> Vec<SearchGoods> {
    let idx = usize::try_from(source - 1).unwrap_or(0);
    let total = seed::IMAGE_SEARCH_TOTALS[idx];
    let (base, platform) = match source {
        1 => (700_000_000_000u64, "Taobao"),
        2 => (610_000_000_000u64, "1688"),
        _ => (7_200_000_000u64, "Weidian"),
    };
    (0..total)
        .map(|i| {
            if source == 1 && i == 0 {
                return SearchGoods {
                    goods_id: seed::GOODS_ID.to_owned(),
                    source: 1,
                    title: "Sample Goods".to_owned(),
                    detail_url: "https://example.com/item/123456".to_owned(),
                    pic_url: "https://example.com/img/123456.jpg".to_owned(),
                    price_cents: 9900,
                    origin_cents: 9900,
                    sales: 532,
                    discount_cents: Some(8900),
                };
            }
            let goods_id = (base + i * 1_000_003).to_string();
            let price_cents = 1990 + (i as i64 * 731) % 30000;
            SearchGoods {
                title: format!("{platform} look-alike #{i}"),
                detail_url: format!("https://example.com/item/{goods_id}"),
                pic_url: format!("https://example.com/img/{goods_id}.jpg"),
                price_cents,
                origin_cents: price_cents + (i as i64 % 4) * 1000,
                sales: i * 37 % 5000,
                discount_cents: (i % 3 == 1).then_some(price_cents - 500),
                goods_id,
                source,
            }
        })
        .collect()
}

/// Every goods with a detail record.
pub(crate) fn details(search: &[Vec<SearchGoods>; 3]) -> Vec<GoodsDetail> {
    let mut out = vec![
        guide_goods(),
        explicit_goods(
            seed::TMALL_GOODS_ID,
            1,
            "Tmall sample goods",
            seed::TMALL_URL.to_owned(),
        ),
        explicit_goods(
            seed::GOODS_WITHOUT_QC_ID,
            1,
            "Goods without QC",
            "https://item.taobao.com/item.htm?id=654321".to_owned(),
        ),
        explicit_goods(
            seed::QC_MULTI_GOODS_ID,
            seed::QC_MULTI_GOODS_SOURCE,
            "1688 goods with three QC records",
            "https://detail.1688.com/offer/800100.html".to_owned(),
        ),
    ];
    for list in search {
        for (i, g) in list.iter().enumerate() {
            let known = out
                .iter()
                .any(|d| d.goods_id == g.goods_id && d.source == g.source);
            if !known {
                out.push(g.to_detail(i as u64));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_has_two_decimals() {
        assert_eq!(yuan(9900), "99.00");
        assert_eq!(yuan(1050), "10.50");
        assert_eq!(yuan(5), "0.05");
    }
}
