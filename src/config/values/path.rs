//! Path-valued properties (`staplekit.stapling.issuers`, `cacheDir`, `responseFile`): a path is
//! resolved where it was written.

use std::io;
use std::path::{Path, PathBuf};

use crate::config::source::ValueSource;
use crate::config::values::{java_trim, Interpreted};

/// Resolves a path property: empty means none; a relative path from a properties file is relative
/// to that file's directory, one from an override to the current directory. The result is
/// absolute, so a later change of directory cannot change its meaning. Nothing is read or created.
pub(crate) fn resolve_path(raw: &str, source: &ValueSource) -> io::Result<Option<PathBuf>> {
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

/// Resolves a comma-separated list of paths, each like [`resolve_path`]. Items are trimmed (so a
/// path cannot start or end with a space); empty items, as in `a,,b` or a trailing comma, are
/// skipped with a warning. An empty value is an empty list, silently. On error, the item that
/// could not be resolved is returned with the I/O error.
pub(crate) fn resolve_path_list(
    raw: &str,
    source: &ValueSource,
) -> Result<Interpreted<Vec<PathBuf>>, (String, io::Error)> {
    if raw.is_empty() {
        return Ok(Interpreted::ok(Vec::new()));
    }
    let mut paths = Vec::new();
    let mut empty_items = 0;
    for item in raw.split(',').map(java_trim) {
        match resolve_path(item, source) {
            Ok(Some(path)) => paths.push(path),
            Ok(None) => empty_items += 1,
            Err(e) => return Err((item.to_owned(), e)),
        }
    }
    Ok(match empty_items {
        0 => Interpreted::ok(paths),
        1 => Interpreted::replaced(paths, "has an empty item; it is skipped"),
        n => Interpreted::replaced(paths, format!("has {n} empty items; they are skipped")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_none() {
        assert_eq!(resolve_path("", &ValueSource::Override).ok(), Some(None));
    }

    #[test]
    fn relative_in_a_file_is_relative_to_the_file() {
        let source = ValueSource::File(PathBuf::from("/etc/staplekit/java.security"));
        assert_eq!(
            resolve_path("issuers.pem", &source).ok(),
            Some(Some(PathBuf::from("/etc/staplekit/issuers.pem")))
        );
        assert_eq!(
            resolve_path("../ca/issuers.pem", &source).ok(),
            Some(Some(PathBuf::from("/etc/staplekit/../ca/issuers.pem")))
        );
    }

    #[test]
    fn relative_file_path_still_resolves_to_its_directory() {
        let cwd = std::env::current_dir().ok();
        let source = ValueSource::File(PathBuf::from("conf/java.security"));
        assert_eq!(
            resolve_path("issuers.pem", &source).ok(),
            Some(cwd.map(|d| d.join("conf/issuers.pem")))
        );
    }

    #[test]
    fn relative_override_is_relative_to_the_current_directory() {
        let cwd = std::env::current_dir().ok();
        assert_eq!(
            resolve_path("issuers.pem", &ValueSource::Override).ok(),
            Some(cwd.map(|d| d.join("issuers.pem")))
        );
    }

    #[test]
    fn absolute_stays_as_is() {
        let source = ValueSource::File(PathBuf::from("/etc/staplekit/java.security"));
        assert_eq!(
            resolve_path("/opt/issuers.pem", &source).ok(),
            Some(Some(PathBuf::from("/opt/issuers.pem")))
        );
        assert_eq!(
            resolve_path("/opt/issuers.pem", &ValueSource::Override).ok(),
            Some(Some(PathBuf::from("/opt/issuers.pem")))
        );
    }

    fn list(raw: &str, source: &ValueSource) -> Interpreted<Vec<PathBuf>> {
        match resolve_path_list(raw, source) {
            Ok(got) => got,
            Err((item, e)) => panic!("{item:?}: {e}"),
        }
    }

    #[test]
    fn empty_value_is_an_empty_list_silently() {
        assert_eq!(
            list("", &ValueSource::Override),
            Interpreted::ok(Vec::new())
        );
    }

    #[test]
    fn items_resolve_like_single_paths() {
        let source = ValueSource::File(PathBuf::from("/etc/staplekit/java.security"));
        assert_eq!(
            list("a.der, /var/ocsp/b.der ,sub/c.der", &source),
            Interpreted::ok(vec![
                PathBuf::from("/etc/staplekit/a.der"),
                PathBuf::from("/var/ocsp/b.der"),
                PathBuf::from("/etc/staplekit/sub/c.der"),
            ])
        );
        let cwd = std::env::current_dir().ok();
        let got = list("a.der", &ValueSource::Override);
        assert_eq!(Some(got.value), cwd.map(|d| vec![d.join("a.der")]));
    }

    #[test]
    fn empty_items_are_skipped_with_a_problem() {
        let source = ValueSource::File(PathBuf::from("/etc/java.security"));
        let got = list("a.der,,b.der", &source);
        assert_eq!(
            got.value,
            vec![PathBuf::from("/etc/a.der"), PathBuf::from("/etc/b.der")]
        );
        assert_eq!(
            got.problem.as_deref(),
            Some("has an empty item; it is skipped")
        );
        let got = list("a.der, ,", &source);
        assert_eq!(got.value, vec![PathBuf::from("/etc/a.der")]);
        assert_eq!(
            got.problem.as_deref(),
            Some("has 2 empty items; they are skipped")
        );
        let got = list(",", &source);
        assert!(got.value.is_empty());
        assert!(got.problem.is_some());
    }
}
