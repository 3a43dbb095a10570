//! What the spec says about each operation (auth, scopes, retry class, the rules of its
//! fields): the table the generated code fills and the hand-written layer reads (validation,
//! auth, errors, retries). [`Operation`] is also at the crate root.

/// How an operation authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// HTTP Basic with the client id and secret: the token endpoints.
    Basic,
    /// A Bearer access token: every business endpoint.
    Bearer,
}

/// The spec's retry class of an operation: whether it may be sent again after a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryClass {
    /// It only reads (`x-retry-safe` in the spec).
    Safe,
    /// Safe to re-send with the same value of this request field (`x-idempotency-key`).
    IdempotencyKey(&'static str),
    /// Never re-sent once it may have reached the server.
    Never,
}

/// How an operation's request body is encoded (its content type in the spec).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyFormat {
    /// `application/json`: every business endpoint.
    Json,
    /// `application/x-www-form-urlencoded`: the token endpoints.
    Form,
}

impl BodyFormat {
    /// The `Content-Type` it is sent with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Form => "application/x-www-form-urlencoded",
        }
    }
}

/// One operation of `spec/open-api.yaml`, generated into a static table (read-only: the SDK
/// calls only the operations of its table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
    pub retry: RetryClass,
    /// How its request body is encoded.
    pub body: BodyFormat,
    /// The rules of its request fields, checked before sending.
    pub rules: &'static [FieldRule],
    /// How long a client may reuse its successful answers (`x-cache-ttl` in the spec; zero:
    /// never): see [`ClientBuilder::cache`](crate::ClientBuilder::cache).
    pub cache: CacheLifetimes,
    /// Where its `data` accepts another shape than the spec's (a string for an integer, epoch
    /// milliseconds for a date-time, a number for a string).
    pub(crate) response: &'static crate::runtime::Lenient,
    /// Its place in [`Operation::all`]: what the client's tables are indexed by.
    pub(crate) index: usize,
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

/// The lifetimes of an operation's answers in the response cache, from the spec
/// (`x-cache-ttl`, `x-cache-ttl-empty`). Zero: not cached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheLifetimes {
    /// A success.
    pub ttl: std::time::Duration,
    /// A success that holds no record yet (`data: null`, or an empty list): shorter, since
    /// the record may arrive any moment.
    pub empty: std::time::Duration,
}

/// One field of a request and the rule it follows, from the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldRule {
    /// The wire name, e.g. `pageSize`.
    pub field: &'static str,
    /// Whether the field is required.
    pub required: bool,
    /// What the user reads when the value breaks the rule.
    pub message: &'static str,
    /// What the user reads when the field is missing.
    pub required_message: &'static str,
    /// The rule.
    pub check: Check,
}

/// The rule of one request field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Check {
    /// A string of at least / at most so many characters.
    Text {
        /// The fewest characters.
        min_len: Option<i64>,
        /// The most characters.
        max_len: Option<i64>,
    },
    /// An integer within bounds, or one of a list.
    Integer {
        /// The least value.
        min: Option<i64>,
        /// The greatest value.
        max: Option<i64>,
        /// The values allowed, when the spec lists them.
        one_of: &'static [i64],
    },
    /// A real date-time `yyyy-MM-dd HH:mm:ss` (UTC+8).
    DateTime,
    /// `[start, end]`: two real date-times, start not after end.
    DateTimeRange,
    /// Checked by the request type's conversion alone.
    Other,
}
