//! The accept loop and the connection threads: bounded in number, in time, and by shutdown.

use std::collections::HashMap;
use std::io::{self, Read};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

use super::answer::{answer, Body, Wait};
use super::flow::Flow;
use super::http::{self, ReadError, OCSP_RESPONSE_TYPE};
use super::registry::Registry;
use super::stats::SeenRequest;

/// Most connections served at once; more wait in the listen backlog.
pub const MAX_CONNECTIONS: usize = 64;
/// Time a client has to send its whole request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a single write may block on a client that does not read.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the accept loop polls its non-blocking listener when idle.
const ACCEPT_POLL: Duration = Duration::from_millis(5);
/// How long, after answering, unread request bytes are drained so closing does not reset the
/// connection before the client has read the answer.
const LINGER: Duration = Duration::from_millis(500);

/// State shared by the handle, the accept loop and the connections.
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) registry: RwLock<Registry>,
    pub(crate) flow: Flow,
    connections: Mutex<Connections>,
}

#[derive(Default)]
struct Connections {
    next_id: u64,
    /// A clone of each open stream, so that shutdown can unblock its thread.
    open: HashMap<u64, TcpStream>,
    threads: Vec<JoinHandle<()>>,
}

impl Shared {
    fn connections(&self) -> MutexGuard<'_, Connections> {
        // Plain bookkeeping, valid even if a holder panicked.
        self.connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Closes every open connection and joins every connection thread.
    pub(crate) fn close_connections(&self) {
        let threads = {
            let mut conns = self.connections();
            for stream in conns.open.values() {
                let _ = stream.shutdown(Shutdown::Both);
            }
            std::mem::take(&mut conns.threads)
        };
        for t in threads {
            if t.join().is_err() {
                log::error!("an OCSP responder connection thread panicked");
            }
        }
    }
}

/// Starts the accept loop on `listener` (which must be non-blocking).
pub(crate) fn spawn_acceptor(
    listener: TcpListener,
    shared: Arc<Shared>,
) -> io::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name("ocsp-responder-accept".into())
        .spawn(move || accept_loop(&listener, &shared))
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    while shared.flow.accepting() {
        if shared.connections().open.len() >= MAX_CONNECTIONS {
            shared.flow.pause_accepting(ACCEPT_POLL);
            continue;
        }
        match listener.accept() {
            Ok((stream, peer)) => {
                log::trace!("OCSP responder: connection from {peer}");
                start_connection(stream, shared);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                shared.flow.pause_accepting(ACCEPT_POLL)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                // E.g. out of file descriptors: back off rather than spin.
                log::warn!("OCSP responder cannot accept a connection: {e}");
                shared.flow.pause_accepting(ACCEPT_POLL * 10);
            }
        }
    }
    log::debug!("OCSP responder stopped accepting");
}

fn start_connection(stream: TcpStream, shared: &Arc<Shared>) {
    let registered = stream
        .set_nonblocking(false)
        .and_then(|()| stream.try_clone());
    let clone = match registered {
        Ok(c) => c,
        Err(e) => {
            log::warn!("OCSP responder drops a connection it cannot set up: {e}");
            return;
        }
    };
    let mut conns = shared.connections();
    let id = conns.next_id;
    conns.next_id += 1;
    conns.open.insert(id, clone);
    // Join the threads that are done so the list stays short.
    let (done, running): (Vec<_>, Vec<_>) = conns.threads.drain(..).partition(|t| t.is_finished());
    conns.threads = running;
    let for_thread = Arc::clone(shared);
    let spawned = thread::Builder::new()
        .name("ocsp-responder-conn".into())
        .spawn(move || {
            let _slot = Slot {
                shared: &for_thread,
                id,
            };
            serve(stream, &for_thread);
        });
    match spawned {
        Ok(t) => conns.threads.push(t),
        Err(e) => {
            log::warn!("OCSP responder cannot start a connection thread: {e}");
            conns.open.remove(&id);
        }
    }
    drop(conns);
    for t in done {
        let _ = t.join();
    }
}

/// Frees the connection's slot when its thread ends, however it ends.
struct Slot<'s> {
    shared: &'s Shared,
    id: u64,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.shared.connections().open.remove(&self.id);
        self.shared.flow.notify();
    }
}

/// Reads one request, answers it as the registry and the fault say, and closes.
fn serve(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    if let Err(e) = stream.set_write_timeout(Some(WRITE_TIMEOUT)) {
        log::warn!("OCSP responder cannot set a write timeout: {e}");
        return;
    }
    let request = match http::read_request(&mut stream, Instant::now() + REQUEST_TIMEOUT) {
        Ok(r) => r,
        Err(ReadError::Reject(status)) => {
            log::debug!("OCSP responder rejects a request with HTTP {status}");
            let _ = http::write_status(&mut stream, status);
            linger(&mut stream);
            return;
        }
        Err(ReadError::Gone(why)) => {
            log::debug!("OCSP responder: {why}");
            return;
        }
    };

    let in_flight = shared.flow.enter(request.method);
    if !in_flight.hold() {
        return;
    }
    let plan = {
        let registry = shared
            .registry
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        answer(&registry, request.der.as_deref(), SystemTime::now())
    };
    shared.flow.record(SeenRequest {
        method: request.method,
        der: request.der,
        serials: plan.serials,
        nonce: plan.nonce,
    });
    match plan.wait {
        Wait::None => {}
        Wait::Delay(d) => {
            if !shared.flow.sleep(d) {
                return;
            }
        }
        Wait::Forever => {
            shared.flow.wait_for_stop();
            return;
        }
    }
    let written = match &plan.body {
        Body::Ocsp(bytes) => http::write_response(&mut stream, 200, OCSP_RESPONSE_TYPE, bytes),
        Body::Status(code) => http::write_status(&mut stream, *code),
        Body::Junk(len) => http::write_junk(&mut stream, *len),
    };
    drop(in_flight);
    match written {
        Ok(()) => linger(&mut stream),
        Err(e) => log::debug!("OCSP responder could not write its answer: {e}"),
    }
}

/// Half-closes and drains what the client still sends, briefly, so the close is graceful.
fn linger(stream: &mut TcpStream) {
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let deadline = Instant::now() + LINGER;
    let mut sink = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}
