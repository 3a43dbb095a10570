//! Connection storms: the kernel queues at least 1,500 connections that the gateway has not
//! accepted yet (the SDK's fleet test opens 2,000 at once from cold replicas).

use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use rizzitgo_mock_gateway::MockGateway;

/// Far more than `TcpListener::bind`'s backlog (129 connections were queued with it), less
/// than Linux's default cap (4,096).
const STORM: usize = 1500;

#[test]
fn connections_wait_in_the_backlog_while_the_gateway_is_busy() {
    let (addr_tx, addr_rx) = mpsc::channel::<SocketAddr>();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    // The gateway runs on a single-threaded runtime that the test then blocks: nothing accepts,
    // so every connection below completes in the kernel's queue or not at all.
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let gateway = MockGateway::start().await.unwrap();
            let addr = gateway
                .url()
                .trim_start_matches("http://")
                .parse::<SocketAddr>()
                .unwrap();
            addr_tx.send(addr).unwrap();
            release_rx.recv().unwrap();
            drop(gateway);
        });
    });
    let addr = addr_rx.recv().unwrap();
    let mut open = Vec::with_capacity(STORM);
    let mut refused = None;
    for i in 0..STORM {
        // A dropped SYN is retried after 1 s: a queue that is full fails here.
        match TcpStream::connect_timeout(&addr, Duration::from_millis(900)) {
            Ok(stream) => open.push(stream),
            Err(e) => {
                refused = Some((i, e));
                break;
            }
        }
    }
    release_tx.send(()).unwrap();
    server.join().unwrap();
    assert!(
        refused.is_none(),
        "connection {:?} not queued while {} were waiting",
        refused,
        open.len()
    );
    assert_eq!(open.len(), STORM);
}
