//! Configuration of a gateway before it starts.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::oneshot;

use crate::calendar;
use crate::envelope::ErrorStyle;
use crate::gateway::MockGateway;
use crate::response_style::ResponseStyle;
use crate::seed;
use crate::server;
use crate::state::{App, GatewayState};

// `start` and `builder` live beside the builder they use, so that `gateway.rs` does not import it.
impl MockGateway {
    /// Starts a gateway with the defaults (ephemeral port, [`crate::ErrorStyle::Http200`]).
    pub async fn start() -> std::io::Result<MockGateway> {
        Self::builder().start().await
    }

    /// A builder to configure a gateway.
    pub fn builder() -> MockGatewayBuilder {
        MockGatewayBuilder::default()
    }
}

/// Builds a [`MockGateway`]; every setting has a default.
#[derive(Clone, Debug)]
pub struct MockGatewayBuilder {
    port: u16,
    style: ErrorStyle,
    token_ttl: u64,
    scopes: Vec<String>,
    qps_limit: Option<u32>,
    today: Option<String>,
    response_style: ResponseStyle,
}

impl Default for MockGatewayBuilder {
    fn default() -> Self {
        Self {
            port: 0,
            style: ErrorStyle::Http200,
            token_ttl: seed::DEFAULT_TOKEN_TTL_SECS,
            scopes: seed::ALL_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            qps_limit: None,
            today: None,
            response_style: ResponseStyle::guide(),
        }
    }
}

impl MockGatewayBuilder {
    /// Port on 127.0.0.1 (default 0: an ephemeral port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Error style (default [`ErrorStyle::Http200`]).
    pub fn error_style(mut self, style: ErrorStyle) -> Self {
        self.style = style;
        self
    }

    /// Token lifetime, the `expires_in` of issued tokens (default 1800 s).
    pub fn token_ttl(mut self, secs: u64) -> Self {
        self.token_ttl = secs;
        self
    }

    /// Scopes granted to the seeded default application (default: all four).
    pub fn granted_scopes(mut self, scopes: &[&str]) -> Self {
        self.scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Per-clientId quota of business calls per (mock) second (default: none).
    pub fn qps_limit(mut self, limit: Option<u32>) -> Self {
        self.qps_limit = limit;
        self
    }

    /// How successes are written (default [`ResponseStyle::guide`]): date-times as epoch
    /// milliseconds, integers as strings, `msg: null`, as the framework behind the gateway
    /// may send them. [`MockGateway::set_response_style`] changes it later.
    pub fn response_style(mut self, style: ResponseStyle) -> Self {
        self.response_style = style;
        self
    }

    /// The gateway's date at start, `yyyy-MM-dd` (UTC+8), that its recent QC records
    /// ([`seed::QC_RECENT_COUNT`]) are relative to (default: the system clock's date), for
    /// tests that need them at fixed dates. [`start`](Self::start) refuses a date that is not
    /// real.
    pub fn today(mut self, date: &str) -> Self {
        self.today = Some(date.to_owned());
        self
    }

    /// Binds 127.0.0.1 and starts serving on the current Tokio runtime.
    pub async fn start(self) -> std::io::Result<MockGateway> {
        let today = match &self.today {
            None => calendar::today(),
            Some(date) => calendar::parse_date(date).ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("today must be a real yyyy-MM-dd date, not {date:?}"),
                )
            })?,
        };
        let listener = listen(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port)))?;
        let addr = listener.local_addr()?;
        let apps = vec![
            App {
                client_id: seed::CLIENT_ID.to_owned(),
                client_secret: seed::CLIENT_SECRET.to_owned(),
                tenant_id: seed::TENANT_ID.to_owned(),
                scopes: self.scopes,
            },
            App {
                client_id: seed::OTHER_CLIENT_ID.to_owned(),
                client_secret: seed::OTHER_CLIENT_SECRET.to_owned(),
                tenant_id: seed::OTHER_TENANT_ID.to_owned(),
                scopes: vec![seed::SCOPE_GOODS_DETAIL.to_owned()],
            },
        ];
        let shared = Arc::new(GatewayState::new(
            self.style,
            Duration::from_secs(self.token_ttl),
            apps,
            self.qps_limit,
            today,
            self.response_style,
        ));
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(server::run(listener, Arc::clone(&shared), rx));
        Ok(MockGateway::new(addr, shared, tx, task))
    }
}

/// Connections the kernel queues before the accept loop takes them (`tests/connections.rs`).
/// `TcpListener::bind` queued 128 here: eight cold replicas opening 2,000 connections at once
/// overflowed it, and a dropped SYN is sent again only after 1 s, then 3 s, past a 5 s connect
/// timeout. Linux caps it at `net.core.somaxconn` (4,096 by default).
const BACKLOG: u32 = 4096;

/// A listener on `addr` with [`BACKLOG`], reusing the address as `TcpListener::bind` does.
fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    // On Windows SO_REUSEADDR would let another process take the port.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}
