//! The engine's state shared with its fetch threads and its refresher, and the fetches
//! themselves: ask, verify, then keep what may be kept.

use std::path::Path;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant, SystemTime};

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
use crate::store::{Lease, ResponseStore, SharedStore, StoreError};

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
    pub fleet: Option<Arc<SharedStore>>,
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
        let leased = match &self.fleet {
            Some(fleet) => match self.consult_fleet(fleet, target) {
                Fleet::Settled => return,
                Fleet::Fetch { leased } => leased.then_some(fleet),
            },
            None => None,
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
                if let (Some(fleet), Some(next_update)) = (&self.fleet, response.next_update) {
                    if taken {
                        self.share(fleet, target, &response.der, next_update);
                    }
                }
                if let Some(fleet) = leased {
                    fleet.release_lease(&target.id);
                }
            }
            Err(_) => {
                self.registry
                    .complete(&target.id, result, SystemTime::now());
                // The lease stays until this server's next attempt: the fleet backs off with it
                // instead of each server asking a failing responder in turn.
                if let Some(fleet) = leased {
                    self.extend_lease(fleet, target);
                }
            }
        }
    }

    /// Before a background fetch: takes the shared store's response when it is newer than what
    /// is held, else takes the certificate's lease (fetch) or leaves the fetch to its holder
    /// (look again when the lease ends). Redis failing: fetch alone.
    fn consult_fleet(&self, fleet: &SharedStore, target: &FetchTarget) -> Fleet {
        if self.take_fleet_entry(fleet, target) {
            return Fleet::Settled;
        }
        match fleet.take_lease(&target.id, self.lease_time()) {
            // Another server may have written its answer and given the lease back between the
            // read above and the lease: look once more before asking the responder.
            Ok(Lease::Taken) if self.take_fleet_entry(fleet, target) => {
                fleet.release_lease(&target.id);
                Fleet::Settled
            }
            Ok(Lease::Taken) => Fleet::Fetch { leased: true },
            Ok(Lease::Elsewhere(left)) => {
                // The holder gives the lease back as soon as the answer is shared: look again
                // soon rather than when the lease would expire.
                let wait = left.clamp(LEASE_POLL_MIN, LEASE_POLL_MAX);
                debug!(
                    "{}: another server is fetching it; looking again in {} ms",
                    target.describe(),
                    wait.as_millis()
                );
                self.registry.postpone(&target.id, wait, SystemTime::now());
                Fleet::Settled
            }
            Err(e) => {
                debug!("{}: fetching alone: {e}", target.describe());
                Fleet::Fetch { leased: false }
            }
        }
    }

    /// Takes the shared store's response for `target` when another server fetched one since
    /// this one took its own (what is held already is what is being renewed) and the
    /// keep-last-good rules take it; ends the refresh then. Also kept in cacheDir, so a restart
    /// without Redis staples it.
    fn take_fleet_entry(&self, fleet: &SharedStore, target: &FetchTarget) -> bool {
        let Some(response) = self.read_fleet_entry(fleet, target) else {
            return false;
        };
        let now = SystemTime::now();
        if self.registry.holds(&target.id, &response.der)
            || !self.registry.would_take(&target.id, &response, now)
        {
            return false;
        }
        let response = Arc::new(response);
        let held = Held {
            response: response.clone(),
            stored_at: now,
            source: ResponseSource::SharedStore,
        };
        self.keep_local(target, &response, || {
            (
                (),
                self.registry
                    .complete_shared(&target.id, held, LEASE_POLL_MIN, now),
            )
        });
        true
    }

    /// The shared store's response for `target`, verified; anything that fails verification is
    /// refused, counted and logged.
    fn read_fleet_entry(
        &self,
        fleet: &SharedStore,
        target: &FetchTarget,
    ) -> Option<VerifiedResponse> {
        let der = match fleet.get(&target.id, self.config.max_response_bytes) {
            Ok(Some(der)) => der,
            Ok(None) => return None,
            Err(e) => {
                debug!("{}: no shared response: {e}", target.describe());
                return None;
            }
        };
        match self.verify(target, &der, None) {
            Ok(response) => Some(response),
            Err(rejection) => {
                fleet.refused();
                warn!(
                    "refusing the shared store's response for {} ({}): {rejection}; not stapled",
                    target.describe(),
                    fleet_key(target)
                );
                None
            }
        }
    }

    /// Writes a response this server took to the shared store, for the rest of the fleet.
    fn share(
        &self,
        fleet: &SharedStore,
        target: &FetchTarget,
        der: &[u8],
        next_update: SystemTime,
    ) {
        match fleet.save_until(&target.id, der, next_update) {
            Ok(()) => debug!(
                "shared {}'s response through {}",
                target.describe(),
                fleet.describe()
            ),
            Err(e) => debug!("{}: not shared: {e}", target.describe()),
        }
    }

    /// Keeps the lease after a failed fetch until this server's next attempt, so the others do
    /// not ask the failing responder meanwhile.
    fn extend_lease(&self, fleet: &SharedStore, target: &FetchTarget) {
        let now = SystemTime::now();
        let wait = self
            .registry
            .next_refresh(&target.id)
            .and_then(|at| at.duration_since(now).ok())
            .unwrap_or_default();
        fleet.extend_lease(&target.id, wait.max(self.lease_time()));
    }

    /// How long a server may hold a certificate's lease while it fetches: one whole fetch, and a
    /// margin.
    fn lease_time(&self) -> Duration {
        self.config.ocsp_connect_timeout + self.config.ocsp_read_timeout + LEASE_MARGIN
    }

    /// Keeps a response fetched for `target` as one step per certificate: judged, written to the
    /// store when it will be taken (before handshakes can see it, so a restart staples what was
    /// stapled), then handed to the registry by `take`. Two fetches ending together would
    /// otherwise write in one order and take in the other, leaving an older GOOD on disk while
    /// memory holds a REVOKED. Logs only once the step is over.
    fn keep<R>(
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

    /// [`Shared::keep`] for a response read from the shared store: written to the local store
    /// only.
    fn keep_local<R>(
        &self,
        target: &FetchTarget,
        response: &VerifiedResponse,
        take: impl FnOnce() -> (R, Option<LogNote>),
    ) -> R {
        self.keep(target, response, take).0
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
        if let Some(fleet) = &self.fleet {
            if let Some(response) = self.read_fleet_entry(fleet, target) {
                let held = Held {
                    response: Arc::new(response),
                    stored_at: SystemTime::now(),
                    source: ResponseSource::SharedStore,
                };
                self.registry.offer(&target.id, held);
            }
        }
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

/// The shortest wait before a server that found a certificate's lease held looks again.
const LEASE_POLL_MIN: Duration = Duration::from_millis(100);

/// The longest wait before a server that found a certificate's lease held looks again.
const LEASE_POLL_MAX: Duration = Duration::from_millis(500);

/// What a lease holder may take beyond a fetch's timeouts (verify, write to the stores).
const LEASE_MARGIN: Duration = Duration::from_secs(1);

/// What consulting the fleet before a background fetch decided.
enum Fleet {
    /// Nothing to fetch: the shared response was taken, or another server is fetching.
    Settled,
    /// Fetch; `leased`: for the fleet, holding the certificate's lease.
    Fetch { leased: bool },
}

/// The shared store's key of `target`'s response, for log lines.
fn fleet_key(target: &FetchTarget) -> String {
    crate::store::response_key(&target.id)
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
