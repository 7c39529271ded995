//! The table of known properties: key, one-line description and default, in a stable order.

/// A property staplekit knows. [`Property::ALL`] lists them in the order used everywhere
/// (listings, documentation tables).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Property {
    /// `jdk.tls.server.enableStatusRequestExtension`
    ServerEnabled,
    /// `jdk.tls.client.enableStatusRequestExtension`
    ClientEnabled,
    /// `jdk.tls.stapling.responseTimeout`
    ResponseTimeout,
    /// `jdk.tls.stapling.cacheSize`
    CacheSize,
    /// `jdk.tls.stapling.cacheLifetime`
    CacheLifetime,
    /// `jdk.tls.stapling.responderURI`
    ResponderUri,
    /// `jdk.tls.stapling.responderOverride`
    ResponderOverride,
    /// `jdk.tls.stapling.ignoreExtensions`
    IgnoreExtensions,
    /// `com.sun.security.ocsp.timeout`
    OcspConnectTimeout,
    /// `com.sun.security.ocsp.readtimeout`
    OcspReadTimeout,
    /// `com.sun.security.ocsp.useget`
    OcspUseGet,
    /// `jdk.tls.server.disableExtensions`
    DisabledExtensions,
    /// `staplekit.stapling.issuers`
    IssuersFile,
    /// `staplekit.stapling.fetchThreads`
    FetchThreads,
    /// `staplekit.stapling.maxResponseBytes`
    MaxResponseBytes,
    /// `staplekit.stapling.clockSkew`
    ClockSkew,
    /// `staplekit.stapling.refreshRatio`
    RefreshRatio,
    /// `staplekit.stapling.retryDelay`
    RetryDelay,
    /// `staplekit.stapling.retryMaxDelay`
    RetryMaxDelay,
    /// `staplekit.stapling.refreshConcurrency`
    RefreshConcurrency,
    /// `staplekit.stapling.cacheDir`
    CacheDir,
    /// `staplekit.stapling.responseFile`
    ResponseFiles,
}

impl Property {
    /// Every known property, in the stable listing order.
    pub const ALL: [Property; 22] = [
        Property::ServerEnabled,
        Property::ClientEnabled,
        Property::ResponseTimeout,
        Property::CacheSize,
        Property::CacheLifetime,
        Property::ResponderUri,
        Property::ResponderOverride,
        Property::IgnoreExtensions,
        Property::OcspConnectTimeout,
        Property::OcspReadTimeout,
        Property::OcspUseGet,
        Property::DisabledExtensions,
        Property::IssuersFile,
        Property::FetchThreads,
        Property::MaxResponseBytes,
        Property::ClockSkew,
        Property::RefreshRatio,
        Property::RetryDelay,
        Property::RetryMaxDelay,
        Property::RefreshConcurrency,
        Property::CacheDir,
        Property::ResponseFiles,
    ];

    /// The property's name, exactly as the JDK (or staplekit) spells it.
    pub const fn key(self) -> &'static str {
        match self {
            Property::ServerEnabled => "jdk.tls.server.enableStatusRequestExtension",
            Property::ClientEnabled => "jdk.tls.client.enableStatusRequestExtension",
            Property::ResponseTimeout => "jdk.tls.stapling.responseTimeout",
            Property::CacheSize => "jdk.tls.stapling.cacheSize",
            Property::CacheLifetime => "jdk.tls.stapling.cacheLifetime",
            Property::ResponderUri => "jdk.tls.stapling.responderURI",
            Property::ResponderOverride => "jdk.tls.stapling.responderOverride",
            Property::IgnoreExtensions => "jdk.tls.stapling.ignoreExtensions",
            Property::OcspConnectTimeout => "com.sun.security.ocsp.timeout",
            Property::OcspReadTimeout => "com.sun.security.ocsp.readtimeout",
            Property::OcspUseGet => "com.sun.security.ocsp.useget",
            Property::DisabledExtensions => "jdk.tls.server.disableExtensions",
            Property::IssuersFile => "staplekit.stapling.issuers",
            Property::FetchThreads => "staplekit.stapling.fetchThreads",
            Property::MaxResponseBytes => "staplekit.stapling.maxResponseBytes",
            Property::ClockSkew => "staplekit.stapling.clockSkew",
            Property::RefreshRatio => "staplekit.stapling.refreshRatio",
            Property::RetryDelay => "staplekit.stapling.retryDelay",
            Property::RetryMaxDelay => "staplekit.stapling.retryMaxDelay",
            Property::RefreshConcurrency => "staplekit.stapling.refreshConcurrency",
            Property::CacheDir => "staplekit.stapling.cacheDir",
            Property::ResponseFiles => "staplekit.stapling.responseFile",
        }
    }

    /// The default, rendered the way a listing of the effective configuration renders values
    /// (an empty string means "not set").
    pub const fn default_text(self) -> &'static str {
        match self {
            Property::ServerEnabled => "true",
            Property::ClientEnabled => "true",
            Property::ResponseTimeout => "5000",
            Property::CacheSize => "256",
            Property::CacheLifetime => "3600",
            Property::ResponderUri => "",
            Property::ResponderOverride => "false",
            Property::IgnoreExtensions => "false",
            Property::OcspConnectTimeout => "15s",
            Property::OcspReadTimeout => "15s",
            Property::OcspUseGet => "true",
            Property::DisabledExtensions => "",
            Property::IssuersFile => "",
            Property::FetchThreads => "8",
            Property::MaxResponseBytes => "65536",
            Property::ClockSkew => "300",
            Property::RefreshRatio => "0.5",
            Property::RetryDelay => "10000",
            Property::RetryMaxDelay => "600000",
            Property::RefreshConcurrency => "4",
            Property::CacheDir => "",
            Property::ResponseFiles => "",
        }
    }

    /// One line saying what the property does, its unit and the meaning of its edge values.
    pub const fn description(self) -> &'static str {
        match self {
            Property::ServerEnabled => {
                "Server staples OCSP responses (true/false only; staplekit defaults to true, the JDK to false)"
            }
            Property::ClientEnabled => {
                "Client asks for stapled OCSP responses (true/false only)"
            }
            Property::ResponseTimeout => {
                "Milliseconds a handshake waits for all OCSP fetches; 0 = staple cache hits only"
            }
            Property::CacheSize => "Maximum cached OCSP responses; 0 or less = unbounded",
            Property::CacheLifetime => {
                "Seconds a cached response lives at most; 0 or less = no limit, and responses without nextUpdate are not cached"
            }
            Property::ResponderUri => {
                "Default OCSP responder (absolute http/https URL), used when a certificate names none"
            }
            Property::ResponderOverride => {
                "Use responderURI even when the certificate names an OCSP responder"
            }
            Property::IgnoreExtensions => {
                "Do not forward the client's OCSP request extensions (e.g. nonce) to the responder"
            }
            Property::OcspConnectTimeout => {
                "OCSP connect timeout per fetch: number with suffix ms or s, bare number = seconds"
            }
            Property::OcspReadTimeout => {
                "OCSP read timeout per fetch: number with suffix ms or s, bare number = seconds"
            }
            Property::OcspUseGet => {
                "Use HTTP GET for OCSP requests whose URL is at most 255 characters, else POST"
            }
            Property::DisabledExtensions => {
                "Comma-separated TLS extensions the server does not use (status_request, status_request_v2)"
            }
            Property::IssuersFile => {
                "PEM file of issuer certificates the chain sent does not contain (relative to the properties file)"
            }
            Property::FetchThreads => "Threads fetching OCSP responses (1 to 256)",
            Property::MaxResponseBytes => {
                "Largest OCSP response accepted from a responder, in bytes (1 to 16777216)"
            }
            Property::ClockSkew => {
                "Seconds of clock difference tolerated for thisUpdate and a delegated signer's validity; nextUpdate is strict (0 to 86400)"
            }
            Property::RefreshRatio => {
                "Share of a response's validity after which the background refresher renews it: a decimal above 0, at most 1 (e.g. 0.5; 1 = at expiry)"
            }
            Property::RetryDelay => {
                "Milliseconds before the first retry of a failed background fetch, doubled after each further failure up to retryMaxDelay (1 to 86400000)"
            }
            Property::RetryMaxDelay => {
                "Longest wait between retries of a failed background fetch, in milliseconds (1 to 86400000; raised to retryDelay if below it)"
            }
            Property::RefreshConcurrency => {
                "Most background OCSP fetches in flight at once (1 to 256)"
            }
            Property::CacheDir => {
                "Directory keeping verified responses of registered chains across restarts (relative to the properties file); unset = none kept"
            }
            Property::ResponseFiles => {
                "Comma-separated DER OCSP response files from the operator (e.g. openssl ocsp -respout), matched to certificates by CertID (relative to the properties file)"
            }
        }
    }

    /// The property whose key is exactly `key` (keys are case-sensitive, as in Java).
    pub fn from_key(key: &str) -> Option<Property> {
        Property::ALL.into_iter().find(|p| p.key() == key)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn keys_are_unique_and_found_again() {
        let keys: HashSet<_> = Property::ALL.iter().map(|p| p.key()).collect();
        assert_eq!(keys.len(), Property::ALL.len());
        for p in Property::ALL {
            assert_eq!(Property::from_key(p.key()), Some(p));
        }
    }

    #[test]
    fn lookup_is_case_sensitive_like_java() {
        assert_eq!(Property::from_key("jdk.tls.stapling.cachesize"), None);
        assert_eq!(Property::from_key("jdk.tls.stapling.cacheSize "), None);
        assert_eq!(
            Property::from_key("jdk.tls.stapling.cacheSize"),
            Some(Property::CacheSize)
        );
    }

    #[test]
    fn every_property_is_described() {
        for p in Property::ALL {
            assert!(!p.description().is_empty(), "{}", p.key());
        }
    }
}
