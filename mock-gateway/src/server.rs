//! Accept loop and per-connection HTTP/1.1 serving on hyper directly, so a handler can make a
//! connection close without any response (axum's `serve` always writes one).

use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use crate::dispatch;
use crate::state::GatewayState;

/// Serves until `shutdown` fires or its sender is dropped; open connections are then aborted.
pub(crate) async fn run(
    listener: TcpListener,
    shared: Arc<GatewayState>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve(stream, Arc::clone(&shared)));
                }
                // Transient (e.g. out of file descriptors): back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    // Dropping the JoinSet aborts every connection task: a stopped gateway answers nothing.
}

async fn serve(stream: TcpStream, shared: Arc<GatewayState>) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |req| dispatch::handle(Arc::clone(&shared), req));
    // A service error (DropConnection) makes hyper close the connection without a response.
    let _ = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}
