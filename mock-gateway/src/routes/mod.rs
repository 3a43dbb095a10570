//! The business endpoints: what each one answers.

mod goods;
mod qc;
mod redeem;
mod search;
mod url_parse;

use serde_json::Value;

use crate::auth::Caller;
use crate::endpoint::Endpoint;
use crate::envelope::ApiError;
use crate::state::GatewayState;
use crate::validate::Body;

impl Endpoint {
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
