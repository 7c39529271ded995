//! Interpreting one raw property value of each kind, the way the JDK does.
//!
//! Each interpreter takes the raw string and returns the value to use, plus a description of the
//! problem when the value was not taken as written (the loader turns it into a warning).

pub(crate) mod flag;
pub(crate) mod list;
pub(crate) mod number;
pub(crate) mod ocsp_timeout;
pub(crate) mod path;
pub(crate) mod proxy;
pub(crate) mod ratio;
pub(crate) mod uri;

/// The value to use for a property, and what was wrong with the raw value if it was replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Interpreted<T> {
    /// The effective value.
    pub(crate) value: T,
    /// `None` when the raw value was used as written; else e.g. `is negative; using the default 5000`.
    pub(crate) problem: Option<String>,
}

impl<T> Interpreted<T> {
    /// The raw value was taken as written.
    pub(crate) fn ok(value: T) -> Self {
        Interpreted {
            value,
            problem: None,
        }
    }

    /// The raw value was replaced by `value`, for the reason `problem`.
    pub(crate) fn replaced(value: T, problem: impl Into<String>) -> Self {
        Interpreted {
            value,
            problem: Some(problem.into()),
        }
    }
}

/// Java's `String.trim()`: strips every character up to U+0020, which includes all ASCII control
/// characters but no Unicode spaces.
pub(crate) fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_trim_strips_controls_but_not_unicode_spaces() {
        assert_eq!(java_trim(" \t\r\n\u{0}\u{1f}x y\u{b} "), "x y");
        assert_eq!(java_trim("\u{a0}x\u{2003}"), "\u{a0}x\u{2003}");
        assert_eq!(java_trim("   "), "");
    }
}
