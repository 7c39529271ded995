//! Boolean values: the three ways the JDK reads them.
//!
//! Java's `equalsIgnoreCase` also matches `ſ` (U+017F, long s) with `s`, so the JDK takes `falſe`
//! for `false`; only ASCII case is ignored here.

use crate::config::values::Interpreted;

/// The JDK's strict reading of the `enableStatusRequestExtension` flags (`Utilities.getBooleanProperty`):
/// `true` or `false` in any case, nothing else, not even with spaces. `None` means the value is
/// invalid, which is an error rather than a warning.
pub(crate) fn strict_flag(raw: &str) -> Option<bool> {
    if raw.eq_ignore_ascii_case("true") {
        Some(true)
    } else if raw.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Java's `Boolean.parseBoolean`, as used by `Boolean.getBoolean` for `responderOverride` and
/// `ignoreExtensions`: only `true` in any case is true. Anything but `true`/`false` is reported,
/// since it is most likely a typo for `true`.
pub(crate) fn parse_boolean(raw: &str) -> Interpreted<bool> {
    match strict_flag(raw) {
        Some(value) => Interpreted::ok(value),
        None => Interpreted::replaced(false, "is neither true nor false; using false"),
    }
}

/// The JDK's `GetPropertyAction.privilegedGetBooleanProp`, used for `com.sun.security.ocsp.useget`:
/// an empty value means unset; `true`/`false` in any case; anything else falls back to the default.
pub(crate) fn boolean_or_default(raw: &str, default: bool) -> Interpreted<bool> {
    if raw.is_empty() {
        return Interpreted::ok(default);
    }
    match strict_flag(raw) {
        Some(value) => Interpreted::ok(value),
        None => Interpreted::replaced(
            default,
            format!("is neither true nor false; using the default {default}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_flag_accepts_any_case_only() {
        for (raw, expected) in [
            ("true", true),
            ("TRUE", true),
            ("True", true),
            ("tRuE", true),
            ("false", false),
            ("FALSE", false),
            ("False", false),
        ] {
            assert_eq!(strict_flag(raw), Some(expected), "{raw:?}");
        }
    }

    #[test]
    fn strict_flag_rejects_everything_else() {
        for raw in [
            "", " ", "true ", " false", "yes", "no", "1", "0", "on", "t", "truee", "\"true\"",
        ] {
            assert_eq!(strict_flag(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn parse_boolean_is_true_only_for_true() {
        assert_eq!(parse_boolean("TRUE"), Interpreted::ok(true));
        assert_eq!(parse_boolean("false"), Interpreted::ok(false));
        assert_eq!(parse_boolean("FaLsE"), Interpreted::ok(false));
        for raw in ["yes", "1", "", " true", "on"] {
            let got = parse_boolean(raw);
            assert!(!got.value, "{raw:?}");
            assert_eq!(
                got.problem.as_deref(),
                Some("is neither true nor false; using false"),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn boolean_or_default_falls_back_to_the_default() {
        assert_eq!(boolean_or_default("", true), Interpreted::ok(true));
        assert_eq!(boolean_or_default("False", true), Interpreted::ok(false));
        assert_eq!(boolean_or_default("TRUE", false), Interpreted::ok(true));
        let got = boolean_or_default("no", true);
        assert!(got.value);
        assert_eq!(
            got.problem.as_deref(),
            Some("is neither true nor false; using the default true")
        );
        // Not trimmed, as in the JDK.
        assert!(boolean_or_default(" false", true).value);
    }
}
