//! Shared set-up: a mock gateway on 127.0.0.1 and an SDK client pointed at it.
#![allow(dead_code)] // each test binary uses its own subset

pub mod load;

use rizzitgo_mock_gateway::{ErrorStyle, MockGateway};
use rizzitgo_open_api::{Client, ClientBuilder};

pub const BOTH_STYLES: [ErrorStyle; 2] = [ErrorStyle::Http200, ErrorStyle::HttpStatus];

/// A builder with the mock's URL and seeded credentials.
pub fn builder(gateway: &MockGateway) -> ClientBuilder {
    let credentials = gateway.credentials();
    Client::builder()
        .base_url(gateway.url())
        .client_id(credentials.client_id)
        .client_secret(credentials.client_secret)
        .tenant_id(credentials.tenant_id)
}

pub fn client(gateway: &MockGateway) -> Client {
    builder(gateway).build().expect("a valid configuration")
}

pub async fn gateway(style: ErrorStyle) -> MockGateway {
    MockGateway::builder()
        .error_style(style)
        .start()
        .await
        .expect("the mock gateway starts")
}

/// A builder whose clock moves only when the client waits on it: retry backoffs and
/// Retry-After waits are recorded by the clock instead of being slept.
pub fn manual_builder(
    gateway: &MockGateway,
) -> (
    ClientBuilder,
    std::sync::Arc<rizzitgo_open_api::clock::ManualClock>,
) {
    let clock = std::sync::Arc::new(rizzitgo_open_api::clock::ManualClock::new());
    (builder(gateway).clock(clock.clone()), clock)
}

/// The seven business operations, each with a request the mock answers successfully.
pub const BUSINESS_OPERATIONS: [&str; 7] = [
    "goods_detail",
    "goods_qc_detail",
    "goods_qc_images",
    "goods_qc_page",
    "search_goods_by_image",
    "parse_goods_url",
    "redeem_coupon",
];

/// Calls the business operation `name` with a valid request (redeem without a `requestId`, so
/// that the SDK makes one).
pub async fn call(client: &Client, name: &str) -> Result<(), rizzitgo_open_api::Error> {
    use rizzitgo_mock_gateway::seed;
    use rizzitgo_open_api::types::{
        GoodsRequest, ImageSearchRequest, QcPageRequest, RedeemRequest, UrlParseRequest,
    };
    let goods = || GoodsRequest::builder().goods_id(seed::GOODS_ID).source(1);
    match name {
        "goods_detail" => client.goods_detail(goods()).await.map(drop),
        "goods_qc_detail" => client.goods_qc_detail(goods()).await.map(drop),
        "goods_qc_images" => client.goods_qc_images(goods()).await.map(drop),
        "goods_qc_page" => client
            .goods_qc_page(QcPageRequest::builder().page_no(1u32).page_size(10u32))
            .await
            .map(drop),
        "search_goods_by_image" => client
            .search_goods_by_image(
                ImageSearchRequest::builder()
                    .images_url("https://example.com/img/query.jpg")
                    .page(1u32)
                    .source(1),
            )
            .await
            .map(drop),
        "parse_goods_url" => client
            .parse_goods_url(UrlParseRequest::builder().search_url(seed::TMALL_URL))
            .await
            .map(drop),
        "redeem_coupon" => client
            .redeem_coupon(
                RedeemRequest::builder()
                    .code(seed::REDEEM_CODE_30_OFF)
                    .email(seed::MEMBER_EMAIL),
            )
            .await
            .map(drop),
        other => panic!("no business operation {other}"),
    }
}

/// The path of a business operation.
pub fn path_of(name: &str) -> &'static str {
    rizzitgo_open_api::Operation::find(name)
        .expect("an operation of the spec")
        .path
}

/// What a `tracing_subscriber` writes, kept in memory (`.with_writer(move || captured.clone())`).
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }

    /// How often `needle` was written.
    pub fn count(&self, needle: &str) -> usize {
        self.text().matches(needle).count()
    }
}
