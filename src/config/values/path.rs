//! `staplekit.stapling.issuers`: a path, resolved where it was written.

use std::io;
use std::path::{Path, PathBuf};

use crate::config::source::ValueSource;

/// Resolves the issuers file path: empty means none; a relative path from a properties file is
/// relative to that file's directory, one from an override to the current directory. The result
/// is absolute, so a later change of directory cannot change its meaning. The file is not read.
pub(crate) fn issuers_path(raw: &str, source: &ValueSource) -> io::Result<Option<PathBuf>> {
    if raw.is_empty() {
        return Ok(None);
    }
    let given = Path::new(raw);
    let joined = match source {
        ValueSource::File(file) => file
            .parent()
            .map_or_else(|| given.to_path_buf(), |dir| dir.join(given)),
        ValueSource::Override | ValueSource::Default => given.to_path_buf(),
    };
    std::path::absolute(joined).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_none() {
        assert_eq!(issuers_path("", &ValueSource::Override).ok(), Some(None));
    }

    #[test]
    fn relative_in_a_file_is_relative_to_the_file() {
        let source = ValueSource::File(PathBuf::from("/etc/staplekit/java.security"));
        assert_eq!(
            issuers_path("issuers.pem", &source).ok(),
            Some(Some(PathBuf::from("/etc/staplekit/issuers.pem")))
        );
        assert_eq!(
            issuers_path("../ca/issuers.pem", &source).ok(),
            Some(Some(PathBuf::from("/etc/staplekit/../ca/issuers.pem")))
        );
    }

    #[test]
    fn relative_file_path_still_resolves_to_its_directory() {
        let cwd = std::env::current_dir().ok();
        let source = ValueSource::File(PathBuf::from("conf/java.security"));
        assert_eq!(
            issuers_path("issuers.pem", &source).ok(),
            Some(cwd.map(|d| d.join("conf/issuers.pem")))
        );
    }

    #[test]
    fn relative_override_is_relative_to_the_current_directory() {
        let cwd = std::env::current_dir().ok();
        assert_eq!(
            issuers_path("issuers.pem", &ValueSource::Override).ok(),
            Some(cwd.map(|d| d.join("issuers.pem")))
        );
    }

    #[test]
    fn absolute_stays_as_is() {
        let source = ValueSource::File(PathBuf::from("/etc/staplekit/java.security"));
        assert_eq!(
            issuers_path("/opt/issuers.pem", &source).ok(),
            Some(Some(PathBuf::from("/opt/issuers.pem")))
        );
        assert_eq!(
            issuers_path("/opt/issuers.pem", &ValueSource::Override).ok(),
            Some(Some(PathBuf::from("/opt/issuers.pem")))
        );
    }
}
