//! Response bodies are read within a limit: an endless or oversized body fails the call with
//! the size error at the limit (memory bounded by it, not by the timeout) and is not retried;
//! a body that drips slower than the timeout ends in the timeout error.
//!
//! The gateway here is a small HTTP/1.1 server on 127.0.0.1 that answers the token request
//! like the real one and the business call with the body under test: the mock gateway never
//! sends such bodies.

use rizzitgo_open_api::types::GoodsRequest;
use rizzitgo_open_api::{Client, ErrorKind, RetryPolicy};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Counts the bytes each thread allocates, and their peak: the tests of this file run side by
/// side, each on its own thread (tokio's current-thread runtime runs the client and the
/// server of a test on it).
struct Counting;

thread_local! {
    static HELD: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = HELD.try_with(|held| {
            held.set(held.get() + layout.size() as isize);
            let _ = PEAK.try_with(|peak| peak.set(peak.get().max(held.get())));
        });
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = HELD.try_with(|held| held.set(held.get() - layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const LIMIT: usize = 4 << 20;
/// The most the server sends of one body: it stops by itself.
const SERVER_CAP: u64 = 2 << 30;

#[derive(Clone, Copy)]
enum Body {
    /// Chunks of 64 KiB until the client hangs up.
    Endless,
    /// `Content-Length` far over the limit.
    Declared,
    /// One byte every 50 ms.
    Drip,
}

struct Server {
    url: String,
    business_calls: Arc<AtomicU64>,
    body_bytes_sent: Arc<AtomicU64>,
}

async fn serve(body: Body) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let business_calls = Arc::new(AtomicU64::new(0));
    let body_bytes_sent = Arc::new(AtomicU64::new(0));
    let (calls, sent) = (business_calls.clone(), body_bytes_sent.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(connection(stream, body, calls.clone(), sent.clone()));
        }
    });
    Server {
        url,
        business_calls,
        body_bytes_sent,
    }
}

async fn connection(stream: TcpStream, body: Body, calls: Arc<AtomicU64>, sent: Arc<AtomicU64>) {
    let mut stream = BufReader::new(stream);
    loop {
        let (mut path, mut length) = (String::new(), 0usize);
        let mut line = String::new();
        loop {
            line.clear();
            if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if path.is_empty() {
                path = line.split(' ').nth(1).unwrap_or_default().to_owned();
            } else if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut request_body = vec![0; length];
        if stream.read_exact(&mut request_body).await.is_err() {
            return;
        }
        let out = stream.get_mut();
        if path.ends_with("/oauth2/token") {
            let json = r#"{"code":0,"data":{"access_token":"0123456789abcdef0123456789abcdef","token_type":"bearer","expires_in":1800,"refresh_token":"","scope":"goods:detail:read"},"msg":""}"#;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                json.len()
            );
            if out.write_all(head.as_bytes()).await.is_err()
                || out.write_all(json.as_bytes()).await.is_err()
            {
                return;
            }
            continue;
        }
        calls.fetch_add(1, Ordering::SeqCst);
        match body {
            Body::Endless => {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if out.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("10000\r\n{}\r\n", "a".repeat(0x10000));
                while sent.load(Ordering::SeqCst) < SERVER_CAP {
                    if out.write_all(chunk.as_bytes()).await.is_err() {
                        return;
                    }
                    sent.fetch_add(0x10000, Ordering::SeqCst);
                }
                return;
            }
            Body::Declared => {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 104857600\r\n\r\n{\"code\":0,";
                let _ = out.write_all(head.as_bytes()).await;
                // Nothing more: the client must not wait for the rest.
                let mut rest = Vec::new();
                let _ = stream.read_to_end(&mut rest).await;
                return;
            }
            Body::Drip => {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n";
                if out.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for _ in 0..200 {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    if out.write_all(b" ").await.is_err() || out.flush().await.is_err() {
                        return;
                    }
                }
                return;
            }
        }
    }
}

fn client(server: &Server, timeout: Duration) -> Client {
    Client::builder()
        .base_url(&server.url)
        .client_id("client")
        .client_secret("secret")
        .tenant_id("1")
        .timeout(timeout)
        .max_response_bytes(LIMIT)
        .build()
        .unwrap()
}

fn request() -> rizzitgo_open_api::types::builder::GoodsRequest {
    GoodsRequest::builder().goods_id("123456").source(1)
}

#[tokio::test]
async fn an_endless_body_fails_at_the_limit_with_memory_bounded_and_is_not_retried() {
    let server = serve(Body::Endless).await;
    // A timeout far longer than reading the limit takes: the limit, not the clock, ends it.
    let client = client(&server, Duration::from_secs(30));
    client.issue_token().await.unwrap(); // the connection and token, outside the measure
    let before = HELD.with(Cell::get);
    PEAK.with(|peak| peak.set(before));
    let started = std::time::Instant::now();
    let error = client.goods_detail(request()).await.unwrap_err();
    let grew = (PEAK.with(Cell::get) - before).max(0) as usize;
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    assert!(
        error.to_string().contains(&LIMIT.to_string()),
        "names the limit: {error}"
    );
    assert_eq!(error.attempts(), 1, "not retried");
    assert_eq!(server.business_calls.load(Ordering::SeqCst), 1);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    eprintln!(
        "peak growth {grew} bytes for a {LIMIT}-byte limit; the server sent {} bytes",
        server.body_bytes_sent.load(Ordering::SeqCst)
    );
    // The body (at most the limit, plus half of it while growing) and the HTTP stack's buffers.
    assert!(
        grew < 3 * LIMIT,
        "memory is bounded by the limit: grew {grew} bytes"
    );
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_without_reading() {
    let server = serve(Body::Declared).await;
    let client = client(&server, Duration::from_secs(30));
    let error = client.goods_detail(request()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(
        error.to_string().contains("larger than the limit"),
        "{error}"
    );
    assert_eq!(
        server.business_calls.load(Ordering::SeqCst),
        1,
        "not retried"
    );
}

#[tokio::test]
async fn a_dripping_body_ends_in_the_timeout_error() {
    let server = serve(Body::Drip).await;
    let client = Client::builder()
        .base_url(&server.url)
        .client_id("client")
        .client_secret("secret")
        .tenant_id("1")
        .timeout(Duration::from_millis(400))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.goods_detail(request()).await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_eq!(error.attempts(), 1);
}
