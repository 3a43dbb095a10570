//! QC endpoints: qc-detail (7.2), qc-images (7.3), qc-page (7.4).

use serde_json::{Value, json};

use super::goods::goods_not_exists;
use crate::data::dataset;
use crate::envelope::ApiError;
use crate::validate::{Body, check_source, goods_id, opt_int, opt_str, req_int, time_range};

/// The latest QC record of a goods; `data: null` when the goods exists without QC.
pub(super) fn detail(body: &Body) -> Result<Value, ApiError> {
    let (goods_id, source) = goods_key(body)?;
    let records = dataset().qc_of(goods_id, source);
    match records.first() {
        Some(r) => Ok(r.to_json()),
        None if dataset().goods(goods_id, source).is_some() => Ok(Value::Null),
        None => Err(goods_not_exists()),
    }
}

/// The photos of the latest QC record; `[]` when the goods exists without QC.
pub(super) fn images(body: &Body) -> Result<Value, ApiError> {
    let (goods_id, source) = goods_key(body)?;
    let records = dataset().qc_of(goods_id, source);
    match records.first() {
        Some(r) => Ok(json!(r.photos)),
        None if dataset().goods(goods_id, source).is_some() => Ok(json!([])),
        None => Err(goods_not_exists()),
    }
}

fn goods_key(body: &Body) -> Result<(&str, i64), ApiError> {
    let goods_id = goods_id(body)?;
    let source = check_source(req_int(body, "source")?)?;
    Ok((goods_id, source))
}

/// Filtered, paged QC records, latest completion first; `total` counts every match.
pub(super) fn page(body: &Body) -> Result<Value, ApiError> {
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
    let mut matches: Vec<_> = dataset()
        .qc
        .iter()
        .filter(|r| goods_id.is_none_or(|g| r.goods_id == g))
        .filter(|r| source.is_none_or(|s| r.source == s))
        .filter(|r| within(&r.create_time, &created))
        .filter(|r| within(&r.completion_time, &completed))
        .collect();
    matches.sort_by(|a, b| {
        b.completion_time
            .cmp(&a.completion_time)
            .then_with(|| a.goods_id.cmp(&b.goods_id))
    });
    let total = matches.len();
    // Both are within i32 (validated), so the product cannot overflow usize on 64-bit.
    let skip = usize::try_from((page_no - 1) * page_size).unwrap_or(usize::MAX);
    let list: Vec<Value> = matches
        .into_iter()
        .skip(skip)
        .take(page_size as usize)
        .map(|r| r.to_json())
        .collect();
    Ok(json!({ "list": list, "total": total }))
}
