//! The response cache: verified responses by CertID, with the JDK's expiry rules.
//!
//! - LRU by access, bounded by `jdk.tls.stapling.cacheSize` (0 = unbounded).
//! - An entry expires at its nextUpdate, and `cacheLifetime` after it was stored when that is
//!   positive, whichever comes first (the JDK's cache lifetime applies to every entry).
//! - A response without nextUpdate is not cached when `cacheLifetime` is 0.
//! - Only stapleable (GOOD or REVOKED) responses are stored, and an older answer (thisUpdate)
//!   never replaces a valid GOOD one.
//!
//! Expiry and replacement are the registry's own rules ([`Held::fresh_until`], [`judge`]): one
//! rule for "is this response better than that one", wherever a response is kept.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use lru::LruCache;

use crate::background::{judge, Held, ResponseSource, Verdict};
use crate::ocsp::{CertIdentity, VerifiedResponse};

/// A verified response with the instant it stops being served from the cache.
#[derive(Debug, Clone)]
struct Entry {
    held: Held,
    expires: SystemTime,
}

/// A thread-safe LRU cache of verified responses keyed by CertID.
#[derive(Debug)]
pub struct ResponseCache {
    entries: Mutex<LruCache<CertIdentity, Entry>>,
    lifetime: Duration,
}

impl ResponseCache {
    /// A cache of at most `capacity` entries (0 = unbounded) whose entries live at most `lifetime`
    /// (zero = until nextUpdate only).
    pub fn new(capacity: usize, lifetime: Duration) -> Self {
        let entries = match NonZeroUsize::new(capacity) {
            Some(capacity) => LruCache::new(capacity),
            None => LruCache::unbounded(),
        };
        Self {
            entries: Mutex::new(entries),
            lifetime,
        }
    }

    /// The response for `id` if one is cached and still valid at `now`; an expired entry is removed.
    pub fn get(&self, id: &CertIdentity, now: SystemTime) -> Option<Arc<VerifiedResponse>> {
        let mut entries = self.lock();
        let entry = entries.get(id)?;
        if now >= entry.expires {
            entries.pop(id);
            return None;
        }
        Some(entry.held.response.clone())
    }

    /// Stores `response` for `id` as of `now`. Returns whether it was stored (see the module rules).
    pub fn insert(
        &self,
        id: CertIdentity,
        response: Arc<VerifiedResponse>,
        now: SystemTime,
    ) -> bool {
        let held = Held {
            response,
            stored_at: now,
            source: ResponseSource::Fetched,
        };
        // The JDK's cache lets an entry go at the earlier of nextUpdate and the lifetime.
        let Some(expires) = held.fresh_until(self.lifetime) else {
            return false;
        };
        let mut entries = self.lock();
        // Keep the last good: a still-valid entry is not replaced by an older answer (a REVOKED
        // one always replaces it, so that clients learn it); UNKNOWN is never kept.
        let current = entries
            .peek(&id)
            .filter(|entry| now < entry.expires)
            .map(|entry| &entry.held);
        if judge(current, &held.response, now, self.lifetime) != Verdict::Take {
            return false;
        }
        entries.put(id, Entry { held, expires });
        true
    }

    /// How many entries are held (expired ones included until they are looked up).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, LruCache<CertIdentity, Entry>> {
        // A panic while holding the lock cannot leave the LRU half-updated in a way that matters
        // here (every operation is a single call), so a poisoned lock is still usable.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocsp::{Signer, Status};

    const HOUR: Duration = Duration::from_secs(3600);

    fn id(serial: u8) -> CertIdentity {
        CertIdentity::new(b"issuer", b"key", &[serial])
    }

    fn response(status: Status, next_update: Option<SystemTime>) -> Arc<VerifiedResponse> {
        Arc::new(VerifiedResponse {
            der: Arc::from(&[0x30, 0x03, 0x0A, 0x01, 0x00][..]),
            status,
            this_update: SystemTime::now(),
            next_update,
            produced_at: SystemTime::now(),
            signer: Signer::Issuer,
        })
    }

    #[test]
    fn entry_is_a_miss_at_next_update() {
        let now = SystemTime::now();
        let cache = ResponseCache::new(10, Duration::ZERO);
        assert!(cache.insert(id(1), response(Status::Good, Some(now + HOUR)), now));
        assert!(cache
            .get(&id(1), now + HOUR - Duration::from_secs(1))
            .is_some());
        assert!(cache.get(&id(1), now + HOUR).is_none());
        assert_eq!(cache.len(), 0, "the expired entry is dropped");
    }

    #[test]
    fn lifetime_applies_to_entries_with_next_update() {
        let now = SystemTime::now();
        let cache = ResponseCache::new(10, Duration::from_secs(5));
        cache.insert(id(1), response(Status::Good, Some(now + HOUR)), now);
        assert!(cache.get(&id(1), now + Duration::from_secs(4)).is_some());
        assert!(cache.get(&id(1), now + Duration::from_secs(7)).is_none());
    }

    #[test]
    fn without_next_update_lifetime_decides() {
        let now = SystemTime::now();
        let cache = ResponseCache::new(10, Duration::from_secs(60));
        assert!(cache.insert(id(1), response(Status::Good, None), now));
        assert!(cache.get(&id(1), now + Duration::from_secs(59)).is_some());
        assert!(cache.get(&id(1), now + Duration::from_secs(60)).is_none());
    }

    #[test]
    fn without_next_update_and_zero_lifetime_nothing_is_cached() {
        let now = SystemTime::now();
        let cache = ResponseCache::new(10, Duration::ZERO);
        assert!(!cache.insert(id(1), response(Status::Good, None), now));
        assert!(cache.get(&id(1), now).is_none());
    }

    #[test]
    fn unknown_is_never_cached_revoked_is() {
        let now = SystemTime::now();
        let cache = ResponseCache::new(10, HOUR);
        assert!(!cache.insert(id(1), response(Status::Unknown, Some(now + HOUR)), now));
        let revoked = Status::Revoked(crate::ocsp::RevocationInfo {
            time: now,
            reason: None,
        });
        assert!(cache.insert(id(2), response(revoked, Some(now + HOUR)), now));
    }

    #[test]
    fn an_older_answer_does_not_replace_a_valid_one_but_revoked_does() {
        let now = SystemTime::now();
        let cache = ResponseCache::new(10, HOUR);
        let newer = response(Status::Good, Some(now + HOUR));
        assert!(cache.insert(id(1), newer.clone(), now));
        let mut older = (*newer).clone();
        older.this_update = now - HOUR;
        assert!(!cache.insert(id(1), Arc::new(older.clone()), now));
        assert_eq!(
            cache.get(&id(1), now).unwrap().this_update,
            newer.this_update
        );
        older.status = Status::Revoked(crate::ocsp::RevocationInfo {
            time: now,
            reason: None,
        });
        assert!(cache.insert(id(1), Arc::new(older), now));
        assert_eq!(cache.get(&id(1), now).unwrap().status.name(), "revoked");
    }

    #[test]
    fn least_recently_used_entry_is_evicted() {
        let now = SystemTime::now();
        let cache = ResponseCache::new(2, HOUR);
        cache.insert(id(1), response(Status::Good, None), now);
        cache.insert(id(2), response(Status::Good, None), now);
        assert!(
            cache.get(&id(1), now).is_some(),
            "touch 1 so that 2 is the LRU"
        );
        cache.insert(id(3), response(Status::Good, None), now);
        assert!(cache.get(&id(2), now).is_none());
        assert!(cache.get(&id(1), now).is_some());
        assert!(cache.get(&id(3), now).is_some());
    }

    #[test]
    fn zero_capacity_is_unbounded() {
        let now = SystemTime::now();
        let cache = ResponseCache::new(0, HOUR);
        for serial in 0..=255u8 {
            cache.insert(id(serial), response(Status::Good, None), now);
        }
        assert_eq!(cache.len(), 256);
    }

    #[test]
    fn concurrent_use_from_many_threads_is_consistent() {
        let now = SystemTime::now();
        let cache = Arc::new(ResponseCache::new(64, HOUR));
        let threads: Vec<_> = (0..8u8)
            .map(|t| {
                let cache = cache.clone();
                std::thread::spawn(move || {
                    for i in 0..200u8 {
                        let key = id(t.wrapping_mul(31).wrapping_add(i));
                        cache.insert(key.clone(), response(Status::Good, None), now);
                        let _ = cache.get(&key, now);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(cache.len() <= 64);
    }
}
