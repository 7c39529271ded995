//! The JDK's proxy properties: `http.proxyHost`/`https.proxyHost` (a host) and
//! `http.nonProxyHosts` (`|`-separated host patterns), read like `DefaultProxySelector`.

use url::Host;

use crate::config::values::{java_trim, Interpreted};

/// Interprets a proxy host: trimmed; empty means none. Anything that is not a host name or an IP
/// address (an IPv6 one with or without brackets) means no proxy, with a warning, rather than
/// requests failing later.
pub(crate) fn proxy_host(raw: &str) -> Interpreted<Option<String>> {
    let host = java_trim(raw);
    if host.is_empty() {
        return Interpreted::ok(None);
    }
    let bracketed = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    // A port, path or user part would be taken into the URL built from the host.
    let plain = !host.contains(['/', '@', '?', '#']) && !host.contains(char::is_whitespace);
    match Host::parse(&bracketed) {
        Ok(_) if plain => Interpreted::ok(Some(host.to_owned())),
        _ => Interpreted::replaced(
            None,
            "is not a host name or IP address (set the port in the proxyPort property); no proxy is used",
        ),
    }
}

/// Splits `http.nonProxyHosts` on `|`; items are trimmed, lowercased (the JDK matches without
/// case), and empty ones dropped.
pub(crate) fn host_patterns(raw: &str) -> Vec<String> {
    raw.split('|')
        .map(java_trim)
        .filter(|item| !item.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_names_or_addresses() {
        for (raw, host) in [
            (" proxy.example ", "proxy.example"),
            ("10.0.0.1", "10.0.0.1"),
            ("::1", "::1"),
            ("[::1]", "[::1]"),
        ] {
            assert_eq!(
                proxy_host(raw),
                Interpreted::ok(Some(host.to_owned())),
                "{raw}"
            );
        }
        assert_eq!(proxy_host(" "), Interpreted::ok(None));
        for raw in ["proxy:3128", "http://proxy", "a b", "user@proxy", "[::1"] {
            let got = proxy_host(raw);
            assert_eq!(got.value, None, "{raw}");
            assert!(
                got.problem.is_some_and(|p| p.contains("proxyPort")),
                "{raw}"
            );
        }
    }

    #[test]
    fn patterns_are_split_trimmed_and_lowercased() {
        assert_eq!(
            host_patterns(" *.Example.com |10.*||localhost "),
            vec!["*.example.com", "10.*", "localhost"]
        );
        assert!(host_patterns("").is_empty());
    }
}
