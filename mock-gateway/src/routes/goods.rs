//! `POST /open-api/goods/detail` (guide 7.1).

use serde_json::Value;

use crate::data::dataset;
use crate::envelope::ApiError;
use crate::seed::{codes, messages};
use crate::validate::{Body, check_source, goods_id, req_int};

pub(super) fn detail(body: &Body) -> Result<Value, ApiError> {
    let goods_id = goods_id(body)?;
    let source = check_source(req_int(body, "source")?)?;
    dataset()
        .goods(goods_id, source)
        .map(|g| g.to_json())
        .or_else(|| catalog(goods_id, source))
        .ok_or_else(goods_not_exists)
}

/// A goods of the synthetic catalog ([`crate::seed::CATALOG_FIRST_ID`]), made from its number.
fn catalog(goods_id: &str, source: i64) -> Option<Value> {
    use crate::seed::{CATALOG_FIRST_ID, CATALOG_SIZE};
    let id: u64 = goods_id.parse().ok()?;
    let n = id
        .checked_sub(CATALOG_FIRST_ID)
        .filter(|n| *n < CATALOG_SIZE)?;
    if source != 1 {
        return None;
    }
    let cents = 100 + n % 100_000;
    Some(serde_json::json!({
        "goodsId": goods_id,
        "goodsTitle": format!("Catalog goods {n}"),
        "goodsDetailUrl": format!("https://example.com/item/{goods_id}"),
        "goodsPicUrl": format!("https://example.com/img/{goods_id}.jpg"),
        "price": format!("{}.{:02}", cents / 100, cents % 100),
        "priceInCents": cents,
        "orginalPrice": format!("{}.{:02}", cents / 50, cents % 50),
        "stockNum": (n % 1000).to_string(),
        "salesCount": (n % 777).to_string(),
        "goodsImageUrlList": [format!("https://example.com/img/{goods_id}-1.jpg")],
        "postFee": "0.00",
        "goodsSource": 1,
    }))
}

/// The business error for an unknown (goodsId, source).
pub(super) fn goods_not_exists() -> ApiError {
    ApiError::new(codes::GOODS_NOT_EXISTS, messages::GOODS_NOT_EXISTS)
}
