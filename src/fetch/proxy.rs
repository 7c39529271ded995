//! Which proxy an OCSP request goes through, as the JDK's networking properties say
//! (`http.proxyHost`, `http.proxyPort`, `https.proxyHost`, `https.proxyPort`, `http.nonProxyHosts`,
//! read like `sun.net.spi.DefaultProxySelector`). Environment variables play no part.

use url::Url;

use crate::config::StaplingConfig;

/// The hosts the JDK never proxies, whatever `http.nonProxyHosts` adds (its `[::0]` is written
/// `[::]` here, as the url crate writes that address).
const ALWAYS_DIRECT: [&str; 5] = ["localhost", "127.*", "[::1]", "0.0.0.0", "[::]"];

/// A proxy's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyAddress {
    /// Host name or IP address (an IPv6 address with or without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
}

/// The proxies OCSP requests go through; the default is none (every request direct).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    /// `http.proxyHost` and `http.proxyPort`: the proxy for `http` responders.
    pub http: Option<ProxyAddress>,
    /// `https.proxyHost` and `https.proxyPort`: the proxy for `https` responders (a CONNECT
    /// tunnel; TLS stays end to end).
    pub https: Option<ProxyAddress>,
    /// `http.nonProxyHosts`: lowercase patterns of hosts reached directly, for `http` and `https`
    /// alike (as in the JDK), each a name with an optional `*` at either end. The JDK's
    /// `localhost`, `127.*`, `[::1]`, `0.0.0.0` and `[::0]` are always direct too.
    pub non_proxy_hosts: Vec<String>,
}

impl ProxySettings {
    /// The proxies the configuration names.
    pub(crate) fn from_config(config: &StaplingConfig) -> Self {
        let address = |host: &Option<String>, port: u16| {
            host.as_ref().map(|host| ProxyAddress {
                host: host.clone(),
                port,
            })
        };
        ProxySettings {
            http: address(&config.http_proxy_host, config.http_proxy_port),
            https: address(&config.https_proxy_host, config.https_proxy_port),
            non_proxy_hosts: config.http_non_proxy_hosts.clone(),
        }
    }

    /// Whether any request may go through a proxy.
    pub fn is_configured(&self) -> bool {
        self.http.is_some() || self.https.is_some()
    }

    /// The proxy (as an `http://host:port` URL) a request to `target` goes through, or `None`
    /// for a direct connection.
    pub fn proxy_for(&self, target: &Url) -> Option<Url> {
        let proxy = match target.scheme() {
            "http" => self.http.as_ref()?,
            "https" => self.https.as_ref()?,
            _ => return None,
        };
        // The url crate lowercases names and writes IPv6 addresses in brackets, as the JDK's
        // patterns expect them.
        let host = target.host_str()?.to_ascii_lowercase();
        let direct = ALWAYS_DIRECT
            .iter()
            .copied()
            .chain(self.non_proxy_hosts.iter().map(String::as_str))
            .any(|pattern| host_matches(pattern, &host));
        if direct {
            return None;
        }
        let host = if proxy.host.contains(':') && !proxy.host.starts_with('[') {
            format!("[{}]", proxy.host)
        } else {
            proxy.host.clone()
        };
        match Url::parse(&format!("http://{host}:{}", proxy.port)) {
            Ok(url) => Some(url),
            Err(e) => {
                // The configuration checked the host; this is a last line, not an expected path.
                log::warn!(
                    "the proxy {host}:{} is not usable ({e}); connecting to {target} directly",
                    proxy.port
                );
                None
            }
        }
    }
}

/// One `http.nonProxyHosts` pattern against a lowercase host, as the JDK matches it: a `*` at the
/// start, the end or both stands for anything; elsewhere it is a plain character.
fn host_matches(pattern: &str, host: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(_), Some(_)) => host.contains(&pattern[1..pattern.len() - 1]),
        (Some(suffix), None) => host.ends_with(suffix),
        (None, Some(prefix)) => host.starts_with(prefix),
        (None, None) => host == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(non_proxy_hosts: &[&str]) -> ProxySettings {
        ProxySettings {
            http: Some(ProxyAddress {
                host: "proxy.example".into(),
                port: 3128,
            }),
            https: Some(ProxyAddress {
                host: "::1".into(),
                port: 8443,
            }),
            non_proxy_hosts: non_proxy_hosts.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn proxy(settings: &ProxySettings, target: &str) -> Option<String> {
        settings
            .proxy_for(&Url::parse(target).expect("target URL"))
            .map(String::from)
    }

    #[test]
    fn each_scheme_takes_its_own_proxy() {
        let s = settings(&[]);
        assert_eq!(
            proxy(&s, "http://ocsp.example.com/").as_deref(),
            Some("http://proxy.example:3128/")
        );
        assert_eq!(
            proxy(&s, "https://ocsp.example.com/").as_deref(),
            Some("http://[::1]:8443/")
        );
        let http_only = ProxySettings {
            https: None,
            ..settings(&[])
        };
        assert_eq!(proxy(&http_only, "https://ocsp.example.com/"), None);
        assert_eq!(
            proxy(&ProxySettings::default(), "http://ocsp.example.com/"),
            None
        );
    }

    #[test]
    fn non_proxy_hosts_go_direct_for_both_schemes() {
        let s = settings(&["*.internal", "10.*", "ocsp.example.com", "*mid*"]);
        for target in [
            "http://a.b.internal/",
            "https://a.internal/",
            "http://10.1.2.3/",
            "http://OCSP.Example.COM/",
            "http://xmidx.org/",
        ] {
            assert_eq!(proxy(&s, target), None, "{target}");
        }
        for target in [
            "http://internal.org/",
            "http://110.1.2.3/",
            "http://ocsp.example.com.evil/",
        ] {
            assert!(proxy(&s, target).is_some(), "{target}");
        }
    }

    #[test]
    fn the_jdk_defaults_always_go_direct() {
        let s = settings(&["*.internal"]);
        for target in [
            "http://localhost:8080/",
            "http://127.0.0.1/",
            "http://127.1.2.3/",
            "http://[::1]/",
            "http://0.0.0.0/",
            "http://[::0]/",
        ] {
            assert_eq!(proxy(&s, target), None, "{target}");
        }
    }

    #[test]
    fn a_star_inside_a_pattern_is_a_plain_character() {
        assert!(!host_matches("a*b", "axb"));
        assert!(host_matches("a*b", "a*b"));
        assert!(host_matches("*", "anything"));
    }
}
