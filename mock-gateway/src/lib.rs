//! A faithful local mock of the Rizzitgo Open Platform gateway, as described by the partner
//! integration guide v1.4 — an independent reading of the guide, not built on the SDK.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use rizzitgo_mock_gateway::{DropPoint, Failure, Match, MockGateway};
//! let gw = MockGateway::start().await?;
//! let base = gw.url(); // http://127.0.0.1:PORT
//! gw.fail_next(1, Failure::http(429).retry_after("1"));
//! gw.drop_next(1, DropPoint::AfterProcessing);
//! gw.fail_when(Match::path("/open-api/goods/qc-page").field("pageNo", 2), Failure::http(503));
//! # Ok(()) }
//! ```
//!
//! # Behaviour
//! - Every endpoint is `POST`; any other method on a known path answers a real HTTP **405**
//!   (with `Allow: POST`), an unknown path a real HTTP **404**, in both error styles; both
//!   with the envelope `{code, data: null, msg}`.
//! - Success: HTTP 200, `{"code": 0, "data": …, "msg": ""}`, in the guide's shapes; with a
//!   [`ResponseStyle`] ([`MockGatewayBuilder::response_style`],
//!   [`MockGateway::set_response_style`] or `POST /__mock/response-style`) in the framework's
//!   defaults the guide does not show: date-times as epoch milliseconds, integers as JSON
//!   strings, `msg: null`. Errors: `{"code": N, "data": null,
//!   "msg": …}`, HTTP 200 in [`ErrorStyle::Http200`]; in [`ErrorStyle::HttpStatus`] the codes
//!   400/401/403/404/429/500 are also the HTTP status, every other code stays HTTP 200.
//! - Token (`/open-api/system/oauth2/token`, form body): order of checks is the Basic
//!   credentials (missing, malformed, unknown client or wrong secret → 401), `tenant-id`
//!   (missing → 400 "tenant not passed", non-numeric → 400, another tenant than the
//!   application's → 401), `grant_type` (missing → 400, other than `client_credentials` →
//!   400 "the open platform only supports the client_credentials grant"), `scope` (space-separated; omitted → everything
//!   granted; not a subset of the granted scopes → **400**, the RFC 6749 `invalid_scope`
//!   answer). Tokens are 32-char lowercase hex, `token_type` "Bearer", `refresh_token` "".
//!   Client credentials are read from the Basic header only, split at the first `:`.
//! - Revoke (`…/token/revoke`, form `token=`): Basic + `tenant-id` as above; `data` is true
//!   when a live token of the calling client was revoked, false otherwise.
//! - Business calls, in order: Bearer token (missing / unknown / revoked / expired on the mock
//!   clock → 401), `tenant-id` (missing → 400, not the token's tenant → 403), QPS quota (→ 429,
//!   no Retry-After, like upstream), scope (→ 403 naming the scope), `Content-Type:
//!   application/json` and a JSON object body (→ 400), field validation (→ 400), then the
//!   endpoint. Field types are strict: `goodsId` must be a JSON string, integers must be JSON
//!   integers within int32, and an explicit `null` is rejected (omit optional fields; the
//!   spec declares no nullable request field). Unknown fields are ignored.
//! - Validation: `goodsId` not "" and not "0"; `source` 1..=3; `pageNo` ≥ 1 and `pageSize`
//!   1..=100 (both required, as the guide says); `page` ≥ 1; time ranges exactly two
//!   `yyyy-MM-dd HH:mm:ss` strings (shape only, inclusive bounds); `searchUrl` and `code` not
//!   empty; an empty `email` → 400 "Email is required".
//! - Image URLs: not an http(s) URL → 400, an http(s) URL whose path does not end in
//!   .jpg/.jpeg/.png/.gif/.webp/.bmp → business code [`seed::codes::IMAGE_URL_INVALID`]
//!   (HTTP 200); both with "The image URL format is invalid".
//! - Unknown goods → [`seed::codes::GOODS_NOT_EXISTS`] "Goods does not exist"; a known goods
//!   without QC → qc-detail `data: null`, qc-images `data: []`.
//! - QC page: filters goodsId (exact), source, createTime and completionTime (inclusive);
//!   latest completion first, then goodsId; `total` = filtered count.
//! - QC records a test added to one gateway ([`MockGateway::add_qc_records`] or
//!   `POST /__mock/add-qc-records`) are served with the seeded ones by qc-page, qc-detail and
//!   qc-images of that gateway only.
//! - Image search: 20 per page, results depend on the source only; a page past the end is
//!   empty with the same totals.
//! - URL parse: whitespace and non-ASCII characters (Chinese text, full-width punctuation)
//!   are stripped and the link starts at the first `http(s)://`; Taobao/Tmall `id=` → 1
//!   "taobao", 1688 `/offer/ID.html` → 2 "alibaba", Weidian `itemID=` → 3 "weidian", the
//!   seeded short link [`seed::TAOBAO_SHORT_LINK`] → 1; anything else → code 0 with
//!   `success: false`, `goodsSource` 4 and empty strings. A non-empty `rno` is appended to
//!   `targetGoodsDetailUrl`.
//! - Redeem: validation, then the `requestId` window (same clientId + requestId within 10
//!   mock minutes of a committed redemption → code 900 "Duplicate request, please do not
//!   retry"; failed attempts do not occupy the id), then member (exact, case-sensitive
//!   e-mail), code, status, quota, per-member limit; then commit. `prize` joins several
//!   coupons with "," (no space); `message` is "兑换成功,共获得 N 张优惠券".
//!
//! # Seeded data (constants in [`seed`])
//! | What | Value |
//! |---|---|
//! | default app | `rizzitgo-demo-client` / `demo-secret-0123456789abcdef`, tenant `1`, all four scopes (see [`MockGatewayBuilder::granted_scopes`]) |
//! | second app | `rizzitgo-other-client` / `other-secret-fedcba9876543210`, tenant `2`, `goods:detail:read` |
//! | goods 123456 / source 1 | exactly the guide's 7.1 detail, 7.2 QC detail, 7.3 QC images; first image-search result (7.5 example record) |
//! | goods 768650559131 / 1 | the 7.6 Tmall goods (detail record, no QC) |
//! | goods 654321 / 1 | exists without QC |
//! | goods 800100 / 2 | three QC records (completed 2026-06-10, -15, -20 16:00:00) |
//! | QC records | 54 completed June 2–30 2026; only 123456's (2026-06-02 18:30:00) falls on June 1–2, so the 7.4 query answers total 1 |
//! | recent QC records | 20, relative to the gateway's start date (UTC+8; [`MockGatewayBuilder::today`] pins it): catalog goods 9100000000 + k (source 1) completed k × 2 days before it, so this month and the previous one have records ([`seed::QC_RECENT_COUNT`]) |
//! | image search | 100 results for source 1 (so the 7.5 query answers `totalPage` 5, `totalCount` 100), 45 for source 2, 41 for source 3; `https://example.com/img/no-match.jpg` finds nothing |
//! | members | `partner.member@example.com`, `second.member@example.com`, `vip.member@example.com` |
//!
//! Redeem codes (coupon validity 2026-06-01 00:00:00 – 2026-06-30 23:59:59):
//!
//! | Code | Behaviour |
//! |---|---|
//! | `E602F4DC626E4948` | template 1001 "满100享7折", percentage (discountType 2, discountPercent 70) → prize "30% OFF"; unlimited |
//! | `A1B2C3D4E5F60001` | template 1002 "满100减10", amount 1000 cents → "$10 OFF"; unlimited |
//! | `A1B2C3D4E5F60002` | template 1003, amount 1050 cents → "$10.50 OFF"; unlimited |
//! | `A1B2C3D4E5F60003` | templates 1001 + 1002 → "30% OFF,$10 OFF", 2 coupons |
//! | `A1B2C3D4E5F60004` | template 1004 "Free Shipping Voucher", no discount info → prize = title |
//! | `A1B2C3D4E5F60005` | $10 OFF, once per member → then 1013020004 |
//! | `A1B2C3D4E5F60006` | $10 OFF, two redemptions in total → then 1013020003 |
//! | `A1B2C3D4E5F60007` | $10 OFF of template 9007199254740993 (2^53 + 1, beyond a double's exact integers); unlimited |
//! | `A1B2C3D4E5F6E001` | expired → 1013020001 "Redeem code has expired" |
//! | `A1B2C3D4E5F6E002` | voided → 1013020002 "Redeem code has been voided" |
//! | `A1B2C3D4E5F6E003` | exhausted → 1013020003 "Redeem code has been fully redeemed" |
//! | anything else | 1013020000 "Redeem code does not exist" |
//!
//! The guide's 7.7 example pairs prize "30% OFF" with an amount-off coupon of 1000 cents; the
//! mock resolves this by giving `E602F4DC626E4948` a percentage coupon (discountPercent 70),
//! and keeps the example's amount coupon as template 1002.
//!
//! Error codes: see [`seed::codes`] (member unknown 1004001000, goods unknown 1008005000,
//! image not an image 1008012000, redeem codes 1013020000..=1013020004, duplicate 900).
//!
//! # Admin API (same port, not counted in stats)
//! `POST /__mock/fail-next` and `/__mock/fail-next-token` with `{"n":2,"status":429,
//! "retryAfter":"1"}` ([`Failure::http`]), `{"n":1,"code":1013020000,"msg":"…"}`
//! ([`Failure::code`]) or `{"n":1,"status":502,"html":true}` ([`Failure::html`]);
//! `{"n":1,"status":302,"html":true,"location":"https://…"}` ([`Failure::location`]);
//! `POST /__mock/latency {"ms":100}`; `POST /__mock/drop-next {"n":1,"at":"before"|"after"}`;
//! targeted faults ([`MockGateway::fail_when`], [`MockGateway::drop_when`], [`Match`]):
//! `POST /__mock/fail-when {"path":"/open-api/goods/qc-page","fields":{"pageNo":2},"nth":1,
//! "times":1,"status":503}` (the failure as in fail-next; `path`, `fields`, `nth`, `every`,
//! `times` each optional: `{"every":30,"status":429,"retryAfter":"1"}` throttles one call in
//! 30), `POST /__mock/drop-when {…,"at":"after"}`, `POST /__mock/clear-faults`;
//! `POST /__mock/expire-tokens`; `POST /__mock/revoke-tokens`; `POST /__mock/advance-clock {"secs":600}` (or `"ms"`);
//! `POST /__mock/qps-limit {"limit":5}` (`null` removes it); `POST /__mock/future-fields
//! {"on":true}`; `POST /__mock/reset-stats`; `POST /__mock/add-qc-records
//! {"n":3,"completionTime":"2026-06-30 23:00:00"}` ([`MockGateway::add_qc_records`]; `n`
//! defaults to 1); `GET /__mock/stats`; `GET /__mock/credentials`.
//! Answers `{"ok":true}` (or the requested JSON); errors `{"error":"…"}` with 400/404/405.
#![deny(missing_docs)]

mod admin;
mod auth;
mod builder;
mod calendar;
mod clock;
mod data;
mod dispatch;
mod endpoint;
mod envelope;
mod failure;
mod fault_match;
mod faults;
mod gateway;
mod issued_tokens;
mod response_style;
mod routes;
pub mod seed;
mod server;
mod state;
mod stats;
mod validate;

pub use builder::MockGatewayBuilder;
pub use envelope::ErrorStyle;
pub use failure::{DropPoint, Failure};
pub use fault_match::Match;
pub use gateway::{Credentials, MockGateway};
pub use response_style::ResponseStyle;
pub use stats::{RecordedRequest, Stats};
