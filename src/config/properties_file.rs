//! Reading a `java.security`-format properties file.

use std::path::{Path, PathBuf};

use java_properties::PropertiesIter;

use crate::config::error::ConfigError;
use crate::config::values::java_trim;

/// The key/value pairs of one properties file, in file order.
#[derive(Clone, Debug)]
pub(crate) struct PropertiesFile {
    /// The path the file was read from, as given.
    pub(crate) path: PathBuf,
    /// Pairs in file order; a key may repeat, the last occurrence wins (as in `java.util.Properties`).
    entries: Vec<(String, String)>,
}

impl PropertiesFile {
    /// Reads and parses the file (ISO-8859-1 with `\uXXXX` escapes, line continuations, `#`/`!`
    /// comments, as `java.util.Properties.load` does).
    pub(crate) fn read(path: &Path) -> Result<Self, ConfigError> {
        // Read first so that I/O failures and syntax errors are told apart.
        let bytes = std::fs::read(path).map_err(|source| ConfigError::ReadFile {
            path: path.to_path_buf(),
            source,
        })?;
        let mut entries = Vec::new();
        PropertiesIter::new(bytes.as_slice())
            .read_into(|key, value| entries.push((key, value)))
            .map_err(|source| ConfigError::FileSyntax {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(PropertiesFile {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// The value of `key`, trimmed like `java.security.Security.getProperty` trims it (so a stray
    /// trailing space in the file is not part of the value).
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| java_trim(v))
    }

    /// Every key once, in order of first appearance.
    pub(crate) fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for (key, _) in &self.entries {
            if !keys.contains(&key.as_str()) {
                keys.push(key);
            }
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn file_with(content: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        f.write_all(content).expect("write temp file");
        f
    }

    #[test]
    fn java_properties_syntax() {
        let f = file_with(
            b"# a comment\n\
              ! another comment\n\
              plain=value\n\
              colon: with colon\n\
              spaced   =   padded value   \n\
              escaped=\\u0041\\t\\\\x\n\
              continued=first, \\\n    second\n\
              repeated=1\n\
              repeated=2\n\
              latin1=caf\xe9\n",
        );
        let p = PropertiesFile::read(f.path()).expect("valid file");
        assert_eq!(p.get("plain"), Some("value"));
        assert_eq!(p.get("colon"), Some("with colon"));
        assert_eq!(p.get("spaced"), Some("padded value"));
        // \t is a tab inside the value, kept since it is not at an end.
        assert_eq!(p.get("escaped"), Some("A\t\\x"));
        assert_eq!(p.get("continued"), Some("first, second"));
        assert_eq!(p.get("repeated"), Some("2"));
        assert_eq!(p.get("latin1"), Some("caf\u{e9}"));
        assert_eq!(p.get("# a comment"), None);
        assert_eq!(p.get("missing"), None);
        assert_eq!(
            p.keys(),
            vec![
                "plain",
                "colon",
                "spaced",
                "escaped",
                "continued",
                "repeated",
                "latin1"
            ]
        );
    }

    #[test]
    fn missing_file_is_a_read_error_naming_the_path() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("absent.properties");
        match PropertiesFile::read(&path) {
            Err(e @ ConfigError::ReadFile { .. }) => {
                let text = e.to_string();
                assert!(text.contains(&path.display().to_string()), "{text}");
            }
            other => panic!("expected ReadFile, got {other:?}"),
        }
    }

    #[test]
    fn bad_escape_is_a_syntax_error_naming_the_path_and_line() {
        let f = file_with(b"ok=1\nbad=\\u00zz\n");
        match PropertiesFile::read(f.path()) {
            Err(e @ ConfigError::FileSyntax { .. }) => {
                let text = e.to_string();
                assert!(text.contains(&f.path().display().to_string()), "{text}");
                assert!(text.contains("line_number = 2"), "{text}");
            }
            other => panic!("expected FileSyntax, got {other:?}"),
        }
    }
}
