//! Numeric values: the JDK's stapling numbers (`Integer.decode` / `Long.decode` with the JDK's
//! handling of negative values) and staplekit's bounded integers.

use std::ops::RangeInclusive;
use std::time::Duration;

use crate::config::defaults;
use crate::config::java_number::{decode_int, decode_long, DecodeError};
use crate::config::values::Interpreted;

/// `jdk.tls.stapling.responseTimeout`: milliseconds as a Java `long`. Negative or unparseable
/// values fall back to the default, as in the JDK; 0 is valid (only cache hits are stapled).
pub(crate) fn response_timeout(raw: &str) -> Interpreted<Duration> {
    let default = defaults::RESPONSE_TIMEOUT;
    let fallback = format!("using the default {} ms", default.as_millis());
    match decode_long(raw) {
        Ok(ms) if ms >= 0 => Interpreted::ok(Duration::from_millis(ms.unsigned_abs())),
        Ok(_) => Interpreted::replaced(default, format!("is negative; {fallback}")),
        Err(e) => {
            Interpreted::replaced(default, format!("{}; {fallback}", not_a_number(&e, "long")))
        }
    }
}

/// `jdk.tls.stapling.cacheSize`: entries as a Java `int`. 0 means unbounded and so does any
/// negative value (the JDK clamps it to 0); unparseable values fall back to the default.
pub(crate) fn cache_size(raw: &str) -> Interpreted<usize> {
    match decode_int(raw) {
        // Lossless: a positive i32 fits a usize on every platform Rust's std supports here.
        Ok(n) if n >= 0 => Interpreted::ok(n.unsigned_abs() as usize),
        Ok(_) => Interpreted::replaced(0, "is negative; treated as 0 (unbounded)"),
        Err(e) => Interpreted::replaced(
            defaults::CACHE_SIZE,
            format!(
                "{}; using the default {}",
                not_a_number(&e, "int"),
                defaults::CACHE_SIZE
            ),
        ),
    }
}

/// `jdk.tls.stapling.cacheLifetime`: seconds as a Java `int`. 0 means no time limit (and responses
/// without nextUpdate are not cached), and so does any negative value (the JDK clamps it to 0);
/// unparseable values fall back to the default.
pub(crate) fn cache_lifetime(raw: &str) -> Interpreted<Duration> {
    match decode_int(raw) {
        Ok(n) if n >= 0 => Interpreted::ok(Duration::from_secs(u64::from(n.unsigned_abs()))),
        Ok(_) => Interpreted::replaced(
            Duration::ZERO,
            "is negative; treated as 0 (no time limit, responses without nextUpdate are not cached)",
        ),
        Err(e) => Interpreted::replaced(
            defaults::CACHE_LIFETIME,
            format!(
                "{}; using the default {} s",
                not_a_number(&e, "int"),
                defaults::CACHE_LIFETIME.as_secs()
            ),
        ),
    }
}

/// A staplekit integer (`Integer.decode` syntax, like the JDK's own numbers) that must lie in
/// `range`; anything else falls back to `default`.
pub(crate) fn bounded(raw: &str, range: &RangeInclusive<u32>, default: u32) -> Interpreted<u32> {
    match decode_int(raw) {
        Ok(n) => match u32::try_from(n) {
            Ok(n) if range.contains(&n) => Interpreted::ok(n),
            _ => Interpreted::replaced(
                default,
                format!(
                    "is not between {} and {}; using the default {default}",
                    range.start(),
                    range.end()
                ),
            ),
        },
        Err(e) => Interpreted::replaced(
            default,
            format!("{}; using the default {default}", not_a_number(&e, "int")),
        ),
    }
}

/// The start of a warning for a string `Integer.decode`/`Long.decode` rejected.
fn not_a_number(error: &DecodeError, java_type: &str) -> String {
    match error {
        DecodeError::OutOfRange => format!("is out of the range of a Java {java_type}"),
        // "08" and "09" are the usual surprise: say why.
        DecodeError::InvalidDigit { radix: 8, .. } => {
            "is not an integer (a leading 0 means octal)".to_owned()
        }
        _ => "is not an integer".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_timeout_accepts_zero_and_decode_forms() {
        assert_eq!(response_timeout("0"), Interpreted::ok(Duration::ZERO));
        assert_eq!(
            response_timeout("1500"),
            Interpreted::ok(Duration::from_millis(1500))
        );
        assert_eq!(
            response_timeout("0x10"),
            Interpreted::ok(Duration::from_millis(16))
        );
        assert_eq!(
            response_timeout("010"),
            Interpreted::ok(Duration::from_millis(8))
        );
        // A long, not an int: values beyond i32 are fine.
        assert_eq!(
            response_timeout("3000000000"),
            Interpreted::ok(Duration::from_millis(3_000_000_000))
        );
    }

    #[test]
    fn response_timeout_negative_or_garbage_is_the_default() {
        let got = response_timeout("-1");
        assert_eq!(got.value, Duration::from_millis(5000));
        assert_eq!(
            got.problem.as_deref(),
            Some("is negative; using the default 5000 ms")
        );
        let got = response_timeout("-0x10");
        assert_eq!(got.value, Duration::from_millis(5000));
        for raw in ["", "abc", " 100", "100ms", "5s", "1.5"] {
            let got = response_timeout(raw);
            assert_eq!(got.value, Duration::from_millis(5000), "{raw:?}");
            assert_eq!(
                got.problem.as_deref(),
                Some("is not an integer; using the default 5000 ms"),
                "{raw:?}"
            );
        }
        let got = response_timeout("9223372036854775808");
        assert_eq!(
            got.problem.as_deref(),
            Some("is out of the range of a Java long; using the default 5000 ms")
        );
    }

    #[test]
    fn cache_size_values() {
        assert_eq!(cache_size("1"), Interpreted::ok(1));
        assert_eq!(cache_size("#100"), Interpreted::ok(256));
        assert_eq!(cache_size("2147483647"), Interpreted::ok(2_147_483_647));
        // 0 is meaningful (unbounded): no warning.
        assert_eq!(cache_size("0"), Interpreted::ok(0));
        assert_eq!(cache_size("-0"), Interpreted::ok(0));
        for raw in ["-1", "-2147483648", "-0x10"] {
            assert_eq!(
                cache_size(raw),
                Interpreted::replaced(0, "is negative; treated as 0 (unbounded)"),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn cache_size_garbage_is_the_default() {
        assert_eq!(
            cache_size("abc"),
            Interpreted::replaced(256, "is not an integer; using the default 256")
        );
        assert_eq!(
            cache_size(" 5"),
            Interpreted::replaced(256, "is not an integer; using the default 256")
        );
        assert_eq!(
            cache_size("08"),
            Interpreted::replaced(
                256,
                "is not an integer (a leading 0 means octal); using the default 256"
            )
        );
        assert_eq!(
            cache_size("2147483648"),
            Interpreted::replaced(
                256,
                "is out of the range of a Java int; using the default 256"
            )
        );
        assert_eq!(
            cache_size("-2147483649"),
            Interpreted::replaced(
                256,
                "is out of the range of a Java int; using the default 256"
            )
        );
    }

    #[test]
    fn cache_lifetime_values() {
        assert_eq!(
            cache_lifetime("60"),
            Interpreted::ok(Duration::from_secs(60))
        );
        assert_eq!(
            cache_lifetime("0x3c"),
            Interpreted::ok(Duration::from_secs(60))
        );
        assert_eq!(cache_lifetime("0"), Interpreted::ok(Duration::ZERO));
        let got = cache_lifetime("-5");
        assert_eq!(got.value, Duration::ZERO);
        assert!(got
            .problem
            .as_deref()
            .is_some_and(|p| p.starts_with("is negative; treated as 0")));
        assert_eq!(
            cache_lifetime("1h"),
            Interpreted::replaced(
                Duration::from_secs(3600),
                "is not an integer; using the default 3600 s"
            )
        );
        assert_eq!(
            cache_lifetime("4294967296").value,
            Duration::from_secs(3600)
        );
    }

    #[test]
    fn bounded_values() {
        let range = 1..=256;
        assert_eq!(bounded("1", &range, 8), Interpreted::ok(1));
        assert_eq!(bounded("256", &range, 8), Interpreted::ok(256));
        assert_eq!(bounded("0x10", &range, 8), Interpreted::ok(16));
        for raw in ["0", "257", "-1", "-2147483648"] {
            assert_eq!(
                bounded(raw, &range, 8),
                Interpreted::replaced(8, "is not between 1 and 256; using the default 8"),
                "{raw:?}"
            );
        }
        assert_eq!(
            bounded("eight", &range, 8),
            Interpreted::replaced(8, "is not an integer; using the default 8")
        );
        assert_eq!(bounded("0", &(0..=86400), 300), Interpreted::ok(0));
    }
}
