//! An OCSP responder of the project's own: a real HTTP server on a local port that parses real
//! OCSP requests and signs real RFC 6960 responses, with faults that can be injected at runtime.
//!
//! It serves the engine's tests (including the faults OpenSSL's responder cannot produce), the
//! reliability fault suite and `staplekit demo`.
//!
//! ```no_run
//! use staplekit_testkit::responder::{Authority, CertState, Fault, OcspResponder};
//! # fn demo(issuer_der: Vec<u8>, issuer_key_pkcs8: Vec<u8>, leaf_serial: &[u8])
//! #     -> Result<(), Box<dyn std::error::Error>> {
//! let responder = OcspResponder::bind("127.0.0.1:0")?;
//! let url = responder.url(); // put it in the certificates' AIA, then:
//! responder.add_authority(Authority {
//!     issuer_der: issuer_der.clone(),
//!     signer_cert_der: issuer_der,
//!     signer_key_pkcs8: issuer_key_pkcs8,
//!     include_signer_cert: false,
//! })?;
//! responder.set_status(leaf_serial, CertState::Good);
//! responder.set_fault(Fault::HttpStatus(500))?; // from now on every answer is a 500
//! responder.shutdown(); // also done on drop
//! # Ok(()) }
//! ```
//!
//! HTTP: `POST` with the DER request as body, or `GET /<url-encoded base64 of the DER request>`
//! (RFC 6960 appendix A); the answer is `200` with `Content-Type: application/ocsp-response`.
//! Requests that are not valid OCSP get a `malformedRequest` OCSP response; HTTP the responder
//! does not serve gets a 4xx/5xx status (405, 411, 413 above [`MAX_BODY`], 431 above [`MAX_HEAD`]).
//! At most [`MAX_CONNECTIONS`] connections are served at once, each must deliver its request
//! within [`REQUEST_TIMEOUT`], and nothing a client does can make the responder panic or hang.
//!
//! Each connection carries one request and gets one answer with `Connection: close`. A request
//! is answered for the authority of its first CertID that names a registered issuer; CertIDs of
//! other issuers in the same request are answered `unknown`, and a request naming no registered
//! issuer gets `unauthorized`. CertIDs must use SHA-1 (as the JDK and RFC 5019 clients do).

mod answer;
mod authority;
mod error;
mod faults;
mod flow;
mod http;
mod registry;
mod server;
mod signing;
mod stats;

#[cfg(test)]
mod tests;

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex, PoisonError, RwLockWriteGuard};
use std::thread::JoinHandle;
use std::time::Duration;

pub use crate::pki::Criticality;
pub use authority::{Authority, CertState};
pub use error::ResponderError;
pub use faults::{Fault, OcspResponseStatus};
pub use http::{MAX_BODY, MAX_HEAD};
pub use server::{MAX_CONNECTIONS, REQUEST_TIMEOUT, WRITE_TIMEOUT};
pub use signing::ResponderIdKind;
pub use stats::{HttpMethod, MethodCounts, SeenRequest, Stats};

use authority::IssuerKey;
use registry::{ActiveFault, Registry};
use server::Shared;

/// A running OCSP responder. Dropping it shuts it down.
///
/// All methods take `&self`, so one responder can be shared between threads (e.g. in an `Arc`).
pub struct OcspResponder {
    shared: Arc<Shared>,
    addr: SocketAddr,
    acceptor: Mutex<Option<JoinHandle<()>>>,
}

impl OcspResponder {
    /// Binds `addr` (e.g. `"127.0.0.1:0"` for any free port) and starts serving at once.
    ///
    /// Until authorities are added every OCSP request is answered `unauthorized`; binding first
    /// lets a caller put [`OcspResponder::url`] into the certificates it then registers.
    pub fn bind(addr: &str) -> io::Result<Self> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        // Non-blocking, so the accept loop can notice shutdown without a wake-up connection.
        listener.set_nonblocking(true)?;
        let shared = Arc::new(Shared::default());
        let acceptor = server::spawn_acceptor(listener, Arc::clone(&shared))?;
        log::debug!("OCSP responder listening on {addr}");
        Ok(Self {
            shared,
            addr,
            acceptor: Mutex::new(Some(acceptor)),
        })
    }

    /// The address the responder is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The responder URL for certificates and clients, e.g. `http://127.0.0.1:40123/`.
    ///
    /// An unspecified bind address (`0.0.0.0`, `::`) is given as the loopback address.
    pub fn url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}/", SocketAddr::new(ip, self.addr.port()))
    }

    /// Registers an authority, replacing any earlier one for the same issuer.
    ///
    /// Fails if a certificate is not DER, the key is not a PKCS#8 key ring can sign with, or the
    /// key does not belong to the signer certificate.
    pub fn add_authority(&self, authority: Authority) -> Result<(), ResponderError> {
        self.registry().add_authority(&authority)
    }

    /// Sets what is said about the certificate with this serial number, under any issuer that
    /// has no setting of its own for it (see [`OcspResponder::set_issuer_status`]).
    ///
    /// `serial` is big-endian, with or without DER's leading zero byte (`x509-parser`'s
    /// `raw_serial()` and rcgen's `SerialNumber` bytes both fit). Serials never set are `unknown`.
    pub fn set_status(&self, serial: &[u8], state: CertState) {
        self.registry().set_status(serial, state);
    }

    /// Sets what is said about the certificate with this serial number issued by `issuer_der`;
    /// this wins over [`OcspResponder::set_status`], for chains whose CAs reuse serial numbers.
    pub fn set_issuer_status(
        &self,
        issuer_der: &[u8],
        serial: &[u8],
        state: CertState,
    ) -> Result<(), ResponderError> {
        let issuer = IssuerKey::from_issuer_der(issuer_der)?;
        self.registry().set_issuer_status(issuer, serial, state);
        Ok(())
    }

    /// Sets the fault for every issuer without a fault of its own; [`Fault::None`] to heal.
    ///
    /// Fails only for a [`Fault::SignWith`] whose certificate or key cannot be used.
    pub fn set_fault(&self, fault: Fault) -> Result<(), ResponderError> {
        let active = ActiveFault::new(fault)?;
        self.registry().set_fault(active);
        Ok(())
    }

    /// Sets the fault for requests about certificates of `issuer_der` (the issuer of the first
    /// CertID); it wins over [`OcspResponder::set_fault`].
    pub fn set_issuer_fault(&self, issuer_der: &[u8], fault: Fault) -> Result<(), ResponderError> {
        let issuer = IssuerKey::from_issuer_der(issuer_der)?;
        let active = ActiveFault::new(fault)?;
        self.registry().set_issuer_fault(issuer, Some(active));
        Ok(())
    }

    /// Removes the issuer's own fault, so the global one applies to it again.
    pub fn clear_issuer_fault(&self, issuer_der: &[u8]) -> Result<(), ResponderError> {
        let issuer = IssuerKey::from_issuer_der(issuer_der)?;
        self.registry().set_issuer_fault(issuer, None);
        Ok(())
    }

    /// Sets how long after producedAt nextUpdate lies (default one hour); `None` leaves
    /// nextUpdate out.
    pub fn set_validity(&self, validity: Option<Duration>) {
        self.registry().validity = validity;
    }

    /// Sets how long before producedAt thisUpdate lies (default one minute).
    pub fn set_this_update_age(&self, age: Duration) {
        self.registry().this_update_age = age;
    }

    /// Sets how responses name their signer (default [`ResponderIdKind::ByKey`]).
    pub fn set_responder_id(&self, kind: ResponderIdKind) {
        self.registry().responder_id = kind;
    }

    /// From now on, each request waits before being answered until `concurrent` requests are in
    /// flight at once (itself included), or `timeout` has passed for it.
    ///
    /// This lets a test prove that a client overlaps its fetches, without relying on timing:
    /// with `concurrent = n`, [`Stats::max_in_flight`] reaches `n` only if `n` requests overlapped.
    pub fn hold_until_concurrent(&self, concurrent: usize, timeout: Duration) {
        self.shared.flow.set_hold(Some((concurrent, timeout)));
    }

    /// Ends [`OcspResponder::hold_until_concurrent`]; requests held now are released.
    pub fn clear_hold(&self) {
        self.shared.flow.set_hold(None);
    }

    /// Request counters.
    pub fn stats(&self) -> Stats {
        self.shared.flow.stats()
    }

    /// Zeroes the counters and forgets the recent requests.
    pub fn reset_stats(&self) {
        self.shared.flow.reset();
    }

    /// The latest requests (up to 64), oldest first.
    pub fn recent_requests(&self) -> Vec<SeenRequest> {
        self.shared.flow.recent()
    }

    /// Stops accepting and closes the listening socket, so new connections are refused; open
    /// connections are still answered. For tests of an unreachable responder.
    pub fn stop_accepting(&self) {
        self.shared.flow.stop_accepting();
        self.join_acceptor();
    }

    /// Stops the responder: closes the port, cuts short held, delayed and hanging requests, closes
    /// every connection and joins every thread. Idempotent; also done on drop.
    ///
    /// Takes at most about the time of one signing: no thread waits on anything shutdown does
    /// not interrupt.
    pub fn shutdown(&self) {
        self.shared.flow.stop();
        self.join_acceptor();
        self.shared.close_connections();
    }

    fn join_acceptor(&self) {
        let acceptor = self
            .acceptor
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(t) = acceptor {
            if t.join().is_err() {
                log::error!("the OCSP responder accept thread panicked");
            }
        }
    }

    fn registry(&self) -> RwLockWriteGuard<'_, Registry> {
        // The registry holds plain settings, valid even if a holder panicked.
        self.shared
            .registry
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for OcspResponder {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl std::fmt::Debug for OcspResponder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OcspResponder")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}
