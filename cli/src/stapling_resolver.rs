//! The rustls certificate resolver that staples through the engine.
//!
//! rustls staples the **leaf's** OCSP response only (`CertifiedKey::ocsp`), in the TLS 1.2
//! CertificateStatus message or the TLS 1.3 leaf CertificateEntry, and only when the client sent
//! `status_request`. Intermediates' responses, which the JDK staples with `status_request_v2` or in
//! TLS 1.3, are never sent by this server.

use std::cell::RefCell;
use std::sync::{Arc, PoisonError, RwLock};

use rustls::pki_types::CertificateDer;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::{CertifiedKey, SigningKey};
use staplekit::rfc3339;
use staplekit::{Chain, StaplingEngine};

use super::registered::read_back;
use super::server_identity::ServerIdentity;

thread_local! {
    /// What [`StaplingResolver::resolve`] last returned on this thread. rustls resolves on the
    /// thread that processes the ClientHello, which is the connection's own thread, so the
    /// connection can tell exactly which response its handshake carried.
    static LAST_RESOLVED: RefCell<Option<Arc<Resolved>>> = const { RefCell::new(None) };
}

/// Hands rustls the chain, the key and the engine's current leaf response for every handshake,
/// so a refreshed response is picked up without a restart.
pub struct StaplingResolver {
    engine: Arc<StaplingEngine>,
    chain: Chain,
    certs: Vec<CertificateDer<'static>>,
    key: Arc<dyn SigningKey>,
    stapling_enabled: bool,
    /// The latest result, reused while the engine returns the same response bytes.
    current: RwLock<Option<Arc<Resolved>>>,
}

/// What one handshake was given.
#[derive(Debug)]
pub struct Resolved {
    /// The chain, key and OCSP response given to rustls.
    pub key: Arc<CertifiedKey>,
    /// What the leaf's response says, when there is one.
    pub leaf: Option<LeafStaple>,
}

/// A description of the leaf's OCSP response, for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafStaple {
    /// `good` or `revoked` (the engine never staples `unknown`).
    pub status: String,
    /// thisUpdate, RFC 3339.
    pub this_update: String,
    /// nextUpdate, RFC 3339, or `none`.
    pub next_update: String,
}

impl StaplingResolver {
    /// A resolver for this identity. Stapling is off when the configuration turns the server's
    /// status_request support off, as the JDK's would be.
    pub fn new(engine: Arc<StaplingEngine>, identity: ServerIdentity) -> Self {
        let config = engine.config();
        let stapling_enabled = config.server_enabled && !config.status_request_disabled();
        Self {
            engine,
            chain: identity.chain,
            certs: identity.certs,
            key: identity.key,
            stapling_enabled,
            current: RwLock::new(None),
        }
    }

    /// Whether handshakes get the leaf's response at all.
    pub fn stapling_enabled(&self) -> bool {
        self.stapling_enabled
    }

    /// The chain served.
    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    /// Takes what the resolver last gave a handshake on this thread (see [`LAST_RESOLVED`]).
    pub fn take_last_resolved() -> Option<Arc<Resolved>> {
        LAST_RESOLVED.with(|last| last.borrow_mut().take())
    }

    /// The certified key for the engine's current leaf response. `serve` and `demo` register
    /// the chain, so this never waits: the response held, or none while the first fetch is
    /// under way (a chain not registered would wait up to `jdk.tls.stapling.responseTimeout`,
    /// as the JDK blocks the handshake on a cache miss).
    fn current(&self) -> Arc<Resolved> {
        let response = if self.stapling_enabled {
            self.engine.leaf_response(&self.chain)
        } else {
            None
        };
        let current = self
            .current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(current) = current {
            if current.key.ocsp.as_deref() == response.as_deref() {
                return current;
            }
        }
        let resolved = Arc::new(self.build(response.as_deref()));
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(resolved.clone());
        resolved
    }

    fn build(&self, response: Option<&[u8]>) -> Resolved {
        let mut key = CertifiedKey::new(self.certs.clone(), self.key.clone());
        key.ocsp = response.map(<[u8]>::to_vec);
        Resolved {
            key: Arc::new(key),
            leaf: response.map(|der| self.describe(der)),
        }
    }

    /// Reads the response again (the engine verified it before handing it out) to say what it
    /// says.
    fn describe(&self, der: &[u8]) -> LeafStaple {
        match read_back(self.engine.config(), self.chain.leaf(), der) {
            Ok(response) => LeafStaple {
                status: response.status.name().into(),
                this_update: rfc3339(response.this_update),
                next_update: response
                    .next_update
                    .map(rfc3339)
                    .unwrap_or_else(|| "none".into()),
            },
            Err(reason) => LeafStaple {
                status: format!("unreadable ({reason})"),
                this_update: "-".into(),
                next_update: "-".into(),
            },
        }
    }
}

impl ResolvesServerCert for StaplingResolver {
    fn resolve(&self, _client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let resolved = self.current();
        let key = resolved.key.clone();
        LAST_RESOLVED.with(|last| *last.borrow_mut() = Some(resolved));
        Some(key)
    }
}

impl std::fmt::Debug for StaplingResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaplingResolver")
            .field("leaf", &self.chain.leaf().subject)
            .field("stapling_enabled", &self.stapling_enabled)
            .finish_non_exhaustive()
    }
}
