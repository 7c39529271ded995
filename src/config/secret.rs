//! A value that must not be shown: a key store password.

use std::fmt;

/// A secret read from the configuration (a key store password). Its `Debug` and `Display` never
/// show it, so it stays out of logs, listings and error messages; [`Secret::expose`] hands it to
/// the one place that needs it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the code that opens what it protects.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(hidden)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(HIDDEN)
    }
}

/// How a set secret is rendered in listings.
pub(crate) const HIDDEN: &str = "(hidden)";
