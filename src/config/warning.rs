//! Warnings: a value that was not used as given, or a key that looks like a typo.

use std::fmt;

use crate::config::source::ValueSource;

/// Something in the configuration that was not taken as written. Loading still succeeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigWarning {
    /// A known property had a value that was replaced (by the default, or by an equivalent).
    Replaced {
        /// The property's key.
        key: &'static str,
        /// The value as found.
        value: String,
        /// Where it was found.
        source: ValueSource,
        /// What was wrong and what is used instead, e.g. `is not an integer; using the default 256`.
        problem: String,
    },
    /// A key under `jdk.tls.stapling.` or `staplekit.` that no property has.
    UnknownKey {
        /// The key as found.
        key: String,
        /// Where it was found.
        source: ValueSource,
        /// The known key it most likely meant.
        suggestion: Option<&'static str>,
    },
}

impl ConfigWarning {
    /// The key the warning is about.
    pub fn key(&self) -> &str {
        match self {
            ConfigWarning::Replaced { key, .. } => key,
            ConfigWarning::UnknownKey { key, .. } => key,
        }
    }
}

/// `jdk.tls.stapling.cacheSize = "abc" (from /etc/x.properties) is not an integer; using the default 256`
/// or `unknown property jdk.tls.stapling.cacheSise (from -D); did you mean jdk.tls.stapling.cacheSize?`
impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigWarning::Replaced {
                key,
                value,
                source,
                problem,
            } => write!(
                f,
                "{key} = {value:?} ({}) {problem}",
                source.origin_phrase()
            ),
            ConfigWarning::UnknownKey {
                key,
                source,
                suggestion,
            } => {
                write!(f, "unknown property {key} ({})", source.origin_phrase())?;
                if let Some(known) = suggestion {
                    write!(f, "; did you mean {known}?")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn replaced_reads_like_a_sentence() {
        let w = ConfigWarning::Replaced {
            key: "jdk.tls.stapling.cacheSize",
            value: "abc".to_owned(),
            source: ValueSource::File(PathBuf::from("/etc/x.properties")),
            problem: "is not an integer; using the default 256".to_owned(),
        };
        assert_eq!(
            w.to_string(),
            "jdk.tls.stapling.cacheSize = \"abc\" (from /etc/x.properties) is not an integer; using the default 256"
        );
        assert_eq!(w.key(), "jdk.tls.stapling.cacheSize");
    }

    #[test]
    fn control_characters_in_values_are_escaped() {
        let w = ConfigWarning::Replaced {
            key: "jdk.tls.stapling.cacheSize",
            value: "1\n2".to_owned(),
            source: ValueSource::Override,
            problem: "is not an integer; using the default 256".to_owned(),
        };
        assert!(w.to_string().contains("\"1\\n2\" (from -D)"), "{w}");
    }

    #[test]
    fn unknown_key_with_and_without_suggestion() {
        let w = ConfigWarning::UnknownKey {
            key: "jdk.tls.stapling.cacheSise".to_owned(),
            source: ValueSource::Override,
            suggestion: Some("jdk.tls.stapling.cacheSize"),
        };
        assert_eq!(
            w.to_string(),
            "unknown property jdk.tls.stapling.cacheSise (from -D); did you mean jdk.tls.stapling.cacheSize?"
        );
        let w = ConfigWarning::UnknownKey {
            key: "staplekit.zzz".to_owned(),
            source: ValueSource::Override,
            suggestion: None,
        };
        assert_eq!(w.to_string(), "unknown property staplekit.zzz (from -D)");
    }
}
