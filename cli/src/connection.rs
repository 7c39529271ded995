//! One client connection of the TLS server: handshake, one bounded HTTP/1.1 request head, and a
//! plain-text reply saying what the handshake stapled.
//!
//! Every read and write has a timeout and the whole connection a deadline, so a client that
//! stalls, trickles bytes or sends garbage costs one thread for a bounded time and nothing more.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use log::{info, warn};
use rustls::{HandshakeKind, ProtocolVersion, ServerConfig, ServerConnection};

use super::client_hello::sent_status_request;
use super::stapling_resolver::{Resolved, StaplingResolver};

/// The longest a single read or write may block.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest a whole connection may last.
pub const CONNECTION_DEADLINE: Duration = Duration::from_secs(30);
/// The largest HTTP request head read.
pub const MAX_REQUEST_HEAD: usize = 8 * 1024;
/// The most bytes kept from the start of the connection to find the ClientHello in.
const MAX_RECORDED: usize = 64 * 1024;
/// How long to wait for the client to close after the reply, so that unread bytes it sent do not
/// turn the close into a reset that could destroy the reply in flight.
const LINGER: Duration = Duration::from_secs(1);

/// Why a connection ended without a reply.
#[derive(Debug, thiserror::Error)]
enum ConnectionError {
    #[error("cannot set up the connection: {0}")]
    Setup(String),
    #[error("TLS handshake failed: {0}")]
    Handshake(io::Error),
    #[error("TLS handshake failed: {0}; the client sent plain text (HTTP without TLS?)")]
    PlainText(io::Error),
    #[error("the client closed the connection without starting a TLS handshake")]
    ClosedBeforeHandshake,
    #[error("the client closed the connection during the TLS handshake")]
    ClosedDuringHandshake,
    #[error("the client closed the connection before sending a request")]
    ClosedBeforeRequest,
    #[error("I/O error after the handshake: {0}")]
    Io(io::Error),
}

/// Serves one connection and logs how it went (warn for failed handshakes, info otherwise).
pub fn serve_connection(stream: TcpStream, peer: SocketAddr, config: Arc<ServerConfig>) {
    match handle(stream, config) {
        Ok(summary) => info!("{peer}: {summary}"),
        Err(
            error @ (ConnectionError::Handshake(_)
            | ConnectionError::PlainText(_)
            | ConnectionError::ClosedDuringHandshake),
        ) => warn!("{peer}: {error}"),
        Err(error) => info!("{peer}: {error}"),
    }
}

fn handle(stream: TcpStream, config: Arc<ServerConfig>) -> Result<String, ConnectionError> {
    let mut io = DeadlineStream::new(stream, Instant::now() + CONNECTION_DEADLINE);
    let mut conn =
        ServerConnection::new(config).map_err(|e| ConnectionError::Setup(e.to_string()))?;
    // Anything a previous connection on this thread left behind is not ours.
    StaplingResolver::take_last_resolved();
    while conn.is_handshaking() {
        let progress = conn.complete_io(&mut io);
        if !matches!(progress, Ok((0, 0))) || !conn.is_handshaking() {
            progress.map_err(|e| handshake_error(e, &io.recorded))?;
            continue;
        }
        return Err(handshake_error(
            io::ErrorKind::UnexpectedEof.into(),
            &io.recorded,
        ));
    }
    let recorded = io.stop_recording();
    let report = HandshakeReport {
        version: conn.protocol_version(),
        suite: conn.negotiated_cipher_suite().map(|s| {
            s.suite()
                .as_str()
                .map_or_else(|| format!("{:?}", s.suite()), str::to_owned)
        }),
        resumed: conn.handshake_kind() == Some(HandshakeKind::Resumed),
        asked: sent_status_request(&recorded),
        resolved: StaplingResolver::take_last_resolved(),
    };

    let head = read_request_head(&mut conn, &mut io)?;
    let (status, body) = match head {
        RequestHead::Complete(head) if is_http_request(&head) => ("200 OK", report.text()),
        RequestHead::Complete(_) => (
            "400 Bad Request",
            "not an HTTP/1.1 request; try: GET / HTTP/1.1\n".to_owned(),
        ),
        RequestHead::TooLarge => (
            "431 Request Header Fields Too Large",
            format!("the request head is larger than {MAX_REQUEST_HEAD} bytes\n"),
        ),
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut tls = rustls::Stream::new(&mut conn, &mut io);
    tls.write_all(reply.as_bytes())
        .map_err(ConnectionError::Io)?;
    conn.send_close_notify();
    conn.complete_io(&mut io).map_err(ConnectionError::Io)?;
    io.linger();
    Ok(format!("{status}; {}", report.summary()))
}

/// Names the common ways a handshake fails by what the client had sent.
fn handshake_error(error: io::Error, received: &[u8]) -> ConnectionError {
    let plain_text = received
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || b.is_ascii_whitespace());
    match (error.kind(), received.is_empty()) {
        (io::ErrorKind::UnexpectedEof, true) => ConnectionError::ClosedBeforeHandshake,
        (io::ErrorKind::UnexpectedEof, false) => ConnectionError::ClosedDuringHandshake,
        _ if plain_text => ConnectionError::PlainText(error),
        _ => ConnectionError::Handshake(error),
    }
}

/// What the handshake negotiated and stapled.
struct HandshakeReport {
    version: Option<ProtocolVersion>,
    suite: Option<String>,
    resumed: bool,
    /// Whether the ClientHello had `status_request`; `None` if it could not be read.
    asked: Option<bool>,
    /// What the resolver gave this handshake (`None` on a resumed session: no certificate).
    resolved: Option<Arc<Resolved>>,
}

impl HandshakeReport {
    fn available(&self) -> bool {
        self.resolved.as_ref().is_some_and(|r| r.key.ocsp.is_some())
    }

    /// "yes", or "no (why)".
    fn stapled(&self) -> String {
        if self.resumed {
            "no (resumed session: no certificate is sent)".into()
        } else if !self.available() {
            "no (no response available)".into()
        } else {
            match self.asked {
                Some(true) => "yes".into(),
                Some(false) => "no (the client did not send status_request)".into(),
                None => "yes, if the client sent status_request".into(),
            }
        }
    }

    fn version_name(&self) -> &'static str {
        match self.version {
            Some(ProtocolVersion::TLSv1_3) => "TLSv1.3",
            Some(ProtocolVersion::TLSv1_2) => "TLSv1.2",
            _ => "unknown",
        }
    }

    fn text(&self) -> String {
        let yes_no = |b: bool| if b { "yes" } else { "no" };
        let mut text = format!(
            "staplekit serve\n\
             tls version: {}\n\
             cipher suite: {}\n\
             client sent status_request: {}\n\
             leaf OCSP response available: {}\n\
             leaf OCSP response stapled: {}\n",
            self.version_name(),
            self.suite.as_deref().unwrap_or("unknown"),
            self.asked.map_or("could not tell", yes_no),
            yes_no(self.available()),
            self.stapled(),
        );
        if let Some(leaf) = self.resolved.as_ref().and_then(|r| r.leaf.as_ref()) {
            text.push_str(&format!(
                "leaf status: {}\nthisUpdate: {}\nnextUpdate: {}\n",
                leaf.status, leaf.this_update, leaf.next_update
            ));
        }
        text.push_str("note: rustls staples the leaf's response only, never intermediates'\n");
        text
    }

    fn summary(&self) -> String {
        let status = self
            .resolved
            .as_ref()
            .and_then(|r| r.leaf.as_ref())
            .map_or("-", |l| l.status.as_str());
        format!(
            "{} {}, leaf staple: {} (status {status})",
            self.version_name(),
            self.suite.as_deref().unwrap_or("unknown"),
            self.stapled()
        )
    }
}

enum RequestHead {
    Complete(Vec<u8>),
    TooLarge,
}

/// Reads until the blank line that ends an HTTP request head, at most [`MAX_REQUEST_HEAD`].
fn read_request_head(
    conn: &mut ServerConnection,
    io: &mut DeadlineStream,
) -> Result<RequestHead, ConnectionError> {
    let mut tls = rustls::Stream::new(conn, io);
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            head.truncate(end);
            return Ok(RequestHead::Complete(head));
        }
        if head.len() > MAX_REQUEST_HEAD {
            return Ok(RequestHead::TooLarge);
        }
        match tls.read(&mut chunk) {
            Ok(0) if head.is_empty() => return Err(ConnectionError::ClosedBeforeRequest),
            // A head cut short is answered as what it is.
            Ok(0) => return Ok(RequestHead::Complete(head)),
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && head.is_empty() => {
                return Err(ConnectionError::ClosedBeforeRequest)
            }
            Err(e) => return Err(ConnectionError::Io(e)),
        }
    }
}

/// `METHOD TARGET HTTP/1.x` on the first line.
fn is_http_request(head: &[u8]) -> bool {
    let first = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first);
    let parts: Vec<&str> = first.trim_end().split(' ').collect();
    matches!(parts.as_slice(), [method, target, version]
        if !method.is_empty()
            && method.bytes().all(|b| b.is_ascii_uppercase())
            && !target.is_empty()
            && version.starts_with("HTTP/1."))
}

/// A TCP stream whose reads and writes never block past the connection's deadline, and which
/// records the first bytes it reads (the ClientHello).
struct DeadlineStream {
    stream: TcpStream,
    deadline: Instant,
    recorded: Vec<u8>,
    recording: bool,
}

impl DeadlineStream {
    fn new(stream: TcpStream, deadline: Instant) -> Self {
        Self {
            stream,
            deadline,
            recorded: Vec::new(),
            recording: true,
        }
    }

    fn stop_recording(&mut self) -> Vec<u8> {
        self.recording = false;
        std::mem::take(&mut self.recorded)
    }

    /// The timeout for the next operation: [`IO_TIMEOUT`], or less near the deadline.
    fn timeout(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "the connection lasted longer than {} s",
                    CONNECTION_DEADLINE.as_secs()
                ),
            ));
        }
        Ok(left.min(IO_TIMEOUT))
    }

    /// Half-closes and waits briefly for the client to close too, discarding what it sends.
    fn linger(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Write);
        let until = Instant::now() + LINGER;
        let mut sink = [0u8; 4096];
        let mut drained = 0;
        while drained < MAX_RECORDED {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() || self.stream.set_read_timeout(Some(left)).is_err() {
                break;
            }
            match self.stream.read(&mut sink) {
                Ok(0) | Err(_) => break,
                Ok(n) => drained += n,
            }
        }
    }
}

impl Read for DeadlineStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let timeout = self.timeout()?;
        self.stream.set_read_timeout(Some(timeout))?;
        let n = self
            .stream
            .read(buf)
            .map_err(|e| timed_out(e, "nothing received", timeout))?;
        if self.recording {
            let keep = n.min(MAX_RECORDED.saturating_sub(self.recorded.len()));
            self.recorded.extend_from_slice(&buf[..keep]);
        }
        Ok(n)
    }
}

impl Write for DeadlineStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let timeout = self.timeout()?;
        self.stream.set_write_timeout(Some(timeout))?;
        self.stream
            .write(buf)
            .map_err(|e| timed_out(e, "could not send", timeout))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// A socket timeout shows as `WouldBlock`, which rustls would take for a non-blocking socket
/// and the log for a mystery: say what happened.
fn timed_out(error: io::Error, what: &str, timeout: Duration) -> io::Error {
    match error.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => io::Error::new(
            io::ErrorKind::TimedOut,
            format!("{what} for {} ms", timeout.as_millis()),
        ),
        _ => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_http_request_lines() {
        assert!(is_http_request(b"GET / HTTP/1.1\r\nHost: localhost"));
        assert!(is_http_request(b"HEAD /x HTTP/1.0"));
        assert!(!is_http_request(b"hello"));
        assert!(!is_http_request(b"GET / SPDY/3"));
        assert!(!is_http_request(b"get / HTTP/1.1"));
        assert!(!is_http_request(b""));
    }
}
