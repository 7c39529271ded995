//! What the effective stapling configuration says beyond its fields. [`StaplingConfig`] itself,
//! its fields and its `Default`, is generated from the table in `properties.rs`.

use crate::config::properties::StaplingConfig;

/// The TLS extension name that disables `status_request` in `jdk.tls.server.disableExtensions`.
const STATUS_REQUEST: &str = "status_request";
/// The TLS extension name that disables `status_request_v2` in `jdk.tls.server.disableExtensions`.
const STATUS_REQUEST_V2: &str = "status_request_v2";

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

#[cfg(test)]
mod tests {
    use std::time::Duration;

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
