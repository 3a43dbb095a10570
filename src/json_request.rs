//! A request read from JSON (a file, a command line) with the same field-named errors as a
//! typed one: the spec's rules first, then the typed decoding, whose failure names its field.

use crate::{Error, Operation};
use serde::de::DeserializeOwned;
use serde_json::Value;

impl Operation {
    /// Decodes a JSON request body of this operation into its request type `T`, checking every
    /// rule of the spec first. A refused body gives the error a typed request would give
    /// ([`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest), [`Error::field`]
    /// naming the wire field, the spec's message); nothing is sent.
    ///
    /// ```
    /// use rizzitgo_open_api::{Operation, types::GoodsRequest};
    /// use serde_json::json;
    ///
    /// let detail = Operation::find("goods_detail").unwrap();
    /// let _request: GoodsRequest =
    ///     detail.request_from_json(json!({"goodsId": "123456", "source": 1}))?;
    /// let refused = detail
    ///     .request_from_json::<GoodsRequest>(json!({"goodsId": "123456", "source": 7}))
    ///     .unwrap_err();
    /// assert_eq!(refused.field(), Some("source"));
    /// # Ok::<(), rizzitgo_open_api::Error>(())
    /// ```
    pub fn request_from_json<T: DeserializeOwned>(&'static self, body: Value) -> Result<T, Error> {
        if !body.is_object() {
            return Err(Error::invalid_request(
                Some(self),
                "the request body must be a JSON object",
            ));
        }
        crate::runtime::check(self, &body)?;
        serde_path_to_error::deserialize(body).map_err(|e| {
            let field = e.path().iter().next().and_then(|segment| match segment {
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                _ => None,
            });
            match field.and_then(|f| self.rules.iter().find(|r| r.field == f)) {
                Some(rule) => Error::invalid_field(Some(self), rule.field, rule.message),
                None => Error::invalid_request(
                    Some(self),
                    format!("the request body does not follow the spec: {e}"),
                ),
            }
        })
    }
}
