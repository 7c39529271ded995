//! The OCSP fetch timeouts `com.sun.security.ocsp.timeout` and `com.sun.security.ocsp.readtimeout`,
//! read like the JDK's `GetPropertyAction.privilegedGetTimeoutProp`.
//!
//! The value is trimmed; `ms` (any case) means milliseconds, `s` or no suffix means seconds; the
//! number is plain decimal digits (no sign) and the result must fit a Java `int` of milliseconds.
//! An empty value means unset. 0 is valid and, as for Java's `URLConnection`, means no limit for that
//! phase (the handshake's `responseTimeout` still bounds the wait).

use std::time::Duration;

use crate::config::values::{java_trim, Interpreted};

/// Interprets one OCSP timeout value; `default` replaces empty, negative or malformed values.
pub(crate) fn ocsp_timeout(raw: &str, default: Duration) -> Interpreted<Duration> {
    let value = java_trim(raw);
    if value.is_empty() {
        return Interpreted::ok(default);
    }
    let fallback = format!("using the default {}", render_timeout(default));
    let lower = value.to_ascii_lowercase();
    let (digits, millis_per_unit) = if lower.ends_with("ms") {
        (&value[..value.len() - 2], 1)
    } else if lower.ends_with('s') {
        (&value[..value.len() - 1], 1000)
    } else {
        (value, 1000)
    };
    if !is_digits(digits) {
        let problem = if digits.strip_prefix('-').is_some_and(is_digits) {
            "is negative"
        } else {
            "is not a timeout (digits with an optional ms or s suffix)"
        };
        return Interpreted::replaced(default, format!("{problem}; {fallback}"));
    }
    // The JDK keeps milliseconds in an int: anything larger is rejected.
    let millis = digits
        .parse::<i32>()
        .ok()
        .and_then(|n| n.checked_mul(millis_per_unit));
    match millis {
        Some(ms) => Interpreted::ok(Duration::from_millis(u64::from(ms.unsigned_abs()))),
        None => Interpreted::replaced(
            default,
            format!("is too large (more than {} ms); {fallback}", i32::MAX),
        ),
    }
}

/// Renders a timeout in the property's own syntax: whole seconds as `15s`, else `1500ms`.
pub(crate) fn render_timeout(timeout: Duration) -> String {
    let ms = timeout.as_millis();
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// Java's `^\d+$` without `UNICODE_CHARACTER_CLASS`: one or more ASCII digits.
fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: Duration = Duration::from_secs(15);

    fn ok(raw: &str) -> Duration {
        let got = ocsp_timeout(raw, DEFAULT);
        assert_eq!(got.problem, None, "{raw:?}");
        got.value
    }

    fn problem(raw: &str) -> String {
        let got = ocsp_timeout(raw, DEFAULT);
        assert_eq!(got.value, DEFAULT, "{raw:?}");
        got.problem
            .unwrap_or_else(|| panic!("no problem for {raw:?}"))
    }

    #[test]
    fn suffixes() {
        assert_eq!(ok("10"), Duration::from_secs(10));
        assert_eq!(ok("10s"), Duration::from_secs(10));
        assert_eq!(ok("10S"), Duration::from_secs(10));
        assert_eq!(ok("500ms"), Duration::from_millis(500));
        assert_eq!(ok("500MS"), Duration::from_millis(500));
        assert_eq!(ok("500mS"), Duration::from_millis(500));
        assert_eq!(ok("007"), Duration::from_secs(7));
        assert_eq!(ok("0"), Duration::ZERO);
        assert_eq!(ok("0ms"), Duration::ZERO);
    }

    #[test]
    fn trimmed_and_empty_is_unset() {
        assert_eq!(ok(" 3s\t"), Duration::from_secs(3));
        assert_eq!(ok(""), DEFAULT);
        assert_eq!(ok("   "), DEFAULT);
    }

    #[test]
    fn negative_is_the_default() {
        assert_eq!(problem("-5"), "is negative; using the default 15s");
        assert_eq!(problem("-5ms"), "is negative; using the default 15s");
    }

    #[test]
    fn garbage_is_the_default() {
        for raw in [
            "s", "ms", "5 s", "1.5s", "+5", "0x10", "5m", "5sec", "five", "5msms",
        ] {
            assert_eq!(
                problem(raw),
                "is not a timeout (digits with an optional ms or s suffix); using the default 15s",
                "{raw:?}"
            );
        }
    }

    #[test]
    fn millisecond_int_range() {
        assert_eq!(ok("2147483647ms"), Duration::from_millis(2_147_483_647));
        assert_eq!(ok("2147483s"), Duration::from_secs(2_147_483));
        assert!(problem("2147484s").starts_with("is too large"));
        assert!(problem("2147483648ms").starts_with("is too large"));
        assert!(problem("99999999999999999999").starts_with("is too large"));
    }

    #[test]
    fn rendering_round_trips() {
        assert_eq!(render_timeout(Duration::from_secs(15)), "15s");
        assert_eq!(render_timeout(Duration::from_millis(1500)), "1500ms");
        assert_eq!(render_timeout(Duration::ZERO), "0s");
        for text in ["15s", "1500ms", "0s"] {
            assert_eq!(render_timeout(ok(text)), text);
        }
    }
}
