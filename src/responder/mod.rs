//! A local OCSP responder (feature `responder`): an HTTP/1.1 server answering RFC 6960 / RFC 5019
//! requests for the certificates an engine holds, with exactly what a handshake would staple.
//!
//! It is the seam for servers the engine cannot reach in the handshake: the JDK's own TLS stack
//! (`jdk.tls.stapling.responderURI` with `responderOverride=true`), nginx
//! (`ssl_stapling_responder`), Apache httpd (`SSLStaplingForceURL`). It never asks an upstream
//! responder: a CertID it holds nothing for is answered `unauthorized` at once.
//!
//! What it answers (every answer but the statistics is counted in the engine's
//! [`EngineStats::responder`](crate::EngineStats::responder)):
//!
//! - `POST` (body: a DER OCSPRequest, `Content-Length` required) or `GET /<url-encoded base64 of
//!   the request>` (RFC 5019 section 5; `%2F`, `%2B`, `%3D` or not, padded or not) asking about
//!   one certificate by its SHA-1 CertID: the response the engine holds for it, byte for byte
//!   what a handshake would staple (verified, and never from its nextUpdate, or the end of
//!   `jdk.tls.stapling.cacheLifetime` for one without, on), as `application/ocsp-response` with
//!   RFC 5019 section 6 caching headers (`Last-Modified`, `Expires`, `Cache-Control: max-age=...,
//!   public, no-transform, must-revalidate`). A nonce in the request is ignored, not echoed (RFC
//!   5019): the answer is the held, pre-produced response. Counted `answered`.
//! - Nothing held for that CertID (not registered, no valid response yet, engine dropped), or a
//!   CertID hashed with another algorithm than SHA-1 (the held response names the certificate by
//!   its SHA-1 CertID, which such a client would not find in it): OCSP `unauthorized` (status 6)
//!   at once, never a question to an upstream responder. Counted `unauthorized`.
//! - An HTTP request that is fine around an OCSP request that is not (not DER, no CertID, or
//!   several: RFC 5019 allows one per request, and the held responses cannot be re-signed to
//!   cover several): OCSP `malformedRequest` (status 1) in a `200`, as RFC 6960 responders
//!   answer. Counted `malformed`.
//! - Broken HTTP: `400` (not HTTP/1.x, bad headers, a GET target without base64, both
//!   `Transfer-Encoding` and `Content-Length`), `405` with `Allow: GET, POST` (other methods),
//!   `411` (a POST without `Content-Length`, chunked bodies), `413` (a body past
//!   `max_request_bytes`), `431` (a head past it), `505` (another HTTP version); the connection
//!   then closes. Counted `malformed`.
//! - `GET /.staplekit/stats`: `text/plain` lines `answered N`, `unauthorized N`, `malformed N`,
//!   `dropped_connections N` (a '.' never starts a base64 request). Not counted.
//!
//! Connections past `max_connections` are closed as soon as they are accepted; a request whose
//! head or body misses its deadline, or whose client closes mid-request, is closed unanswered.
//! Both are counted `dropped_connections`. The deadlines are wall-clock: a client sending one
//! byte at a time is cut off at the deadline, not kept alive by each byte. Connections are kept
//! alive between requests (HTTP/1.1, or HTTP/1.0 with `Connection: keep-alive`) for
//! `idle_timeout`. Problems caused by clients are logged once a minute per kind.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use staplekit::responder::{OcspResponder, ResponderLimits};
//! use staplekit::{StaplingConfig, StaplingEngine};
//!
//! let engine = StaplingEngine::new(StaplingConfig::default())?;
//! let responder = OcspResponder::start(&engine, "127.0.0.1:0".parse()?, ResponderLimits::default())?;
//! println!("jdk.tls.stapling.responderURI={}", responder.url());
//! # Ok(())
//! # }
//! ```

mod answer;
mod connections;
mod get_target;
mod http_head;
mod http_request;
mod http_response;
mod ocsp_request;
pub(crate) mod offline;
mod report;
mod server;

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use crate::StaplingEngine;
use server::Server;

/// What the responder accepts before it refuses, so that no client can hold it or grow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponderLimits {
    /// Connections open at once (each has a thread); more are closed as soon as they are accepted.
    pub max_connections: usize,
    /// Requests being answered at once (the rest wait for a worker).
    pub max_concurrent_requests: usize,
    /// Largest request: request line, headers and body together.
    pub max_request_bytes: usize,
    /// From the connection's accept (on a kept-alive connection, from the next request's first
    /// byte) to the end of the headers.
    pub header_timeout: Duration,
    /// From the end of the headers to the end of the body; also how long writing an answer may
    /// block on a client that does not read.
    pub body_timeout: Duration,
    /// An idle keep-alive connection is closed after this.
    pub idle_timeout: Duration,
}

impl Default for ResponderLimits {
    fn default() -> Self {
        Self {
            max_connections: 256,
            max_concurrent_requests: 16,
            max_request_bytes: 8 * 1024,
            header_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(30),
        }
    }
}

/// A running responder. Dropping it (or [`OcspResponder::close`]) stops it: the listener closes
/// and open connections end.
pub struct OcspResponder {
    server: Server,
}

impl OcspResponder {
    /// Binds `addr` (port 0: any free port) and starts answering from `engine`'s held responses.
    /// The responder keeps a handle on the engine's state, not the engine: it may outlive it (and
    /// then answers `unauthorized`).
    pub fn start(
        engine: &StaplingEngine,
        addr: SocketAddr,
        limits: ResponderLimits,
    ) -> io::Result<Self> {
        let listener = TcpListener::bind(addr)?;
        let server = Server::start(listener, engine.held_responses(), limits)?;
        Ok(Self { server })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// `http://ADDR/`: what `jdk.tls.stapling.responderURI`, nginx's `ssl_stapling_responder` and
    /// Apache's `SSLStaplingForceURL` are set to.
    pub fn url(&self) -> String {
        format!("http://{}/", self.local_addr())
    }

    /// Stops it, waiting for its threads to end.
    pub fn close(self) {
        drop(self);
    }
}
