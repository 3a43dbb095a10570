//! The baseline: what a careful partner would write by hand with the same stack (reqwest with the
//! same features, one token fetched up front, the same headers, typed decoding of the envelope).
//!
//! The same headers means the same wire traffic: a `User-Agent` and a request id of its own per
//! call (`x-request-id`, a UUID from a thread-local generator, as the SDK makes its default
//! correlation id). Without them the mock serves the SDK's requests for more CPU than the
//! baseline's (two headers more to parse and record), and on a machine both share that is
//! counted against the SDK.

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};
use rizzitgo_mock_gateway::Credentials;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The hand-written baseline: a token fetched once, then goods detail with typed decoding, on a
/// reqwest client configured as the SDK's (timeouts, no redirects).
#[derive(Clone)]
pub struct HandWritten {
    http: reqwest::Client,
    url: String,
    bearer: HeaderValue,
    tenant: HeaderValue,
    user_agent: HeaderValue,
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A request id per call: a random UUID, formatted without allocating more than its header.
fn request_id() -> HeaderValue {
    let uuid = uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes()).into_uuid();
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    HeaderValue::from_str(uuid.hyphenated().encode_lower(&mut text)).unwrap()
}

#[derive(Deserialize)]
struct Envelope<T> {
    code: i64,
    data: Option<T>,
    #[allow(dead_code)]
    msg: Option<String>,
}

/// The request, typed and serialised per call, as the SDK does.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GoodsRequest<'a> {
    goods_id: &'a str,
    source: i64,
}

#[derive(Deserialize)]
struct Token {
    access_token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct GoodsDetail {
    goods_id: Option<String>,
    goods_title: Option<String>,
    goods_detail_url: Option<String>,
    goods_pic_url: Option<String>,
    price: Option<String>,
    price_in_cents: Option<i64>,
    orginal_price: Option<String>,
    stock_num: Option<String>,
    sales_count: Option<String>,
    #[serde(default)]
    goods_image_url_list: Vec<String>,
    post_fee: Option<String>,
    goods_source: Option<i64>,
}

impl HandWritten {
    pub async fn new(base_url: &str, credentials: &Credentials) -> Self {
        // The same HTTP client configuration as the SDK's: timeouts, no redirects.
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let basic = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{}:{}", credentials.client_id, credentials.client_secret),
        );
        let token: Envelope<Token> = http
            .post(format!("{base_url}/open-api/system/oauth2/token"))
            .header(AUTHORIZATION, format!("Basic {basic}"))
            .header("tenant-id", &credentials.tenant_id)
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = token.data.unwrap().access_token;
        Self {
            http,
            url: format!("{base_url}/open-api/goods/detail"),
            bearer: HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
            tenant: HeaderValue::from_str(&credentials.tenant_id).unwrap(),
            user_agent: HeaderValue::from_static("partner-catalog/1.0"),
        }
    }

    #[allow(dead_code)] // the overhead benchmark's
    pub async fn detail(&self) -> GoodsDetail {
        let envelope: Envelope<GoodsDetail> = self
            .http
            .post(&self.url)
            .header(AUTHORIZATION, self.bearer.clone())
            .header("tenant-id", self.tenant.clone())
            .header(USER_AGENT, self.user_agent.clone())
            .header(REQUEST_ID.clone(), request_id())
            .json(&GoodsRequest {
                goods_id: "123456",
                source: 1,
            })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(envelope.code, 0);
        envelope.data.unwrap()
    }
}

impl HandWritten {
    /// Goods detail of `goods_id` (source 1): the data, or the envelope's failure code (a 429
    /// of the gateway's limiter arrives as code 429).
    #[allow(dead_code)] // the quota benchmark's
    pub async fn detail_of(&self, goods_id: &str) -> Result<GoodsDetail, i64> {
        let response = self
            .http
            .post(&self.url)
            .header(AUTHORIZATION, self.bearer.clone())
            .header("tenant-id", self.tenant.clone())
            .header(USER_AGENT, self.user_agent.clone())
            .header(REQUEST_ID.clone(), request_id())
            .json(&GoodsRequest {
                goods_id,
                source: 1,
            })
            .send()
            .await
            .map_err(|_| -1)?;
        let status = i64::from(response.status().as_u16());
        let envelope: Envelope<GoodsDetail> = response.json().await.map_err(|_| status)?;
        match (envelope.code, envelope.data) {
            (0, Some(data)) => Ok(data),
            (code, _) => Err(code),
        }
    }
}
