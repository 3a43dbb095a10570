//! What some responses mean beyond their fields.

use crate::types::UrlParseResult;

impl UrlParseResult {
    /// Whether the gateway recognised the link: `success` and a goods id. A link it cannot read
    /// is not an error (code 0): it answers `success: false`, `goodsSource` 4 (Other) and empty
    /// goods fields.
    pub fn is_parsed(&self) -> bool {
        self.success == Some(true) && self.goods_id.as_deref().is_some_and(|id| !id.is_empty())
    }
}
