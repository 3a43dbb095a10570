//! `POST /open-api/promotion/redeem-code/redeem` (guide 7.7).

use std::time::Duration;

use serde_json::{Value, json};

use crate::auth::Caller;
use crate::data::dataset;
use crate::data::promotion::CodeStatus;
use crate::envelope::ApiError;
use crate::seed::{codes, messages};
use crate::state::{GatewayState, lock};
use crate::validate::{Body, opt_str, req_str};

/// How long a `requestId` is remembered (guide: "within 10 minutes").
const REQUEST_ID_WINDOW: Duration = Duration::from_secs(600);

/// Validates, de-duplicates by `requestId` (per clientId, remembered only once a redemption
/// commits, like upstream's guard that releases its key on failure), then checks member, code,
/// quota and per-member limit, and commits.
pub(super) fn redeem(
    shared: &GatewayState,
    caller: &Caller,
    body: &Body,
    future: bool,
) -> Result<Value, ApiError> {
    let code = req_str(body, "code")?;
    if code.is_empty() {
        return Err(ApiError::bad_request("Redeem code is required"));
    }
    // Missing, null or empty: the guide's one message.
    let email = match body.get("email") {
        None | Some(Value::Null) => "",
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(ApiError::bad_request("email must be a string")),
    };
    if email.is_empty() {
        return Err(ApiError::bad_request(messages::EMAIL_REQUIRED));
    }
    let request_id = opt_str(body, "requestId")?.filter(|r| !r.is_empty());
    let data = dataset();
    let now = shared.clock.now();
    // One lock for check-and-commit: concurrent duplicates are processed once.
    let mut state = lock(&shared.redeem);
    let key = request_id.map(|r| (caller.client_id.clone(), r.to_owned()));
    if let Some(key) = &key
        && state
            .request_ids
            .get(key)
            .is_some_and(|first| now < *first + REQUEST_ID_WINDOW)
    {
        return Err(ApiError::new(
            codes::DUPLICATE_REQUEST,
            messages::DUPLICATE_REQUEST,
        ));
    }
    if !data.is_member(email) {
        return Err(ApiError::new(
            codes::MEMBER_NOT_EXISTS,
            messages::MEMBER_NOT_EXISTS,
        ));
    }
    let Some(redeem_code) = data.code(code) else {
        return Err(ApiError::new(
            codes::REDEEM_CODE_NOT_EXISTS,
            "Redeem code does not exist",
        ));
    };
    match redeem_code.status {
        CodeStatus::Active => {}
        CodeStatus::Expired => {
            return Err(ApiError::new(
                codes::REDEEM_CODE_EXPIRED,
                "Redeem code has expired",
            ));
        }
        CodeStatus::Voided => {
            return Err(ApiError::new(
                codes::REDEEM_CODE_VOIDED,
                "Redeem code has been voided",
            ));
        }
    }
    let used = state.per_code.get(code).copied().unwrap_or(0);
    if redeem_code.total_quota.is_some_and(|q| used >= q) {
        return Err(ApiError::new(
            codes::REDEEM_CODE_EXHAUSTED,
            "Redeem code has been fully redeemed",
        ));
    }
    let member_key = (code.to_owned(), email.to_owned());
    let by_member = state.per_member.get(&member_key).copied().unwrap_or(0);
    if redeem_code.per_member.is_some_and(|l| by_member >= l) {
        return Err(ApiError::new(
            codes::REDEEM_CODE_MEMBER_LIMIT,
            "Redemption limit per member reached",
        ));
    }

    *state.per_code.entry(code.to_owned()).or_insert(0) += 1;
    *state.per_member.entry(member_key).or_insert(0) += 1;
    if let Some(key) = key {
        state.request_ids.insert(key, now);
    }
    drop(state);
    shared.stats.redemption(code, email);

    let templates: Vec<_> = redeem_code
        .templates
        .iter()
        .filter_map(|id| data.template(*id))
        .collect();
    let prize = templates
        .iter()
        .map(|t| t.prize())
        .collect::<Vec<_>>()
        .join(",");
    let coupons: Vec<Value> = templates
        .iter()
        .map(|t| t.to_json(if future { 9 } else { t.coupon_type }))
        .collect();
    Ok(json!({
        "code": code,
        "email": email,
        "prize": prize,
        "success": true,
        "message": format!("兑换成功,共获得 {} 张优惠券", coupons.len()),
        "coupons": coupons,
    }))
}
