//! Where an effective value came from.

use std::fmt;
use std::path::PathBuf;

/// Where the value of a property was found. Overrides win over the file, the file over defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueSource {
    /// Not set anywhere: the built-in default.
    Default,
    /// A `java.security`-format properties file, by the path it was loaded from.
    File(PathBuf),
    /// An override given as a system property (`-Dkey=value`).
    Override,
}

impl ValueSource {
    /// The phrase used inside warnings and errors: `from /etc/x.properties`, `from -D`.
    pub(crate) fn origin_phrase(&self) -> String {
        match self {
            ValueSource::Default => "by default".to_owned(),
            ValueSource::File(path) => format!("from {}", path.display()),
            ValueSource::Override => "from -D".to_owned(),
        }
    }
}

/// `default`, `file /path` or `-D`.
impl fmt::Display for ValueSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueSource::Default => f.write_str("default"),
            ValueSource::File(path) => write!(f, "file {}", path.display()),
            ValueSource::Override => f.write_str("-D"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_phrase() {
        let file = ValueSource::File(PathBuf::from("/etc/x.properties"));
        assert_eq!(file.to_string(), "file /etc/x.properties");
        assert_eq!(file.origin_phrase(), "from /etc/x.properties");
        assert_eq!(ValueSource::Default.to_string(), "default");
        assert_eq!(ValueSource::Override.to_string(), "-D");
        assert_eq!(ValueSource::Override.origin_phrase(), "from -D");
    }
}
