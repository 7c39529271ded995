//! When the background refresher asks again: after a share of a response's validity, and after
//! failures with exponential backoff. Pure functions of their inputs (the jitter sample included),
//! so every rule is tested without clocks or randomness.

use std::time::{Duration, SystemTime};

/// At most this share of the wait before a refresh or retry is taken off at random, so that
/// certificates registered together do not all ask their responders in the same second.
pub(crate) const JITTER_SHARE: f64 = 0.1;

/// The refresher's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RefreshTiming {
    /// `staplekit.stapling.refreshRatio`: the share of a response's validity after which it is renewed.
    pub ratio: f64,
    /// `staplekit.stapling.retryDelay`: the wait after a first failure; also the shortest time
    /// between two fetches for one certificate.
    pub retry_delay: Duration,
    /// `staplekit.stapling.retryMaxDelay`: the cap of the backoff.
    pub retry_max_delay: Duration,
}

impl RefreshTiming {
    /// When a response stored at `stored_at` is renewed: `ratio` of the way from `stored_at` to
    /// `fresh_until` (the validity it has left when taken), less up to [`JITTER_SHARE`] of the
    /// wait at random (`jitter` in 0..1), and never sooner than `retry_delay` after it was stored.
    ///
    /// Measured from when it was taken, not from its thisUpdate: a responder that serves old
    /// pre-produced answers (a CDN) would otherwise put the renewal in the past, and the same
    /// answer would be fetched again every `retry_delay`, forever. An identical answer taken
    /// again is renewed later still, never sooner.
    pub(crate) fn refresh_at(
        &self,
        stored_at: SystemTime,
        fresh_until: SystemTime,
        jitter: f64,
    ) -> SystemTime {
        let left = fresh_until.duration_since(stored_at).unwrap_or_default();
        let wait = left.mul_f64(self.ratio.clamp(0.0, 1.0));
        let jittered = stored_at + wait - wait.mul_f64(JITTER_SHARE * jitter.clamp(0.0, 1.0));
        jittered.max(stored_at + self.retry_delay)
    }

    /// How long to wait after the `failures`-th failure in a row (1 = the first): `retry_delay`
    /// doubled for each further failure, capped at `retry_max_delay`, less up to
    /// [`JITTER_SHARE`] at random (`jitter` in 0..1).
    pub(crate) fn retry_after(&self, failures: u32, jitter: f64) -> Duration {
        let doublings = failures.saturating_sub(1).min(32);
        let delay = self
            .retry_delay
            .saturating_mul(1u32 << doublings.min(31))
            .min(self.retry_max_delay);
        delay - delay.mul_f64(JITTER_SHARE * jitter.clamp(0.0, 1.0))
    }
}

/// A uniformly distributed sample in 0..1 for jitter, from the operating system's generator.
/// Should the generator fail, no jitter (0) is as good as any other value.
pub(crate) fn jitter_sample() -> f64 {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 8];
    match ring::rand::SystemRandom::new().fill(&mut bytes) {
        Ok(()) => (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn timing() -> RefreshTiming {
        RefreshTiming {
            ratio: 0.5,
            retry_delay: 10 * SECOND,
            retry_max_delay: 600 * SECOND,
        }
    }

    #[test]
    fn refresh_comes_at_the_ratio_of_the_validity() {
        let t0 = SystemTime::UNIX_EPOCH + 1_000_000 * SECOND;
        let at = timing().refresh_at(t0, t0 + 3600 * SECOND, 0.0);
        assert_eq!(at, t0 + 1800 * SECOND);
    }

    #[test]
    fn validity_counts_from_when_the_response_was_taken() {
        let t0 = SystemTime::UNIX_EPOCH + 1_000_000 * SECOND;
        // Produced long before it was fetched, two hours left: renew halfway through those two.
        let stored = t0 + 100 * 3600 * SECOND;
        let at = timing().refresh_at(stored, stored + 2 * 3600 * SECOND, 0.0);
        assert_eq!(at, stored + 3600 * SECOND);
        // The same answer taken again an hour later is renewed later, not sooner.
        let again = stored + 3600 * SECOND;
        assert!(timing().refresh_at(again, stored + 2 * 3600 * SECOND, 0.0) > at);
    }

    #[test]
    fn jitter_only_brings_the_refresh_forward_and_by_at_most_a_tenth() {
        let t0 = SystemTime::UNIX_EPOCH + 1_000_000 * SECOND;
        let latest = timing().refresh_at(t0, t0 + 3600 * SECOND, 0.0);
        let earliest = timing().refresh_at(t0, t0 + 3600 * SECOND, 1.0);
        assert_eq!(earliest, t0 + 1620 * SECOND);
        for i in 0..=10 {
            let at = timing().refresh_at(t0, t0 + 3600 * SECOND, i as f64 / 10.0);
            assert!(earliest <= at && at <= latest);
        }
    }

    #[test]
    fn a_response_about_to_expire_is_not_refreshed_sooner_than_the_retry_delay() {
        let t0 = SystemTime::UNIX_EPOCH + 1_000_000 * SECOND;
        // Ten seconds left: half of that is under the 10 s retry delay.
        let at = timing().refresh_at(t0, t0 + 10 * SECOND, 0.0);
        assert_eq!(at, t0 + 10 * SECOND);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let waits: Vec<u64> = (1..=9)
            .map(|n| timing().retry_after(n, 0.0).as_secs())
            .collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 320, 600, 600, 600]);
        assert_eq!(timing().retry_after(u32::MAX, 0.0), 600 * SECOND);
    }

    #[test]
    fn backoff_jitter_takes_off_at_most_a_tenth() {
        assert_eq!(timing().retry_after(1, 1.0), 9 * SECOND);
        assert_eq!(timing().retry_after(20, 1.0), 540 * SECOND);
    }

    #[test]
    fn jitter_samples_are_in_range_and_vary() {
        let samples: Vec<f64> = (0..64).map(|_| jitter_sample()).collect();
        assert!(samples.iter().all(|s| (0.0..1.0).contains(s)));
        assert!(samples.windows(2).any(|w| w[0] != w[1]));
    }
}
