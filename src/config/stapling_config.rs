//! The effective stapling configuration, typed.

use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::config::defaults;
use crate::config::refresh_ratio::RefreshRatio;

/// The TLS extension name that disables `status_request` in `jdk.tls.server.disableExtensions`.
const STATUS_REQUEST: &str = "status_request";
/// The TLS extension name that disables `status_request_v2` in `jdk.tls.server.disableExtensions`.
const STATUS_REQUEST_V2: &str = "status_request_v2";

/// Every stapling setting, with the JDK's types and edge-value meanings already applied.
/// `Default` gives the defaults of all properties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaplingConfig {
    /// `jdk.tls.server.enableStatusRequestExtension`: the server staples. Defaults to **true**,
    /// unlike the JDK (false): staplekit exists to staple, so it staples unless told not to.
    pub server_enabled: bool,
    /// `jdk.tls.client.enableStatusRequestExtension`: a client asks for staples. Default true.
    pub client_enabled: bool,
    /// `jdk.tls.stapling.responseTimeout`: how long a handshake waits for all its OCSP fetches
    /// together. Default 5000 ms. Zero is valid: only responses already cached are stapled.
    pub response_timeout: Duration,
    /// `jdk.tls.stapling.cacheSize`: maximum cached responses. Default 256. **0 means unbounded.**
    pub cache_size: usize,
    /// `jdk.tls.stapling.cacheLifetime`: the longest a response stays cached (it also leaves at
    /// its nextUpdate). Default 3600 s. **Zero means no time limit, and then responses without a
    /// nextUpdate are not cached at all.**
    pub cache_lifetime: Duration,
    /// `jdk.tls.stapling.responderURI`: the default responder, an absolute http/https URL.
    /// Used when a certificate names no OCSP responder, or always with `responder_override`.
    pub responder_uri: Option<Url>,
    /// `jdk.tls.stapling.responderOverride`: use `responder_uri` even for certificates that name
    /// their own responder. Default false.
    pub responder_override: bool,
    /// `jdk.tls.stapling.ignoreExtensions`: do not forward the client's OCSP request extensions
    /// (such as a nonce) to the responder. Default false.
    pub ignore_extensions: bool,
    /// `com.sun.security.ocsp.timeout`: connect timeout of one OCSP fetch. Default 15 s. Zero
    /// means no limit for this phase, as for Java's `URLConnection`.
    pub ocsp_connect_timeout: Duration,
    /// `com.sun.security.ocsp.readtimeout`: read timeout of one OCSP fetch. Default 15 s. Zero
    /// means no limit for this phase, as for Java's `URLConnection`.
    pub ocsp_read_timeout: Duration,
    /// `com.sun.security.ocsp.useget`: send requests whose URL is at most 255 characters with
    /// HTTP GET (else POST). Default true.
    pub ocsp_use_get: bool,
    /// `jdk.tls.server.disableExtensions`: TLS extension names the server does not use, trimmed,
    /// case as written. Default empty.
    pub disabled_extensions: Vec<String>,
    /// `staplekit.stapling.issuers`: an absolute path to a PEM file of issuer certificates that
    /// the chain sent does not contain. Not read here.
    pub issuers_file: Option<PathBuf>,
    /// `staplekit.stapling.fetchThreads`: threads fetching OCSP responses, 1 to 256. Default 8.
    pub fetch_threads: usize,
    /// `staplekit.stapling.maxResponseBytes`: the largest OCSP response body accepted, 1 byte to
    /// 16 MiB. Default 65536.
    pub max_response_bytes: usize,
    /// `staplekit.stapling.clockSkew`: clock difference tolerated when judging a response's
    /// thisUpdate and nextUpdate, 0 to 86400 s. Default 300 s.
    pub clock_skew: Duration,
    /// `staplekit.stapling.refreshRatio`: the share of a response's validity after which the
    /// background refresher renews it, above 0 and at most 1. Default 0.5.
    pub refresh_ratio: RefreshRatio,
    /// `staplekit.stapling.retryDelay`: the wait before the first retry after a failed background
    /// fetch; it doubles after each further failure up to `retry_max_delay`. 1 ms to 1 day.
    /// Default 10 s.
    pub retry_delay: Duration,
    /// `staplekit.stapling.retryMaxDelay`: the cap of the retry backoff, 1 ms to 1 day, and never
    /// below `retry_delay` (the loader raises it and warns). Default 600 s.
    pub retry_max_delay: Duration,
    /// `staplekit.stapling.refreshConcurrency`: the most background fetches in flight at once,
    /// 1 to 256. Default 4.
    pub refresh_concurrency: usize,
    /// `staplekit.stapling.cacheDir`: an absolute path to a directory where verified responses of
    /// registered chains are kept across restarts. Default none. Not created or read here.
    pub cache_dir: Option<PathBuf>,
    /// `staplekit.stapling.responseFile`: absolute paths of operator-provided DER OCSP responses
    /// (as `openssl ocsp -respout` writes them), each matched to a registered certificate by its
    /// CertID. Default empty. Not read here.
    pub response_files: Vec<PathBuf>,
}

impl StaplingConfig {
    /// Whether `jdk.tls.server.disableExtensions` names `status_request` (exact, case-sensitive
    /// match, as in the JDK).
    pub fn status_request_disabled(&self) -> bool {
        self.disabled_extensions.iter().any(|e| e == STATUS_REQUEST)
    }

    /// Whether `jdk.tls.server.disableExtensions` names `status_request_v2` (exact,
    /// case-sensitive match, as in the JDK).
    pub fn status_request_v2_disabled(&self) -> bool {
        self.disabled_extensions
            .iter()
            .any(|e| e == STATUS_REQUEST_V2)
    }
}

impl Default for StaplingConfig {
    fn default() -> Self {
        StaplingConfig {
            server_enabled: defaults::SERVER_ENABLED,
            client_enabled: defaults::CLIENT_ENABLED,
            response_timeout: defaults::RESPONSE_TIMEOUT,
            cache_size: defaults::CACHE_SIZE,
            cache_lifetime: defaults::CACHE_LIFETIME,
            responder_uri: None,
            responder_override: defaults::RESPONDER_OVERRIDE,
            ignore_extensions: defaults::IGNORE_EXTENSIONS,
            ocsp_connect_timeout: defaults::OCSP_CONNECT_TIMEOUT,
            ocsp_read_timeout: defaults::OCSP_READ_TIMEOUT,
            ocsp_use_get: defaults::OCSP_USE_GET,
            disabled_extensions: Vec::new(),
            issuers_file: None,
            fetch_threads: defaults::FETCH_THREADS as usize,
            max_response_bytes: defaults::MAX_RESPONSE_BYTES as usize,
            clock_skew: Duration::from_secs(u64::from(defaults::CLOCK_SKEW_SECS)),
            refresh_ratio: defaults::REFRESH_RATIO,
            retry_delay: Duration::from_millis(u64::from(defaults::RETRY_DELAY_MS)),
            retry_max_delay: Duration::from_millis(u64::from(defaults::RETRY_MAX_DELAY_MS)),
            refresh_concurrency: defaults::REFRESH_CONCURRENCY as usize,
            cache_dir: None,
            response_files: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = StaplingConfig::default();
        assert!(c.server_enabled);
        assert!(c.client_enabled);
        assert_eq!(c.response_timeout, Duration::from_millis(5000));
        assert_eq!(c.cache_size, 256);
        assert_eq!(c.cache_lifetime, Duration::from_secs(3600));
        assert_eq!(c.responder_uri, None);
        assert!(!c.responder_override);
        assert!(!c.ignore_extensions);
        assert_eq!(c.ocsp_connect_timeout, Duration::from_secs(15));
        assert_eq!(c.ocsp_read_timeout, Duration::from_secs(15));
        assert!(c.ocsp_use_get);
        assert!(c.disabled_extensions.is_empty());
        assert_eq!(c.issuers_file, None);
        assert_eq!(c.fetch_threads, 8);
        assert_eq!(c.max_response_bytes, 65536);
        assert_eq!(c.clock_skew, Duration::from_secs(300));
        assert_eq!(c.refresh_ratio.parts_per_million(), 500_000);
        assert_eq!(c.retry_delay, Duration::from_secs(10));
        assert_eq!(c.retry_max_delay, Duration::from_secs(600));
        assert_eq!(c.refresh_concurrency, 4);
        assert_eq!(c.cache_dir, None);
        assert!(c.response_files.is_empty());
        assert!(!c.status_request_disabled());
        assert!(!c.status_request_v2_disabled());
    }

    #[test]
    fn disabled_status_request_extensions() {
        let with = |names: &[&str]| StaplingConfig {
            disabled_extensions: names.iter().map(|s| s.to_string()).collect(),
            ..StaplingConfig::default()
        };
        let c = with(&["server_name", "status_request"]);
        assert!(c.status_request_disabled());
        assert!(!c.status_request_v2_disabled());
        let c = with(&["status_request_v2"]);
        assert!(!c.status_request_disabled());
        assert!(c.status_request_v2_disabled());
        let c = with(&["Status_Request", "status_request_v3"]);
        assert!(!c.status_request_disabled());
        assert!(!c.status_request_v2_disabled());
    }
}
