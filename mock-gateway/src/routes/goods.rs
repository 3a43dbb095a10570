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
        .ok_or_else(goods_not_exists)
}

/// The business error for an unknown (goodsId, source).
pub(super) fn goods_not_exists() -> ApiError {
    ApiError::new(codes::GOODS_NOT_EXISTS, messages::GOODS_NOT_EXISTS)
}
