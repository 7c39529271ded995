//! The budget of fetches clients cause: a nonce in a status request asks for a fresh answer,
//! which no cache may give, so without a bound every handshake would cost one request per
//! certificate at the responder, and the fetches would pile up in memory.
//!
//! Per certificate: a bucket of `staplekit.stapling.nonceFetchesPerMinute` tokens, refilled at
//! that rate, and at most [`PER_CERTIFICATE_IN_FLIGHT`] fetches in flight. In all: at most
//! `staplekit.stapling.fetchThreads` in flight, so the on-demand pool never queues more nonce
//! fetches than it has threads. A handshake over budget staples nothing for that certificate
//! and does not wait.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use crate::ocsp::CertIdentity;

/// Client-driven fetches of one certificate that may be in flight at once.
pub(super) const PER_CERTIFICATE_IN_FLIGHT: usize = 2;

/// Certificates remembered before idle ones (full bucket, nothing in flight) are forgotten: the
/// certificates are the server's own, so this is only reached by servers with many chains.
const PRUNE_ABOVE: usize = 1024;

/// The budget; shared by every handshake of an engine.
pub(super) struct NonceBudget {
    per_minute: usize,
    max_in_flight: usize,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    in_flight: usize,
    certificates: HashMap<CertIdentity, Bucket>,
}

struct Bucket {
    tokens: f64,
    refilled: Instant,
    in_flight: usize,
}

/// The right to one client-driven fetch; dropping it (when the fetch ends or is dropped) gives
/// the in-flight slot back. The token it took is spent for good.
pub(super) struct Permit {
    id: CertIdentity,
    state: Arc<Mutex<State>>,
}

/// Why a client-driven fetch was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Spent {
    /// The certificate's bucket is empty.
    Rate,
    /// The certificate has its most fetches in flight.
    CertificateInFlight,
    /// The engine has its most client-driven fetches in flight.
    TotalInFlight,
}

impl NonceBudget {
    /// `per_minute` tokens per certificate, `max_in_flight` fetches in flight in all.
    pub(super) fn new(per_minute: usize, max_in_flight: usize) -> Self {
        Self {
            per_minute,
            max_in_flight: max_in_flight.max(1),
            state: Arc::new(Mutex::new(State::default())),
        }
    }

    /// Takes a token and an in-flight slot for a fetch of `id`, or says why not.
    pub(super) fn try_acquire(&self, id: &CertIdentity, now: Instant) -> Result<Permit, Spent> {
        if self.per_minute == 0 {
            return Err(Spent::Rate);
        }
        let capacity = self.per_minute as f64;
        let rate_per_second = capacity / 60.0;
        let mut state = lock(&self.state);
        if state.in_flight >= self.max_in_flight {
            return Err(Spent::TotalInFlight);
        }
        if state.certificates.len() >= PRUNE_ABOVE && !state.certificates.contains_key(id) {
            state.certificates.retain(|_, b| {
                b.in_flight > 0 || b.tokens_at(now, rate_per_second, capacity) < capacity
            });
        }
        let bucket = state
            .certificates
            .entry(id.clone())
            .or_insert_with(|| Bucket {
                tokens: capacity,
                refilled: now,
                in_flight: 0,
            });
        bucket.tokens = bucket.tokens_at(now, rate_per_second, capacity);
        // Callers read the clock before the lock, so `now` can be older than the last refill:
        // moving `refilled` back would count that time twice.
        bucket.refilled = bucket.refilled.max(now);
        if bucket.in_flight >= PER_CERTIFICATE_IN_FLIGHT {
            return Err(Spent::CertificateInFlight);
        }
        if bucket.tokens < 1.0 {
            return Err(Spent::Rate);
        }
        bucket.tokens -= 1.0;
        bucket.in_flight += 1;
        state.in_flight += 1;
        Ok(Permit {
            id: id.clone(),
            state: self.state.clone(),
        })
    }

    /// Client-driven fetches in flight now.
    #[cfg(test)]
    pub(super) fn in_flight(&self) -> usize {
        lock(&self.state).in_flight
    }
}

impl Bucket {
    fn tokens_at(&self, now: Instant, rate_per_second: f64, capacity: f64) -> f64 {
        let elapsed = now.saturating_duration_since(self.refilled);
        (self.tokens + elapsed.as_secs_f64() * rate_per_second).min(capacity)
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut state = lock(&self.state);
        state.in_flight = state.in_flight.saturating_sub(1);
        if let Some(bucket) = state.certificates.get_mut(&self.id) {
            bucket.in_flight = bucket.in_flight.saturating_sub(1);
        }
    }
}

impl fmt::Display for Spent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Spent::Rate => "staplekit.stapling.nonceFetchesPerMinute is spent for it",
            Spent::CertificateInFlight => "its most nonce fetches are already in flight",
            Spent::TotalInFlight => {
                "staplekit.stapling.fetchThreads nonce fetches are already in flight"
            }
        })
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // Counters and buckets are each updated in one step under the lock: a panic cannot leave
    // them half-changed.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn id(serial: u8) -> CertIdentity {
        CertIdentity {
            issuer_name_hash: [1; 20],
            issuer_key_hash: [2; 20],
            serial: vec![serial],
        }
    }

    #[test]
    fn a_certificate_gets_its_bucket_then_one_token_per_refill_interval() {
        let budget = NonceBudget::new(6, 100);
        let t0 = Instant::now();
        for _ in 0..6 {
            // Each fetch ends at once: only the rate limits here.
            drop(budget.try_acquire(&id(1), t0).expect("within the bucket"));
        }
        assert_eq!(budget.try_acquire(&id(1), t0).err(), Some(Spent::Rate));
        assert_eq!(
            budget
                .try_acquire(&id(1), t0 + Duration::from_secs(9))
                .err(),
            Some(Spent::Rate),
            "a token takes 10 s to come back at 6 a minute"
        );
        assert!(budget
            .try_acquire(&id(1), t0 + Duration::from_secs(11))
            .is_ok());
        assert_eq!(
            budget
                .try_acquire(&id(1), t0 + Duration::from_secs(5))
                .err(),
            Some(Spent::Rate),
            "a caller that read the clock earlier adds no time"
        );
        assert_eq!(
            budget
                .try_acquire(&id(1), t0 + Duration::from_secs(16))
                .err(),
            Some(Spent::Rate),
            "nor did it move the refill back"
        );
        assert!(
            budget.try_acquire(&id(2), t0).is_ok(),
            "another certificate has a bucket of its own"
        );
    }

    #[test]
    fn in_flight_is_bounded_per_certificate_and_in_total() {
        let budget = NonceBudget::new(100, 3);
        let now = Instant::now();
        let a = budget.try_acquire(&id(1), now).unwrap();
        let b = budget.try_acquire(&id(1), now).unwrap();
        assert_eq!(
            budget.try_acquire(&id(1), now).err(),
            Some(Spent::CertificateInFlight)
        );
        let c = budget.try_acquire(&id(2), now).unwrap();
        assert_eq!(
            budget.try_acquire(&id(3), now).err(),
            Some(Spent::TotalInFlight)
        );
        drop(a);
        assert_eq!(budget.in_flight(), 2);
        assert!(budget.try_acquire(&id(1), now).is_ok(), "a slot came back");
        drop((b, c));
    }

    #[test]
    fn zero_allows_no_client_driven_fetch() {
        let budget = NonceBudget::new(0, 8);
        assert_eq!(
            budget.try_acquire(&id(1), Instant::now()).err(),
            Some(Spent::Rate)
        );
    }
}
