//! The acceptor thread and one thread per connection: read a request within the bounds, decide,
//! answer, and keep the connection for the next request while the client wants it.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

use super::answer::{decide, Answer};
use super::connections::{Connections, Gate, Slot};
use super::http_request::{ReadError, ReadLimits, RequestReader, Start};
use super::http_response::{encode, refusal};
use super::report::{self, Dropped, Reporter};
use super::ResponderLimits;
use crate::engine::HeldResponses;

/// How long shutdown waits for connection threads to end once their sockets are shut down
/// (they end at once; this only bounds a thread stuck elsewhere).
const SHUTDOWN_WAIT: Duration = Duration::from_secs(5);
/// After a refusal, how long unread request bytes are drained before closing, so that the
/// client reads the refusal rather than a reset.
const LINGER: Duration = Duration::from_millis(250);
/// At most this much is drained after a refusal.
const LINGER_BYTES: usize = 64 * 1024;

/// What the acceptor and the connections share.
struct State {
    held: HeldResponses,
    limits: ResponderLimits,
    stopping: AtomicBool,
    connections: Arc<Connections>,
    gate: Gate,
    reporter: Reporter,
}

/// A running server.
pub(crate) struct Server {
    state: Arc<State>,
    local_addr: SocketAddr,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts accepting on `listener`.
    pub(crate) fn start(
        listener: TcpListener,
        held: HeldResponses,
        limits: ResponderLimits,
    ) -> io::Result<Self> {
        let local_addr = listener.local_addr()?;
        let state = Arc::new(State {
            held,
            connections: Arc::new(Connections::new(limits.max_connections)),
            gate: Gate::new(limits.max_concurrent_requests),
            limits,
            stopping: AtomicBool::new(false),
            reporter: Reporter::new(),
        });
        let acceptor = {
            let state = state.clone();
            thread::Builder::new()
                .name("staplekit-responder-accept".into())
                .spawn(move || accept_loop(&listener, &state))?
        };
        report::started(local_addr);
        Ok(Self {
            state,
            local_addr,
            acceptor: Some(acceptor),
        })
    }

    pub(crate) fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting, closes the listener, ends open connections and waits for the threads.
    pub(crate) fn stop(&mut self) {
        let Some(acceptor) = self.acceptor.take() else {
            return;
        };
        self.state.stopping.store(true, Ordering::SeqCst);
        // A blocking accept() returns only for a connection: make one.
        match TcpStream::connect_timeout(&wake_address(self.local_addr), Duration::from_secs(2)) {
            Ok(_) => {
                if acceptor.join().is_err() {
                    log::error!("the local OCSP responder's acceptor panicked (a bug)");
                }
            }
            // The acceptor then ends with its next connection; not waited for.
            Err(e) => log::warn!(
                "local OCSP responder on {}: cannot wake its acceptor to stop it: {e}",
                self.local_addr
            ),
        }
        self.state.gate.close();
        if !self.state.connections.close_all(SHUTDOWN_WAIT) {
            log::warn!(
                "local OCSP responder on {}: some connections did not end within {SHUTDOWN_WAIT:?}",
                self.local_addr
            );
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Where to connect to reach a listener bound to `addr` (loopback for a wildcard address).
fn wake_address(addr: SocketAddr) -> SocketAddr {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port())
}

fn accept_loop(listener: &TcpListener, state: &Arc<State>) {
    let counters = state.held.counters();
    loop {
        let accepted = listener.accept();
        if state.stopping.load(Ordering::SeqCst) {
            return;
        }
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                if e.kind() != io::ErrorKind::Interrupted {
                    state.reporter.accept_failed(&e);
                    // E.g. out of file descriptors: back off rather than spin.
                    thread::sleep(Duration::from_millis(10));
                }
                continue;
            }
        };
        let accepted_at = Instant::now();
        let Some(slot) = state.connections.admit(&stream) else {
            drop(stream);
            let max = state.limits.max_connections;
            state
                .reporter
                .dropped(counters, peer, Dropped::OverConnectionLimit(max));
            continue;
        };
        let connection_state = state.clone();
        let spawned = thread::Builder::new()
            .name("staplekit-responder-conn".into())
            .spawn(move || serve(stream, peer, accepted_at, slot, &connection_state));
        if let Err(e) = spawned {
            state.reporter.dropped(counters, peer, Dropped::NoThread(e));
        }
    }
}

/// Serves one connection until the client closes it, a request is refused, a bound is hit or
/// the responder stops.
fn serve(stream: TcpStream, peer: SocketAddr, accepted_at: Instant, _slot: Slot, state: &State) {
    let counters = state.held.counters();
    let limits = &state.limits;
    // Answers go out in one write; without this, Nagle's algorithm may hold it back.
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(limits.body_timeout.max(Duration::from_millis(1))));
    let mut reader = RequestReader::new(
        stream,
        ReadLimits {
            max_request_bytes: limits.max_request_bytes,
            header_timeout: limits.header_timeout,
            body_timeout: limits.body_timeout,
            idle_timeout: limits.idle_timeout,
        },
    );
    let mut start = Start::Accepted(accepted_at);
    loop {
        let request = match reader.read(start) {
            Ok(request) => request,
            Err(error) => {
                if !state.stopping.load(Ordering::SeqCst) {
                    end_unanswered(&mut reader, peer, error, state);
                }
                return;
            }
        };
        let Some(turn) = state.gate.enter() else {
            return;
        };
        let now = SystemTime::now();
        let answer = decide(&request.head, &request.body, |id| {
            state.held.servable(id, now)
        });
        let keep_alive = request.head.keep_alive && !matches!(answer, Answer::Refused(_));
        let bytes = encode(&answer, keep_alive, now, || counters.snapshot());
        drop(turn);
        state.reporter.answered(counters, peer, &answer);
        if let Err(e) = reader.stream().write_all(&bytes) {
            if !state.stopping.load(Ordering::SeqCst) {
                state.reporter.dropped(counters, peer, Dropped::Io(e));
            }
            return;
        }
        if !keep_alive {
            linger(reader.stream());
            return;
        }
        start = Start::KeepAlive;
    }
}

/// Ends a connection whose request could not be read: a refusal is answered, the rest closed.
fn end_unanswered(reader: &mut RequestReader, peer: SocketAddr, error: ReadError, state: &State) {
    let counters = state.held.counters();
    let dropped = match error {
        ReadError::Idle => return,
        ReadError::Refused(refused) => {
            state.reporter.refused(counters, peer, refused);
            let stream = reader.stream();
            if stream
                .write_all(&refusal(refused, SystemTime::now()))
                .is_ok()
            {
                linger(stream);
            }
            return;
        }
        ReadError::TooSlow(phase) => Dropped::TooSlow(phase),
        ReadError::Truncated(phase) => Dropped::Truncated(phase),
        ReadError::Io(e) => Dropped::Io(e),
    };
    state.reporter.dropped(counters, peer, dropped);
}

/// Closes our side, then reads and discards what the client still sends for a moment: closing
/// a socket with unread bytes resets the connection, and the client could lose our answer.
fn linger(stream: &mut TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + LINGER;
    let mut drained = 0;
    let mut chunk = [0u8; 4096];
    while drained < LINGER_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}
