//! `jdk.tls.stapling.responderURI`: the default OCSP responder.
//!
//! The JDK parses it with `new URI(...)` and silently drops it on a syntax error. We drop the same
//! values and more (anything that is not an absolute `http`/`https` URL, which is all an OCSP
//! fetch can use), but say so in a warning.

use url::Url;

use crate::config::values::Interpreted;

/// What an unusable responder URI is replaced with.
const NO_RESPONDER: &str = "no default responder is used";

/// Interprets the responder URI; empty means none, silently.
pub(crate) fn responder_uri(raw: &str) -> Interpreted<Option<Url>> {
    if raw.is_empty() {
        return Interpreted::ok(None);
    }
    // java.net.URI rejects spaces and control characters anywhere; the url crate would quietly
    // strip them at the ends and percent-encode them inside.
    if raw.chars().any(|c| c <= ' ' || c == '\u{7f}') {
        return Interpreted::replaced(
            None,
            format!("contains spaces or control characters; {NO_RESPONDER}"),
        );
    }
    match Url::parse(raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Interpreted::ok(Some(url)),
        Ok(url) => Interpreted::replaced(
            None,
            format!(
                "is a {} URL, not http or https; {NO_RESPONDER}",
                url.scheme()
            ),
        ),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            Interpreted::replaced(None, format!("is not an absolute URL; {NO_RESPONDER}"))
        }
        Err(e) => Interpreted::replaced(None, format!("is not a valid URL ({e}); {NO_RESPONDER}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(raw: &str) -> String {
        let got = responder_uri(raw);
        assert_eq!(got.value, None, "{raw:?}");
        got.problem
            .unwrap_or_else(|| panic!("no problem for {raw:?}"))
    }

    #[test]
    fn empty_is_none_silently() {
        assert_eq!(responder_uri(""), Interpreted::ok(None));
    }

    #[test]
    fn http_and_https_are_kept() {
        let got = responder_uri("http://127.0.0.1:8080/ocsp");
        assert_eq!(got.problem, None);
        assert_eq!(
            got.value.as_ref().map(Url::as_str),
            Some("http://127.0.0.1:8080/ocsp")
        );
        let got = responder_uri("HTTPS://ocsp.example.com");
        assert_eq!(got.problem, None);
        assert_eq!(
            got.value.as_ref().map(Url::as_str),
            Some("https://ocsp.example.com/")
        );
    }

    #[test]
    fn relative_is_dropped_with_a_warning() {
        assert_eq!(
            problem("ocsp.example.com/x"),
            "is not an absolute URL; no default responder is used"
        );
        assert_eq!(
            problem("/ocsp"),
            "is not an absolute URL; no default responder is used"
        );
    }

    #[test]
    fn other_schemes_are_dropped_with_a_warning() {
        assert_eq!(
            problem("ldap://ldap.example.com/"),
            "is a ldap URL, not http or https; no default responder is used"
        );
        assert!(problem("file:///tmp/ocsp").starts_with("is a file URL"));
    }

    #[test]
    fn invalid_is_dropped_with_a_warning() {
        assert!(problem("http://[::1/").starts_with("is not a valid URL ("));
        assert!(problem("http://exa mple.com/").starts_with("contains spaces"));
        assert!(problem(" http://example.com/").starts_with("contains spaces"));
        assert!(problem("http://example.com/\t").starts_with("contains spaces"));
        assert!(problem("http://example.com:99999/").starts_with("is not a valid URL ("));
    }
}
