//! The rustls door: [`StaplingResolver`], a certificate resolver that staples through the engine.
//!
//! It decorates the server's own [`ResolvesServerCert`]: whichever [`CertifiedKey`] that resolver
//! picks for a handshake, the door hands rustls the same chain and key carrying the engine's
//! current OCSP response for the leaf. Each chain is parsed and
//! [registered](StaplingEngine::register) the first time it is picked (or earlier, with
//! [`StaplingResolver::register`]), so its responses are fetched ahead and renewed before they
//! go stale: a handshake never waits for a responder, it staples what is held or nothing.
//!
//! What rustls does with it (rustls's choices, not the door's):
//! - it staples only for clients that sent `status_request` in their ClientHello; others get
//!   no response at all;
//! - it staples the **leaf's** response only: in the TLS 1.2 CertificateStatus message or the
//!   TLS 1.3 leaf CertificateEntry. Intermediates' responses (which the JDK staples with
//!   `status_request_v2` or in TLS 1.3) are fetched and kept fresh by the engine but never sent.
//!
//! Enabled by the crate feature `rustls` (rustls 0.23).

use std::fmt;
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};

use log::warn;
use lru::LruCache;
use rustls::pki_types::CertificateDer;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::{CertifiedKey, SingleCertAndKey};

use crate::chain::{Chain, ChainError};
use crate::engine::{Registration, StaplingEngine};

/// The most chains a [`StaplingResolver`] keeps parsed and registered at once.
///
/// Chains come from the server's own resolver, never from a client, so a client cannot make
/// this set grow; a server normally serves a handful of chains, a multi-tenant one some
/// hundreds. The bound is for resolvers that mint certificates as they go (on-demand ACME,
/// per-name certificates): every chain kept is also kept fresh by the engine, one OCSP fetch per
/// certificate per refresh, so an unbounded set would grow memory and the load on responders
/// without end. Past the bound the chain picked least recently is unregistered; should it be
/// picked again, it is registered again and staples once its first fetch completes.
pub const MAX_CHAINS: usize = 1024;

/// A rustls certificate resolver that staples the leaf's OCSP response through a
/// [`StaplingEngine`], around the server's own resolver.
///
/// Per chain the inner resolver picks, it parses the chain once and registers it with the
/// engine (fetched ahead, refreshed before it goes stale; handshakes never wait). Per handshake
/// it asks the engine for the leaf's held response and returns a [`CertifiedKey`] carrying it;
/// the same `Arc<CertifiedKey>` is returned again as long as the response and the inner
/// resolver's key are unchanged, so a handshake allocates nothing. While the engine holds no
/// response (the first fetch is under way, every responder is down), the inner resolver's
/// `CertifiedKey` is returned unchanged, with whatever `ocsp` it carries itself.
///
/// rustls sends the response only to clients that sent `status_request`, and the leaf's only
/// (see the [module documentation](self)).
///
/// When `jdk.tls.server.enableStatusRequestExtension` is false or `status_request` is in
/// `jdk.tls.server.disableExtensions`, nothing is registered nor stapled: the door passes the
/// inner resolver's choice through, as a JDK server would send no staple.
///
/// Chains stay registered while the resolver keeps them (see [`MAX_CHAINS`]); dropping the
/// resolver unregisters them.
///
/// # Example
///
/// One chain and its key, as `staplekit serve` does; `<chain.pem>.ors` is read if present:
///
/// ```no_run
/// use std::path::Path;
/// use std::sync::Arc;
///
/// use rustls::pki_types::pem::PemObject;
/// use rustls::pki_types::{CertificateDer, PrivateKeyDer};
/// use rustls::sign::CertifiedKey;
/// use rustls::ServerConfig;
/// use staplekit::ConfigLoader;
/// use staplekit::rustls::StaplingResolver;
/// use staplekit::StaplingEngine;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let provider = Arc::new(rustls::crypto::ring::default_provider());
/// let chain_file = Path::new("chain.pem");
/// let certs = CertificateDer::pem_file_iter(chain_file)?.collect::<Result<Vec<_>, _>>()?;
/// let key = provider
///     .key_provider
///     .load_private_key(PrivateKeyDer::from_pem_file("key.pem")?)?;
///
/// let engine = Arc::new(StaplingEngine::new(ConfigLoader::new().load()?.config)?);
/// let resolver = StaplingResolver::with_single_cert(
///     engine,
///     Arc::new(CertifiedKey::new(certs, key)),
///     Some(chain_file),
/// )?;
/// let config = ServerConfig::builder_with_provider(provider)
///     .with_safe_default_protocol_versions()?
///     .with_no_client_auth()
///     .with_cert_resolver(Arc::new(resolver));
/// # let _ = config;
/// # Ok(())
/// # }
/// ```
///
/// Around any other resolver (SNI, ...), registering ahead the chains it will pick:
/// [`StaplingResolver::new`], then [`StaplingResolver::register`] for each.
pub struct StaplingResolver {
    inner: Arc<dyn ResolvesServerCert>,
    engine: Arc<StaplingEngine>,
    stapling: bool,
    /// Keyed by the whole chain, leaf first: the leaf's CertID depends on its issuer, and a
    /// resolver may build a new `CertifiedKey` for the same chain at any time.
    chains: Mutex<LruCache<Vec<CertificateDer<'static>>, Arc<Served>>>,
}

impl StaplingResolver {
    /// Staples around `inner`, the server's own resolver. Chains are registered the first time
    /// `inner` picks them; the first handshakes of a chain staple nothing until its first fetch
    /// completes (unless `staplekit.stapling.cacheDir` or `staplekit.stapling.responseFile`
    /// holds a response), so register known chains ahead with [`StaplingResolver::register`].
    pub fn new(inner: Arc<dyn ResolvesServerCert>, engine: Arc<StaplingEngine>) -> Self {
        let capacity = NonZeroUsize::new(MAX_CHAINS).unwrap_or(NonZeroUsize::MIN);
        Self {
            inner,
            stapling: stapling_enabled(&engine),
            engine,
            chains: Mutex::new(LruCache::new(capacity)),
        }
    }

    /// The common case: one chain and its key for every handshake, registered now, so its
    /// responses are being fetched before the first client comes. `chain_file` is the PEM file
    /// the chain was read from; a response file beside it (`<chain_file>.ors`) is read and
    /// stapled until a fresher one is fetched.
    ///
    /// `Err` when the engine cannot parse the chain (see [`StaplingResolver::register`]).
    pub fn with_single_cert(
        engine: Arc<StaplingEngine>,
        key: Arc<CertifiedKey>,
        chain_file: Option<&Path>,
    ) -> Result<Self, ChainError> {
        let resolver = Self::new(Arc::new(SingleCertAndKey::from(key.clone())), engine);
        resolver.register(&key, chain_file)?;
        Ok(resolver)
    }

    /// Registers, now, a chain the inner resolver will pick, so that its responses are fetched
    /// before its first handshake, and reads `<chain_file>.ors` if `chain_file` is given.
    ///
    /// Returns what the engine's registration did with each certificate (for a chain already
    /// known to this resolver, what its first registration did; the chain is left as it is), or
    /// `None` when stapling is off ([`StaplingResolver::stapling_enabled`]) and nothing is
    /// registered. `Err` when the engine cannot parse the chain; it is then never stapled.
    pub fn register(
        &self,
        key: &CertifiedKey,
        chain_file: Option<&Path>,
    ) -> Result<Option<Registration>, ChainError> {
        if !self.stapling {
            return Ok(None);
        }
        match self.served(&key.cert).chain(&key.cert, chain_file) {
            Ok((_, registration)) => Ok(Some(registration.clone())),
            Err(error) => Err(error.clone()),
        }
    }

    /// Whether handshakes get the leaf's response at all: false when the configuration turns
    /// the server's `status_request` support off.
    pub fn stapling_enabled(&self) -> bool {
        self.stapling
    }

    /// The entry for this chain, made (not yet parsed) if new.
    fn served(&self, certs: &[CertificateDer<'static>]) -> Arc<Served> {
        let mut chains = self.chains.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(served) = chains.get(certs) {
            return served.clone();
        }
        let served = Arc::new(Served::new(self.engine.clone()));
        let evicted = chains.push(certs.to_vec(), served.clone());
        // Unregistering (when the last handshake using it is over) takes the engine's locks:
        // not while every handshake waits for this one.
        drop(chains);
        drop(evicted);
        served
    }
}

impl ResolvesServerCert for StaplingResolver {
    fn resolve(&self, client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let picked = self.inner.resolve(client_hello)?;
        if !self.stapling || self.inner.only_raw_public_keys() {
            return Some(picked);
        }
        Some(self.served(&picked.cert).staple(picked))
    }

    fn only_raw_public_keys(&self) -> bool {
        self.inner.only_raw_public_keys()
    }
}

impl fmt::Debug for StaplingResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chains = self
            .chains
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        f.debug_struct("StaplingResolver")
            .field("stapling", &self.stapling)
            .field("chains", &chains)
            .finish_non_exhaustive()
    }
}

/// One chain the inner resolver picks: parsed and registered once, and the key last stapled.
struct Served {
    engine: Arc<StaplingEngine>,
    /// Set by the first handshake (or [`StaplingResolver::register`]) to see the chain; others
    /// for the same chain wait for it, which reads local files only, never a responder.
    /// The parsed chain and what registering it did; parsed and registered once.
    chain: OnceLock<Result<(Chain, Registration), ChainError>>,
    /// Reused while the response and the inner resolver's key are the same.
    stapled: RwLock<Option<Stapled>>,
}

/// A `CertifiedKey` carrying a response, and what it was made from.
struct Stapled {
    response: Arc<[u8]>,
    key: Arc<CertifiedKey>,
}

impl Served {
    fn new(engine: Arc<StaplingEngine>) -> Self {
        Self {
            engine,
            chain: OnceLock::new(),
            stapled: RwLock::new(None),
        }
    }

    /// The parsed chain, parsing and registering it the first time.
    fn chain(
        &self,
        certs: &[CertificateDer<'static>],
        chain_file: Option<&Path>,
    ) -> &Result<(Chain, Registration), ChainError> {
        self.chain.get_or_init(|| match parse(&self.engine, certs) {
            Ok(chain) => {
                let registration = keep_fresh(&self.engine, &chain, chain_file);
                Ok((chain, registration))
            }
            Err(error) => {
                warn!("a chain the server sends is never stapled: {error}");
                Err(error)
            }
        })
    }

    /// `picked` carrying the leaf's held response, or `picked` itself when none is held.
    fn staple(&self, picked: Arc<CertifiedKey>) -> Arc<CertifiedKey> {
        let Ok((chain, _)) = self.chain(&picked.cert, None) else {
            return picked;
        };
        let Some(response) = held_leaf_response(&self.engine, chain) else {
            return picked;
        };
        let reusable = |stapled: &Stapled| {
            // The chain is the same by construction (the cache key); the key object may not be.
            Arc::ptr_eq(&stapled.key.key, &picked.key)
                && (Arc::ptr_eq(&stapled.response, &response) || stapled.response == response)
        };
        if let Some(stapled) = self.read_stapled().as_ref().filter(|s| reusable(s)) {
            return stapled.key.clone();
        }
        let mut key = CertifiedKey::clone(&picked);
        key.ocsp = Some(response.to_vec());
        let key = Arc::new(key);
        *self.stapled.write().unwrap_or_else(PoisonError::into_inner) = Some(Stapled {
            response,
            key: key.clone(),
        });
        key
    }

    fn read_stapled(&self) -> std::sync::RwLockReadGuard<'_, Option<Stapled>> {
        // A stale `Stapled` is still a consistent pair; a panicking holder cannot break it.
        self.stapled.read().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(Ok((chain, _))) = self.chain.get() {
            forget(&self.engine, chain);
        }
    }
}

// Every call into the engine, in one place.

/// Whether the configuration lets the server staple (the JDK's server-side switches).
fn stapling_enabled(engine: &StaplingEngine) -> bool {
    let config = engine.config();
    config.server_enabled && !config.status_request_disabled()
}

fn parse(engine: &StaplingEngine, certs: &[CertificateDer<'static>]) -> Result<Chain, ChainError> {
    engine.parse_chain(certs.iter().map(|c| c.as_ref().to_vec()).collect())
}

fn keep_fresh(engine: &StaplingEngine, chain: &Chain, chain_file: Option<&Path>) -> Registration {
    engine.register(chain, chain_file)
}

fn held_leaf_response(engine: &StaplingEngine, chain: &Chain) -> Option<Arc<[u8]>> {
    engine.leaf_response(chain)
}

fn forget(engine: &StaplingEngine, chain: &Chain) {
    engine.unregister(chain);
}
