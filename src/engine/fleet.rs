//! The shared store's part in background refreshes (`staplekit.stapling.sharedStore`, feature
//! `shared-store`): before a fetch, take the fleet's newer answer or the certificate's lease;
//! after it, share the answer and give the lease back (or keep it through a failure). Only the
//! refresher and registration come here, never a handshake.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use log::{debug, warn};

use super::shared::Shared;
use crate::background::{FetchTarget, Held, LogNote, ResponseSource};
use crate::ocsp::VerifiedResponse;
use crate::store::{response_key, Lease, ResponseStore, SharedStore};

impl Shared {
    /// Before a background fetch, with a shared store: what to do. Without one: fetch.
    pub(super) fn before_fetch(&self, target: &FetchTarget) -> Fleet {
        match &self.fleet {
            Some(fleet) => self.consult_fleet(fleet, target),
            None => Fleet::Fetch { leased: false },
        }
    }

    /// After a background fetch that answered: shares the answer when this server took it, and
    /// gives the lease back.
    pub(super) fn after_fetch(
        &self,
        target: &FetchTarget,
        response: &VerifiedResponse,
        taken: bool,
        leased: bool,
    ) {
        let Some(fleet) = &self.fleet else { return };
        if let (true, Some(next_update)) = (taken, response.next_update) {
            self.share(fleet, target, &response.der, next_update);
        }
        if leased {
            fleet.release_lease(&target.id);
        }
    }

    /// After a background fetch that failed: the lease stays until this server's next attempt,
    /// so the fleet backs off with it instead of each server asking a failing responder in turn.
    pub(super) fn after_failure(&self, target: &FetchTarget, leased: bool) {
        if let (Some(fleet), true) = (&self.fleet, leased) {
            self.extend_lease(fleet, target);
        }
    }

    /// At registration: offers the shared store's response, verified.
    pub(super) fn load_from_fleet(&self, target: &FetchTarget) {
        let Some(fleet) = &self.fleet else { return };
        if let Ok(Some(response)) = self.read_fleet_entry(fleet, target) {
            let held = Held {
                response: Arc::new(response),
                stored_at: SystemTime::now(),
                source: ResponseSource::SharedStore,
            };
            self.registry.offer(&target.id, held);
        }
    }

    /// Before a background fetch: takes the shared store's response when it is newer than what
    /// is held, else takes the certificate's lease (fetch) or leaves the fetch to its holder
    /// (look again when the lease ends). Redis failing: fetch alone.
    fn consult_fleet(&self, fleet: &SharedStore, target: &FetchTarget) -> Fleet {
        let first = self.take_fleet_entry(fleet, target);
        if first == Entry::Taken {
            return Fleet::Settled;
        }
        match fleet.take_lease(&target.id, self.lease_time()) {
            // Another server may have written its answer and given the lease back between the
            // read above and the lease: look once more before asking the responder (not after a
            // refused entry, which this fetch is about to replace: refused and logged once).
            Ok(Lease::Taken)
                if first != Entry::Refused
                    && self.take_fleet_entry(fleet, target) == Entry::Taken =>
            {
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
    fn take_fleet_entry(&self, fleet: &SharedStore, target: &FetchTarget) -> Entry {
        let response = match self.read_fleet_entry(fleet, target) {
            Ok(Some(response)) => response,
            Ok(None) => return Entry::NotTaken,
            Err(Refused) => return Entry::Refused,
        };
        let now = SystemTime::now();
        if self.registry.holds(&target.id, &response.der)
            || !self.registry.would_take(&target.id, &response, now)
        {
            return Entry::NotTaken;
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
        Entry::Taken
    }

    /// The shared store's response for `target`, verified; `Ok(None)` when there is none (or
    /// Redis cannot say). Anything that fails verification (or is larger than
    /// `maxResponseBytes`) is refused, counted and logged.
    fn read_fleet_entry(
        &self,
        fleet: &SharedStore,
        target: &FetchTarget,
    ) -> Result<Option<VerifiedResponse>, Refused> {
        let max = self.config.max_response_bytes;
        let der = match fleet.get(&target.id, max) {
            Ok(Some(der)) => der,
            Ok(None) => return Ok(None),
            Err(e) => {
                debug!("{}: no shared response: {e}", target.describe());
                return Ok(None);
            }
        };
        let problem = if der.len() > max {
            format!("larger than staplekit.stapling.maxResponseBytes ({max} bytes)")
        } else {
            match self.verify(target, &der, None) {
                Ok(response) => return Ok(Some(response)),
                Err(rejection) => rejection.to_string(),
            }
        };
        fleet.refused();
        warn!(
            "refusing the shared store's response for {} ({}): {problem}; not stapled",
            target.describe(),
            fleet_key(target)
        );
        Err(Refused)
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
}

/// The shortest wait before a server that found a certificate's lease held looks again.
const LEASE_POLL_MIN: Duration = Duration::from_millis(100);

/// The longest wait before a server that found a certificate's lease held looks again.
const LEASE_POLL_MAX: Duration = Duration::from_millis(500);

/// What a lease holder may take beyond a fetch's timeouts (verify, write to the stores).
const LEASE_MARGIN: Duration = Duration::from_secs(1);

/// What consulting the fleet before a background fetch decided.
pub(super) enum Fleet {
    /// Nothing to fetch: the shared response was taken, or another server is fetching.
    Settled,
    /// Fetch; `leased`: for the fleet, holding the certificate's lease.
    Fetch { leased: bool },
}

/// What reading the shared store's entry found, before a fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// A response another server fetched since, taken: no fetch.
    Taken,
    /// None, or one not taken (the one held already, or older).
    NotTaken,
    /// One that failed verification: refused.
    Refused,
}

/// An entry of the shared store failed verification (counted and logged already).
#[derive(Debug)]
struct Refused;

/// The shared store's key of `target`'s response, for log lines.
fn fleet_key(target: &FetchTarget) -> String {
    response_key(&target.id)
}
