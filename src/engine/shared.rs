//! The engine's state shared with its fetch threads and its refresher, and the fetches
//! themselves: ask, verify, then keep what may be kept.

use std::path::Path;
use std::sync::{Arc, PoisonError};
use std::time::{Instant, SystemTime};

use log::{debug, warn};
use x509_cert::ext::Extension;

use super::log_throttle::LogThrottle;
use super::nonce_budget::NonceBudget;
use super::single_flight::Flights;
use crate::background::{
    FetchTarget, Held, LogNote, Registry, ResponseSource, StaticFile, Verdict,
};
use crate::cache::ResponseCache;
use crate::config::StaplingConfig;
use crate::fetch::OcspHttpClient;
use crate::ocsp::request::{encode_request, nonce_of};
use crate::ocsp::response::rfc3339;
use crate::ocsp::{covers, verify_response, Expected, Rejection, VerifiedResponse, VerifyPolicy};
use crate::persist::read_response_file;
use crate::report::FetchFailure;
use crate::stats::{Counters, FetchOutcome};
use crate::store::{ResponseStore, StoreError};

/// What one fetch ends with.
pub(crate) type FetchResult = Result<Arc<VerifiedResponse>, FetchFailure>;

/// State shared by the engine, its fetch threads and its refresher.
pub(crate) struct Shared {
    pub config: StaplingConfig,
    /// Responses fetched for handshakes of chains not registered (the JDK's cache).
    pub cache: ResponseCache,
    pub http: OcspHttpClient,
    pub registry: Registry,
    pub counters: Counters,
    /// On-demand fetches in progress, one per certificate.
    pub flights: Flights<crate::ocsp::CertIdentity, FetchResult>,
    /// Where responses of registered certificates survive restarts: `staplekit.stapling.cacheDir`
    /// or the store the engine was built with.
    pub store: Option<Arc<dyn ResponseStore>>,
    /// Where the servers of a fleet share responses and fetch leases:
    /// `staplekit.stapling.sharedStore`. Only the refresher and registration use it, never a
    /// handshake.
    #[cfg(feature = "shared-store")]
    pub fleet: Option<Arc<crate::store::SharedStore>>,
    /// Background refreshes of registered certificates.
    pub pool: rayon::ThreadPool,
    /// Fetches for handshakes and checks: apart from `pool`, so refreshes never queue behind
    /// them.
    pub demand_pool: rayon::ThreadPool,
    /// Bounds the fetches clients cause with a nonce.
    pub nonce_budget: NonceBudget,
    /// On-demand fetch failures, logged once per interval per certificate.
    pub failure_log: LogThrottle<crate::ocsp::CertIdentity>,
    /// Spent nonce budgets, logged once per interval per certificate.
    pub budget_log: LogThrottle<crate::ocsp::CertIdentity>,
}

impl Shared {
    /// Asks `target`'s responder and verifies the answer; counts and logs failures. Stores nothing.
    pub(super) fn fetch_verified(
        &self,
        target: &FetchTarget,
        extensions: &[Extension],
    ) -> FetchResult {
        let Some(responder) = &target.responder else {
            return Err(FetchFailure::NoResponder);
        };
        let request = encode_request(&target.id, extensions);
        debug!("asking {responder} about {}", target.describe());
        let result = self
            .http
            .send(responder, &request)
            .map_err(FetchFailure::from)
            .and_then(|body| {
                self.verify(target, &body, nonce_of(extensions))
                    .map_err(FetchFailure::from)
            })
            .map(Arc::new);
        self.counters.fetched(FetchOutcome::of(&result));
        result
    }

    /// A fetch for a handshake (or a check): the answer is kept as the registry or the JDK's
    /// cache rules say, and the failure logged.
    pub(super) fn fetch_on_demand(
        &self,
        target: &FetchTarget,
        extensions: &[Extension],
    ) -> FetchResult {
        let result = self.fetch_verified(target, extensions);
        match &result {
            Ok(response) => {
                let now = SystemTime::now();
                let held = Held {
                    response: response.clone(),
                    stored_at: now,
                    source: ResponseSource::Fetched,
                };
                let (verdict, _) = self.keep(target, response, || {
                    self.registry.offer_quietly(&target.id, held)
                });
                match verdict {
                    Some(Verdict::Take) => {}
                    Some(Verdict::Keep(reason)) => {
                        debug!("{}: answer not kept: {reason}", target.describe())
                    }
                    None => {
                        self.cache.insert(target.id.clone(), response.clone(), now);
                    }
                }
            }
            Err(failure) => {
                // A responder down fails every handshake's fetch: one warning per interval.
                let responder = target.responder.as_ref().map_or("-", |u| u.as_str());
                match self.failure_log.admit(&target.id, Instant::now()) {
                    Some(left_out) => warn!(
                        "no OCSP response for {} from {responder}: {failure}; this handshake \
                         goes on without it ({left_out} more failures since the last warning)",
                        target.describe()
                    ),
                    None => debug!(
                        "no OCSP response for {} from {responder}: {failure}",
                        target.describe()
                    ),
                }
            }
        }
        result
    }

    /// A background fetch for a registered certificate: the registry records it and plans the next.
    /// With a shared store, the fleet's answer is taken when it is newer than what is held, and
    /// the responder is asked only by the server holding the certificate's lease.
    pub(super) fn refresh(&self, target: &FetchTarget) {
        #[cfg(test)]
        deliberate::panic_if_asked(target);
        #[cfg(feature = "shared-store")]
        let leased = match self.before_fetch(target) {
            super::fleet::Fleet::Settled => return,
            super::fleet::Fleet::Fetch { leased } => leased,
        };
        let result = self.fetch_verified(target, &[]);
        match &result {
            Ok(response) => {
                let response = response.clone();
                let ((), taken) = self.keep(target, &response, || {
                    (
                        (),
                        self.registry
                            .complete_quietly(&target.id, result, SystemTime::now()),
                    )
                });
                #[cfg(feature = "shared-store")]
                self.after_fetch(target, &response, taken, leased);
                #[cfg(not(feature = "shared-store"))]
                let _ = taken;
            }
            Err(_) => {
                self.registry
                    .complete(&target.id, result, SystemTime::now());
                #[cfg(feature = "shared-store")]
                self.after_failure(target, leased);
            }
        }
    }

    /// Keeps a response fetched for `target` as one step per certificate: judged, written to the
    /// store when it will be taken (before handshakes can see it, so a restart staples what was
    /// stapled), then handed to the registry by `take`. Two fetches ending together would
    /// otherwise write in one order and take in the other, leaving an older GOOD on disk while
    /// memory holds a REVOKED. Logs only once the step is over.
    pub(super) fn keep<R>(
        &self,
        target: &FetchTarget,
        response: &VerifiedResponse,
        take: impl FnOnce() -> (R, Option<LogNote>),
    ) -> (R, bool) {
        let step = self.registry.step_lock(&target.id);
        let guard = step
            .as_deref()
            .map(|step| step.lock().unwrap_or_else(PoisonError::into_inner));
        let now = SystemTime::now();
        let would_take = self.registry.would_take(&target.id, response, now);
        let written = would_take.then(|| self.persist(target, response));
        let (taken, note) = take();
        drop(guard);
        if let Some(Some(written)) = written {
            written.log(target);
        }
        note.into_iter().for_each(LogNote::emit);
        (taken, would_take)
    }

    /// Records a background fetch that panicked as a failure: counted, logged, the certificate no
    /// longer in flight and retried with the usual backoff.
    pub(super) fn refresh_panicked(&self, target: &FetchTarget, message: String) {
        log::error!(
            "OCSP fetch for {} panicked (a bug in staplekit; please report it): {message}",
            target.describe()
        );
        let failure = FetchFailure::Panicked(message);
        self.counters.fetched(failure.outcome());
        self.registry
            .complete(&target.id, Err(failure), SystemTime::now());
    }

    /// Verifies `der` as an answer about `target` now.
    pub(super) fn verify(
        &self,
        target: &FetchTarget,
        der: &[u8],
        nonce: Option<&[u8]>,
    ) -> Result<VerifiedResponse, Rejection> {
        let expected = Expected {
            id: &target.id,
            issuer_der: &target.issuer_der,
            nonce,
        };
        let policy = VerifyPolicy {
            now: SystemTime::now(),
            clock_skew: self.config.clock_skew,
            max_response_bytes: self.config.max_response_bytes,
        };
        verify_response(der, &expected, &policy)
    }

    /// Writes a response about to be taken to the response store, when there is one; `None`
    /// when nothing is written. Responses without nextUpdate are not written: after a restart
    /// nothing would bound their use.
    fn persist(&self, target: &FetchTarget, response: &VerifiedResponse) -> Option<Written> {
        let store = self.store.as_ref()?;
        response.next_update?;
        Some(Written {
            store: store.describe(),
            outcome: store.save(&target.id, &response.der),
        })
    }

    /// Reads `target`'s response back from the response store and the shared store, verifies
    /// each again and offers it (the registry keeps the better).
    pub(super) fn load_from_store(&self, target: &FetchTarget) {
        #[cfg(feature = "shared-store")]
        self.load_from_fleet(target);
        let Some(store) = &self.store else { return };
        let stored = match store.load(&target.id, self.config.max_response_bytes) {
            Ok(Some(stored)) => stored,
            Ok(None) => return,
            Err(e) => {
                warn!("ignoring the kept response of {}: {e}", target.describe());
                return;
            }
        };
        match self.verify(target, &stored.der, None) {
            Ok(response) => {
                let held = Held {
                    response: Arc::new(response),
                    stored_at: stored.stored_at,
                    source: ResponseSource::CacheDir,
                };
                self.registry.offer(&target.id, held);
            }
            Err(rejection) => warn!(
                "ignoring {} (kept response of {}): {rejection}",
                stored.location,
                target.describe()
            ),
        }
    }

    /// Reads an operator-provided response file and offers it to the certificate among `targets`
    /// it is about. `beside_chain`: the `.ors` file of a chain, which must be about one of them.
    pub(super) fn load_static_file(
        &self,
        path: &Path,
        targets: &[FetchTarget],
        beside_chain: bool,
    ) {
        let stored = match read_response_file(path, self.config.max_response_bytes) {
            Ok(stored) => stored,
            Err(e) => {
                warn!("OCSP response file not served: {e}");
                return;
            }
        };
        let max = self.config.max_response_bytes;
        let Some(target) = targets
            .iter()
            .find(|t| covers(&stored.der, &t.id, max).unwrap_or(false))
        else {
            let names: Vec<String> = targets.iter().map(FetchTarget::describe).collect();
            let message = format!(
                "OCSP response file {} is not about any of {}",
                path.display(),
                names.join(", ")
            );
            if beside_chain {
                warn!("{message}; not served");
            } else {
                debug!("{message}");
            }
            return;
        };
        self.registry.add_static_file(
            &target.id,
            StaticFile {
                path: path.to_path_buf(),
                modified: stored.modified,
            },
        );
        match self.verify(target, &stored.der, None) {
            Ok(response) => {
                let next = response.next_update.map_or_else(|| "none".into(), rfc3339);
                let held = Held {
                    response: Arc::new(response),
                    stored_at: stored.modified,
                    source: ResponseSource::StaticFile,
                };
                if let Some(Verdict::Keep(reason)) = self.registry.offer(&target.id, held) {
                    debug!(
                        "{} (nextUpdate {next}) not taken for {}: {reason}",
                        path.display(),
                        target.describe()
                    );
                }
            }
            Err(rejection) => warn!(
                "OCSP response file {} for {} is not served: {rejection}",
                path.display(),
                target.describe()
            ),
        }
    }

    /// Reads again every operator-provided file whose modification time changed.
    pub(super) fn reload_changed_static_files(&self) {
        for (target, file) in self.registry.static_files() {
            let modified = std::fs::metadata(&file.path).and_then(|m| m.modified());
            let Ok(modified) = modified else { continue };
            if file.modified == modified {
                continue;
            }
            debug!("{} changed; reading it again", file.path.display());
            self.load_static_file(&file.path, std::slice::from_ref(&target), true);
            self.registry
                .static_file_read(&target.id, &file.path, modified);
        }
    }
}

/// What writing a response to the store did, logged once the certificate's step is over.
struct Written {
    store: String,
    outcome: Result<(), StoreError>,
}

impl Written {
    fn log(self, target: &FetchTarget) {
        match self.outcome {
            Ok(()) => debug!("kept {}'s response in {}", target.describe(), self.store),
            Err(e) => warn!(
                "cannot keep {}'s response for restarts: {e}; it is still stapled",
                target.describe()
            ),
        }
    }
}

/// A deliberate panic for the tests that prove one is survived: certificates whose serial is
/// listed panic in their next background fetch.
#[cfg(test)]
pub(crate) mod deliberate {
    use std::sync::Mutex;

    use crate::background::FetchTarget;

    static SERIALS: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

    /// The next background fetch of the certificate with this serial panics.
    pub(crate) fn panic_on(serial: &[u8]) {
        SERIALS.lock().unwrap().push(serial.to_vec());
    }

    pub(super) fn panic_if_asked(target: &FetchTarget) {
        let mut serials = SERIALS.lock().unwrap();
        if let Some(at) = serials.iter().position(|s| *s == target.id.serial) {
            serials.swap_remove(at);
            drop(serials);
            panic!("deliberate panic for {}", target.describe());
        }
    }
}
