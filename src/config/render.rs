//! Rendering effective values as text, for listings of the configuration.

use crate::config::property::Property;
use crate::config::stapling_config::StaplingConfig;
use crate::config::values::ocsp_timeout::render_timeout;

impl StaplingConfig {
    /// The effective value of `property`, in the syntax the property accepts, so that a listing
    /// can be pasted back into a properties file. Unset optional values render as an empty string.
    pub fn value_text(&self, property: Property) -> String {
        match property {
            Property::ServerEnabled => self.server_enabled.to_string(),
            Property::ClientEnabled => self.client_enabled.to_string(),
            Property::ResponseTimeout => self.response_timeout.as_millis().to_string(),
            Property::CacheSize => self.cache_size.to_string(),
            Property::CacheLifetime => self.cache_lifetime.as_secs().to_string(),
            Property::ResponderUri => self
                .responder_uri
                .as_ref()
                .map_or_else(String::new, |u| u.as_str().to_owned()),
            Property::ResponderOverride => self.responder_override.to_string(),
            Property::IgnoreExtensions => self.ignore_extensions.to_string(),
            Property::OcspConnectTimeout => render_timeout(self.ocsp_connect_timeout),
            Property::OcspReadTimeout => render_timeout(self.ocsp_read_timeout),
            Property::OcspUseGet => self.ocsp_use_get.to_string(),
            Property::DisabledExtensions => self.disabled_extensions.join(","),
            Property::IssuersFile => self
                .issuers_file
                .as_ref()
                .map_or_else(String::new, |p| p.display().to_string()),
            Property::FetchThreads => self.fetch_threads.to_string(),
            Property::MaxResponseBytes => self.max_response_bytes.to_string(),
            Property::ClockSkew => self.clock_skew.as_secs().to_string(),
            Property::RefreshRatio => self.refresh_ratio.to_string(),
            Property::RetryDelay => self.retry_delay.as_millis().to_string(),
            Property::RetryMaxDelay => self.retry_max_delay.as_millis().to_string(),
            Property::RefreshConcurrency => self.refresh_concurrency.to_string(),
            Property::CacheDir => self
                .cache_dir
                .as_ref()
                .map_or_else(String::new, |p| p.display().to_string()),
            // A path containing a comma renders ambiguously; such names are not worth escaping.
            Property::ResponseFiles => self
                .response_files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use super::*;
    use crate::config::RefreshRatio;

    #[test]
    fn the_documented_defaults_are_the_real_defaults() {
        let c = StaplingConfig::default();
        for p in Property::ALL {
            assert_eq!(c.value_text(p), p.default_text(), "{}", p.key());
        }
    }

    #[test]
    fn set_values_render_in_property_syntax() {
        let c = StaplingConfig {
            response_timeout: Duration::ZERO,
            cache_size: 0,
            responder_uri: url::Url::parse("http://127.0.0.1:9/ocsp").ok(),
            ocsp_read_timeout: Duration::from_millis(2500),
            disabled_extensions: vec!["status_request".into(), "server_name".into()],
            issuers_file: Some(PathBuf::from("/etc/issuers.pem")),
            refresh_ratio: RefreshRatio::from_parts_per_million(750_000)
                .expect("0.75 is a valid ratio"),
            retry_delay: Duration::from_millis(1500),
            retry_max_delay: Duration::from_secs(86400),
            refresh_concurrency: 1,
            cache_dir: Some(PathBuf::from("/var/lib/staplekit")),
            response_files: vec![PathBuf::from("/etc/a.der"), PathBuf::from("/etc/b.der")],
            ..StaplingConfig::default()
        };
        assert_eq!(c.value_text(Property::ResponseTimeout), "0");
        assert_eq!(c.value_text(Property::CacheSize), "0");
        assert_eq!(
            c.value_text(Property::ResponderUri),
            "http://127.0.0.1:9/ocsp"
        );
        assert_eq!(c.value_text(Property::OcspReadTimeout), "2500ms");
        assert_eq!(
            c.value_text(Property::DisabledExtensions),
            "status_request,server_name"
        );
        assert_eq!(c.value_text(Property::IssuersFile), "/etc/issuers.pem");
        assert_eq!(c.value_text(Property::RefreshRatio), "0.75");
        assert_eq!(c.value_text(Property::RetryDelay), "1500");
        assert_eq!(c.value_text(Property::RetryMaxDelay), "86400000");
        assert_eq!(c.value_text(Property::RefreshConcurrency), "1");
        assert_eq!(c.value_text(Property::CacheDir), "/var/lib/staplekit");
        assert_eq!(
            c.value_text(Property::ResponseFiles),
            "/etc/a.der,/etc/b.der"
        );
    }
}
