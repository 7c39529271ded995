//! Spotting unknown keys in our namespaces and suggesting the known key that was meant.

use crate::config::properties::Property;

/// Key prefixes we own: an unknown key under one of these is most likely a typo. Other keys are
/// ignored silently, since a real `java.security` file has hundreds of them.
const OWN_PREFIXES: [&str; 2] = ["jdk.tls.stapling.", "staplekit."];

/// Whether `key` is under one of our prefixes but is not a known property.
pub(crate) fn is_unknown_own_key(key: &str) -> bool {
    OWN_PREFIXES.iter().any(|prefix| key.starts_with(prefix)) && Property::from_key(key).is_none()
}

/// The known key `unknown` most likely meant: the one with the same last segment ignoring case
/// (`staplekit.fetchThreads` -> `staplekit.stapling.fetchThreads`), else the nearest by edit
/// distance if it is within a third of the key's length.
pub(crate) fn suggest(unknown: &str) -> Option<&'static str> {
    let last_segment = |key: &str| key.rsplit('.').next().unwrap_or(key).to_ascii_lowercase();
    let wanted = last_segment(unknown);
    if let Some(p) = Property::ALL
        .into_iter()
        .find(|p| last_segment(p.key()) == wanted)
    {
        return Some(p.key());
    }
    let limit = unknown.chars().count() / 3;
    Property::ALL
        .into_iter()
        .map(|p| (edit_distance(unknown, p.key()), p.key()))
        .filter(|&(distance, _)| distance <= limit)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, key)| key)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("cacheSise", "cacheSize"), 1);
        assert_eq!(edit_distance("ab", "ba"), 2);
    }

    #[test]
    fn only_our_namespaces_are_checked() {
        assert!(is_unknown_own_key("jdk.tls.stapling.cacheSise"));
        assert!(is_unknown_own_key("staplekit.anything"));
        assert!(!is_unknown_own_key("jdk.tls.stapling.cacheSize"));
        assert!(!is_unknown_own_key("staplekit.stapling.issuers"));
        assert!(!is_unknown_own_key("jdk.tls.disabledAlgorithms"));
        assert!(!is_unknown_own_key("security.provider.1"));
        // The two JDK keys outside jdk.tls.stapling. are not ours to police.
        assert!(!is_unknown_own_key(
            "jdk.tls.server.enableStatusRequestExtention"
        ));
    }

    #[test]
    fn typos_get_the_nearest_key() {
        assert_eq!(
            suggest("jdk.tls.stapling.cacheSise"),
            Some("jdk.tls.stapling.cacheSize")
        );
        assert_eq!(
            suggest("jdk.tls.stapling.responseTimout"),
            Some("jdk.tls.stapling.responseTimeout")
        );
        assert_eq!(
            suggest("jdk.tls.stapling.responderUri"),
            Some("jdk.tls.stapling.responderURI")
        );
        assert_eq!(
            suggest("jdk.tls.stapling.responder"),
            Some("jdk.tls.stapling.responderURI")
        );
    }

    #[test]
    fn a_known_last_segment_under_the_wrong_prefix() {
        assert_eq!(
            suggest("staplekit.fetchThreads"),
            Some("staplekit.stapling.fetchThreads")
        );
        assert_eq!(
            suggest("jdk.tls.stapling.clockskew"),
            Some("staplekit.stapling.clockSkew")
        );
    }

    #[test]
    fn nothing_close_means_no_suggestion() {
        assert_eq!(suggest("staplekit.zzz"), None);
        assert_eq!(suggest("jdk.tls.stapling.somethingElseEntirely"), None);
    }
}
