//! The TLS server of `staplekit serve` and `staplekit demo`: rustls (TLS 1.2 and 1.3, ring),
//! stapling the leaf's OCSP response through the engine, one thread per connection.
//!
//! rustls staples the leaf's response only (see [`staplekit::rustls`]).

use std::collections::HashMap;
use std::io;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use log::{error, info, warn};
use rustls::crypto::CryptoProvider;
use rustls::ServerConfig;

use super::connection::serve_connection;
use super::stapling_resolver::StaplingResolver;
use super::CliError;

/// At most this many connections are served at once; more are closed at once.
pub const MAX_CONNECTIONS: usize = 64;
/// How often the accept loop looks for a stop request when no client comes.
const ACCEPT_POLL: Duration = Duration::from_millis(20);

/// The ring provider, built explicitly: the process-wide default is never relied on.
pub fn ring_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A bound, not yet serving, TLS server.
pub struct TlsServer {
    listener: TcpListener,
    addr: SocketAddr,
    config: Arc<ServerConfig>,
    shared: Arc<Shared>,
}

/// What the accept loop shares with whoever stops it.
#[derive(Default)]
struct Shared {
    stop: AtomicBool,
    next_id: AtomicU64,
    /// Open connections (to cut them short on shutdown) and their threads.
    connections: Mutex<HashMap<u64, TcpStream>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl TlsServer {
    /// Builds the rustls configuration and binds `listen`.
    pub fn bind(
        listen: &str,
        resolver: Arc<StaplingResolver>,
        provider: Arc<CryptoProvider>,
    ) -> Result<Self, CliError> {
        let config = ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|e| CliError::Other(format!("cannot configure TLS: {e}")))?
            .with_no_client_auth()
            .with_cert_resolver(resolver);
        let listen_error = |e: io::Error| CliError::Listen {
            addr: listen.to_owned(),
            reason: listen_reason(&e),
        };
        let listener = TcpListener::bind(listen).map_err(listen_error)?;
        let addr = listener.local_addr().map_err(listen_error)?;
        // Non-blocking, so the accept loop notices a stop request without a wake-up connection.
        listener.set_nonblocking(true).map_err(listen_error)?;
        Ok(Self {
            listener,
            addr,
            config: Arc::new(config),
            shared: Arc::default(),
        })
    }

    /// The address actually bound (the real port for `:0`).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Accepts and serves connections until [`RunningServer::shutdown`] (for `serve`: forever).
    pub fn run(&self) {
        while !self.shared.stop.load(Ordering::SeqCst) {
            match self.listener.accept() {
                Ok((stream, peer)) => self.start_connection(stream, peer),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => thread::sleep(ACCEPT_POLL),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // E.g. out of file descriptors: keep serving those already connected.
                Err(e) => {
                    warn!("cannot accept a connection on {}: {e}", self.addr);
                    thread::sleep(ACCEPT_POLL);
                }
            }
        }
    }

    /// Runs the server on a thread of its own.
    pub fn spawn(self) -> Result<RunningServer, CliError> {
        let shared = self.shared.clone();
        let addr = self.addr;
        let thread = thread::Builder::new()
            .name("staplekit-accept".into())
            .spawn(move || self.run())
            .map_err(|e| CliError::Other(format!("cannot start the server thread: {e}")))?;
        Ok(RunningServer {
            addr,
            shared,
            thread: Some(thread),
        })
    }

    fn start_connection(&self, stream: TcpStream, peer: SocketAddr) {
        self.shared.reap_finished();
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        {
            let mut connections = self.shared.lock_connections();
            if connections.len() >= MAX_CONNECTIONS {
                warn!("{peer}: closed at once: already {MAX_CONNECTIONS} connections");
                return;
            }
            // The listener is non-blocking; the connection's reads rely on blocking timeouts.
            let registered = stream
                .set_nonblocking(false)
                .and_then(|()| stream.try_clone());
            match registered {
                Ok(clone) => connections.insert(id, clone),
                Err(e) => {
                    warn!("{peer}: cannot set up the connection: {e}");
                    return;
                }
            };
        }
        let config = self.config.clone();
        let shared = self.shared.clone();
        let spawned = thread::Builder::new()
            .name(format!("staplekit-conn-{id}"))
            .spawn(move || {
                serve_connection(stream, peer, config);
                shared.lock_connections().remove(&id);
            });
        match spawned {
            Ok(handle) => self
                .shared
                .threads
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(handle),
            Err(e) => {
                warn!("{peer}: cannot start a thread for the connection: {e}");
                self.shared.lock_connections().remove(&id);
            }
        }
    }
}

impl Shared {
    fn lock_connections(&self) -> std::sync::MutexGuard<'_, HashMap<u64, TcpStream>> {
        // A map of sockets stays usable even if a holder panicked.
        self.connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Joins the threads of connections already over, so the list does not grow.
    fn reap_finished(&self) {
        let mut threads = self.threads.lock().unwrap_or_else(PoisonError::into_inner);
        let (done, running): (Vec<_>, Vec<_>) =
            threads.drain(..).partition(JoinHandle::is_finished);
        *threads = running;
        drop(threads);
        for handle in done {
            join(handle);
        }
    }
}

fn join(handle: JoinHandle<()>) {
    if handle.join().is_err() {
        error!("a connection thread panicked");
    }
}

/// "address in use" and friends, as a person would say them.
pub fn listen_reason(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::AddrInUse => "address in use".into(),
        io::ErrorKind::AddrNotAvailable => "address not available on this machine".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::InvalidInput => format!("not a HOST:PORT address ({error})"),
        _ => error.to_string(),
    }
}

/// A server running on its own thread; stopped on [`RunningServer::shutdown`] or drop.
pub struct RunningServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl RunningServer {
    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, cuts open connections short and joins every thread. Idempotent.
    pub fn shutdown(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        self.shared.stop.store(true, Ordering::SeqCst);
        if thread.join().is_err() {
            error!("the accept thread panicked");
        }
        for stream in self.shared.lock_connections().values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        let threads: Vec<_> = self
            .shared
            .threads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(..)
            .collect();
        for handle in threads {
            join(handle);
        }
        info!("server on {} stopped", self.addr);
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}
