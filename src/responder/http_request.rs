//! Reading one HTTP/1.1 request from a connection, within the responder's bounds: its size, and
//! wall-clock deadlines for the head and the body.
//!
//! Each read waits only for the time left until the deadline (the socket's read timeout is set
//! to it before every read), so a client sending one byte at a time is cut off at the deadline,
//! not kept alive by each byte.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::http_head::{head_end, parse_head, Head, HttpError};

/// Bytes asked of the socket per read.
const READ_CHUNK: usize = 4096;

/// The bounds on reading a request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadLimits {
    pub(crate) max_request_bytes: usize,
    pub(crate) header_timeout: Duration,
    pub(crate) body_timeout: Duration,
    pub(crate) idle_timeout: Duration,
}

/// A request read whole.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) head: Head,
    pub(crate) body: Vec<u8>,
}

/// Where a request was when reading it stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Request line and headers.
    Head,
    /// The body.
    Body,
}

/// Why no request was read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Nothing of a next request came: the client closed, or stayed idle past the idle timeout.
    /// The connection ends quietly.
    Idle,
    /// The deadline of this phase passed before the request was whole.
    TooSlow(Phase),
    /// The client closed the connection in the middle of a request.
    Truncated(Phase),
    /// Reading failed.
    Io(io::Error),
    /// The request is refused with this status (the connection closes after it).
    Refused(HttpError),
}

/// When the head's deadline starts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Start {
    /// A new connection, accepted at this instant: the head must be whole `header_timeout` later.
    Accepted(Instant),
    /// A kept-alive connection: the next request's first byte may take `idle_timeout`, and its
    /// head must then be whole `header_timeout` after that byte.
    KeepAlive,
}

/// The head at the start of `buf`, if it is all there, with its length and the length of the
/// whole request (head and body); refused when either is past `max_request_bytes`.
pub(crate) fn frame(
    buf: &[u8],
    max_request_bytes: usize,
) -> Result<Option<(Head, usize, usize)>, ReadError> {
    let Some(head_len) = head_end(buf) else {
        return if buf.len() >= max_request_bytes {
            Err(ReadError::Refused(HttpError::HeaderTooLarge))
        } else {
            Ok(None)
        };
    };
    if head_len > max_request_bytes {
        return Err(ReadError::Refused(HttpError::HeaderTooLarge));
    }
    let head = parse_head(&buf[..head_len]).map_err(ReadError::Refused)?;
    let body_len = head.content_length.unwrap_or(0);
    if body_len > max_request_bytes - head_len {
        return Err(ReadError::Refused(HttpError::ContentTooLarge));
    }
    Ok(Some((head, head_len, head_len + body_len)))
}

/// Reads requests from one connection, keeping bytes a client sent ahead (pipelining).
pub(crate) struct RequestReader {
    stream: TcpStream,
    buf: Vec<u8>,
    limits: ReadLimits,
}

impl RequestReader {
    pub(crate) fn new(stream: TcpStream, limits: ReadLimits) -> Self {
        Self {
            stream,
            buf: Vec::new(),
            limits,
        }
    }

    /// The connection, to write answers on.
    pub(crate) fn stream(&mut self) -> &mut TcpStream {
        &mut self.stream
    }

    /// Reads the next request.
    pub(crate) fn read(&mut self, start: Start) -> Result<Request, ReadError> {
        let limits = self.limits;
        let header_deadline = match start {
            Start::Accepted(at) => at + limits.header_timeout,
            Start::KeepAlive => {
                if self.buf.is_empty() {
                    let idle_deadline = Instant::now() + limits.idle_timeout;
                    self.fill(idle_deadline, Phase::Head).map_err(|e| match e {
                        ReadError::TooSlow(_) | ReadError::Truncated(_) => ReadError::Idle,
                        other => other,
                    })?;
                }
                Instant::now() + limits.header_timeout
            }
        };
        let (head, head_len, total) = loop {
            if let Some(framed) = frame(&self.buf, limits.max_request_bytes)? {
                break framed;
            }
            self.fill(header_deadline, Phase::Head)?;
        };
        if self.buf.len() < total {
            if head.expect_continue {
                self.stream
                    .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                    .map_err(ReadError::Io)?;
            }
            let body_deadline = Instant::now() + limits.body_timeout;
            while self.buf.len() < total {
                self.fill(body_deadline, Phase::Body)?;
            }
        }
        let body = self.buf[head_len..total].to_vec();
        self.buf.drain(..total);
        Ok(Request { head, body })
    }

    /// Reads what arrives before `deadline` (at least one byte) into the buffer, never past
    /// `max_request_bytes` in all.
    fn fill(&mut self, deadline: Instant, phase: Phase) -> Result<(), ReadError> {
        let room = self
            .limits
            .max_request_bytes
            .saturating_sub(self.buf.len())
            .clamp(1, READ_CHUNK);
        let mut chunk = [0u8; READ_CHUNK];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(ReadError::TooSlow(phase));
            }
            self.stream
                .set_read_timeout(Some(left))
                .map_err(ReadError::Io)?;
            match self.stream.read(&mut chunk[..room]) {
                Ok(0) if self.buf.is_empty() => return Err(ReadError::Idle),
                Ok(0) => return Err(ReadError::Truncated(phase)),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(());
                }
                // The timeout is checked against the deadline on the next turn.
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(ReadError::Io(e)),
            }
        }
    }
}
