//! Warnings that client traffic can repeat (a responder failing for every handshake, a budget
//! spent by a flood) are logged once per interval per key, with the count of those left out.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How often the same warning may be logged.
pub(crate) const LOG_INTERVAL: Duration = Duration::from_secs(60);

/// Keys beyond which entries whose interval is over are forgotten.
const PRUNE_ABOVE: usize = 1024;

/// When each key was last logged, and how many times it was left out since.
pub(crate) struct LogThrottle<K> {
    interval: Duration,
    last: Mutex<HashMap<K, (Instant, u64)>>,
}

impl<K: Eq + Hash + Clone> LogThrottle<K> {
    /// Logs each key at most once per `interval`.
    pub(crate) fn new(interval: Duration) -> Self {
        Self {
            interval,
            last: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(left out since the last time)` when `key` may be logged now, else `None` (and it is
    /// counted as left out).
    pub(crate) fn admit(&self, key: &K, now: Instant) -> Option<u64> {
        // A map of instants and counters, each changed in one step: sound even if poisoned.
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((at, left_out)) = last.get_mut(key) {
            if now.saturating_duration_since(*at) < self.interval {
                *left_out += 1;
                return None;
            }
            let count = *left_out;
            *at = now;
            *left_out = 0;
            return Some(count);
        }
        if last.len() >= PRUNE_ABOVE {
            let interval = self.interval;
            last.retain(|_, (at, _)| now.saturating_duration_since(*at) < interval);
        }
        last.insert(key.clone(), (now, 0));
        Some(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_logged_once_per_interval_with_the_count_left_out() {
        let throttle = LogThrottle::new(Duration::from_secs(60));
        let t0 = Instant::now();
        assert_eq!(throttle.admit(&1, t0), Some(0));
        assert_eq!(throttle.admit(&1, t0 + Duration::from_secs(1)), None);
        assert_eq!(throttle.admit(&1, t0 + Duration::from_secs(2)), None);
        assert_eq!(throttle.admit(&2, t0 + Duration::from_secs(2)), Some(0));
        assert_eq!(throttle.admit(&1, t0 + Duration::from_secs(61)), Some(2));
        assert_eq!(throttle.admit(&1, t0 + Duration::from_secs(62)), None);
    }
}
