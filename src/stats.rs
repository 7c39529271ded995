//! What an engine has done, for operators: counters per engine and the state of each registered
//! certificate. A snapshot ([`EngineStats`]) is taken on demand; counting costs an atomic add
//! per handshake and a short lock per fetch.
//!
//! Everything here is typed: outcomes, statuses and sources are enums, and certificates are known
//! by their CertID. The doors (the `staplekit` command, JSON, JNI, JMX) turn them into words.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::background::{KeepReason, ResponseSource};
use crate::fetch::TransportKind;
use crate::ocsp::{CertIdentity, RejectionKind, Status, VerifiedResponse};
use crate::report::FetchFailure;

/// A snapshot of an engine's counters and of its registered certificates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EngineStats {
    /// Certificate look-ups answered with a response at hand (held or cached).
    pub hits: u64,
    /// Certificate look-ups with no response at hand (a fetch was started or is under way, or
    /// the certificate's responder is failing).
    pub misses: u64,
    /// Handshakes that got a staple.
    pub staples_served: u64,
    /// Fetches by outcome.
    pub fetches: BTreeMap<FetchOutcome, u64>,
    /// Every registered certificate, in registration order.
    pub certificates: Vec<CertificateStats>,
    /// What the local OCSP responder (feature `responder`) answered; all zero without one.
    pub responder: ResponderStats,
    /// The shared store (`staplekit.stapling.sharedStore`), when there is one.
    pub shared_store: Option<SharedStoreStats>,
}

/// What the shared store (`staplekit.stapling.sharedStore`) has done, for statistics.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SharedStoreStats {
    /// The store's address, password hidden.
    pub url: String,
    /// Whether the last exchange with Redis succeeded.
    pub connected: bool,
    /// Entries read (found or not).
    pub reads: u64,
    /// Responses written.
    pub writes: u64,
    /// Entries read that failed verification (forged, for another certificate, expired,
    /// garbage, too large) and were not used.
    pub refusals: u64,
    /// Fetch leases this server took (it then asked the responder for the fleet).
    pub leases_held: u64,
    /// Fetch leases found held by another server (this one waited for its answer).
    pub leases_elsewhere: u64,
    /// Exchanges with Redis that failed (down, slow, refusing).
    pub errors: u64,
}

/// What the local OCSP responder answered, counted per request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponderStats {
    /// Requests answered with a held response (hits).
    pub answered: u64,
    /// Well-formed requests for a CertID with nothing held: answered `unauthorized` (misses).
    pub unauthorized: u64,
    /// Requests refused as malformed: OCSP `malformedRequest` or an HTTP 4xx.
    pub malformed: u64,
    /// Connections closed unanswered: over the connection limit, or too slow.
    pub dropped_connections: u64,
}

impl EngineStats {
    /// The registered certificate known by `id`, if any.
    pub fn certificate(&self, id: &CertIdentity) -> Option<&CertificateStats> {
        self.certificates.iter().find(|c| &c.id == id)
    }
}

/// The state of one registered certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateStats {
    /// The certificate's CertID: what identifies it.
    pub id: CertIdentity,
    /// Subject name, for people.
    pub subject: String,
    /// The responder asked, if any.
    pub responder: Option<String>,
    /// The status of the response being stapled (good or revoked, with the revocation's time
    /// and reason); `None` when there is none.
    pub status: Option<Status>,
    /// Where the stapled response came from.
    pub source: Option<ResponseSource>,
    /// thisUpdate of the response being stapled.
    pub this_update: Option<SystemTime>,
    /// Until when the response being stapled is stapled: its nextUpdate (or, without one, the end
    /// of `jdk.tls.stapling.cacheLifetime`); never from then on.
    pub next_update: Option<SystemTime>,
    /// When the refresher asks next (`None`: it will not, e.g. no responder).
    pub next_refresh: Option<SystemTime>,
    /// When a fetch for it last ended (or, with a shared store, when it last took the response
    /// another server of the fleet fetched).
    pub last_fetch: Option<SystemTime>,
    /// What went wrong last (cleared by a response that is taken).
    pub last_problem: Option<FetchProblem>,
    /// Failures since the last response taken: what the backoff is counting.
    pub consecutive_failures: u32,
    /// Its fetches by outcome, as in [`EngineStats::fetches`].
    pub fetches: BTreeMap<FetchOutcome, u64>,
    /// Look-ups answered with its response.
    pub hits: u64,
    /// Look-ups with nothing to staple.
    pub misses: u64,
    /// Handshakes that stapled its response.
    pub staples_served: u64,
}

impl CertificateStats {
    /// The certificate's serial number in hex, for people.
    pub fn serial_hex(&self) -> String {
        self.id.serial_hex()
    }
}

/// How one fetch ended, without its details: what statistics count.
///
/// `Display` gives the stable label tools print: `good`, `revoked`, `unknown`,
/// `transport.<kind>`, `rejected.<kind>`, `deadline`, `no-responder`, `panic`. Variants are declared in
/// the alphabetical order of their labels, so that sorted statistics read in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FetchOutcome {
    /// The caller stopped waiting before the fetch ended.
    DeadlinePassed,
    /// A verified GOOD answer.
    Good,
    /// No responder to ask.
    NoResponder,
    /// The fetch panicked (a bug), and the panic was caught.
    Panicked,
    /// An answer came and was refused.
    Rejected(RejectionKind),
    /// A verified REVOKED answer.
    Revoked,
    /// No answer came (network, timeout, HTTP status, size).
    Transport(TransportKind),
    /// A verified UNKNOWN answer.
    Unknown,
}

impl FetchOutcome {
    /// The outcome of a fetch that ended with `result`: the one place a result becomes a count.
    pub fn of(result: &Result<impl AsRef<VerifiedResponse>, FetchFailure>) -> Self {
        match result {
            Ok(response) => match response.as_ref().status {
                Status::Good => FetchOutcome::Good,
                Status::Revoked(_) => FetchOutcome::Revoked,
                Status::Unknown => FetchOutcome::Unknown,
            },
            Err(failure) => failure.outcome(),
        }
    }

    /// True for "an answer came and failed verification"; false for answers taken, UNKNOWN and
    /// "no usable answer" (network, tryLater and the like).
    pub fn is_invalid_answer(self) -> bool {
        matches!(self, FetchOutcome::Rejected(kind) if !kind.is_unavailable())
    }
}

impl fmt::Display for FetchOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchOutcome::DeadlinePassed => f.write_str("deadline"),
            FetchOutcome::Good => f.write_str("good"),
            FetchOutcome::NoResponder => f.write_str("no-responder"),
            FetchOutcome::Panicked => f.write_str("panic"),
            FetchOutcome::Rejected(kind) => write!(f, "rejected.{}", kind.name()),
            FetchOutcome::Revoked => f.write_str("revoked"),
            FetchOutcome::Transport(kind) => write!(f, "transport.{}", kind.name()),
            FetchOutcome::Unknown => f.write_str("unknown"),
        }
    }
}

/// What went wrong with a registered certificate's last fetch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchProblem {
    /// No usable answer.
    #[error(transparent)]
    Failed(FetchFailure),
    /// A verified answer that keep-last-good refused.
    #[error("answer not taken: {0}")]
    NotTaken(KeepReason),
}

/// The engine-wide counters, updated from any thread.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) hits: AtomicU64,
    pub(crate) misses: AtomicU64,
    pub(crate) staples_served: AtomicU64,
    fetches: Mutex<BTreeMap<FetchOutcome, u64>>,
    /// What the local OCSP responder answered (feature `responder`).
    pub(crate) responder: ResponderCounters,
}

/// The local OCSP responder's counters, one per [`ResponderStats`] field.
#[derive(Debug, Default)]
pub(crate) struct ResponderCounters {
    pub(crate) answered: AtomicU64,
    pub(crate) unauthorized: AtomicU64,
    pub(crate) malformed: AtomicU64,
    pub(crate) dropped_connections: AtomicU64,
}

impl ResponderCounters {
    /// Their values now.
    pub(crate) fn snapshot(&self) -> ResponderStats {
        ResponderStats {
            answered: self.answered.load(Ordering::Relaxed),
            unauthorized: self.unauthorized.load(Ordering::Relaxed),
            malformed: self.malformed.load(Ordering::Relaxed),
            dropped_connections: self.dropped_connections.load(Ordering::Relaxed),
        }
    }
}

impl Counters {
    /// Adds one to a counter.
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a fetch's outcome.
    pub(crate) fn fetched(&self, outcome: FetchOutcome) {
        let mut fetches = self.fetches.lock().unwrap_or_else(|p| p.into_inner());
        *fetches.entry(outcome).or_default() += 1;
    }

    /// The engine-wide part of a snapshot.
    pub(crate) fn snapshot(&self) -> EngineStats {
        EngineStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            staples_served: self.staples_served.load(Ordering::Relaxed),
            fetches: self
                .fetches
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
            certificates: Vec::new(),
            responder: self.responder.snapshot(),
            shared_store: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_sort_as_the_outcomes_do() {
        let mut outcomes: Vec<FetchOutcome> = [
            FetchOutcome::DeadlinePassed,
            FetchOutcome::Good,
            FetchOutcome::NoResponder,
            FetchOutcome::Panicked,
            FetchOutcome::Revoked,
            FetchOutcome::Unknown,
        ]
        .into_iter()
        .chain(TransportKind::ALL.map(FetchOutcome::Transport))
        .chain(RejectionKind::ALL.map(FetchOutcome::Rejected))
        .collect();
        outcomes.sort();
        let labels: Vec<String> = outcomes.iter().map(ToString::to_string).collect();
        let mut sorted = labels.clone();
        sorted.sort();
        assert_eq!(labels, sorted);
        assert_eq!(labels.len(), 27);
    }

    #[test]
    fn only_refused_answers_are_invalid() {
        assert!(FetchOutcome::Rejected(RejectionKind::BadSignature).is_invalid_answer());
        assert!(!FetchOutcome::Rejected(RejectionKind::NotSuccessful).is_invalid_answer());
        assert!(!FetchOutcome::Transport(TransportKind::Timeout).is_invalid_answer());
        assert!(!FetchOutcome::Unknown.is_invalid_answer());
    }
}
