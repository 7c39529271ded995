//! The registered certificates: the response each holds, when the refresher asks again, and how
//! its fetches went. One lock guards it all; the refresher waits on its condition variable.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use log::{log, Level};
use url::Url;

use super::held::{judge, Held, ResponseSource, Verdict};
use super::id_hasher::BuildIdHasher;
use super::timing::{jitter_sample, RefreshTiming};
use crate::ocsp::response::rfc3339;
use crate::ocsp::{CertIdentity, Status, VerifiedResponse};
use crate::report::FetchFailure;
use crate::stats::{CertificateStats, FetchOutcome, FetchProblem};

/// What a fetch for one certificate needs.
#[derive(Debug, Clone)]
pub(crate) struct FetchTarget {
    /// The certificate's CertID.
    pub id: CertIdentity,
    /// Its issuer (DER), to verify answers.
    pub issuer_der: Arc<[u8]>,
    /// Who to ask; `None` when only an operator-provided file can answer.
    pub responder: Option<Url>,
    /// Its subject, for logs.
    pub subject: String,
}

impl FetchTarget {
    /// `subject (serial hex)`, for logs.
    pub(crate) fn describe(&self) -> String {
        format!("{} (serial {})", self.subject, self.id.serial_hex())
    }

    fn responder_text(&self) -> String {
        self.responder
            .as_ref()
            .map_or_else(|| "no responder".to_string(), Url::to_string)
    }
}

/// The answer for a registered certificate, or that it is not registered.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// Not registered: handshakes fetch on demand, as the JDK does.
    NotRegistered,
    /// Registered, with a response to staple.
    Held(Arc<VerifiedResponse>),
    /// Registered, with nothing to staple now; the refresher is on it, so nobody waits.
    Nothing,
}

/// An operator-provided response file, and the modification time last read.
#[derive(Debug, Clone)]
pub(crate) struct StaticFile {
    /// The file.
    pub path: PathBuf,
    /// Its modification time when last read.
    pub modified: SystemTime,
}

struct Registered {
    target: FetchTarget,
    /// Held across "judge, write to the store, take" for this certificate (never with the
    /// registry's lock): what the store holds is what was taken last.
    step: Arc<Mutex<()>>,
    order: u64,
    chains: usize,
    held: Option<Held>,
    static_files: Vec<StaticFile>,
    next_refresh: Option<SystemTime>,
    in_flight: bool,
    failures: u32,
    last_fetch: Option<SystemTime>,
    last_problem: Option<FetchProblem>,
    fetches: BTreeMap<FetchOutcome, u64>,
    hits: u64,
    misses: u64,
    staples_served: u64,
}

struct State {
    certs: HashMap<CertIdentity, Registered, BuildIdHasher>,
    next_order: u64,
    in_flight: usize,
    closed: bool,
}

/// The registered certificates and the refresher's schedule.
pub(crate) struct Registry {
    state: Mutex<State>,
    wake: Condvar,
    lifetime: Duration,
    timing: RefreshTiming,
    max_in_flight: usize,
}

impl Registry {
    /// An empty registry. `lifetime` is `jdk.tls.stapling.cacheLifetime`; at most `max_in_flight`
    /// background fetches run at once.
    pub(crate) fn new(lifetime: Duration, timing: RefreshTiming, max_in_flight: usize) -> Self {
        Self {
            state: Mutex::new(State {
                certs: HashMap::default(),
                next_order: 0,
                in_flight: 0,
                closed: false,
            }),
            wake: Condvar::new(),
            lifetime,
            timing,
            max_in_flight: max_in_flight.max(1),
        }
    }

    /// The response to staple for `id` at `now`, counting the look-up.
    pub(crate) fn lookup(&self, id: &CertIdentity, now: SystemTime) -> Lookup {
        let mut state = self.lock();
        let Some(cert) = state.certs.get_mut(id) else {
            return Lookup::NotRegistered;
        };
        match cert
            .held
            .as_ref()
            .filter(|h| h.is_servable(now, self.lifetime))
        {
            Some(held) => {
                cert.hits += 1;
                Lookup::Held(held.response.clone())
            }
            None => {
                cert.misses += 1;
                Lookup::Nothing
            }
        }
    }

    /// What a handshake would staple for `id` at `now` (the rules of [`Registry::lookup`]:
    /// verified when taken, and only strictly before its nextUpdate or the end of
    /// `cacheLifetime`), with the instant it stops being servable; counts nothing. `None`: not
    /// registered, nothing servable, or the engine is closed. For the local OCSP responder,
    /// whose answers are not handshakes.
    #[cfg_attr(not(feature = "responder"), allow(dead_code))]
    pub(crate) fn servable(
        &self,
        id: &CertIdentity,
        now: SystemTime,
    ) -> Option<(Arc<VerifiedResponse>, SystemTime)> {
        let state = self.lock();
        if state.closed {
            return None;
        }
        let held = state.certs.get(id)?.held.as_ref()?;
        let until = held.valid_until(self.lifetime)?;
        (now < until).then(|| (held.response.clone(), until))
    }

    /// Counts a handshake that stapled the responses of these certificates.
    pub(crate) fn count_staple<'a>(&self, ids: impl Iterator<Item = &'a CertIdentity>) {
        let mut state = self.lock();
        for id in ids {
            if let Some(cert) = state.certs.get_mut(id) {
                cert.staples_served += 1;
            }
        }
    }

    /// Registers a certificate (again, for another chain that contains it). Returns true the
    /// first time.
    pub(crate) fn add(&self, target: FetchTarget) -> bool {
        let mut state = self.lock();
        let order = state.next_order;
        if let Some(cert) = state.certs.get_mut(&target.id) {
            cert.chains += 1;
            return false;
        }
        state.next_order += 1;
        state.certs.insert(
            target.id.clone(),
            Registered {
                target,
                step: Arc::default(),
                order,
                chains: 1,
                held: None,
                static_files: Vec::new(),
                next_refresh: None,
                in_flight: false,
                failures: 0,
                last_fetch: None,
                last_problem: None,
                fetches: BTreeMap::new(),
                hits: 0,
                misses: 0,
                staples_served: 0,
            },
        );
        true
    }

    /// Drops one registration of `id`; the certificate is forgotten with its last.
    pub(crate) fn remove(&self, id: &CertIdentity) {
        let mut state = self.lock();
        if let Some(cert) = state.certs.get_mut(id) {
            cert.chains -= 1;
            if cert.chains == 0 {
                state.certs.remove(id);
            }
        }
    }

    /// Offers a verified response that was not fetched by the refresher (read from disk or a
    /// file, or fetched for a handshake). `None`: `id` is not registered.
    pub(crate) fn offer(&self, id: &CertIdentity, held: Held) -> Option<Verdict> {
        let (verdict, note) = self.offer_quietly(id, held);
        note.into_iter().for_each(LogNote::emit);
        verdict
    }

    /// [`Registry::offer`], handing back what to log instead of logging it: for a caller that
    /// holds the certificate's step lock ([`Registry::step_lock`]).
    pub(crate) fn offer_quietly(
        &self,
        id: &CertIdentity,
        held: Held,
    ) -> (Option<Verdict>, Option<LogNote>) {
        let mut state = self.lock();
        let Some(cert) = state.certs.get_mut(id) else {
            return (None, None);
        };
        let verdict = judge(
            cert.held.as_ref(),
            &held.response,
            held.stored_at,
            self.lifetime,
        );
        let mut note = None;
        if verdict == Verdict::Take {
            note = Some(taken_note(&cert.target, &held, cert.held.as_ref()));
            cert.held = Some(held);
        }
        (Some(verdict), note)
    }

    /// The lock a caller holds across judging a response for `id`, writing it to the store and
    /// having the registry take it, so that two fetches ending together cannot write in one
    /// order and take in the other. `None`: not registered.
    pub(crate) fn step_lock(&self, id: &CertIdentity) -> Option<Arc<Mutex<()>>> {
        self.lock().certs.get(id).map(|cert| cert.step.clone())
    }

    /// Remembers an operator-provided file for `id`, to be read again when it changes.
    pub(crate) fn add_static_file(&self, id: &CertIdentity, file: StaticFile) {
        if let Some(cert) = self.lock().certs.get_mut(id) {
            if !cert.static_files.iter().any(|f| f.path == file.path) {
                cert.static_files.push(file);
            }
        }
    }

    /// Every operator-provided file with its certificate, to check for changes.
    pub(crate) fn static_files(&self) -> Vec<(FetchTarget, StaticFile)> {
        let state = self.lock();
        state
            .certs
            .values()
            .flat_map(|c| c.static_files.iter().map(|f| (c.target.clone(), f.clone())))
            .collect()
    }

    /// Records that `path` (for `id`) was read at modification time `modified`.
    pub(crate) fn static_file_read(&self, id: &CertIdentity, path: &PathBuf, modified: SystemTime) {
        if let Some(cert) = self.lock().certs.get_mut(id) {
            for file in cert.static_files.iter_mut().filter(|f| &f.path == path) {
                file.modified = modified;
            }
        }
    }

    /// Plans the first fetch of a newly registered certificate: at once, even when it holds a
    /// response from disk or a file (which is stapled meanwhile, and stays if the fetch fails);
    /// when it holds one from the shared store, when that one is due for renewal. No responder:
    /// never.
    pub(crate) fn schedule_first(&self, id: &CertIdentity, now: SystemTime) {
        let mut state = self.lock();
        let Some(cert) = state.certs.get_mut(id) else {
            return;
        };
        if cert.target.responder.is_none() || cert.in_flight || cert.next_refresh.is_some() {
            return;
        }
        // A response the fleet fetched is as fresh as the fleet keeps it: renewed when due, so
        // servers restarting together do not each ask the responder at once.
        let shared = cert.held.as_ref().filter(|h| {
            h.source == ResponseSource::SharedStore && h.is_servable(now, self.lifetime)
        });
        cert.next_refresh = Some(shared.and_then(|h| self.renewal_of(h)).unwrap_or(now));
        drop(state);
        self.wake.notify_all();
    }

    /// Waits until certificates are due (returns them, marked in flight), `max_wait` passes
    /// (returns none), or the registry closes (`None`).
    pub(crate) fn wait_due(&self, max_wait: Duration) -> Option<Vec<FetchTarget>> {
        let deadline = Instant::now() + max_wait;
        let mut state = self.lock();
        loop {
            if state.closed {
                return None;
            }
            let now = SystemTime::now();
            let due = self.take_due(&mut state, now);
            if !due.is_empty() {
                return Some(due);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Some(due);
            }
            let wait = next_due_in(&state, now).map_or(left, |d| d.min(left));
            state = self
                .wake
                .wait_timeout(state, wait.max(Duration::from_millis(1)))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    fn take_due(&self, state: &mut State, now: SystemTime) -> Vec<FetchTarget> {
        let mut due: Vec<&mut Registered> = state
            .certs
            .values_mut()
            .filter(|c| !c.in_flight && c.next_refresh.is_some_and(|at| at <= now))
            .collect();
        // Most overdue first, so a bound on fetches in flight serves the oldest needs first.
        due.sort_by_key(|c| c.next_refresh);
        let room = self.max_in_flight.saturating_sub(state.in_flight);
        let taken: Vec<FetchTarget> = due
            .into_iter()
            .take(room)
            .map(|c| {
                c.in_flight = true;
                c.target.clone()
            })
            .collect();
        state.in_flight += taken.len();
        taken
    }

    /// Whether a response fetched now for `id` would replace what it holds (so the caller can
    /// write it to disk before it becomes visible, and a restart never misses what was stapled).
    pub(crate) fn would_take(
        &self,
        id: &CertIdentity,
        response: &VerifiedResponse,
        now: SystemTime,
    ) -> bool {
        let state = self.lock();
        state.certs.get(id).is_some_and(|cert| {
            judge(cert.held.as_ref(), response, now, self.lifetime) == Verdict::Take
        })
    }

    /// Records the end of a background fetch for `id` and plans the next.
    pub(crate) fn complete(
        &self,
        id: &CertIdentity,
        result: Result<Arc<VerifiedResponse>, FetchFailure>,
        now: SystemTime,
    ) {
        self.complete_quietly(id, result, now)
            .into_iter()
            .for_each(LogNote::emit);
    }

    /// [`Registry::complete`], handing back what to log instead of logging it: for a caller
    /// that holds the certificate's step lock ([`Registry::step_lock`]).
    pub(crate) fn complete_quietly(
        &self,
        id: &CertIdentity,
        result: Result<Arc<VerifiedResponse>, FetchFailure>,
        now: SystemTime,
    ) -> Option<LogNote> {
        let mut state = self.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        let note = state
            .certs
            .get_mut(id)
            .map(|cert| self.record(cert, result, now));
        drop(state);
        self.wake.notify_all();
        note
    }

    /// Ends a background refresh of `id` that took `held`, a response another server of the
    /// fleet fetched (read from the shared store and verified): no fetch is counted, the failures
    /// are over, the next refresh is planned from it. When it is no longer better than what `id`
    /// holds (a race), the refresh is postponed by `retry` instead.
    #[cfg(feature = "shared-store")]
    pub(crate) fn complete_shared(
        &self,
        id: &CertIdentity,
        held: Held,
        retry: Duration,
        now: SystemTime,
    ) -> Option<LogNote> {
        let mut state = self.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        let mut note = None;
        if let Some(cert) = state.certs.get_mut(id) {
            cert.in_flight = false;
            // The fleet's fetch stands for this server's: whoever waits for a first fetch
            // (`wait_fetched`) is done.
            cert.last_fetch = Some(now);
            match judge(cert.held.as_ref(), &held.response, now, self.lifetime) {
                Verdict::Take => {
                    note = Some(taken_note(&cert.target, &held, cert.held.as_ref()));
                    cert.next_refresh = self.renewal_of(&held);
                    cert.held = Some(held);
                    cert.failures = 0;
                    cert.last_problem = None;
                }
                Verdict::Keep(_) => cert.next_refresh = Some(now + retry),
            }
        }
        drop(state);
        self.wake.notify_all();
        note
    }

    /// Ends a background refresh of `id` without a fetch and without counting a failure: another
    /// server of the fleet is fetching, so this one looks again after `wait`.
    #[cfg(feature = "shared-store")]
    pub(crate) fn postpone(&self, id: &CertIdentity, wait: Duration, now: SystemTime) {
        let mut state = self.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        if let Some(cert) = state.certs.get_mut(id) {
            cert.in_flight = false;
            cert.next_refresh = Some(now + wait);
        }
        drop(state);
        self.wake.notify_all();
    }

    /// Whether `id` holds exactly the response `der` (e.g. the one the shared store still has).
    #[cfg(feature = "shared-store")]
    pub(crate) fn holds(&self, id: &CertIdentity, der: &[u8]) -> bool {
        let state = self.lock();
        state
            .certs
            .get(id)
            .and_then(|c| c.held.as_ref())
            .is_some_and(|h| *h.response.der == *der)
    }

    /// When the refresher asks next for `id`, if it will.
    #[cfg(feature = "shared-store")]
    pub(crate) fn next_refresh(&self, id: &CertIdentity) -> Option<SystemTime> {
        self.lock().certs.get(id)?.next_refresh
    }

    fn record(
        &self,
        cert: &mut Registered,
        result: Result<Arc<VerifiedResponse>, FetchFailure>,
        now: SystemTime,
    ) -> LogNote {
        cert.in_flight = false;
        cert.last_fetch = Some(now);
        *cert.fetches.entry(FetchOutcome::of(&result)).or_default() += 1;
        let problem = match result {
            Ok(response) => {
                let held = Held {
                    response: response.clone(),
                    stored_at: now,
                    source: ResponseSource::Fetched,
                };
                match judge(cert.held.as_ref(), &response, now, self.lifetime) {
                    Verdict::Take => {
                        let note = taken_note(&cert.target, &held, cert.held.as_ref());
                        cert.next_refresh = self.renewal_of(&held);
                        cert.held = Some(held);
                        cert.failures = 0;
                        cert.last_problem = None;
                        return note;
                    }
                    Verdict::Keep(reason) => FetchProblem::NotTaken(reason),
                }
            }
            Err(failure) => FetchProblem::Failed(failure),
        };
        cert.failures = cert.failures.saturating_add(1);
        let wait = self.timing.retry_after(cert.failures, jitter_sample());
        cert.next_refresh = Some(now + wait);
        let keeps = match cert
            .held
            .as_ref()
            .filter(|h| h.is_servable(now, self.lifetime))
        {
            Some(held) => format!(
                "still stapling the {} response until its nextUpdate {}",
                held.response.status.name(),
                held.valid_until(self.lifetime)
                    .map_or_else(String::new, rfc3339)
            ),
            None => "handshakes go on without a staple".to_string(),
        };
        let note = LogNote::warn(format!(
            "OCSP for {} from {}: {problem}; {keeps}; failure {} in a row, next attempt in {} s",
            cert.target.describe(),
            cert.target.responder_text(),
            cert.failures,
            wait.as_secs_f32().round()
        ));
        cert.last_problem = Some(problem);
        note
    }

    /// When a held response is renewed; `None` if nothing bounds it.
    fn renewal_of(&self, held: &Held) -> Option<SystemTime> {
        let fresh_until = held.fresh_until(self.lifetime)?;
        Some(
            self.timing
                .refresh_at(held.stored_at, fresh_until, jitter_sample()),
        )
    }

    /// The state of every registered certificate, in registration order.
    pub(crate) fn snapshot(&self, now: SystemTime) -> Vec<CertificateStats> {
        let state = self.lock();
        let mut certs: Vec<&Registered> = state.certs.values().collect();
        certs.sort_by_key(|c| c.order);
        certs
            .into_iter()
            .map(|c| {
                let held = c
                    .held
                    .as_ref()
                    .filter(|h| h.is_servable(now, self.lifetime));
                CertificateStats {
                    id: c.target.id.clone(),
                    subject: c.target.subject.clone(),
                    responder: c.target.responder.as_ref().map(Url::to_string),
                    status: held.map(|h| h.response.status),
                    source: held.map(|h| h.source),
                    this_update: held.map(|h| h.response.this_update),
                    next_update: held.and_then(|h| h.valid_until(self.lifetime)),
                    next_refresh: c.next_refresh,
                    last_fetch: c.last_fetch,
                    last_problem: c.last_problem.clone(),
                    consecutive_failures: c.failures,
                    fetches: c.fetches.clone(),
                    hits: c.hits,
                    misses: c.misses,
                    staples_served: c.staples_served,
                }
            })
            .collect()
    }

    /// Where the response `id` holds now came from, if it holds one that may be stapled.
    pub(crate) fn held_source(&self, id: &CertIdentity, now: SystemTime) -> Option<ResponseSource> {
        let state = self.lock();
        let held = state.certs.get(id)?.held.as_ref()?;
        held.is_servable(now, self.lifetime).then_some(held.source)
    }

    /// Waits until each of `ids` has had a fetch end (or has no responder, holds the fleet's
    /// response from the shared store, or is no longer registered), or until `deadline`. Woken by [`Registry::complete`]; nobody polls.
    pub(crate) fn wait_fetched(&self, ids: &[CertIdentity], deadline: Instant) {
        let mut state = self.lock();
        loop {
            let settled = ids.iter().all(|id| {
                state.certs.get(id).is_none_or(|c| {
                    c.last_fetch.is_some()
                        || c.target.responder.is_none()
                        || c.held
                            .as_ref()
                            .is_some_and(|h| h.source == ResponseSource::SharedStore)
                })
            });
            let left = deadline.saturating_duration_since(Instant::now());
            if settled || state.closed || left.is_zero() {
                return;
            }
            state = self
                .wake
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Stops the refresher: [`Registry::wait_due`] returns `None` from now on.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.wake.notify_all();
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Each critical section leaves the state consistent before anything that could panic
        // (logging, formatting), so a poisoned lock is still sound.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// How long until the next certificate not in flight is due.
fn next_due_in(state: &State, now: SystemTime) -> Option<Duration> {
    state
        .certs
        .values()
        .filter(|c| !c.in_flight)
        .filter_map(|c| c.next_refresh)
        .min()
        .map(|at| at.duration_since(now).unwrap_or_default())
}

/// A log record kept until the registry's lock (and any step lock) is released.
pub(crate) struct LogNote {
    level: Level,
    text: String,
}

impl LogNote {
    fn info(text: String) -> Self {
        Self {
            level: Level::Info,
            text,
        }
    }

    fn warn(text: String) -> Self {
        Self {
            level: Level::Warn,
            text,
        }
    }

    /// Logs it. Never call with an engine lock held: a logger may call back into the engine.
    pub(crate) fn emit(self) {
        log!(self.level, "{}", self.text);
    }
}

/// What to log when `new` replaces `old` for `target`.
fn taken_note(target: &FetchTarget, new: &Held, old: Option<&Held>) -> LogNote {
    let response = &new.response;
    let next = response
        .next_update
        .map_or_else(|| "none".to_string(), rfc3339);
    let from = match new.source {
        ResponseSource::Fetched => format!("from {}", target.responder_text()),
        ResponseSource::CacheDir => "read back from the cache directory".to_string(),
        ResponseSource::SharedStore => "from the shared store".to_string(),
        ResponseSource::StaticFile => "from an operator-provided file".to_string(),
    };
    match (&response.status, old.map(|h| &h.response.status)) {
        (Status::Revoked(info), _) => LogNote::warn(format!(
            "OCSP REVOKED for {} {from}, revoked at {}: stapling it from now on so clients learn it",
            target.describe(),
            rfc3339(info.time)
        )),
        (Status::Good, Some(Status::Revoked(_))) => LogNote::warn(format!(
            "OCSP GOOD for {} {from} replaces a REVOKED answer (newer thisUpdate {}); stapling GOOD",
            target.describe(),
            rfc3339(response.this_update)
        )),
        _ => LogNote::info(format!(
            "OCSP {} for {} {from}, thisUpdate {}, nextUpdate {next}: stapling it",
            response.status.name(),
            target.describe(),
            rfc3339(response.this_update)
        )),
    }
}
