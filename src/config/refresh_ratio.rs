//! `staplekit.stapling.refreshRatio`: the share of a response's validity after which it is renewed.

use std::fmt;
use std::time::Duration;

/// Parts per million in a ratio of 1.
const PPM_ONE: u32 = 1_000_000;
/// Nanoseconds per second, for rebuilding a [`Duration`] from a nanosecond count.
const NANOS_PER_SEC: u128 = 1_000_000_000;

/// A ratio above 0 and at most 1, with a precision of one part per million.
///
/// Kept as an integer count of millionths so that [`StaplingConfig`](crate::StaplingConfig) can
/// stay `Eq` and the value renders back exactly as it was understood.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RefreshRatio(u32);

impl RefreshRatio {
    /// One half: renew a response halfway through its validity (the default).
    pub const HALF: RefreshRatio = RefreshRatio(PPM_ONE / 2);

    /// The ratio `ppm / 1_000_000`; `None` unless `0 < ppm <= 1_000_000`.
    pub const fn from_parts_per_million(ppm: u32) -> Option<RefreshRatio> {
        if ppm == 0 || ppm > PPM_ONE {
            None
        } else {
            Some(RefreshRatio(ppm))
        }
    }

    /// The ratio in millionths: 500000 for 0.5.
    pub const fn parts_per_million(self) -> u32 {
        self.0
    }

    /// The ratio as a float: 0.5 for 0.5.
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / f64::from(PPM_ONE)
    }

    /// `ratio * d`, rounded down to the nanosecond; never more than `d`.
    pub fn of(self, d: Duration) -> Duration {
        // d.as_nanos() < 2^64 * 10^9 < 2^94, times at most 10^6 < 2^20: fits a u128.
        let nanos = d.as_nanos() * u128::from(self.0) / u128::from(PPM_ONE);
        // nanos <= d.as_nanos(), so the whole seconds fit a u64 as d's own seconds do.
        let secs = u64::try_from(nanos / NANOS_PER_SEC).unwrap_or(u64::MAX);
        // The remainder is below 10^9 and fits a u32.
        let sub_nanos = (nanos % NANOS_PER_SEC) as u32;
        Duration::new(secs, sub_nanos)
    }
}

/// Shortest decimal form, as the property accepts it: `0.5`, `0.000001`, `1`.
impl fmt::Display for RefreshRatio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / PPM_ONE;
        let fraction = self.0 % PPM_ONE;
        if fraction == 0 {
            return write!(f, "{whole}");
        }
        let digits = format!("{fraction:06}");
        write!(f, "{whole}.{}", digits.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio(ppm: u32) -> RefreshRatio {
        RefreshRatio::from_parts_per_million(ppm).expect("valid ratio")
    }

    #[test]
    fn only_above_zero_and_at_most_one() {
        assert_eq!(RefreshRatio::from_parts_per_million(0), None);
        assert_eq!(RefreshRatio::from_parts_per_million(1_000_001), None);
        assert_eq!(RefreshRatio::from_parts_per_million(u32::MAX), None);
        assert_eq!(ratio(1).parts_per_million(), 1);
        assert_eq!(ratio(1_000_000).parts_per_million(), 1_000_000);
    }

    #[test]
    fn renders_the_shortest_decimal() {
        assert_eq!(ratio(500_000).to_string(), "0.5");
        assert_eq!(ratio(750_000).to_string(), "0.75");
        assert_eq!(ratio(1_000_000).to_string(), "1");
        assert_eq!(ratio(1).to_string(), "0.000001");
        assert_eq!(ratio(333_333).to_string(), "0.333333");
        assert_eq!(ratio(100_000).to_string(), "0.1");
    }

    #[test]
    fn as_f64() {
        assert_eq!(ratio(500_000).as_f64(), 0.5);
        assert_eq!(ratio(1_000_000).as_f64(), 1.0);
        assert_eq!(ratio(250_000).as_f64(), 0.25);
    }

    #[test]
    fn of_a_duration() {
        let hour = Duration::from_secs(3600);
        assert_eq!(ratio(500_000).of(hour), Duration::from_secs(1800));
        assert_eq!(ratio(1_000_000).of(hour), hour);
        assert_eq!(ratio(750_000).of(hour), Duration::from_secs(2700));
        assert_eq!(ratio(1).of(hour), Duration::from_micros(3600));
        assert_eq!(ratio(500_000).of(Duration::ZERO), Duration::ZERO);
        // Rounded down to the nanosecond.
        assert_eq!(
            ratio(333_333).of(Duration::from_nanos(10)),
            Duration::from_nanos(3)
        );
        assert_eq!(
            ratio(500_000).of(Duration::new(1, 1)),
            Duration::from_nanos(500_000_000)
        );
        // The largest Duration neither overflows nor grows.
        assert_eq!(ratio(1_000_000).of(Duration::MAX), Duration::MAX);
        assert!(ratio(999_999).of(Duration::MAX) < Duration::MAX);
    }
}
