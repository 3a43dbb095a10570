//! A small HTTP client for the tests (plain hyper: no TLS stack needed for 127.0.0.1).
#![allow(dead_code)] // each test binary uses a different part

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{HeaderMap, Method, Request};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rizzitgo_mock_gateway::{Credentials, ErrorStyle, MockGateway, MockGatewayBuilder, seed};
use serde_json::Value;

/// A response, fully read.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn code(&self) -> i64 {
        self.json()["code"]
            .as_i64()
            .unwrap_or_else(|| panic!("no code: {}", self.text))
    }

    pub fn msg(&self) -> String {
        self.json()["msg"].as_str().unwrap_or_default().to_owned()
    }

    pub fn data(&self) -> Value {
        self.json()["data"].clone()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts an error envelope with this code and HTTP status.
    pub fn assert_error(&self, status: u16, code: i64) {
        assert_eq!(self.status, status, "HTTP status of {}", self.text);
        let v = self.json();
        assert_eq!(v["code"], code, "{}", self.text);
        assert!(v["data"].is_null(), "{}", self.text);
        assert!(
            !self.msg().is_empty(),
            "an error carries a msg: {}",
            self.text
        );
    }

    /// Asserts a success envelope and returns `data`.
    pub fn ok(&self) -> Value {
        assert_eq!(self.status, 200, "{}", self.text);
        let v = self.json();
        assert_eq!(v["code"], 0, "{}", self.text);
        assert_eq!(v["msg"], "", "{}", self.text);
        v["data"].clone()
    }
}

pub fn basic(client_id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{client_id}:{secret}")))
}

pub struct Client {
    http: HyperClient<HttpConnector, Full<Bytes>>,
    pub base: String,
}

impl Client {
    pub fn new(base: &str) -> Self {
        Self {
            http: HyperClient::builder(TokioExecutor::new()).build_http(),
            base: base.to_owned(),
        }
    }

    pub fn of(gw: &MockGateway) -> Self {
        Self::new(&gw.url())
    }

    pub async fn try_send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<Resp, hyper_util::client::legacy::Error> {
        let mut req = Request::builder()
            .method(method)
            .uri(format!("{}{}", self.base, path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req
            .body(Full::new(Bytes::from(body.to_owned())))
            .expect("valid request");
        let resp = self.http.request(req).await?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        Ok(Resp {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Resp {
        self.try_send(method, path, headers, body)
            .await
            .unwrap_or_else(|e| panic!("{path}: transport error {e:?}"))
    }

    /// POST a form body to the token endpoint with Basic auth of `creds`.
    pub async fn token_request(&self, creds: &Credentials, form: &str) -> Resp {
        let auth = basic(&creds.client_id, &creds.client_secret);
        self.send(
            Method::POST,
            "/open-api/system/oauth2/token",
            &[
                ("authorization", &auth),
                ("tenant-id", &creds.tenant_id),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            form,
        )
        .await
    }

    /// A token with every granted scope.
    pub async fn token(&self, creds: &Credentials) -> String {
        let r = self
            .token_request(creds, "grant_type=client_credentials")
            .await;
        r.ok()["access_token"].as_str().expect("token").to_owned()
    }

    /// A business POST with a Bearer token, tenant 1 and a JSON body.
    pub async fn call(&self, path: &str, token: &str, body: &Value) -> Resp {
        self.try_call(path, token, body)
            .await
            .unwrap_or_else(|e| panic!("{path}: transport error {e:?}"))
    }

    pub async fn try_call(
        &self,
        path: &str,
        token: &str,
        body: &Value,
    ) -> Result<Resp, hyper_util::client::legacy::Error> {
        let auth = format!("Bearer {token}");
        self.try_send(
            Method::POST,
            path,
            &[
                ("authorization", &auth),
                ("tenant-id", seed::TENANT_ID),
                ("content-type", "application/json"),
            ],
            &body.to_string(),
        )
        .await
    }
}

/// A started default gateway, a client, and a token with all scopes.
pub async fn setup() -> (MockGateway, Client, String) {
    styled(ErrorStyle::default()).await
}

/// Like [`setup`], with the gateway answering errors in `style`.
pub async fn styled(style: ErrorStyle) -> (MockGateway, Client, String) {
    start(MockGateway::builder().error_style(style)).await
}

/// The gateway `builder` makes, started, a client of it, and a token with every scope the
/// default application is granted: the set-up of every test that needs a configured gateway.
pub async fn start(builder: MockGatewayBuilder) -> (MockGateway, Client, String) {
    let (gw, client) = start_bare(builder).await;
    let token = client.token(&gw.credentials()).await;
    (gw, client, token)
}

/// Like [`start`], without asking for a token (token tests count or shape the token calls).
pub async fn start_bare(builder: MockGatewayBuilder) -> (MockGateway, Client) {
    let gw = builder.start().await.expect("the mock gateway starts");
    let client = Client::of(&gw);
    (gw, client)
}

/// A POST to the admin API with a JSON body.
pub async fn admin(c: &Client, path: &str, body: Value) -> Resp {
    c.send(
        Method::POST,
        path,
        &[("content-type", "application/json")],
        &body.to_string(),
    )
    .await
}

/// A POST to the admin API that must answer `{"ok": true}`.
pub async fn admin_ok(c: &Client, path: &str, body: Value) {
    let r = admin(c, path, body).await;
    assert_eq!(
        (r.status, r.json()),
        (200, serde_json::json!({"ok": true})),
        "{path}"
    );
}

/// The guide's goods request body (7.1).
pub fn goods() -> serde_json::Value {
    serde_json::json!({"goodsId": "123456", "source": 1})
}

pub const DETAIL: &str = "/open-api/goods/detail";
pub const QC_DETAIL: &str = "/open-api/goods/qc-detail";
pub const QC_IMAGES: &str = "/open-api/goods/qc-images";
pub const QC_PAGE: &str = "/open-api/goods/qc-page";
pub const SEARCH: &str = "/open-api/goods/search-by-images";
pub const URL_PARSE: &str = "/open-api/goods/search-url-parse";
pub const REDEEM: &str = "/open-api/promotion/redeem-code/redeem";
pub const TOKEN: &str = "/open-api/system/oauth2/token";
pub const REVOKE: &str = "/open-api/system/oauth2/token/revoke";

/// Runs futures concurrently on the current task (no futures-util dependency).
pub async fn join_all<T, F: std::future::Future<Output = T>>(
    futs: impl IntoIterator<Item = F>,
) -> Vec<T> {
    use std::task::Poll;
    let mut futs: Vec<std::pin::Pin<Box<F>>> = futs.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<T>> = futs.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in futs.iter_mut().zip(results.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    Poll::Ready(r) => *slot = Some(r),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    results.into_iter().map(|r| r.expect("completed")).collect()
}
