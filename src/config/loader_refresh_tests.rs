//! Loading the background-refresh and persistence properties: refreshRatio, retryDelay,
//! retryMaxDelay, refreshConcurrency, cacheDir and responseFile.

use std::path::PathBuf;
use std::time::Duration;

use super::loader_tests::{load, properties_file, source_of, warning_texts};
use crate::config::{ConfigLoader, Property, StaplingConfig, ValueSource};

/// The properties this file is about, in the order they must be listed.
const NEW_KEYS: [&str; 6] = [
    "staplekit.stapling.refreshRatio",
    "staplekit.stapling.retryDelay",
    "staplekit.stapling.retryMaxDelay",
    "staplekit.stapling.refreshConcurrency",
    "staplekit.stapling.cacheDir",
    "staplekit.stapling.responseFile",
];

/// The warnings from loading one override `key=value`, and the configuration it gave.
fn with_override(key: &str, value: &str) -> (StaplingConfig, Vec<String>) {
    let loaded = load(ConfigLoader::new().set(key, value));
    let texts = warning_texts(&loaded);
    (loaded.config, texts)
}

fn warning(key: &str, value: &str, problem: &str) -> String {
    format!("{key} = {value:?} (from -D) {problem}")
}

#[test]
fn listed_after_clock_skew_in_order() {
    let keys: Vec<_> = Property::ALL.iter().map(|p| p.key()).collect();
    let skew = keys
        .iter()
        .position(|k| *k == "staplekit.stapling.clockSkew")
        .expect("clockSkew is listed");
    // Later properties (nonceFetchesPerMinute) sit among these; the order of these holds.
    let after: Vec<_> = keys[skew + 1..]
        .iter()
        .copied()
        .filter(|k| NEW_KEYS.contains(k))
        .collect();
    assert_eq!(after, NEW_KEYS);
    let loaded = load(ConfigLoader::new());
    let listed: Vec<_> = loaded.entries.iter().map(|e| e.key).collect();
    assert_eq!(listed, keys, "listed in the table's order");
}

#[test]
fn defaults_when_unset() {
    let loaded = load(ConfigLoader::new());
    let c = &loaded.config;
    assert_eq!(c.refresh_ratio.parts_per_million(), 500_000);
    assert_eq!(c.retry_delay, Duration::from_millis(10_000));
    assert_eq!(c.retry_max_delay, Duration::from_millis(600_000));
    assert_eq!(c.refresh_concurrency, 4);
    assert_eq!(c.cache_dir, None);
    assert!(c.response_files.is_empty());
    let values: Vec<_> = loaded
        .entries
        .iter()
        .filter(|e| NEW_KEYS.contains(&e.key))
        .map(|e| (e.value.as_str(), &e.source))
        .collect();
    let d = &ValueSource::Default;
    assert_eq!(
        values,
        [
            ("0.5", d),
            ("10000", d),
            ("600000", d),
            ("4", d),
            ("", d),
            ("", d)
        ]
    );
}

#[test]
fn valid_values_are_taken_silently() {
    let loaded = load(ConfigLoader::new().set_all([
        ("staplekit.stapling.refreshRatio", "1"),
        ("staplekit.stapling.retryDelay", "1"),
        ("staplekit.stapling.retryMaxDelay", "86400000"),
        ("staplekit.stapling.refreshConcurrency", "256"),
        ("staplekit.stapling.cacheDir", "/var/lib/staplekit"),
        (
            "staplekit.stapling.responseFile",
            "/etc/ocsp/a.der,/etc/ocsp/b.der",
        ),
    ]));
    assert!(loaded.warnings.is_empty(), "{:?}", warning_texts(&loaded));
    let c = &loaded.config;
    assert_eq!(c.refresh_ratio.parts_per_million(), 1_000_000);
    assert_eq!(c.retry_delay, Duration::from_millis(1));
    assert_eq!(c.retry_max_delay, Duration::from_secs(86_400));
    assert_eq!(c.refresh_concurrency, 256);
    assert_eq!(c.cache_dir, Some(PathBuf::from("/var/lib/staplekit")));
    assert_eq!(
        c.response_files,
        [
            PathBuf::from("/etc/ocsp/a.der"),
            PathBuf::from("/etc/ocsp/b.der")
        ]
    );
    for key in NEW_KEYS {
        let p = Property::from_key(key).expect("known key");
        assert_eq!(source_of(&loaded, p), &ValueSource::Override, "{key}");
    }
    // Both ends of the ratio's range, in other spellings.
    for (raw, ppm) in [(".75", 750_000), ("1.0", 1_000_000), ("0.000001", 1)] {
        let (c, warnings) = with_override("staplekit.stapling.refreshRatio", raw);
        assert!(warnings.is_empty(), "{raw:?}: {warnings:?}");
        assert_eq!(c.refresh_ratio.parts_per_million(), ppm, "{raw:?}");
    }
}

#[test]
fn bad_refresh_ratios_give_the_default_and_a_warning() {
    let key = "staplekit.stapling.refreshRatio";
    let not_decimal = "is not a decimal number such as 0.5; using the default 0.5";
    for (raw, problem) in [
        ("abc", not_decimal),
        ("NaN", not_decimal),
        ("inf", not_decimal),
        ("Infinity", not_decimal),
        ("5e-1", not_decimal),
        (" 0.5", not_decimal),
        ("", not_decimal),
        ("0", "is not above 0; using the default 0.5"),
        ("-0.5", "is not above 0; using the default 0.5"),
        ("1.5", "is more than 1; using the default 0.5"),
        (
            "0.0000001",
            "is below 0.000001, the smallest ratio; using the default 0.5",
        ),
    ] {
        let (c, warnings) = with_override(key, raw);
        assert_eq!(c.refresh_ratio.parts_per_million(), 500_000, "{raw:?}");
        assert_eq!(warnings, [warning(key, raw, problem)], "{raw:?}");
    }
}

#[test]
fn bad_integers_give_the_default_and_a_warning() {
    let cases: [(&str, &str, &str); 12] = [
        (
            "staplekit.stapling.retryDelay",
            "0",
            "is not between 1 and 86400000; using the default 10000",
        ),
        (
            "staplekit.stapling.retryDelay",
            "86400001",
            "is not between 1 and 86400000; using the default 10000",
        ),
        (
            "staplekit.stapling.retryDelay",
            "-5",
            "is not between 1 and 86400000; using the default 10000",
        ),
        (
            "staplekit.stapling.retryDelay",
            "10s",
            "is not an integer; using the default 10000",
        ),
        (
            "staplekit.stapling.retryDelay",
            "09",
            "is not an integer (a leading 0 means octal); using the default 10000",
        ),
        (
            "staplekit.stapling.retryDelay",
            "2147483648",
            "is out of the range of a Java int; using the default 10000",
        ),
        (
            "staplekit.stapling.retryMaxDelay",
            "0",
            "is not between 1 and 86400000; using the default 600000",
        ),
        (
            "staplekit.stapling.retryMaxDelay",
            "ten minutes",
            "is not an integer; using the default 600000",
        ),
        (
            "staplekit.stapling.refreshConcurrency",
            "0",
            "is not between 1 and 256; using the default 4",
        ),
        (
            "staplekit.stapling.refreshConcurrency",
            "257",
            "is not between 1 and 256; using the default 4",
        ),
        (
            "staplekit.stapling.refreshConcurrency",
            "four",
            "is not an integer; using the default 4",
        ),
        (
            "staplekit.stapling.refreshConcurrency",
            "",
            "is not an integer; using the default 4",
        ),
    ];
    for (key, raw, problem) in cases {
        let (c, warnings) = with_override(key, raw);
        assert_eq!(c, StaplingConfig::default(), "{key} = {raw:?}");
        assert_eq!(warnings, [warning(key, raw, problem)], "{key} = {raw:?}");
    }
}

#[test]
fn java_integer_forms_are_accepted() {
    let loaded = load(ConfigLoader::new().set_all([
        ("staplekit.stapling.retryDelay", "0x3e8"),
        ("staplekit.stapling.retryMaxDelay", "#2710"),
        ("staplekit.stapling.refreshConcurrency", "010"),
    ]));
    assert!(loaded.warnings.is_empty(), "{:?}", warning_texts(&loaded));
    assert_eq!(loaded.config.retry_delay, Duration::from_millis(1000));
    assert_eq!(loaded.config.retry_max_delay, Duration::from_millis(10_000));
    assert_eq!(loaded.config.refresh_concurrency, 8);
}

#[test]
fn retry_max_delay_below_retry_delay_is_raised_with_a_warning() {
    let loaded = load(ConfigLoader::new().set_all([
        ("staplekit.stapling.retryDelay", "5000"),
        ("staplekit.stapling.retryMaxDelay", "1000"),
    ]));
    assert_eq!(loaded.config.retry_delay, Duration::from_millis(5000));
    assert_eq!(loaded.config.retry_max_delay, Duration::from_millis(5000));
    assert_eq!(
        warning_texts(&loaded),
        [warning(
            "staplekit.stapling.retryMaxDelay",
            "1000",
            "is below staplekit.stapling.retryDelay (5000 ms); using 5000"
        )]
    );
    let entry = loaded
        .entries
        .iter()
        .find(|e| e.key == "staplekit.stapling.retryMaxDelay");
    assert_eq!(entry.map(|e| e.value.as_str()), Some("5000"));
}

#[test]
fn a_retry_delay_above_the_default_cap_raises_the_cap_with_a_warning() {
    // The cap was not written anywhere; the warning still names it, its default and where it
    // comes from, since setting it is the fix.
    let loaded = load(ConfigLoader::new().set("staplekit.stapling.retryDelay", "900000"));
    assert_eq!(loaded.config.retry_delay, Duration::from_secs(900));
    assert_eq!(loaded.config.retry_max_delay, Duration::from_secs(900));
    assert_eq!(
        warning_texts(&loaded),
        ["staplekit.stapling.retryMaxDelay = \"600000\" (by default) is below staplekit.stapling.retryDelay (900000 ms); using 900000"]
    );
    assert_eq!(
        source_of(&loaded, Property::RetryMaxDelay),
        &ValueSource::Default
    );
}

#[test]
fn an_equal_cap_is_fine_and_a_bad_cap_is_checked_after_its_default() {
    let (c, warnings) = {
        let loaded = load(ConfigLoader::new().set_all([
            ("staplekit.stapling.retryDelay", "7000"),
            ("staplekit.stapling.retryMaxDelay", "7000"),
        ]));
        let texts = warning_texts(&loaded);
        (loaded.config, texts)
    };
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(c.retry_max_delay, Duration::from_millis(7000));
    // A garbage cap becomes the default 600000, which is then below the delay: two warnings,
    // in the order they arise.
    let loaded = load(ConfigLoader::new().set_all([
        ("staplekit.stapling.retryDelay", "700000"),
        ("staplekit.stapling.retryMaxDelay", "x"),
    ]));
    assert_eq!(
        loaded.config.retry_max_delay,
        Duration::from_millis(700_000)
    );
    let key = "staplekit.stapling.retryMaxDelay";
    assert_eq!(
        warning_texts(&loaded),
        [
            warning(key, "x", "is not an integer; using the default 600000"),
            warning(
                key,
                "x",
                "is below staplekit.stapling.retryDelay (700000 ms); using 700000"
            ),
        ]
    );
}

#[test]
fn relative_paths_in_a_file_are_relative_to_the_file() {
    let (dir, path) = properties_file(
        "staplekit.stapling.cacheDir=state/ocsp\n\
         staplekit.stapling.responseFile=leaf.der,../elsewhere/int.der\n",
    );
    let loaded = load(ConfigLoader::new().file(&path));
    assert!(loaded.warnings.is_empty(), "{:?}", warning_texts(&loaded));
    assert_eq!(loaded.config.cache_dir, Some(dir.path().join("state/ocsp")));
    assert_eq!(
        loaded.config.response_files,
        [
            dir.path().join("leaf.der"),
            dir.path().join("../elsewhere/int.der")
        ]
    );
    // Neither created nor read by the loader.
    assert!(!dir.path().join("state").exists());
    assert_eq!(
        source_of(&loaded, Property::CacheDir),
        &ValueSource::File(path.clone())
    );
    assert_eq!(
        source_of(&loaded, Property::ResponseFiles),
        &ValueSource::File(path)
    );
}

#[test]
fn relative_paths_from_an_override_are_relative_to_the_current_directory() {
    let (_dir, path) = properties_file(
        "staplekit.stapling.cacheDir=from-file\n\
         staplekit.stapling.responseFile=from-file.der\n",
    );
    let loaded = load(ConfigLoader::new().file(&path).set_all([
        ("staplekit.stapling.cacheDir", "cache"),
        ("staplekit.stapling.responseFile", "a.der, ocsp/b.der"),
    ]));
    let cwd = std::env::current_dir().expect("current directory");
    assert_eq!(loaded.config.cache_dir, Some(cwd.join("cache")));
    assert_eq!(
        loaded.config.response_files,
        [cwd.join("a.der"), cwd.join("ocsp/b.der")]
    );
    assert_eq!(
        source_of(&loaded, Property::ResponseFiles),
        &ValueSource::Override
    );
}

#[test]
fn empty_paths_are_unset_silently() {
    let loaded = load(ConfigLoader::new().set_all([
        ("staplekit.stapling.cacheDir", ""),
        ("staplekit.stapling.responseFile", ""),
    ]));
    assert!(loaded.warnings.is_empty(), "{:?}", warning_texts(&loaded));
    assert_eq!(loaded.config.cache_dir, None);
    assert!(loaded.config.response_files.is_empty());
}

#[test]
fn empty_response_file_items_are_skipped_with_a_warning() {
    let key = "staplekit.stapling.responseFile";
    let (c, warnings) = with_override(key, "/o/a.der,,/o/b.der");
    assert_eq!(
        c.response_files,
        [PathBuf::from("/o/a.der"), PathBuf::from("/o/b.der")]
    );
    assert_eq!(
        warnings,
        [warning(
            key,
            "/o/a.der,,/o/b.der",
            "has an empty item; it is skipped"
        )]
    );
    let (c, warnings) = with_override(key, "/o/a.der,");
    assert_eq!(c.response_files, [PathBuf::from("/o/a.der")]);
    assert_eq!(
        warnings,
        [warning(
            key,
            "/o/a.der,",
            "has an empty item; it is skipped"
        )]
    );
    // From a file the warning names the file.
    let (_dir, path) = properties_file("staplekit.stapling.responseFile=, a.der ,\n");
    let loaded = load(ConfigLoader::new().file(&path));
    assert_eq!(loaded.config.response_files.len(), 1);
    assert_eq!(
        warning_texts(&loaded),
        [format!(
            "{key} = \", a.der ,\" (from {}) has 2 empty items; they are skipped",
            path.display()
        )]
    );
}

#[test]
fn misspelt_new_keys_get_suggestions() {
    let loaded = load(
        ConfigLoader::new()
            .set("staplekit.stapling.refreshRatoi", "0.5")
            .set("staplekit.cacheDir", "/x"),
    );
    assert_eq!(
        warning_texts(&loaded),
        [
            "unknown property staplekit.stapling.refreshRatoi (from -D); did you mean staplekit.stapling.refreshRatio?",
            "unknown property staplekit.cacheDir (from -D); did you mean staplekit.stapling.cacheDir?",
        ]
    );
    assert_eq!(loaded.config.cache_dir, None);
}
