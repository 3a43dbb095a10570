//! The gateway's paths and the business endpoints behind them.

mod goods;
mod qc;
mod redeem;
mod search;
mod url_parse;

use serde_json::Value;

use crate::auth::Caller;
use crate::envelope::ApiError;
use crate::seed;
use crate::state::GatewayState;
use crate::validate::Body;

/// Token endpoint.
pub(crate) const TOKEN_PATH: &str = "/open-api/system/oauth2/token";
/// Revoke endpoint.
pub(crate) const REVOKE_PATH: &str = "/open-api/system/oauth2/token/revoke";

/// A business endpoint (Bearer-authenticated, scope-checked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    GoodsDetail,
    QcDetail,
    QcImages,
    QcPage,
    SearchByImages,
    UrlParse,
    Redeem,
}

const ALL: [Endpoint; 7] = [
    Endpoint::GoodsDetail,
    Endpoint::QcDetail,
    Endpoint::QcImages,
    Endpoint::QcPage,
    Endpoint::SearchByImages,
    Endpoint::UrlParse,
    Endpoint::Redeem,
];

impl Endpoint {
    pub(crate) fn from_path(path: &str) -> Option<Self> {
        ALL.into_iter().find(|e| e.path() == path)
    }

    pub(crate) fn path(self) -> &'static str {
        match self {
            Endpoint::GoodsDetail => "/open-api/goods/detail",
            Endpoint::QcDetail => "/open-api/goods/qc-detail",
            Endpoint::QcImages => "/open-api/goods/qc-images",
            Endpoint::QcPage => "/open-api/goods/qc-page",
            Endpoint::SearchByImages => "/open-api/goods/search-by-images",
            Endpoint::UrlParse => "/open-api/goods/search-url-parse",
            Endpoint::Redeem => "/open-api/promotion/redeem-code/redeem",
        }
    }

    /// The scope a token needs for this endpoint.
    pub(crate) fn scope(self) -> &'static str {
        match self {
            Endpoint::GoodsDetail => seed::SCOPE_GOODS_DETAIL,
            Endpoint::QcDetail | Endpoint::QcImages | Endpoint::QcPage => seed::SCOPE_GOODS_QC,
            Endpoint::SearchByImages | Endpoint::UrlParse => seed::SCOPE_GOODS_SEARCH,
            Endpoint::Redeem => seed::SCOPE_REDEEM,
        }
    }

    /// Runs the endpoint on a validated caller and a parsed body; the result is `data`.
    pub(crate) fn handle(
        self,
        shared: &GatewayState,
        caller: &Caller,
        body: &Body,
    ) -> Result<Value, ApiError> {
        let future = shared.future_fields();
        match self {
            Endpoint::GoodsDetail => goods::detail(body),
            Endpoint::QcDetail => qc::detail(shared, body),
            Endpoint::QcImages => qc::images(shared, body),
            Endpoint::QcPage => qc::page(shared, body),
            Endpoint::SearchByImages => search::by_image(body, future),
            Endpoint::UrlParse => url_parse::parse(body),
            Endpoint::Redeem => redeem::redeem(shared, caller, body, future),
        }
    }
}
