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
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use super::*;

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
    }
}
