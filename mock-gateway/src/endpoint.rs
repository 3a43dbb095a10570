//! The gateway's paths: the token endpoints and each business endpoint with the scope it needs.

use crate::seed;

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
    /// The business endpoint at `path`, if any.
    pub(crate) fn from_path(path: &str) -> Option<Self> {
        ALL.into_iter().find(|e| e.path() == path)
    }

    /// Its path, e.g. `/open-api/goods/detail`.
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
}
