//! Seeded members, coupon templates and redeem codes.

use serde_json::{Value, json};

use crate::seed;

/// A coupon template (guide 7.7 `coupons` element).
#[derive(Clone, Debug)]
pub(crate) struct CouponTemplate {
    pub(crate) template_id: u64,
    pub(crate) title: &'static str,
    pub(crate) coupon_type: i64,
    pub(crate) discount_type: i64,
    pub(crate) discount_price: Option<i64>,
    pub(crate) discount_percent: Option<i64>,
    pub(crate) use_price_condition: i64,
}

const VALID_START: &str = "2026-06-01 00:00:00";
const VALID_END: &str = "2026-06-30 23:59:59";

impl CouponTemplate {
    /// `coupon_type` overrides the type (the future-fields mode sends an unknown 9).
    pub(crate) fn to_json(&self, coupon_type: i64) -> Value {
        json!({
            "templateId": self.template_id,
            "title": self.title,
            "couponType": coupon_type,
            "discountType": self.discount_type,
            "discountPrice": self.discount_price,
            "discountPercent": self.discount_percent,
            "usePriceCondition": self.use_price_condition,
            "validStartTime": VALID_START,
            "validEndTime": VALID_END,
        })
    }

    /// "30% OFF" for a percentage coupon (`discountPercent` is what the buyer pays), "$10 OFF"
    /// or "$10.50 OFF" for an amount coupon, the title when there is no discount info.
    pub(crate) fn prize(&self) -> String {
        match (
            self.discount_type,
            self.discount_percent,
            self.discount_price,
        ) {
            (2, Some(p), _) if (1..100).contains(&p) => format!("{}% OFF", 100 - p),
            (1, _, Some(c)) if c > 0 => format!("${} OFF", usd(c)),
            _ => self.title.to_owned(),
        }
    }
}

/// Cents as dollars, decimals only when needed: 1000 → "10", 1050 → "10.50".
fn usd(cents: i64) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    }
}

/// The templates: 1001 is the percentage coupon of the guide's code ("30% OFF"), 1002 the
/// amount coupon the guide's example shows ("满100减10", 1000 cents).
pub(crate) fn templates() -> Vec<CouponTemplate> {
    let mut templates = vec![
        CouponTemplate {
            template_id: 1001,
            title: "满100享7折",
            coupon_type: 2,
            discount_type: 2,
            discount_price: None,
            discount_percent: Some(70),
            use_price_condition: 10000,
        },
        CouponTemplate {
            template_id: 1002,
            title: "满100减10",
            coupon_type: 2,
            discount_type: 1,
            discount_price: Some(1000),
            discount_percent: None,
            use_price_condition: 10000,
        },
        CouponTemplate {
            template_id: 1003,
            title: "$10.50 off site-wide",
            coupon_type: 3,
            discount_type: 1,
            discount_price: Some(1050),
            discount_percent: None,
            use_price_condition: 0,
        },
        CouponTemplate {
            template_id: 1004,
            title: "Free Shipping Voucher",
            coupon_type: 1,
            discount_type: 1,
            discount_price: None,
            discount_percent: None,
            use_price_condition: 0,
        },
    ];
    // 1002 again under an id beyond 2^53 (`seed::REDEEM_CODE_LONG_TEMPLATE`).
    let long = CouponTemplate {
        template_id: seed::LONG_TEMPLATE_ID,
        ..templates[1].clone()
    };
    templates.push(long);
    templates
}

/// Lifecycle state of a redeem code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodeStatus {
    Active,
    Expired,
    Voided,
}

/// A redeem code and its limits.
#[derive(Clone, Debug)]
pub(crate) struct RedeemCode {
    pub(crate) code: &'static str,
    pub(crate) status: CodeStatus,
    /// Total redemptions allowed (`None`: unlimited).
    pub(crate) total_quota: Option<u64>,
    /// Redemptions allowed per member (`None`: unlimited).
    pub(crate) per_member: Option<u64>,
    /// Templates issued on each redemption.
    pub(crate) templates: Vec<u64>,
}

fn code(code: &'static str, templates: &[u64]) -> RedeemCode {
    RedeemCode {
        code,
        status: CodeStatus::Active,
        total_quota: None,
        per_member: None,
        templates: templates.to_vec(),
    }
}

/// All seeded codes (see [`crate::seed`]).
pub(crate) fn codes() -> Vec<RedeemCode> {
    vec![
        code(seed::REDEEM_CODE_30_OFF, &[1001]),
        code(seed::REDEEM_CODE_10_USD_OFF, &[1002]),
        code(seed::REDEEM_CODE_10_50_USD_OFF, &[1003]),
        code(seed::REDEEM_CODE_MULTI, &[1001, 1002]),
        code(seed::REDEEM_CODE_TITLE_ONLY, &[1004]),
        code(seed::REDEEM_CODE_LONG_TEMPLATE, &[seed::LONG_TEMPLATE_ID]),
        RedeemCode {
            per_member: Some(1),
            ..code(seed::REDEEM_CODE_ONCE_PER_MEMBER, &[1002])
        },
        RedeemCode {
            total_quota: Some(2),
            ..code(seed::REDEEM_CODE_QUOTA_2, &[1002])
        },
        RedeemCode {
            status: CodeStatus::Expired,
            ..code(seed::REDEEM_CODE_EXPIRED, &[1002])
        },
        RedeemCode {
            status: CodeStatus::Voided,
            ..code(seed::REDEEM_CODE_VOIDED, &[1002])
        },
        RedeemCode {
            total_quota: Some(0),
            ..code(seed::REDEEM_CODE_EXHAUSTED, &[1002])
        },
    ]
}

/// Member accounts, by exact e-mail.
pub(crate) fn members() -> Vec<&'static str> {
    seed::MEMBER_EMAILS.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prizes_follow_the_guide() {
        let t = templates();
        let prizes: Vec<String> = t.iter().map(CouponTemplate::prize).collect();
        assert_eq!(
            prizes,
            [
                "30% OFF",
                "$10 OFF",
                "$10.50 OFF",
                "Free Shipping Voucher",
                "$10 OFF"
            ]
        );
    }
}
