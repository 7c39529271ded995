//! A response held for a registered certificate, and the rule that decides whether a newly
//! verified response takes its place ("keep the last good").

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::ocsp::{Status, VerifiedResponse, MAX_AGE_WITHOUT_NEXT_UPDATE};

/// Where a held response came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseSource {
    /// Fetched from the responder by this process.
    Fetched,
    /// Read back from `staplekit.stapling.cacheDir` (and verified again).
    CacheDir,
    /// An operator-provided file: `<chain file>.ors` or `staplekit.stapling.responseFile`.
    StaticFile,
    /// Read from `staplekit.stapling.sharedStore` (and verified): fetched by another server of
    /// the fleet, or by this one before a restart.
    SharedStore,
}

impl ResponseSource {
    /// Every source, in declaration order.
    pub const ALL: [ResponseSource; 4] = [
        ResponseSource::Fetched,
        ResponseSource::CacheDir,
        ResponseSource::StaticFile,
        ResponseSource::SharedStore,
    ];

    /// `fetched`, `cache-dir`, `static-file` or `shared-store`.
    pub fn name(self) -> &'static str {
        match self {
            ResponseSource::Fetched => "fetched",
            ResponseSource::CacheDir => "cache-dir",
            ResponseSource::StaticFile => "static-file",
            ResponseSource::SharedStore => "shared-store",
        }
    }
}

/// A verified, stapleable response with when it was stored and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct Held {
    /// The response.
    pub response: Arc<VerifiedResponse>,
    /// When it was fetched (for a file: when the file was written).
    pub stored_at: SystemTime,
    /// Where it came from.
    pub source: ResponseSource,
}

impl Held {
    /// The instant from which it is never stapled: its nextUpdate, or for a response without one
    /// the earlier of `stored_at + lifetime` (`jdk.tls.stapling.cacheLifetime`) and thisUpdate
    /// plus [`MAX_AGE_WITHOUT_NEXT_UPDATE`] (what verification accepts, and a JDK client too).
    /// `None`: no nextUpdate and a lifetime of 0 (the JDK's cache keeps none), so it cannot be held.
    pub(crate) fn valid_until(&self, lifetime: Duration) -> Option<SystemTime> {
        valid_until(&self.response, self.stored_at, lifetime)
    }

    /// The instant from which the JDK's cache would no longer answer with it: the earlier of its
    /// nextUpdate and `stored_at + lifetime`. The refresher renews it before then; until
    /// [`Held::valid_until`] it is still stapled when renewing fails.
    pub(crate) fn fresh_until(&self, lifetime: Duration) -> Option<SystemTime> {
        let by_lifetime = (!lifetime.is_zero()).then(|| self.stored_at + lifetime);
        match (self.response.next_update, by_lifetime) {
            (Some(next), Some(life)) => Some(next.min(life)),
            (Some(next), None) => Some(next),
            // Without nextUpdate, fresh and valid end together: nothing is gained by keeping it.
            (None, _) => self.valid_until(lifetime),
        }
    }

    /// Whether it may be stapled at `now`: strictly before [`Held::valid_until`].
    pub(crate) fn is_servable(&self, now: SystemTime, lifetime: Duration) -> bool {
        self.valid_until(lifetime).is_some_and(|until| now < until)
    }
}

fn valid_until(
    response: &VerifiedResponse,
    stored_at: SystemTime,
    lifetime: Duration,
) -> Option<SystemTime> {
    match response.next_update {
        Some(next) => Some(next),
        None if lifetime.is_zero() => None,
        None => {
            Some((stored_at + lifetime).min(response.this_update + MAX_AGE_WITHOUT_NEXT_UPDATE))
        }
    }
}

/// What to do with a newly verified response for a certificate that may already hold one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// It replaces what is held (or is the first).
    Take,
    /// What is held stays; the new response is dropped, for this reason.
    Keep(KeepReason),
}

/// Why a newly verified response was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeepReason {
    /// It says UNKNOWN, which helps no client.
    #[error("the responder answered UNKNOWN")]
    Unknown,
    /// Its thisUpdate is older than the held response's.
    #[error("its thisUpdate is older than the response already held")]
    Older,
    /// It has no nextUpdate and `jdk.tls.stapling.cacheLifetime` is 0: nothing bounds its use.
    #[error("it has no nextUpdate and jdk.tls.stapling.cacheLifetime is 0")]
    NoValidityBound,
}

/// Keep the last good: a new response replaces a held one that is still servable only when it
/// says REVOKED (clients must learn it at once) or is at least as recent (thisUpdate). UNKNOWN
/// and unbounded responses are never taken.
pub(crate) fn judge(
    held: Option<&Held>,
    new: &VerifiedResponse,
    stored_at: SystemTime,
    lifetime: Duration,
) -> Verdict {
    if matches!(new.status, Status::Unknown) {
        return Verdict::Keep(KeepReason::Unknown);
    }
    if valid_until(new, stored_at, lifetime).is_none() {
        return Verdict::Keep(KeepReason::NoValidityBound);
    }
    let Some(held) = held.filter(|h| h.is_servable(stored_at, lifetime)) else {
        return Verdict::Take;
    };
    if matches!(new.status, Status::Revoked(_)) {
        return Verdict::Take;
    }
    if new.this_update < held.response.this_update {
        return Verdict::Keep(KeepReason::Older);
    }
    Verdict::Take
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocsp::{RevocationInfo, Signer};

    const MINUTE: Duration = Duration::from_secs(60);

    fn t(minutes: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + 30_000_000 * MINUTE + MINUTE * minutes as u32
    }

    fn response(status: Status, this_update: u64, next_update: Option<u64>) -> VerifiedResponse {
        VerifiedResponse {
            der: Arc::from(&[0x30, 0x00][..]),
            status,
            this_update: t(this_update),
            next_update: next_update.map(t),
            produced_at: t(this_update),
            signer: Signer::Issuer,
        }
    }

    fn held(status: Status, this_update: u64, next_update: Option<u64>) -> Held {
        Held {
            response: Arc::new(response(status, this_update, next_update)),
            stored_at: t(this_update),
            source: ResponseSource::Fetched,
        }
    }

    fn revoked() -> Status {
        Status::Revoked(RevocationInfo {
            time: t(0),
            reason: None,
        })
    }

    #[test]
    fn served_until_next_update_and_not_at_it() {
        let h = held(Status::Good, 0, Some(60));
        assert!(
            h.is_servable(t(59), 5 * MINUTE),
            "lifetime does not end service"
        );
        assert!(!h.is_servable(t(60), 5 * MINUTE));
        assert_eq!(h.fresh_until(5 * MINUTE), Some(t(5)));
        assert_eq!(h.fresh_until(Duration::ZERO), Some(t(60)));
    }

    #[test]
    fn without_next_update_the_lifetime_bounds_it() {
        let h = held(Status::Good, 0, None);
        assert_eq!(h.valid_until(10 * MINUTE), Some(t(10)));
        assert_eq!(h.valid_until(Duration::ZERO), None);
        assert!(!h.is_servable(t(0), Duration::ZERO));
    }

    #[test]
    fn without_next_update_this_update_plus_the_max_age_bounds_it_too() {
        let max_age = MAX_AGE_WITHOUT_NEXT_UPDATE.as_secs() / 60;
        // Fetched when already 5 minutes old: stapled until thisUpdate + the bound, however long
        // cacheLifetime is.
        let h = Held {
            response: Arc::new(response(Status::Good, 0, None)),
            stored_at: t(5),
            source: ResponseSource::StaticFile,
        };
        let life = 60 * MINUTE;
        assert_eq!(h.valid_until(life), Some(t(max_age)));
        assert_eq!(h.fresh_until(life), Some(t(max_age)));
        assert!(h.is_servable(t(max_age) - Duration::from_secs(1), life));
        assert!(!h.is_servable(t(max_age), life));
        // A shorter cacheLifetime still ends it first.
        assert_eq!(h.valid_until(2 * MINUTE), Some(t(7)));
        assert_eq!(h.fresh_until(2 * MINUTE), Some(t(7)));
        // And with a lifetime of 0 it is still not held at all.
        assert_eq!(h.valid_until(Duration::ZERO), None);
        assert_eq!(h.fresh_until(Duration::ZERO), None);
    }

    #[test]
    fn a_stale_held_response_without_next_update_is_replaced_even_by_an_older_one() {
        let h = held(Status::Good, 10, None);
        let older = response(Status::Good, 5, Some(90));
        let after_bound = 10 + MAX_AGE_WITHOUT_NEXT_UPDATE.as_secs() / 60;
        assert_eq!(
            judge(Some(&h), &older, t(after_bound), 60 * MINUTE),
            Verdict::Take
        );
        assert_eq!(
            judge(Some(&h), &older, t(after_bound - 1), 60 * MINUTE),
            Verdict::Keep(KeepReason::Older)
        );
    }

    #[test]
    fn first_response_is_taken_unless_unknown_or_unbounded() {
        let good = response(Status::Good, 0, Some(60));
        assert_eq!(judge(None, &good, t(0), MINUTE), Verdict::Take);
        let unknown = response(Status::Unknown, 0, Some(60));
        assert_eq!(
            judge(None, &unknown, t(0), MINUTE),
            Verdict::Keep(KeepReason::Unknown)
        );
        let unbounded = response(Status::Good, 0, None);
        assert_eq!(
            judge(None, &unbounded, t(0), Duration::ZERO),
            Verdict::Keep(KeepReason::NoValidityBound)
        );
        assert_eq!(judge(None, &unbounded, t(0), MINUTE), Verdict::Take);
    }

    #[test]
    fn unknown_or_older_never_replaces_a_servable_response() {
        let h = held(Status::Good, 10, Some(70));
        let unknown = response(Status::Unknown, 20, Some(80));
        assert_eq!(
            judge(Some(&h), &unknown, t(20), MINUTE),
            Verdict::Keep(KeepReason::Unknown)
        );
        let older = response(Status::Good, 5, Some(90));
        assert_eq!(
            judge(Some(&h), &older, t(20), MINUTE),
            Verdict::Keep(KeepReason::Older)
        );
    }

    #[test]
    fn newer_or_equal_good_replaces() {
        let h = held(Status::Good, 10, Some(70));
        let same = response(Status::Good, 10, Some(70));
        assert_eq!(judge(Some(&h), &same, t(20), MINUTE), Verdict::Take);
        let newer = response(Status::Good, 20, Some(80));
        assert_eq!(judge(Some(&h), &newer, t(20), MINUTE), Verdict::Take);
    }

    #[test]
    fn revoked_replaces_good_even_when_older() {
        let h = held(Status::Good, 10, Some(70));
        let r = response(revoked(), 5, Some(65));
        assert_eq!(judge(Some(&h), &r, t(20), MINUTE), Verdict::Take);
    }

    #[test]
    fn an_expired_held_response_is_replaced_by_anything_stapleable_even_older() {
        let h = held(Status::Good, 10, Some(30));
        let older = response(Status::Good, 5, Some(90));
        assert_eq!(judge(Some(&h), &older, t(40), MINUTE), Verdict::Take);
    }
}
