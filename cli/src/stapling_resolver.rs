//! What each handshake of `serve` and `demo` was given, for the connection's reply: a thin
//! recording layer over the library's rustls door, [`staplekit::rustls::StaplingResolver`],
//! which does the stapling (rustls staples the leaf's response only, to clients that sent
//! `status_request`; see its documentation).

use std::cell::RefCell;
use std::path::Path;
use std::sync::{Arc, PoisonError, RwLock};

use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use staplekit::rfc3339;
use staplekit::rustls::StaplingResolver as Door;
use staplekit::{Chain, Registration, StaplingEngine};

use super::server_identity::ServerIdentity;
use super::CliError;

thread_local! {
    /// What [`StaplingResolver::resolve`] last returned on this thread. rustls resolves on the
    /// thread that processes the ClientHello, which is the connection's own thread, so the
    /// connection can tell exactly which response its handshake carried.
    static LAST_RESOLVED: RefCell<Option<Arc<Resolved>>> = const { RefCell::new(None) };
}

/// The library's door around one chain and key, remembering per thread what it gave.
pub struct StaplingResolver {
    door: Door,
    engine: Arc<StaplingEngine>,
    chain: Chain,
    /// The chain and key as loaded, without a response.
    key: Arc<CertifiedKey>,
    /// The latest description, reused while the door returns the same `CertifiedKey` (it does
    /// while the response is unchanged).
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
    /// A resolver for this identity. The chain is registered by [`StaplingResolver::register`],
    /// or else by its first handshake. Stapling is off when the configuration turns the
    /// server's status_request support off, as the JDK's would be.
    pub fn new(engine: Arc<StaplingEngine>, identity: ServerIdentity) -> Self {
        let key = Arc::new(CertifiedKey::new(identity.certs, identity.key));
        let door = Door::new(
            Arc::new(SingleCertAndKey::from(key.clone())),
            engine.clone(),
        );
        Self {
            door,
            engine,
            chain: identity.chain,
            key,
            current: RwLock::new(None),
        }
    }

    /// Registers the chain with the engine now, reading `<chain_file>.ors`: its responses are
    /// fetched in the background and handshakes never wait for them.
    /// `None` when stapling is off (nothing is registered).
    pub fn register(&self, chain_file: &Path) -> Result<Option<Registration>, CliError> {
        self.door
            .register(&self.key, Some(chain_file))
            .map_err(|source| CliError::ChainFile {
                path: chain_file.to_owned(),
                source,
            })
    }

    /// Whether handshakes get the leaf's response at all.
    pub fn stapling_enabled(&self) -> bool {
        self.door.stapling_enabled()
    }

    /// The chain served.
    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    /// Takes what the resolver last gave a handshake on this thread (see [`LAST_RESOLVED`]).
    pub fn take_last_resolved() -> Option<Arc<Resolved>> {
        LAST_RESOLVED.with(|last| last.borrow_mut().take())
    }

    /// `key` with what its response says, described once per `CertifiedKey` the door gives.
    fn describe(&self, key: Arc<CertifiedKey>) -> Arc<Resolved> {
        let current = self
            .current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(current) = current.filter(|c| Arc::ptr_eq(&c.key, &key)) {
            return current;
        }
        let leaf = key.ocsp.as_ref().map(|_| self.leaf_staple());
        let resolved = Arc::new(Resolved { key, leaf });
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(resolved.clone());
        resolved
    }

    /// What the stapled response says, from the engine's statistics of the leaf (which
    /// describe the response it holds: the one just stapled, unless a refresh replaced it since).
    fn leaf_staple(&self) -> LeafStaple {
        let held = self.chain.leaf().id.as_ref().and_then(|id| {
            let stats = self.engine.stats();
            let leaf = stats.certificate(id)?;
            Some((leaf.status?, leaf.this_update?, leaf.next_update))
        });
        match held {
            Some((status, this_update, next_update)) => LeafStaple {
                status: status.name().into(),
                this_update: rfc3339(this_update),
                next_update: next_update.map_or_else(|| "none".into(), rfc3339),
            },
            None => LeafStaple {
                status: "not registered".into(),
                this_update: "-".into(),
                next_update: "-".into(),
            },
        }
    }
}

impl ResolvesServerCert for StaplingResolver {
    fn resolve(&self, client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let resolved = self.describe(self.door.resolve(client_hello)?);
        let key = resolved.key.clone();
        LAST_RESOLVED.with(|last| *last.borrow_mut() = Some(resolved));
        Some(key)
    }
}

impl std::fmt::Debug for StaplingResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaplingResolver")
            .field("leaf", &self.chain.leaf().subject)
            .field("door", &self.door)
            .finish_non_exhaustive()
    }
}
