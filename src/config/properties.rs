//! The table of every property: one row each, in listing order.
//!
//! Adding a property is adding a row here (and the same row to the README's Properties table,
//! which a test compares with this one); the key, default, accepted range, description, parsing,
//! rendering, the [`StaplingConfig`] field and the `config` listing all come from the row. The row
//! format is described in `properties_macro.rs`; a new kind of value needs a [`Syntax`] in
//! `syntax.rs`.

use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::config::error::ConfigError;
use crate::config::loader::Resolver;
use crate::config::properties_macro::properties;
use crate::config::refresh_ratio::RefreshRatio;
use crate::config::secret::Secret;
use crate::config::shared_store_url::SharedStoreUrl;
use crate::config::syntax::{
    Bounded, CacheLifetime, CacheSize, Count, ExtensionList, Flag, HostPatterns, Millis,
    OcspTimeout, Port, ProxyHost, Ratio, RelativePath, RelativePathList, ResponderUrl,
    ResponseTimeout, Seconds, SecretText, SharedStoreAddress, Syntax,
};

properties! {
    /// the server staples. Defaults to **true**, unlike the JDK (false): staplekit exists to
    /// staple, so it staples unless told not to.
    server_enabled: bool {
        property: ServerEnabled,
        key: "jdk.tls.server.enableStatusRequestExtension",
        default: SERVER_ENABLED = true,
        syntax: Flag::Strict,
        about: "Server staples OCSP responses (true/false only; staplekit defaults to true, the JDK to false)",
    }

    /// a client asks for staples. Default true.
    client_enabled: bool {
        property: ClientEnabled,
        key: "jdk.tls.client.enableStatusRequestExtension",
        default: CLIENT_ENABLED = true,
        syntax: Flag::Strict,
        about: "Client asks for stapled OCSP responses (true/false only)",
    }

    /// how long a handshake waits for all its OCSP fetches together. Default 5000 ms. Zero is
    /// valid: only responses already cached are stapled.
    response_timeout: Duration {
        property: ResponseTimeout,
        key: "jdk.tls.stapling.responseTimeout",
        default: RESPONSE_TIMEOUT = Duration::from_millis(5000),
        syntax: ResponseTimeout,
        about: "Milliseconds a handshake waits for all its OCSP fetches; 0 = staple cache hits only; negative or unparseable = the default",
    }

    /// maximum cached responses. Default 256. **0 means unbounded.**
    cache_size: usize {
        property: CacheSize,
        key: "jdk.tls.stapling.cacheSize",
        default: CACHE_SIZE = 256,
        syntax: CacheSize,
        about: "Maximum cached OCSP responses; 0 or less = unbounded; unparseable = the default",
    }

    /// the longest a response stays cached (it also leaves at its nextUpdate). Default 3600 s.
    /// **Zero means no time limit, and then responses without a nextUpdate are not cached at
    /// all.**
    cache_lifetime: Duration {
        property: CacheLifetime,
        key: "jdk.tls.stapling.cacheLifetime",
        default: CACHE_LIFETIME = Duration::from_secs(3600),
        syntax: CacheLifetime,
        about: "Seconds a cached response lives at most; 0 or less = no limit, and responses without nextUpdate are not cached",
    }

    /// the default responder, an absolute http/https URL. Used when a certificate names no OCSP
    /// responder, or always with `responder_override`.
    responder_uri: Option<Url> {
        property: ResponderUri,
        key: "jdk.tls.stapling.responderURI",
        default: RESPONDER_URI = None,
        syntax: ResponderUrl,
        about: "Default OCSP responder (absolute http/https URL), used when a certificate names none; empty or invalid = none",
    }

    /// use `responder_uri` even for certificates that name their own responder. Default false.
    responder_override: bool {
        property: ResponderOverride,
        key: "jdk.tls.stapling.responderOverride",
        default: RESPONDER_OVERRIDE = false,
        syntax: Flag::TrueOnly,
        about: "Use responderURI even when the certificate names an OCSP responder",
    }

    /// do not forward the client's OCSP request extensions (such as a nonce) to the responder.
    /// Default false.
    ignore_extensions: bool {
        property: IgnoreExtensions,
        key: "jdk.tls.stapling.ignoreExtensions",
        default: IGNORE_EXTENSIONS = false,
        syntax: Flag::TrueOnly,
        about: "Do not forward the client's OCSP request extensions (e.g. nonce) to the responder; then the cache is used for them too",
    }

    /// connect timeout of one OCSP fetch. Default 15 s. Zero means no limit for this phase, as
    /// for Java's `URLConnection`.
    ocsp_connect_timeout: Duration {
        property: OcspConnectTimeout,
        key: "com.sun.security.ocsp.timeout",
        default: OCSP_CONNECT_TIMEOUT = Duration::from_secs(15),
        syntax: OcspTimeout,
        about: "OCSP connect timeout per fetch: number with suffix ms or s, bare number = seconds; 0 = no limit",
    }

    /// read timeout of one OCSP fetch. Default 15 s. Zero means no limit for this phase, as for
    /// Java's `URLConnection`.
    ocsp_read_timeout: Duration {
        property: OcspReadTimeout,
        key: "com.sun.security.ocsp.readtimeout",
        default: OCSP_READ_TIMEOUT = Duration::from_secs(15),
        syntax: OcspTimeout,
        about: "OCSP read timeout per fetch: number with suffix ms or s, bare number = seconds; 0 = no limit",
    }

    /// send requests whose URL is at most 255 characters with HTTP GET (else POST). Default
    /// true.
    ocsp_use_get: bool {
        property: OcspUseGet,
        key: "com.sun.security.ocsp.useget",
        default: OCSP_USE_GET = true,
        syntax: Flag::OrDefault,
        about: "Use HTTP GET for OCSP requests whose URL is at most 255 characters, else POST",
    }

    /// the proxy for `http` responders, as the JDK's networking property says. Default none:
    /// direct. Environment variables (`HTTP_PROXY` and the like) are never used.
    http_proxy_host: Option<String> {
        property: HttpProxyHost,
        key: "http.proxyHost",
        default: HTTP_PROXY_HOST = None,
        syntax: ProxyHost,
        about: "Proxy for http OCSP responders (host name or IP address); none = direct; HTTP_PROXY and other environment variables are ignored",
    }

    /// the port of `http_proxy_host`. Default 80, as in the JDK.
    http_proxy_port: u16 {
        property: HttpProxyPort,
        key: "http.proxyPort",
        default: HTTP_PROXY_PORT = 80,
        syntax: Bounded { unit: Port, range: 1..=65535 },
        about: "Port of http.proxyHost (1 to 65535)",
    }

    /// lowercase patterns of hosts reached without a proxy, for `http` and `https` alike (the
    /// JDK's https uses this property too). The JDK's own `localhost|127.*|[::1]|0.0.0.0|[::0]`
    /// are always direct as well. Default none.
    http_non_proxy_hosts: Vec<String> {
        property: HttpNonProxyHosts,
        key: "http.nonProxyHosts",
        default: HTTP_NON_PROXY_HOSTS = Vec::new(),
        syntax: HostPatterns,
        about: "Hosts reached without a proxy, for http and https: patterns separated by a vertical bar, each with * allowed at either end (e.g. *.example.com); localhost, 127.*, [::1], 0.0.0.0 and [::0] always are",
    }

    /// the proxy for `https` responders (a CONNECT tunnel), as the JDK's networking property
    /// says. Default none: direct.
    https_proxy_host: Option<String> {
        property: HttpsProxyHost,
        key: "https.proxyHost",
        default: HTTPS_PROXY_HOST = None,
        syntax: ProxyHost,
        about: "Proxy for https OCSP responders (host name or IP address), tunnelled with CONNECT; none = direct; HTTPS_PROXY and other environment variables are ignored",
    }

    /// the port of `https_proxy_host`. Default 443, as in the JDK.
    https_proxy_port: u16 {
        property: HttpsProxyPort,
        key: "https.proxyPort",
        default: HTTPS_PROXY_PORT = 443,
        syntax: Bounded { unit: Port, range: 1..=65535 },
        about: "Port of https.proxyHost (1 to 65535)",
    }

    /// TLS extension names the server does not use, trimmed, case as written. Default empty.
    disabled_extensions: Vec<String> {
        property: DisabledExtensions,
        key: "jdk.tls.server.disableExtensions",
        default: DISABLED_EXTENSIONS = Vec::new(),
        syntax: ExtensionList,
        about: "Comma-separated TLS extensions the server does not use (status_request, status_request_v2 turn those off)",
    }

    /// an absolute path to a PEM file of issuer certificates that the chain sent does not
    /// contain. Not read here.
    issuers_file: Option<PathBuf> {
        property: IssuersFile,
        key: "staplekit.stapling.issuers",
        default: ISSUERS_FILE = None,
        syntax: RelativePath,
        about: "PEM file of issuer certificates the chain sent does not contain (relative to the properties file)",
    }

    /// threads fetching OCSP responses, 1 to 256. Default 8, the size of the JDK's fetch pool.
    fetch_threads: usize {
        property: FetchThreads,
        key: "staplekit.stapling.fetchThreads",
        default: FETCH_THREADS = 8,
        syntax: Bounded { unit: Count, range: 1..=256 },
        about: "Threads fetching OCSP responses (1 to 256)",
    }

    /// the largest OCSP response body accepted, 1 byte to 16 MiB. Default 65536.
    max_response_bytes: usize {
        property: MaxResponseBytes,
        key: "staplekit.stapling.maxResponseBytes",
        default: MAX_RESPONSE_BYTES = 65536,
        syntax: Bounded { unit: Count, range: 1..=16 * 1024 * 1024 },
        about: "Largest OCSP response accepted from a responder, in bytes (1 to 16777216)",
    }

    /// clock difference tolerated when judging a response's thisUpdate and nextUpdate, 0 to
    /// 86400 s. Default 300 s.
    clock_skew: Duration {
        property: ClockSkew,
        key: "staplekit.stapling.clockSkew",
        default: CLOCK_SKEW = Duration::from_secs(300),
        syntax: Bounded { unit: Seconds, range: 0..=86400 },
        about: "Seconds of clock difference tolerated for thisUpdate and a delegated signer's validity; nextUpdate is strict (0 to 86400)",
    }

    /// the share of a response's validity after which the background refresher renews it, above
    /// 0 and at most 1. Default 0.5.
    refresh_ratio: RefreshRatio {
        property: RefreshRatio,
        key: "staplekit.stapling.refreshRatio",
        default: REFRESH_RATIO = RefreshRatio::HALF,
        syntax: Ratio,
        about: "Share of a response's validity after which the background refresher renews it: a decimal above 0, at most 1 (e.g. 0.5; 1 = at expiry)",
    }

    /// the wait before the first retry after a failed background fetch; it doubles after each
    /// further failure up to `retry_max_delay`. 1 ms to 1 day. Default 10 s.
    retry_delay: Duration {
        property: RetryDelay,
        key: "staplekit.stapling.retryDelay",
        default: RETRY_DELAY = Duration::from_millis(10_000),
        syntax: Bounded { unit: Millis, range: 1..=86_400_000 },
        about: "Milliseconds before the first retry of a failed background fetch, doubled after each further failure up to retryMaxDelay (1 to 86400000)",
    }

    /// the cap of the retry backoff, 1 ms to 1 day, and never below `retry_delay` (the loader
    /// raises it and warns). Default 600 s.
    retry_max_delay: Duration {
        property: RetryMaxDelay,
        key: "staplekit.stapling.retryMaxDelay",
        default: RETRY_MAX_DELAY = Duration::from_millis(600_000),
        syntax: Bounded { unit: Millis, range: 1..=86_400_000 },
        about: "Longest wait between retries of a failed background fetch, in milliseconds (1 to 86400000; raised to retryDelay if below it)",
        then: Resolver::raise_retry_max_delay,
    }

    /// the most background fetches in flight at once, 1 to 256. Default 4.
    refresh_concurrency: usize {
        property: RefreshConcurrency,
        key: "staplekit.stapling.refreshConcurrency",
        default: REFRESH_CONCURRENCY = 4,
        syntax: Bounded { unit: Count, range: 1..=256 },
        about: "Most background OCSP fetches in flight at once (1 to 256)",
    }

    /// client-driven fetches (a nonce in the status request, which the JDK never answers from a
    /// cache) allowed per certificate per minute, 0 to 100000: a bucket of this many per
    /// certificate, refilled at this rate. Besides, at most 2 such fetches per certificate and
    /// `fetch_threads` in all are in flight at once. Default 60. 0: nonce requests get no
    /// staple.
    nonce_fetches_per_minute: usize {
        property: NonceFetchesPerMinute,
        key: "staplekit.stapling.nonceFetchesPerMinute",
        default: NONCE_FETCHES_PER_MINUTE = 60,
        syntax: Bounded { unit: Count, range: 0..=100000 },
        about: "OCSP fetches per certificate per minute that clients may cause with a nonce in their status request (0 to 100000; at most 2 per certificate and fetchThreads in all at once; over budget = no staple, no wait)",
    }

    /// an absolute path to a directory where verified responses of registered chains are kept
    /// across restarts. Default none. Not created or read here.
    cache_dir: Option<PathBuf> {
        property: CacheDir,
        key: "staplekit.stapling.cacheDir",
        default: CACHE_DIR = None,
        syntax: RelativePath,
        about: "Directory keeping verified responses of registered chains across restarts (relative to the properties file); unset = none kept",
    }

    /// absolute paths of operator-provided DER OCSP responses (as `openssl ocsp -respout` writes
    /// them), each matched to a registered certificate by its CertID. Default empty. Not read
    /// here.
    response_files: Vec<PathBuf> {
        property: ResponseFiles,
        key: "staplekit.stapling.responseFile",
        default: RESPONSE_FILES = Vec::new(),
        syntax: RelativePathList,
        about: "Comma-separated DER OCSP response files from the operator (e.g. openssl ocsp -respout), matched to certificates by CertID (relative to the properties file)",
    }
    /// absolute paths of key stores (PKCS#12 or JKS, told apart by their content) whose chains
    /// the Java agent and `staplekit responder` register, besides the ones they are given
    /// otherwise (`javax.net.ssl.keyStore`, command-line paths). Default empty. Not read here.
    key_stores: Vec<PathBuf> {
        property: KeyStores,
        key: "staplekit.stapling.keyStores",
        default: KEY_STORES = Vec::new(),
        syntax: RelativePathList,
        about: "Comma-separated PKCS#12 or JKS key stores whose chains the Java agent and staplekit responder register (relative to the properties file)",
    }

    /// the password of the key stores in `key_stores` and of those given to `staplekit
    /// responder`. Default none (a JKS store is then read without checking its integrity; a
    /// PKCS#12 store with an empty password). Never shown in listings.
    key_store_password: Option<Secret> {
        property: KeyStorePassword,
        key: "staplekit.stapling.keyStorePassword",
        default: KEY_STORE_PASSWORD = None,
        syntax: SecretText,
        about: "Password of the key stores in staplekit.stapling.keyStores and of those given to staplekit responder; listed as (hidden)",
    }

    /// a Redis server the servers of a fleet share verified responses and fetch leases through
    /// (`redis://[user:password@]host:port[/db]`, `rediss://` for TLS). Default none. Not
    /// connected to here.
    shared_store: Option<SharedStoreUrl> {
        property: SharedStore,
        key: "staplekit.stapling.sharedStore",
        default: SHARED_STORE = None,
        syntax: SharedStoreAddress,
        about: "Redis URL (redis://[user:password@]host:port[/db], rediss:// for TLS) through which the servers of a fleet share verified responses and fetch each one once; password listed as (hidden); unset = each server alone",
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{ConfigLoader, Property, StaplingConfig};

    #[test]
    fn every_default_reads_back_as_itself_without_a_warning() {
        // Also shows every bounded default lies in its range, which `syntax::Unit::steps` relies on.
        let loaded = ConfigLoader::new()
            .set_all(Property::ALL.map(|p| (p.key(), p.default_text())))
            .load()
            .expect("the defaults load");
        let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(loaded.config, StaplingConfig::default());
    }

    #[test]
    fn descriptions_state_the_accepted_range() {
        for p in Property::ALL {
            if let Some(range) = p.accepted_range() {
                let text = format!("{} to {}", range.start(), range.end());
                assert!(p.description().contains(&text), "{}: {text}", p.key());
            }
        }
    }
}
