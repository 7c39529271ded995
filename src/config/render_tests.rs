//! Rendering effective values as text for listings: `StaplingConfig::value_text`, generated from
//! the property table, must give each property's own syntax back.

use std::path::PathBuf;
use std::time::Duration;

use crate::config::{Property, RefreshRatio, StaplingConfig};

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
