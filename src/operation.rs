//! What the spec says about each operation, for the cross-cutting layer (auth, errors, retries).

/// How an operation authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// HTTP Basic with the client id and secret: the token endpoints.
    Basic,
    /// A Bearer access token: every business endpoint.
    Bearer,
}

/// Whether an operation may be sent again after a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// It only reads (`x-retry-safe` in the spec).
    Safe,
    /// Safe to re-send with the same value of this request field (`x-idempotency-key`).
    IdempotencyKey(&'static str),
    /// Never re-sent once it may have reached the server.
    Never,
}

/// One operation of `spec/open-api.yaml`, generated into a static table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The SDK method name, e.g. `goods_detail`.
    pub name: &'static str,
    /// The spec's operationId, e.g. `goodsDetail`.
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path, e.g. `/open-api/goods/detail`.
    pub path: &'static str,
    /// How it authenticates.
    pub auth: Auth,
    /// The OAuth2 scopes the application needs for it.
    pub scopes: &'static [&'static str],
    /// The guide version that introduced it.
    pub since: &'static str,
    /// Whether it may be re-sent.
    pub retry: Retry,
    /// The rules of its request fields, checked before sending.
    pub rules: &'static [crate::validate::FieldRule],
}

impl Operation {
    /// Every operation of the spec, in spec order.
    pub fn all() -> &'static [Operation] {
        &crate::generated::OPERATIONS
    }

    /// The operation with this SDK method name (e.g. `goods_detail`).
    pub fn find(name: &str) -> Option<&'static Operation> {
        Self::all().iter().find(|op| op.name == name)
    }
}
