//! The stapling engine: from a ClientHello's status request and a chain to the bytes a server sends.
//!
//! Two ways to a response. A chain the server **registers** ([`StaplingEngine::register`]) is
//! fetched at once and kept fresh by a background refresher; its handshakes never wait. Any other
//! chain gets the JDK's behaviour: a handshake that misses the cache fetches (one fetch per
//! certificate however many handshakes wait for it) and waits up to `responseTimeout`.
//!
//! A status request with a nonce asks for a fresh answer, never a held or cached one (the JDK's
//! rule), for a registered chain too. Those fetches are driven by clients, so they are bounded by
//! a budget (`nonce_budget`): over it, the handshake staples nothing for that certificate and
//! does not wait. Handshake-driven fetches run on a pool of their own, so the refresher's fetches
//! never queue behind them.

#[cfg(feature = "shared-store")]
mod fleet;
#[cfg(feature = "responder")]
mod held_responses;
pub(crate) mod log_throttle;
mod nonce_budget;
mod refresher;
mod registration;
mod shared;
mod single_flight;
mod staple;

#[cfg(test)]
mod panic_tests;

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use log::{debug, error, info, warn};
use x509_cert::ext::Extension;

use crate::background::{FetchTarget, Lookup, RefreshTiming, Registry};
use crate::cache::ResponseCache;
use crate::chain::{Chain, ChainCertificate, ChainError, IssuerStore};
use crate::config::StaplingConfig;
use crate::fetch::{HttpSettings, OcspHttpClient, ProxySettings};
use crate::ocsp::request::nonce_of;
use crate::ocsp::{CertIdentity, VerifiedResponse};
use crate::report::{CertificateReport, FetchFailure, Outcome, SkipReason};
use crate::stats::{CertificateStats, Counters, EngineStats};
use crate::store::{DirStore, ResponseStore};
use crate::tls::{
    self, ClientStatusRequest, ExtensionError, ExtensionType, OcspStatusRequest, Selection,
    SelectionPolicy,
};
use log_throttle::{LogThrottle, LOG_INTERVAL};
use nonce_budget::{NonceBudget, Permit};
pub use registration::{RegisteredCertificate, Registration};
use shared::{FetchResult, Shared};
use single_flight::{Flights, Waiter};

#[cfg(feature = "responder")]
pub(crate) use held_responses::{HeldResponses, Servable};
pub use staple::{Staple, StapleForm};

/// Why an engine could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// `staplekit.stapling.issuers` could not be read.
    #[error("staplekit.stapling.issuers: {0}")]
    Issuers(ChainError),
    /// The HTTP client could not be set up.
    #[error(transparent)]
    Http(#[from] crate::fetch::TransportError),
    /// The fetch thread pool or the refresher thread could not be started.
    #[error("cannot start the fetch thread pool: {0}")]
    Pool(String),
    /// `staplekit.stapling.cacheDir` cannot be used.
    #[error("staplekit.stapling.cacheDir: {0}")]
    CacheDir(#[from] crate::persist::PersistError),
}

/// An OCSP stapling engine: configuration, registered chains with their refresher, response
/// cache, HTTP client and fetch pool.
///
/// `Send + Sync`: one engine serves every handshake of a server. Parse each certificate chain once
/// with [`StaplingEngine::parse_chain`] and pass it to every handshake that sends it. Dropping the
/// engine stops its refresher.
pub struct StaplingEngine {
    shared: Arc<Shared>,
    issuers: IssuerStore,
    refresher: Option<JoinHandle<()>>,
}

impl StaplingEngine {
    /// Builds an engine and starts its refresher. Reads `staplekit.stapling.issuers` and opens
    /// `staplekit.stapling.cacheDir` (a [`DirStore`]) now, so a bad setting fails at start-up.
    pub fn new(config: StaplingConfig) -> Result<Self, EngineError> {
        let store = match &config.cache_dir {
            Some(path) => Some(Arc::new(DirStore::open(path)?) as Arc<dyn ResponseStore>),
            None => None,
        };
        Self::build(config, store)
    }

    /// Builds an engine that keeps responses of registered chains in `store` instead of
    /// `staplekit.stapling.cacheDir` (which is then not opened), and starts its refresher.
    pub fn with_store(
        config: StaplingConfig,
        store: Arc<dyn ResponseStore>,
    ) -> Result<Self, EngineError> {
        if let Some(dir) = &config.cache_dir {
            info!(
                "responses are kept in {}; staplekit.stapling.cacheDir ({}) is not used",
                store.describe(),
                dir.display()
            );
        }
        Self::build(config, Some(store))
    }

    fn build(
        config: StaplingConfig,
        store: Option<Arc<dyn ResponseStore>>,
    ) -> Result<Self, EngineError> {
        let issuers = match &config.issuers_file {
            Some(path) => IssuerStore::load(path).map_err(EngineError::Issuers)?,
            None => IssuerStore::default(),
        };
        let http = OcspHttpClient::with_proxies(
            HttpSettings {
                connect_timeout: config.ocsp_connect_timeout,
                read_timeout: config.ocsp_read_timeout,
                use_get: config.ocsp_use_get,
                max_response_bytes: config.max_response_bytes,
            },
            ProxySettings::from_config(&config),
        )?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.fetch_threads)
            .thread_name(|i| format!("staplekit-fetch-{i}"))
            .build()
            .map_err(|e| EngineError::Pool(e.to_string()))?;
        // Handshakes (and checks) fetch here, the refresher on `pool`: however many fetches
        // clients cause, a registered chain's refresh never waits behind them.
        let demand_pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.fetch_threads)
            .thread_name(|i| format!("staplekit-demand-{i}"))
            .build()
            .map_err(|e| EngineError::Pool(e.to_string()))?;
        let nonce_budget = NonceBudget::new(config.nonce_fetches_per_minute, config.fetch_threads);
        let registry = Registry::new(
            config.cache_lifetime,
            refresh_timing(&config),
            config.refresh_concurrency,
        );
        #[cfg(feature = "shared-store")]
        let fleet = open_shared_store(&config);
        #[cfg(not(feature = "shared-store"))]
        if config.shared_store.is_some() {
            warn!(
                "staplekit.stapling.sharedStore is set, but this build of staplekit has no shared \
                 store (feature shared-store); this server works alone"
            );
        }
        let shared = Arc::new(Shared {
            cache: ResponseCache::new(config.cache_size, config.cache_lifetime),
            config,
            http,
            registry,
            counters: Counters::default(),
            flights: Flights::new(),
            store,
            #[cfg(feature = "shared-store")]
            fleet,
            pool,
            demand_pool,
            nonce_budget,
            failure_log: LogThrottle::new(LOG_INTERVAL),
            budget_log: LogThrottle::new(LOG_INTERVAL),
        });
        let refresher =
            refresher::start(shared.clone()).map_err(|e| EngineError::Pool(e.to_string()))?;
        Ok(Self {
            shared,
            issuers,
            refresher: Some(refresher),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &StaplingConfig {
        &self.shared.config
    }

    /// Parses a DER chain (leaf first), finding issuers in the chain or in
    /// `staplekit.stapling.issuers`.
    pub fn parse_chain(&self, der_chain: Vec<Vec<u8>>) -> Result<Chain, ChainError> {
        Chain::parse(der_chain, &self.issuers)
    }

    /// Registers a chain the server sends, and returns at once: its responses are fetched in the
    /// background now and renewed before they go stale, and its handshakes never wait for a
    /// responder. Responses kept in the response store (`staplekit.stapling.cacheDir`) and
    /// operator-provided files (`<chain_file>.ors`, `staplekit.stapling.responseFile`) are read
    /// and verified first, so the first handshake can staple even while every responder is down.
    /// The [`Registration`] says what each certificate got; pass it to
    /// [`StaplingEngine::wait_for_first_fetches`] to wait for the responders' first answers.
    pub fn register(&self, chain: &Chain, chain_file: Option<&Path>) -> Registration {
        let now = SystemTime::now();
        let mut targets = Vec::new();
        let mut certificates = Vec::new();
        for (index, cert) in chain.certificates().iter().enumerate() {
            match self.target_for(cert) {
                Ok(target) => {
                    self.shared.registry.add(target.clone());
                    certificates.push(RegisteredCertificate::Kept {
                        id: target.id.clone(),
                        responder: target.responder.clone(),
                        loaded: None,
                    });
                    targets.push(target);
                }
                Err(skip) => {
                    debug!(
                        "not registering certificate {index} ({}): {skip}",
                        cert.subject
                    );
                    certificates.push(RegisteredCertificate::Skipped(skip));
                }
            }
        }
        for target in &targets {
            self.shared.load_from_store(target);
        }
        let beside = chain_file.map(ors_path).filter(|p| p.exists());
        for file in beside.iter() {
            self.shared.load_static_file(file, &targets, true);
        }
        for file in &self.shared.config.response_files {
            self.shared.load_static_file(file, &targets, false);
        }
        for target in &targets {
            self.shared.registry.schedule_first(&target.id, now);
        }
        for certificate in &mut certificates {
            if let RegisteredCertificate::Kept { id, loaded, .. } = certificate {
                *loaded = self.shared.registry.held_source(id, now);
            }
        }
        info!(
            "registered the chain of {}: {} certificate(s) to keep stapled",
            chain.leaf().subject,
            targets.len()
        );
        Registration { certificates }
    }

    /// Waits until the first fetch of every certificate `registration` keeps stapled has ended
    /// (or it has no responder), at most `timeout`, and returns each certificate's statistics,
    /// leaf first (`None` for a certificate that was skipped or is no longer registered). For
    /// tools and start-up checks; handshakes never need it.
    pub fn wait_for_first_fetches(
        &self,
        registration: &Registration,
        timeout: Duration,
    ) -> Vec<Option<CertificateStats>> {
        let ids: Vec<CertIdentity> = registration.kept_ids().cloned().collect();
        self.shared
            .registry
            .wait_fetched(&ids, Instant::now() + timeout);
        let stats = self.stats();
        registration
            .certificates()
            .iter()
            .map(|certificate| match certificate {
                RegisteredCertificate::Kept { id, .. } => stats.certificate(id).cloned(),
                RegisteredCertificate::Skipped(_) => None,
            })
            .collect()
    }

    /// Undoes one [`StaplingEngine::register`] of `chain`: certificates no other registered
    /// chain contains are no longer refreshed.
    pub fn unregister(&self, chain: &Chain) {
        for cert in chain.certificates() {
            if let Ok((id, _)) = cert.ocsp_identity() {
                self.shared.registry.remove(id);
            }
        }
    }

    /// What the engine has done so far, and the state of each registered certificate.
    pub fn stats(&self) -> EngineStats {
        let mut stats = self.shared.counters.snapshot();
        stats.certificates = self.shared.registry.snapshot(SystemTime::now());
        #[cfg(feature = "shared-store")]
        {
            stats.shared_store = self.shared.fleet.as_ref().map(|fleet| fleet.stats());
        }
        stats
    }

    /// What the ServerHello would assert for this ClientHello, before any response is fetched.
    pub fn select(
        &self,
        hello: &ClientStatusRequest<'_>,
        chain_len: usize,
    ) -> Result<Selection, ExtensionError> {
        tls::select(hello, chain_len, &self.selection_policy())
    }

    /// Decides and builds what to staple for a handshake: selects as the JDK does, gathers the
    /// responses, and encodes them. A registered chain's responses are at hand (or missing: no
    /// wait); another chain's come from the cache, else from fetches waited for at most
    /// `jdk.tls.stapling.responseTimeout`. `Ok(None)`: assert nothing, staple nothing. `Err`: the
    /// status extension the client sent is malformed (answer with a decode_error alert).
    pub fn staple(
        &self,
        hello: &ClientStatusRequest<'_>,
        chain: &Chain,
    ) -> Result<Option<Staple>, ExtensionError> {
        let selection = self.select(hello, chain.len())?;
        Ok(self.staple_selection(&selection, chain))
    }

    /// Builds the staple for a selection already made.
    pub fn staple_selection(&self, selection: &Selection, chain: &Chain) -> Option<Staple> {
        let staple = self.build_staple(selection, chain)?;
        Counters::bump(&self.shared.counters.staples_served);
        Some(staple)
    }

    fn build_staple(&self, selection: &Selection, chain: &Chain) -> Option<Staple> {
        let (request, wanted): (&OcspStatusRequest, Vec<usize>) = match selection {
            Selection::None => return None,
            Selection::StatusRequest(r) | Selection::StatusRequestV2Ocsp(r) => (r, vec![0]),
            Selection::StatusRequestV2OcspMulti(r) | Selection::Tls13PerCertificate(r) => {
                (r, (0..chain.len()).collect())
            }
        };
        let responses = self.responses(chain, &wanted, request);
        let form = match selection {
            Selection::None => return None,
            Selection::StatusRequest(_) => StapleForm::Ocsp {
                extension: ExtensionType::StatusRequest,
            },
            Selection::StatusRequestV2Ocsp(_) => StapleForm::Ocsp {
                extension: ExtensionType::StatusRequestV2,
            },
            Selection::StatusRequestV2OcspMulti(_) => StapleForm::OcspMulti,
            // The JDK client pairs TLS 1.3 responses with entries in order of the entries that
            // carry one, so an intermediate's response without the leaf's would be read as the
            // leaf's: `Staple::new` staples nothing unless the leaf has its response.
            Selection::Tls13PerCertificate(_) => StapleForm::Tls13,
        };
        let stapled: Vec<&CertIdentity> = wanted
            .iter()
            .filter(|&&i| responses[i].is_some())
            .filter_map(|&i| chain.certificates()[i].id.as_ref())
            .collect();
        let ders = responses
            .into_iter()
            .map(|r| r.map(|r| r.der.clone()))
            .collect();
        let staple = Staple::new(form, ders)?;
        self.shared.registry.count_staple(stapled.into_iter());
        Some(staple)
    }

    /// The leaf's response for a plain `status_request` without extensions: what a rustls server
    /// staples (rustls sends the leaf's response only).
    pub fn leaf_response(&self, chain: &Chain) -> Option<Arc<[u8]>> {
        let request = OcspStatusRequest::default();
        let response = self.responses(chain, &[0], &request)[0]
            .as_ref()
            .map(|r| r.der.clone())?;
        Counters::bump(&self.shared.counters.staples_served);
        self.shared
            .registry
            .count_staple(chain.leaf().id.as_ref().into_iter());
        Some(response)
    }

    /// The leaf's held response for a registered chain: exactly what a handshake answering a
    /// plain `status_request` would staple for it now (verified when taken, strictly before its
    /// nextUpdate or the end of `jdk.tls.stapling.cacheLifetime`). Never fetches and never
    /// waits, so a TLS stack that must be handed its staple before the handshake starts (such as
    /// Netty's OpenSSL engine) can ask for every connection. `None` when the leaf is not
    /// registered or nothing is held for it; the refresher is on it. Counted as a handshake:
    /// a hit and a staple served, or a miss. Also `None`, counting nothing, when the
    /// configuration staples nothing for `status_request` (as [`StaplingEngine::select`]
    /// decides: `jdk.tls.server.enableStatusRequestExtension=false`, or `status_request` in
    /// `jdk.tls.server.disableExtensions`).
    pub fn held_leaf_response(&self, chain: &Chain) -> Option<Arc<[u8]>> {
        let policy = self.selection_policy();
        if !policy.server_enabled || policy.status_request_disabled {
            return None;
        }
        let counters = &self.shared.counters;
        let id = chain.leaf().id.as_ref();
        let held = match id.map(|id| self.shared.registry.lookup(id, SystemTime::now())) {
            Some(Lookup::Held(response)) => Some(response.der.clone()),
            Some(Lookup::Nothing | Lookup::NotRegistered) | None => None,
        };
        let Some(der) = held else {
            Counters::bump(&counters.misses);
            return None;
        };
        Counters::bump(&counters.hits);
        Counters::bump(&counters.staples_served);
        self.shared.registry.count_staple(id.into_iter());
        Some(der)
    }

    /// Asks every certificate's responder now (neither the cache nor the registry is consulted,
    /// but both are filled), waiting at most `wait`, and reports each certificate. For tools and
    /// diagnostics.
    pub fn check_chain(&self, chain: &Chain, wait: Duration) -> Vec<CertificateReport> {
        let deadline = Instant::now() + wait;
        let started: Vec<Result<Waiter<FetchResult>, SkipReason>> = chain
            .certificates()
            .iter()
            .map(|cert| {
                let target = self.target_for(cert)?;
                if target.responder.is_none() {
                    return Err(SkipReason::NoResponder);
                }
                Ok(self.start_fetch(target, Vec::new(), false, None))
            })
            .collect();
        chain
            .certificates()
            .iter()
            .zip(started)
            .enumerate()
            .map(|(index, (cert, started))| CertificateReport {
                index,
                subject: cert.subject.clone(),
                serial_hex: cert.serial_hex.clone(),
                responder: self.responder_for(cert),
                outcome: match started {
                    Err(skip) => Outcome::Skipped(skip),
                    Ok(flight) => match flight.wait(deadline) {
                        Some(Ok(response)) => Outcome::Verified(response),
                        Some(Err(failure)) => Outcome::Failed(failure),
                        None => Outcome::Failed(FetchFailure::DeadlinePassed(wait.as_millis())),
                    },
                },
            })
            .collect()
    }

    fn selection_policy(&self) -> SelectionPolicy {
        let config = &self.shared.config;
        SelectionPolicy {
            server_enabled: config.server_enabled,
            status_request_disabled: config.status_request_disabled(),
            status_request_v2_disabled: config.status_request_v2_disabled(),
        }
    }

    /// Responses for the `wanted` certificates (by index; `None` where there is none to staple).
    fn responses(
        &self,
        chain: &Chain,
        wanted: &[usize],
        request: &OcspStatusRequest,
    ) -> Vec<Option<Arc<VerifiedResponse>>> {
        let forwarded: &[Extension] = if self.shared.config.ignore_extensions {
            &[]
        } else {
            &request.extensions
        };
        // A request with a nonce asks for a fresh answer: never a held or cached one.
        let fresh_only = nonce_of(forwarded).is_some();
        let now = SystemTime::now();
        let counters = &self.shared.counters;
        let mut found: Vec<Option<Arc<VerifiedResponse>>> = vec![None; chain.len()];
        let mut waiting = Vec::new();
        for &index in wanted {
            let cert = &chain.certificates()[index];
            // Borrowed, not a FetchTarget: a handshake served from memory copies nothing.
            let (id, issuer_der) = match cert.ocsp_identity() {
                Ok(found) => found,
                Err(skip) => {
                    debug!("no OCSP for {} (certificate {index}): {skip}", cert.subject);
                    continue;
                }
            };
            if !fresh_only {
                let at_hand = match self.shared.registry.lookup(id, now) {
                    Lookup::Held(response) => Some(Some(response)),
                    // Registered: the refresher is on it, and handshakes do not wait.
                    Lookup::Nothing => Some(None),
                    Lookup::NotRegistered => self.shared.cache.get(id, now).map(Some),
                };
                if let Some(at_hand) = at_hand {
                    let counter = if at_hand.is_some() {
                        &counters.hits
                    } else {
                        &counters.misses
                    };
                    Counters::bump(counter);
                    found[index] = at_hand;
                    continue;
                }
            }
            Counters::bump(&counters.misses);
            let target = self.fetch_target(cert, id, issuer_der);
            if target.responder.is_none() {
                debug!(
                    "no OCSP for {} (certificate {index}): no responder",
                    cert.subject
                );
                continue;
            }
            // Only a nonce makes a client's handshake fetch whatever the cache holds: that is
            // what the budget bounds. Without one, one fetch per certificate serves everyone.
            let permit = if fresh_only {
                match self.shared.nonce_budget.try_acquire(id, Instant::now()) {
                    Ok(permit) => Some(permit),
                    Err(spent) => {
                        self.log_spent(&target, spent);
                        continue;
                    }
                }
            } else {
                None
            };
            waiting.push((
                index,
                self.start_fetch(target, forwarded.to_vec(), !fresh_only, permit),
            ));
        }
        let deadline = Instant::now() + self.shared.config.response_timeout;
        for (index, flight) in waiting {
            if let Some(Ok(response)) = flight.wait(deadline) {
                found[index] = Some(response).filter(|r| r.is_stapleable());
            }
        }
        found
    }

    /// Starts a fetch on the on-demand pool, or joins the one under way for the same certificate
    /// when `shared_flight` (a fetch with a nonce or for a check is its own). `permit`: the
    /// nonce budget's, given back when the fetch ends or is dropped.
    fn start_fetch(
        &self,
        target: FetchTarget,
        extensions: Vec<Extension>,
        shared_flight: bool,
        permit: Option<Permit>,
    ) -> Waiter<FetchResult> {
        let own = Flights::new();
        let flights = if shared_flight {
            &self.shared.flights
        } else {
            &own
        };
        let (waiter, lead) = flights.join(&target.id);
        if let Some(lead) = lead {
            let shared = self.shared.clone();
            self.shared.demand_pool.spawn(move || {
                let _permit = permit;
                // An answer to a shared flight fills the cache for the next handshake even when
                // this one stopped waiting. An own flight's answer (a nonce's) serves only its
                // caller: once nobody waits, asking would only load the responder.
                if !shared_flight && !lead.wanted() {
                    debug!(
                        "{}: dropped a fetch nobody waits for any more",
                        target.describe()
                    );
                    return;
                }
                // A panic on a pool thread would abort the process: caught, it ends this fetch
                // only (the unfinished lead releases its waiters).
                let fetched = panic::catch_unwind(AssertUnwindSafe(|| {
                    shared.fetch_on_demand(&target, &extensions)
                }));
                match fetched {
                    Ok(result) => lead.finish(result),
                    Err(payload) => {
                        let message = refresher::panic_message(payload.as_ref());
                        error!(
                            "OCSP fetch for {} panicked (a bug in staplekit; please report it): \
                             {message}",
                            target.describe()
                        );
                        let failure = FetchFailure::Panicked(message);
                        shared.counters.fetched(failure.outcome());
                        lead.finish(Err(failure));
                    }
                }
            });
        }
        waiter
    }

    /// Says, once per [`LOG_INTERVAL`] per certificate, that nonce requests go unstapled.
    fn log_spent(&self, target: &FetchTarget, spent: nonce_budget::Spent) {
        match self.shared.budget_log.admit(&target.id, Instant::now()) {
            Some(left_out) => warn!(
                "not fetching {}'s OCSP response for a client's nonce request: {spent}; such \
                 handshakes get no staple ({left_out} more since the last warning)",
                target.describe()
            ),
            None => debug!(
                "nonce request for {} not fetched: {spent}",
                target.describe()
            ),
        }
    }

    fn target_for(&self, cert: &ChainCertificate) -> Result<FetchTarget, SkipReason> {
        let (id, issuer_der) = cert.ocsp_identity()?;
        Ok(self.fetch_target(cert, id, issuer_der))
    }

    fn fetch_target(
        &self,
        cert: &ChainCertificate,
        id: &CertIdentity,
        issuer_der: &Arc<[u8]>,
    ) -> FetchTarget {
        FetchTarget {
            id: id.clone(),
            issuer_der: issuer_der.clone(),
            responder: self.responder_for(cert),
            subject: cert.subject.clone(),
        }
    }

    /// The JDK's choice: `responderURI` when `responderOverride`, else the AIA URL, else
    /// `responderURI` as a fallback.
    fn responder_for(&self, cert: &ChainCertificate) -> Option<url::Url> {
        let config = &self.shared.config;
        if cert.ocsp_nocheck || cert.self_signed {
            return None;
        }
        match (&config.responder_uri, config.responder_override) {
            (Some(uri), true) => Some(uri.clone()),
            (fallback, _) => cert.aia_ocsp_url.clone().or_else(|| fallback.clone()),
        }
    }
}

impl Drop for StaplingEngine {
    fn drop(&mut self) {
        self.shared.registry.close();
        if let Some(refresher) = self.refresher.take() {
            // The refresher only waits and hands out work, so it stops at once; fetches still
            // running on the pool finish on their own and their results go nowhere.
            let _ = refresher.join();
        }
    }
}

/// Opens `staplekit.stapling.sharedStore` and checks it answers, so a wrong address or password
/// is an error logged at start-up. Never fails the engine: without Redis, each server works
/// alone, and a store that cannot be reached now is tried again later.
#[cfg(feature = "shared-store")]
fn open_shared_store(config: &StaplingConfig) -> Option<Arc<crate::store::SharedStore>> {
    let url = config.shared_store.as_ref()?;
    match crate::store::SharedStore::open(url) {
        Ok(store) => {
            // Logs the failure itself (once), naming the property.
            let _ = store.check();
            Some(Arc::new(store))
        }
        Err(e) => {
            error!("staplekit.stapling.sharedStore: {e}; this server works alone");
            None
        }
    }
}

/// `<chain file>.ors`: the operator-provided response beside a chain file.
fn ors_path(chain_file: &Path) -> PathBuf {
    let mut name = chain_file.as_os_str().to_owned();
    name.push(".ors");
    PathBuf::from(name)
}

fn refresh_timing(config: &StaplingConfig) -> RefreshTiming {
    RefreshTiming {
        ratio: config.refresh_ratio.as_f64(),
        retry_delay: config.retry_delay,
        retry_max_delay: config.retry_max_delay,
    }
}
