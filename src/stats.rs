//! What an engine has done, for operators: counters per engine and the state of each registered
//! certificate. A snapshot ([`EngineStats`]) is taken on demand; counting costs an atomic add
//! per handshake and a short lock per fetch.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::ocsp::RevocationInfo;

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
    /// Fetches by outcome: `good`, `revoked`, `unknown`, `transport.<kind>`, `rejected.<kind>`.
    pub fetches: BTreeMap<String, u64>,
    /// Every registered certificate, in registration order.
    pub certificates: Vec<CertificateStats>,
}

/// The state of one registered certificate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CertificateStats {
    /// Subject name.
    pub subject: String,
    /// Serial number, hex.
    pub serial_hex: String,
    /// The responder asked, if any.
    pub responder: Option<String>,
    /// `good` or `revoked` for the response being stapled; `None` when there is none.
    pub status: Option<&'static str>,
    /// Where the stapled response came from: `fetched`, `cache-dir` or `static-file`.
    pub source: Option<&'static str>,
    /// When and why, if the response being stapled says REVOKED.
    pub revocation: Option<RevocationInfo>,
    /// thisUpdate of the response being stapled.
    pub this_update: Option<SystemTime>,
    /// nextUpdate of the response being stapled (it is never stapled from then on).
    pub next_update: Option<SystemTime>,
    /// When the refresher asks next (`None`: it will not, e.g. no responder).
    pub next_refresh: Option<SystemTime>,
    /// When a fetch for it last ended.
    pub last_fetch: Option<SystemTime>,
    /// What went wrong last (cleared by a response that is taken).
    pub last_error: Option<String>,
    /// Failures since the last response taken: what the backoff is counting.
    pub consecutive_failures: u32,
    /// Its fetches by outcome, as in [`EngineStats::fetches`].
    pub fetches: BTreeMap<String, u64>,
    /// Look-ups answered with its response.
    pub hits: u64,
    /// Look-ups with nothing to staple.
    pub misses: u64,
    /// Handshakes that stapled its response.
    pub staples_served: u64,
}

/// The engine-wide counters, updated from any thread.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub staples_served: AtomicU64,
    fetches: Mutex<BTreeMap<String, u64>>,
}

impl Counters {
    /// Adds one to a counter.
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a fetch's outcome.
    pub fn fetched(&self, outcome: &str) {
        let mut fetches = self.fetches.lock().unwrap_or_else(|p| p.into_inner());
        *fetches.entry(outcome.to_string()).or_default() += 1;
    }

    /// The engine-wide part of a snapshot.
    pub fn snapshot(&self) -> EngineStats {
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
        }
    }
}
