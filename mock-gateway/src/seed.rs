//! Seeded values of the mock, so tests never hard-code strings.
//!
//! Every gateway starts with the same deterministic data; see the crate documentation for the
//! full tables.

/// Client id of the seeded default partner application.
pub const CLIENT_ID: &str = "rizzitgo-demo-client";
/// Client secret of the seeded default partner application (a local mock: not a real secret).
pub const CLIENT_SECRET: &str = "demo-secret-0123456789abcdef";
/// Tenant of the seeded default partner application.
pub const TENANT_ID: &str = "1";

/// Client id of a second application, in another tenant, granted only `goods:detail:read`.
pub const OTHER_CLIENT_ID: &str = "rizzitgo-other-client";
/// Client secret of the second application.
pub const OTHER_CLIENT_SECRET: &str = "other-secret-fedcba9876543210";
/// Tenant of the second application.
pub const OTHER_TENANT_ID: &str = "2";

/// Scope of `/open-api/goods/detail`.
pub const SCOPE_GOODS_DETAIL: &str = "goods:detail:read";
/// Scope of the three QC endpoints.
pub const SCOPE_GOODS_QC: &str = "goods:qc:read";
/// Scope of image search and URL parsing.
pub const SCOPE_GOODS_SEARCH: &str = "goods:search:read";
/// Scope of coupon redemption.
pub const SCOPE_REDEEM: &str = "promotion:redeem-code:redeem";
/// All four scopes, in the order the default application is granted them.
pub const ALL_SCOPES: [&str; 4] = [
    SCOPE_GOODS_DETAIL,
    SCOPE_GOODS_QC,
    SCOPE_GOODS_SEARCH,
    SCOPE_REDEEM,
];

/// Default token lifetime (`expires_in`), seconds.
pub const DEFAULT_TOKEN_TTL_SECS: u64 = 1800;

/// The guide's example goods (7.1–7.5), source 1 (Taobao).
pub const GOODS_ID: &str = "123456";
/// Goods of the guide's 7.6 Tmall link, source 1; also has a detail record.
pub const TMALL_GOODS_ID: &str = "768650559131";
/// A goods (source 1) that exists but has no QC record: qc-detail answers `data: null`,
/// qc-images `data: []`.
pub const GOODS_WITHOUT_QC_ID: &str = "654321";
/// A 1688 goods (source 2) with three QC records (on 2026-06-10, -15 and -20).
pub const QC_MULTI_GOODS_ID: &str = "800100";
/// Source of [`QC_MULTI_GOODS_ID`].
pub const QC_MULTI_GOODS_SOURCE: i64 = 2;
/// The first goods id of the synthetic catalog: goods ids `CATALOG_FIRST_ID` to
/// `CATALOG_FIRST_ID + CATALOG_SIZE - 1` (source 1) exist for goods detail, each with a detail
/// made from its number, so that load tests can spread their calls over many goods.
pub const CATALOG_FIRST_ID: u64 = 9_100_000_000;
/// The size of the synthetic catalog.
pub const CATALOG_SIZE: u64 = 100_000;
/// A goods id that exists for no source.
pub const UNKNOWN_GOODS_ID: &str = "999999999";
/// Total number of seeded QC records: [`QC_JUNE_2026_COUNT`] and [`QC_RECENT_COUNT`].
pub const QC_RECORD_COUNT: u64 = QC_JUNE_2026_COUNT + QC_RECENT_COUNT;
/// Seeded QC records completed in June 2026 (the guide's examples).
pub const QC_JUNE_2026_COUNT: u64 = 54;
/// Seeded QC records relative to the gateway's start date (UTC+8, or
/// [`MockGatewayBuilder::today`](crate::MockGatewayBuilder::today)): goods
/// [`CATALOG_FIRST_ID`] + k (source 1), k = 0..20, completed k × 2 days before it, in the first
/// hour of the day. So the current and the previous month both have records.
pub const QC_RECENT_COUNT: u64 = 20;

/// Image-search result counts per source (1, 2, 3); the page size is always 20.
pub const IMAGE_SEARCH_TOTALS: [u64; 3] = [100, 45, 41];
/// An image URL for which image search finds nothing (total 0).
pub const IMAGE_URL_NO_MATCH: &str = "https://example.com/img/no-match.jpg";

/// The guide's 7.6 example link.
pub const TMALL_URL: &str = "https://detail.tmall.com/item.htm?id=768650559131";
/// A Taobao short link that the mock resolves to [`TMALL_GOODS_ID`] (source 1).
pub const TAOBAO_SHORT_LINK: &str = "https://m.tb.cn/h.gZbVq2X";
/// Share-link base of `targetGoodsDetailUrl`.
pub const SHARE_LINK_BASE: &str = "https://www.rizzitgo.com/detailPage";

/// Member e-mail with an account (exact, case-sensitive match).
pub const MEMBER_EMAIL: &str = "partner.member@example.com";
/// A second member.
pub const SECOND_MEMBER_EMAIL: &str = "second.member@example.com";
/// A third member.
pub const THIRD_MEMBER_EMAIL: &str = "vip.member@example.com";
/// Every seeded member e-mail.
pub const MEMBER_EMAILS: [&str; 3] = [MEMBER_EMAIL, SECOND_MEMBER_EMAIL, THIRD_MEMBER_EMAIL];
/// An e-mail with no member account.
pub const UNKNOWN_MEMBER_EMAIL: &str = "nobody@example.com";

/// The guide's 7.7 code: one percentage coupon, `discountPercent` 70, prize "30% OFF".
/// No quota, no per-member limit.
pub const REDEEM_CODE_30_OFF: &str = "E602F4DC626E4948";
/// One amount coupon of 1000 cents (the guide's "满100减10"): prize "$10 OFF". Unlimited.
pub const REDEEM_CODE_10_USD_OFF: &str = "A1B2C3D4E5F60001";
/// One amount coupon of 1050 cents: prize "$10.50 OFF". Unlimited.
pub const REDEEM_CODE_10_50_USD_OFF: &str = "A1B2C3D4E5F60002";
/// Two coupons (30 % off and $10 off): prize "30% OFF,$10 OFF". Unlimited.
pub const REDEEM_CODE_MULTI: &str = "A1B2C3D4E5F60003";
/// One coupon without discount info: prize falls back to its title "Free Shipping Voucher".
pub const REDEEM_CODE_TITLE_ONLY: &str = "A1B2C3D4E5F60004";
/// $10 off, at most one redemption per member.
pub const REDEEM_CODE_ONCE_PER_MEMBER: &str = "A1B2C3D4E5F60005";
/// $10 off, two redemptions in total, then exhausted.
pub const REDEEM_CODE_QUOTA_2: &str = "A1B2C3D4E5F60006";
/// One $10 OFF coupon of template [`LONG_TEMPLATE_ID`], an id beyond 2^53 (what a JSON
/// client reading numbers as doubles would round). Unlimited.
pub const REDEEM_CODE_LONG_TEMPLATE: &str = "A1B2C3D4E5F60007";
/// 2^53 + 1: the template id of [`REDEEM_CODE_LONG_TEMPLATE`].
pub const LONG_TEMPLATE_ID: u64 = 9_007_199_254_740_993;
/// An expired code.
pub const REDEEM_CODE_EXPIRED: &str = "A1B2C3D4E5F6E001";
/// A voided code.
pub const REDEEM_CODE_VOIDED: &str = "A1B2C3D4E5F6E002";
/// A code whose quota is already used up.
pub const REDEEM_CODE_EXHAUSTED: &str = "A1B2C3D4E5F6E003";
/// A code that does not exist.
pub const REDEEM_CODE_UNKNOWN: &str = "0000000000000000";

/// Error codes the mock answers (global ones and 10-digit business ones).
pub mod codes {
    /// Invalid parameter / unsupported grant_type / missing tenant-id.
    pub const BAD_REQUEST: i64 = 400;
    /// Token (or client credentials) missing, invalid, expired or revoked.
    pub const UNAUTHORIZED: i64 = 401;
    /// Insufficient scope, or tenant-id differing from the token's tenant.
    pub const FORBIDDEN: i64 = 403;
    /// Unknown path.
    pub const NOT_FOUND: i64 = 404;
    /// Undeclared method on a known path.
    pub const METHOD_NOT_ALLOWED: i64 = 405;
    /// Rate limited (per clientId).
    pub const TOO_MANY_REQUESTS: i64 = 429;
    /// Duplicate redeem `requestId` within 10 minutes (upstream's idempotency code).
    pub const DUPLICATE_REQUEST: i64 = 900;
    /// Goods does not exist (goods detail / QC with an unknown goods).
    pub const GOODS_NOT_EXISTS: i64 = 1_008_005_000;
    /// An http(s) URL that is not an image (no .jpg/.jpeg/.png/.gif/.webp/.bmp path).
    pub const IMAGE_URL_INVALID: i64 = 1_008_012_000;
    /// No member has this e-mail.
    pub const MEMBER_NOT_EXISTS: i64 = 1_004_001_000;
    /// Redeem code does not exist.
    pub const REDEEM_CODE_NOT_EXISTS: i64 = 1_013_020_000;
    /// Redeem code has expired.
    pub const REDEEM_CODE_EXPIRED: i64 = 1_013_020_001;
    /// Redeem code has been voided.
    pub const REDEEM_CODE_VOIDED: i64 = 1_013_020_002;
    /// Redeem code quota used up.
    pub const REDEEM_CODE_EXHAUSTED: i64 = 1_013_020_003;
    /// Per-member redemption limit reached.
    pub const REDEEM_CODE_MEMBER_LIMIT: i64 = 1_013_020_004;
}

/// Messages the mock answers where the guide gives the wording.
pub mod messages {
    /// Any grant_type other than client_credentials (guide §5, exact).
    pub const UNSUPPORTED_GRANT: &str =
        "the open platform only supports the client_credentials grant";
    /// Missing tenant-id header (field notes).
    pub const TENANT_NOT_PASSED: &str = "tenant not passed";
    /// Image search with an invalid image URL (guide §7.5, exact).
    pub const IMAGE_URL_INVALID: &str = "The image URL format is invalid";
    /// Redeem with an empty e-mail (guide §7.7, exact).
    pub const EMAIL_REQUIRED: &str = "Email is required";
    /// Redeem for an unknown member (guide §7.7, exact).
    pub const MEMBER_NOT_EXISTS: &str = "Member does not exist";
    /// Duplicate redeem requestId (guide §7.7, exact).
    pub const DUPLICATE_REQUEST: &str = "Duplicate request, please do not retry";
    /// Unknown goods.
    pub const GOODS_NOT_EXISTS: &str = "Goods does not exist";
}
