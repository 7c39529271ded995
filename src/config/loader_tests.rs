//! End-to-end tests of loading: real files, overrides, precedence, warnings and errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::{
    ConfigError, ConfigLoader, ConfigWarning, LoadedConfig, Property, StaplingConfig, ValueSource,
};

/// A properties file in its own temporary directory (kept alive by the returned guard).
pub(super) fn properties_file(content: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("java.security");
    let mut f = std::fs::File::create(&path).expect("create properties file");
    f.write_all(content.as_bytes())
        .expect("write properties file");
    (dir, path)
}

pub(super) fn load(loader: ConfigLoader) -> LoadedConfig {
    match loader.load() {
        Ok(loaded) => loaded,
        Err(e) => panic!("load failed: {e}"),
    }
}

pub(super) fn source_of(loaded: &LoadedConfig, property: Property) -> &ValueSource {
    let entry = loaded.entries.iter().find(|e| e.key == property.key());
    &entry.expect("every property has an entry").source
}

pub(super) fn warning_texts(loaded: &LoadedConfig) -> Vec<String> {
    loaded.warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn nothing_set_gives_defaults_from_default() {
    let loaded = load(ConfigLoader::new());
    assert_eq!(loaded.config, StaplingConfig::default());
    assert!(loaded.warnings.is_empty());
    let keys: Vec<_> = loaded.entries.iter().map(|e| e.key).collect();
    let expected: Vec<_> = Property::ALL.iter().map(|p| p.key()).collect();
    assert_eq!(keys, expected);
    for (entry, p) in loaded.entries.iter().zip(Property::ALL) {
        assert_eq!(entry.source, ValueSource::Default, "{}", entry.key);
        assert_eq!(entry.value, p.default_text(), "{}", entry.key);
    }
}

#[test]
fn every_property_from_a_file() {
    let (dir, path) = properties_file(
        "jdk.tls.server.enableStatusRequestExtension=FALSE\n\
         jdk.tls.client.enableStatusRequestExtension=false\n\
         jdk.tls.stapling.responseTimeout=0\n\
         jdk.tls.stapling.cacheSize=0x20\n\
         jdk.tls.stapling.cacheLifetime=010\n\
         jdk.tls.stapling.responderURI=http://127.0.0.1:8080/ocsp\n\
         jdk.tls.stapling.responderOverride=True\n\
         jdk.tls.stapling.ignoreExtensions=TRUE\n\
         com.sun.security.ocsp.timeout=250ms\n\
         com.sun.security.ocsp.readtimeout=3\n\
         com.sun.security.ocsp.useget=false\n\
         http.proxyHost= proxy.example\n\
         http.proxyPort=0xC38\n\
         http.nonProxyHosts=*.Internal| 10.*\n\
         https.proxyHost=::1\n\
         https.proxyPort=8443\n\
         jdk.tls.server.disableExtensions=status_request_v2, server_name\n\
         staplekit.stapling.issuers=extra/issuers.pem\n\
         staplekit.stapling.fetchThreads=#10\n\
         staplekit.stapling.maxResponseBytes=1024\n\
         staplekit.stapling.clockSkew=0\n\
         staplekit.stapling.refreshRatio=.75\n\
         staplekit.stapling.retryDelay=0x10\n\
         staplekit.stapling.retryMaxDelay=2000\n\
         staplekit.stapling.refreshConcurrency=1\n\
         staplekit.stapling.nonceFetchesPerMinute=0x10\n\
         staplekit.stapling.cacheDir=state\n\
         staplekit.stapling.responseFile=ocsp/leaf.der, /var/ocsp/intermediate.der\n\
         staplekit.stapling.keyStores=server.p12,/etc/tls/server.jks\n\
         staplekit.stapling.keyStorePassword= changeit\n\
         staplekit.stapling.sharedStore=rediss://staplekit:fleet-pass@cache.internal:6380/3\n",
    );
    let loaded = load(ConfigLoader::new().file(&path));
    assert!(loaded.warnings.is_empty(), "{:?}", warning_texts(&loaded));
    let c = &loaded.config;
    assert!(!c.server_enabled);
    assert!(!c.client_enabled);
    assert_eq!(c.response_timeout, Duration::ZERO);
    assert_eq!(c.cache_size, 32);
    assert_eq!(c.cache_lifetime, Duration::from_secs(8));
    assert_eq!(
        c.responder_uri.as_ref().map(|u| u.as_str()),
        Some("http://127.0.0.1:8080/ocsp")
    );
    assert!(c.responder_override);
    assert!(c.ignore_extensions);
    assert_eq!(c.ocsp_connect_timeout, Duration::from_millis(250));
    assert_eq!(c.ocsp_read_timeout, Duration::from_secs(3));
    assert!(!c.ocsp_use_get);
    assert_eq!(c.http_proxy_host.as_deref(), Some("proxy.example"));
    assert_eq!(c.http_proxy_port, 3128);
    assert_eq!(c.http_non_proxy_hosts, vec!["*.internal", "10.*"]);
    assert_eq!(c.https_proxy_host.as_deref(), Some("::1"));
    assert_eq!(c.https_proxy_port, 8443);
    assert_eq!(
        c.disabled_extensions,
        vec!["status_request_v2", "server_name"]
    );
    assert!(!c.status_request_disabled());
    assert!(c.status_request_v2_disabled());
    assert_eq!(c.issuers_file, Some(dir.path().join("extra/issuers.pem")));
    assert_eq!(c.fetch_threads, 16);
    assert_eq!(c.max_response_bytes, 1024);
    assert_eq!(c.clock_skew, Duration::ZERO);
    assert_eq!(c.refresh_ratio.parts_per_million(), 750_000);
    assert_eq!(c.retry_delay, Duration::from_millis(16));
    assert_eq!(c.retry_max_delay, Duration::from_millis(2000));
    assert_eq!(c.refresh_concurrency, 1);
    assert_eq!(c.nonce_fetches_per_minute, 16);
    assert_eq!(c.cache_dir, Some(dir.path().join("state")));
    assert_eq!(
        c.response_files,
        vec![
            dir.path().join("ocsp/leaf.der"),
            PathBuf::from("/var/ocsp/intermediate.der")
        ]
    );
    assert_eq!(
        c.key_stores,
        vec![
            dir.path().join("server.p12"),
            PathBuf::from("/etc/tls/server.jks")
        ]
    );
    let password = c.key_store_password.as_ref().expect("a password");
    assert_eq!(password.expose(), "changeit");
    let store = c.shared_store.as_ref().expect("a shared store");
    assert!(store.is_tls());
    assert_eq!(store.expose().password(), Some("fleet-pass"));
    for secret in ["changeit", "fleet-pass"] {
        assert!(!format!("{c:?}").contains(secret), "Debug shows no secret");
    }
    for entry in &loaded.entries {
        assert_eq!(
            entry.source,
            ValueSource::File(path.clone()),
            "{}",
            entry.key
        );
    }
    let value = |p: Property| {
        let entry = loaded.entries.iter().find(|e| e.key == p.key());
        entry.map(|e| e.value.clone())
    };
    assert_eq!(value(Property::CacheSize).as_deref(), Some("32"));
    assert_eq!(
        value(Property::OcspConnectTimeout).as_deref(),
        Some("250ms")
    );
    assert_eq!(
        value(Property::DisabledExtensions).as_deref(),
        Some("status_request_v2,server_name")
    );
    assert_eq!(value(Property::RefreshRatio).as_deref(), Some("0.75"));
    assert_eq!(
        value(Property::KeyStorePassword).as_deref(),
        Some("(hidden)")
    );
    assert_eq!(value(Property::RetryDelay).as_deref(), Some("16"));
    assert_eq!(
        value(Property::HttpNonProxyHosts).as_deref(),
        Some("*.internal|10.*")
    );
}

#[test]
fn override_beats_file_beats_default() {
    let (_dir, path) = properties_file(
        "jdk.tls.stapling.cacheSize=10\n\
         jdk.tls.stapling.cacheLifetime=20\n",
    );
    let loaded = load(
        ConfigLoader::new()
            .file(&path)
            .set("jdk.tls.stapling.cacheSize", "30"),
    );
    assert_eq!(loaded.config.cache_size, 30);
    assert_eq!(
        source_of(&loaded, Property::CacheSize),
        &ValueSource::Override
    );
    assert_eq!(loaded.config.cache_lifetime, Duration::from_secs(20));
    assert_eq!(
        source_of(&loaded, Property::CacheLifetime),
        &ValueSource::File(path.clone())
    );
    assert_eq!(loaded.config.response_timeout, Duration::from_millis(5000));
    assert_eq!(
        source_of(&loaded, Property::ResponseTimeout),
        &ValueSource::Default
    );
}

#[test]
fn the_last_override_and_the_last_file_line_win() {
    let (_dir, path) =
        properties_file("jdk.tls.stapling.cacheSize=1\njdk.tls.stapling.cacheSize=2\n");
    let loaded = load(ConfigLoader::new().file(&path));
    assert_eq!(loaded.config.cache_size, 2);
    let loaded = load(ConfigLoader::new().file(&path).set_all([
        ("jdk.tls.stapling.cacheSize", "3"),
        ("jdk.tls.stapling.cacheSize", "4"),
    ]));
    assert_eq!(loaded.config.cache_size, 4);
}

#[test]
fn a_bad_override_replaces_a_good_file_value_with_the_default() {
    // Like the JDK: the system property is what is read, and its garbage means the default.
    let (_dir, path) = properties_file("jdk.tls.stapling.cacheSize=10\n");
    let loaded = load(
        ConfigLoader::new()
            .file(&path)
            .set("jdk.tls.stapling.cacheSize", "ten"),
    );
    assert_eq!(loaded.config.cache_size, 256);
    assert_eq!(
        source_of(&loaded, Property::CacheSize),
        &ValueSource::Override
    );
    assert_eq!(
        warning_texts(&loaded),
        vec!["jdk.tls.stapling.cacheSize = \"ten\" (from -D) is not an integer; using the default 256"]
    );
}

#[test]
fn warnings_name_key_value_and_file() {
    let (_dir, path) = properties_file(
        "jdk.tls.stapling.responseTimeout=-1\n\
         jdk.tls.stapling.cacheSize=abc\n\
         jdk.tls.stapling.cacheLifetime=08\n\
         jdk.tls.stapling.responderURI=ocsp.example.com\n\
         jdk.tls.stapling.responderOverride=yes\n\
         jdk.tls.stapling.ignoreExtensions=1\n\
         com.sun.security.ocsp.timeout=-5\n\
         com.sun.security.ocsp.readtimeout=5 s\n\
         com.sun.security.ocsp.useget=no\n\
         staplekit.stapling.fetchThreads=0\n\
         staplekit.stapling.maxResponseBytes=16777217\n\
         staplekit.stapling.clockSkew=86401\n",
    );
    let loaded = load(ConfigLoader::new().file(&path));
    let from = format!("(from {})", path.display());
    let expected: Vec<String> = [
        (
            "jdk.tls.stapling.responseTimeout",
            "-1",
            "is negative; using the default 5000 ms",
        ),
        (
            "jdk.tls.stapling.cacheSize",
            "abc",
            "is not an integer; using the default 256",
        ),
        (
            "jdk.tls.stapling.cacheLifetime",
            "08",
            "is not an integer (a leading 0 means octal); using the default 3600 s",
        ),
        (
            "jdk.tls.stapling.responderURI",
            "ocsp.example.com",
            "is not an absolute URL; no default responder is used",
        ),
        (
            "jdk.tls.stapling.responderOverride",
            "yes",
            "is neither true nor false; using false",
        ),
        (
            "jdk.tls.stapling.ignoreExtensions",
            "1",
            "is neither true nor false; using false",
        ),
        (
            "com.sun.security.ocsp.timeout",
            "-5",
            "is negative; using the default 15s",
        ),
        (
            "com.sun.security.ocsp.readtimeout",
            "5 s",
            "is not a timeout (digits with an optional ms or s suffix); using the default 15s",
        ),
        (
            "com.sun.security.ocsp.useget",
            "no",
            "is neither true nor false; using the default true",
        ),
        (
            "staplekit.stapling.fetchThreads",
            "0",
            "is not between 1 and 256; using the default 8",
        ),
        (
            "staplekit.stapling.maxResponseBytes",
            "16777217",
            "is not between 1 and 16777216; using the default 65536",
        ),
        (
            "staplekit.stapling.clockSkew",
            "86401",
            "is not between 0 and 86400; using the default 300",
        ),
    ]
    .iter()
    .map(|(key, value, problem)| format!("{key} = \"{value}\" {from} {problem}"))
    .collect();
    assert_eq!(warning_texts(&loaded), expected);
    assert_eq!(loaded.config, StaplingConfig::default());
}

#[test]
fn negative_cache_values_mean_zero_with_a_warning_and_zero_is_silent() {
    let loaded = load(
        ConfigLoader::new()
            .set("jdk.tls.stapling.cacheSize", "-1")
            .set("jdk.tls.stapling.cacheLifetime", "0"),
    );
    assert_eq!(loaded.config.cache_size, 0);
    assert_eq!(loaded.config.cache_lifetime, Duration::ZERO);
    assert_eq!(
        warning_texts(&loaded),
        vec!["jdk.tls.stapling.cacheSize = \"-1\" (from -D) is negative; treated as 0 (unbounded)"]
    );
}

#[test]
fn empty_responder_uri_is_none_silently() {
    let loaded = load(ConfigLoader::new().set("jdk.tls.stapling.responderURI", ""));
    assert_eq!(loaded.config.responder_uri, None);
    assert!(loaded.warnings.is_empty());
}

#[test]
fn enable_flag_garbage_is_an_error_naming_key_value_and_source() {
    for value in ["", "yes", " true", "false ", "1"] {
        let result = ConfigLoader::new()
            .set("jdk.tls.server.enableStatusRequestExtension", value)
            .load();
        match result {
            Err(e @ ConfigError::InvalidFlag { .. }) => assert_eq!(
                e.to_string(),
                format!(
                    "jdk.tls.server.enableStatusRequestExtension = {value:?} (from -D) must be either true or false"
                )
            ),
            other => panic!("{value:?}: expected InvalidFlag, got {other:?}"),
        }
    }
    let (_dir, path) = properties_file("jdk.tls.client.enableStatusRequestExtension=on\n");
    match ConfigLoader::new().file(&path).load() {
        Err(e @ ConfigError::InvalidFlag { .. }) => {
            let text = e.to_string();
            assert!(
                text.starts_with("jdk.tls.client.enableStatusRequestExtension = \"on\""),
                "{text}"
            );
            assert!(text.contains(&path.display().to_string()), "{text}");
        }
        other => panic!("expected InvalidFlag, got {other:?}"),
    }
}

#[test]
fn file_values_are_trimmed_like_security_properties() {
    // A trailing space is invisible in a file; java.security.Security.getProperty trims it too.
    let (_dir, path) = properties_file(
        "jdk.tls.server.enableStatusRequestExtension=false \t\n\
         jdk.tls.stapling.cacheSize=12   \n",
    );
    let loaded = load(ConfigLoader::new().file(&path));
    assert!(!loaded.config.server_enabled);
    assert_eq!(loaded.config.cache_size, 12);
    assert!(loaded.warnings.is_empty());
}

#[test]
fn override_values_are_not_trimmed_like_system_properties() {
    let loaded = load(ConfigLoader::new().set("jdk.tls.stapling.cacheSize", " 5"));
    assert_eq!(loaded.config.cache_size, 256);
    assert_eq!(loaded.warnings.len(), 1);
}

#[test]
fn escapes_continuations_and_comments_in_a_real_file() {
    let (_dir, path) = properties_file(
        "# jdk.tls.stapling.cacheSize=1 is commented out\n\
         ! so is this: jdk.tls.stapling.cacheLifetime=1\n\
         \n\
         jdk.tls.stapling.responderURI = http\\://127.0.0.1\\:9090/ocsp\n\
         jdk.tls.server.disableExtensions = status_request, \\\n\
         \x20   status_request_v2\n\
         jdk.tls.stapling.responseTimeout:\\u0031\\u0032\\u0033\n\
         jdk.tls.stapling.cache\\\n\
         \x20   Size 0x10\n",
    );
    let loaded = load(ConfigLoader::new().file(&path));
    assert!(loaded.warnings.is_empty(), "{:?}", warning_texts(&loaded));
    let c = &loaded.config;
    assert_eq!(
        c.responder_uri.as_ref().map(|u| u.as_str()),
        Some("http://127.0.0.1:9090/ocsp")
    );
    assert!(c.status_request_disabled());
    assert!(c.status_request_v2_disabled());
    assert_eq!(c.response_timeout, Duration::from_millis(123));
    assert_eq!(c.cache_size, 16);
    assert_eq!(c.cache_lifetime, Duration::from_secs(3600));
}

#[test]
fn unknown_keys_in_our_namespaces_get_suggestions() {
    let (_dir, path) = properties_file(
        "jdk.tls.stapling.cacheSise=10\n\
         jdk.tls.disabledAlgorithms=SSLv3\n\
         security.provider.1=SUN\n\
         jdk.tls.server.enableStatusRequestExtention=true\n",
    );
    let loaded = load(
        ConfigLoader::new()
            .file(&path)
            .set("staplekit.fetchThreads", "4")
            .set("staplekit.zzz", "1")
            .set("javax.net.debug", "all"),
    );
    assert_eq!(
        warning_texts(&loaded),
        vec![
            format!(
                "unknown property jdk.tls.stapling.cacheSise (from {}); did you mean jdk.tls.stapling.cacheSize?",
                path.display()
            ),
            "unknown property staplekit.fetchThreads (from -D); did you mean staplekit.stapling.fetchThreads?"
                .to_owned(),
            "unknown property staplekit.zzz (from -D)".to_owned(),
        ]
    );
    assert!(matches!(
        &loaded.warnings[0],
        ConfigWarning::UnknownKey {
            suggestion: Some("jdk.tls.stapling.cacheSize"),
            ..
        }
    ));
    // The misspelt key does not set anything.
    assert_eq!(loaded.config.cache_size, 256);
    assert_eq!(loaded.config.fetch_threads, 8);
}

#[test]
fn relative_issuers_path_from_a_file_is_relative_to_the_file() {
    let (dir, path) = properties_file("staplekit.stapling.issuers=issuers.pem\n");
    let loaded = load(ConfigLoader::new().file(&path));
    assert_eq!(
        loaded.config.issuers_file,
        Some(dir.path().join("issuers.pem"))
    );
    // Not read: the file does not exist and that is not an error here.
    assert!(!dir.path().join("issuers.pem").exists());
}

#[test]
fn relative_issuers_path_from_an_override_is_relative_to_the_current_directory() {
    let (_dir, path) = properties_file("staplekit.stapling.issuers=issuers.pem\n");
    let loaded = load(
        ConfigLoader::new()
            .file(&path)
            .set("staplekit.stapling.issuers", "ca/issuers.pem"),
    );
    let cwd = std::env::current_dir().expect("current directory");
    assert_eq!(loaded.config.issuers_file, Some(cwd.join("ca/issuers.pem")));
    assert_eq!(
        source_of(&loaded, Property::IssuersFile),
        &ValueSource::Override
    );
}

#[test]
fn empty_issuers_path_is_none() {
    let loaded = load(ConfigLoader::new().set("staplekit.stapling.issuers", ""));
    assert_eq!(loaded.config.issuers_file, None);
}

#[test]
fn unreadable_and_malformed_files_are_errors() {
    let missing = Path::new("/nonexistent/staplekit/java.security");
    let result = ConfigLoader::new().file(missing).load();
    assert!(
        matches!(result, Err(ConfigError::ReadFile { .. })),
        "{result:?}"
    );
    let (_dir, path) = properties_file("jdk.tls.stapling.cacheSize=\\uZZZZ\n");
    let result = ConfigLoader::new().file(&path).load();
    assert!(
        matches!(result, Err(ConfigError::FileSyntax { .. })),
        "{result:?}"
    );
}
