//! Loading the configuration: overrides over the properties file over defaults.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::time::Duration;

use crate::config::defaults;
use crate::config::error::ConfigError;
use crate::config::properties_file::PropertiesFile;
use crate::config::property::Property;
use crate::config::source::ValueSource;
use crate::config::stapling_config::StaplingConfig;
use crate::config::suggest::{is_unknown_own_key, suggest};
use crate::config::values::flag::{boolean_or_default, parse_boolean, strict_flag};
use crate::config::values::list::extension_list;
use crate::config::values::number::{bounded, cache_lifetime, cache_size, response_timeout};
use crate::config::values::ocsp_timeout::ocsp_timeout;
use crate::config::values::path::{resolve_path, resolve_path_list};
use crate::config::values::ratio::refresh_ratio;
use crate::config::values::uri::responder_uri;
use crate::config::values::Interpreted;
use crate::config::warning::ConfigWarning;

/// Builds a [`StaplingConfig`] from an optional `java.security`-format file and overrides.
///
/// ```
/// use staplekit::ConfigLoader;
///
/// let loaded = ConfigLoader::new()
///     .set("jdk.tls.stapling.cacheSize", "0x20")
///     .load()
///     .expect("valid configuration");
/// assert_eq!(loaded.config.cache_size, 32);
/// ```
#[derive(Clone, Debug, Default)]
pub struct ConfigLoader {
    file: Option<PathBuf>,
    overrides: Vec<(String, String)>,
}

/// The outcome of [`ConfigLoader::load`].
#[derive(Clone, Debug)]
pub struct LoadedConfig {
    /// The effective configuration.
    pub config: StaplingConfig,
    /// Every known property with its effective value and source, in [`Property::ALL`] order.
    pub entries: Vec<ConfigEntry>,
    /// Everything that was not taken as written, in the order found (unknown keys first, then
    /// properties in listing order). Each was also logged with `log::warn!`.
    pub warnings: Vec<ConfigWarning>,
}

/// One line of a listing of the effective configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigEntry {
    /// The property's key.
    pub key: &'static str,
    /// The effective value, as [`StaplingConfig::value_text`] renders it.
    pub value: String,
    /// Where the setting was found. A value that was rejected and replaced (see the warnings)
    /// still reports where it was written, since that is where to fix it.
    pub source: ValueSource,
}

impl ConfigLoader {
    /// A loader with no file and no overrides: loading it gives the defaults.
    pub fn new() -> Self {
        ConfigLoader::default()
    }

    /// Reads properties from this `java.security`-format file (replacing any file set before).
    pub fn file(mut self, path: impl Into<PathBuf>) -> Self {
        self.file = Some(path.into());
        self
    }

    /// Overrides one property, as `-Dkey=value` does; wins over the file. Setting a key twice
    /// keeps the last value. The value is used as given, without trimming (like a system property).
    pub fn set(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.overrides.push((key.into(), value.into()));
        self
    }

    /// Overrides several properties, e.g. all `-D` arguments or a JVM's system properties.
    pub fn set_all<K, V>(mut self, pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.overrides
            .extend(pairs.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Reads the file, applies overrides and defaults, and interprets every property.
    ///
    /// Fails if the file cannot be read or parsed, if an `enableStatusRequestExtension` flag is
    /// neither `true` nor `false` (the JDK refuses those too), or if a relative path (issuers,
    /// cache directory, response files) cannot be resolved. Every other bad value is replaced and
    /// reported as a warning.
    pub fn load(&self) -> Result<LoadedConfig, ConfigError> {
        let file = self.file.as_deref().map(PropertiesFile::read).transpose()?;
        let mut resolver = Resolver {
            file: file.as_ref(),
            overrides: &self.overrides,
            sources: HashMap::new(),
            warnings: Vec::new(),
        };
        resolver.warn_unknown_keys();
        let config = resolver.resolve()?;
        let entries = Property::ALL
            .into_iter()
            .map(|p| ConfigEntry {
                key: p.key(),
                value: config.value_text(p),
                source: resolver.sources.remove(&p).unwrap_or(ValueSource::Default),
            })
            .collect();
        for warning in &resolver.warnings {
            log::warn!("{warning}");
        }
        Ok(LoadedConfig {
            config,
            entries,
            warnings: resolver.warnings,
        })
    }
}

/// The state of one load: where raw values come from, and what has been found so far.
struct Resolver<'a> {
    file: Option<&'a PropertiesFile>,
    overrides: &'a [(String, String)],
    /// The source of each property that was set somewhere.
    sources: HashMap<Property, ValueSource>,
    warnings: Vec<ConfigWarning>,
}

impl<'a> Resolver<'a> {
    /// Interprets every property in listing order, so that warnings come in that order too.
    fn resolve(&mut self) -> Result<StaplingConfig, ConfigError> {
        let connect_default = defaults::OCSP_CONNECT_TIMEOUT;
        let read_default = defaults::OCSP_READ_TIMEOUT;
        let use_get_default = defaults::OCSP_USE_GET;
        let server_enabled = self.flag(Property::ServerEnabled, defaults::SERVER_ENABLED)?;
        let client_enabled = self.flag(Property::ClientEnabled, defaults::CLIENT_ENABLED)?;
        let response_timeout = self.value(
            Property::ResponseTimeout,
            defaults::RESPONSE_TIMEOUT,
            response_timeout,
        );
        let cache_size = self.value(Property::CacheSize, defaults::CACHE_SIZE, cache_size);
        let cache_lifetime = self.value(
            Property::CacheLifetime,
            defaults::CACHE_LIFETIME,
            cache_lifetime,
        );
        let responder_uri = self.value(Property::ResponderUri, None, responder_uri);
        let responder_override = self.value(
            Property::ResponderOverride,
            defaults::RESPONDER_OVERRIDE,
            parse_boolean,
        );
        let ignore_extensions = self.value(
            Property::IgnoreExtensions,
            defaults::IGNORE_EXTENSIONS,
            parse_boolean,
        );
        let ocsp_connect_timeout =
            self.value(Property::OcspConnectTimeout, connect_default, |raw| {
                ocsp_timeout(raw, connect_default)
            });
        let ocsp_read_timeout = self.value(Property::OcspReadTimeout, read_default, |raw| {
            ocsp_timeout(raw, read_default)
        });
        let ocsp_use_get = self.value(Property::OcspUseGet, use_get_default, |raw| {
            boolean_or_default(raw, use_get_default)
        });
        let disabled_extensions = self.value(Property::DisabledExtensions, Vec::new(), |raw| {
            Interpreted::ok(extension_list(raw))
        });
        let issuers_file = self.path(Property::IssuersFile)?;
        // u32 -> usize is lossless on every target this crate builds for (32 and 64 bit).
        let fetch_threads = self.bounded(
            Property::FetchThreads,
            &defaults::FETCH_THREADS_RANGE,
            defaults::FETCH_THREADS,
        ) as usize;
        let max_response_bytes = self.bounded(
            Property::MaxResponseBytes,
            &defaults::MAX_RESPONSE_BYTES_RANGE,
            defaults::MAX_RESPONSE_BYTES,
        ) as usize;
        let clock_skew = Duration::from_secs(u64::from(self.bounded(
            Property::ClockSkew,
            &defaults::CLOCK_SKEW_SECS_RANGE,
            defaults::CLOCK_SKEW_SECS,
        )));
        let refresh_ratio = self.value(
            Property::RefreshRatio,
            defaults::REFRESH_RATIO,
            refresh_ratio,
        );
        let (retry_delay, retry_max_delay) = self.retry_delays();
        let refresh_concurrency = self.bounded(
            Property::RefreshConcurrency,
            &defaults::REFRESH_CONCURRENCY_RANGE,
            defaults::REFRESH_CONCURRENCY,
        ) as usize;
        let cache_dir = self.path(Property::CacheDir)?;
        let response_files = self.path_list(Property::ResponseFiles)?;
        Ok(StaplingConfig {
            server_enabled,
            client_enabled,
            response_timeout,
            cache_size,
            cache_lifetime,
            responder_uri,
            responder_override,
            ignore_extensions,
            ocsp_connect_timeout,
            ocsp_read_timeout,
            ocsp_use_get,
            disabled_extensions,
            issuers_file,
            fetch_threads,
            max_response_bytes,
            clock_skew,
            refresh_ratio,
            retry_delay,
            retry_max_delay,
            refresh_concurrency,
            cache_dir,
            response_files,
        })
    }

    /// `retryDelay` and `retryMaxDelay`; a cap below the first delay is raised to it, with a
    /// warning on `retryMaxDelay` (even when that is the default: the fix is to set it).
    fn retry_delays(&mut self) -> (Duration, Duration) {
        let range = &defaults::RETRY_DELAY_MS_RANGE;
        let delay = self.bounded(Property::RetryDelay, range, defaults::RETRY_DELAY_MS);
        let mut max_delay =
            self.bounded(Property::RetryMaxDelay, range, defaults::RETRY_MAX_DELAY_MS);
        if max_delay < delay {
            let property = Property::RetryMaxDelay;
            let (value, source) = match self.raw(property) {
                Some((raw, source)) => (raw.to_owned(), source),
                None => (max_delay.to_string(), ValueSource::Default),
            };
            self.warnings.push(ConfigWarning::Replaced {
                key: property.key(),
                value,
                source,
                problem: format!(
                    "is below {} ({delay} ms); using {delay}",
                    Property::RetryDelay.key()
                ),
            });
            max_delay = delay;
        }
        let millis = |ms: u32| Duration::from_millis(u64::from(ms));
        (millis(delay), millis(max_delay))
    }

    /// The raw value of `property` and where it was found: the last override, else the file.
    fn raw(&self, property: Property) -> Option<(&'a str, ValueSource)> {
        let key = property.key();
        if let Some((_, value)) = self.overrides.iter().rev().find(|(k, _)| k == key) {
            return Some((value.as_str(), ValueSource::Override));
        }
        let file = self.file?;
        file.get(key)
            .map(|value| (value, ValueSource::File(file.path.clone())))
    }

    /// Looks `property` up and interprets it, recording its source and any warning.
    fn value<T>(
        &mut self,
        property: Property,
        default: T,
        interpret: impl FnOnce(&str) -> Interpreted<T>,
    ) -> T {
        let Some((raw, source)) = self.raw(property) else {
            return default;
        };
        let interpreted = interpret(raw);
        if let Some(problem) = interpreted.problem {
            self.warnings.push(ConfigWarning::Replaced {
                key: property.key(),
                value: raw.to_owned(),
                source: source.clone(),
                problem,
            });
        }
        self.sources.insert(property, source);
        interpreted.value
    }

    /// An `enableStatusRequestExtension` flag: anything but `true`/`false` is an error.
    fn flag(&mut self, property: Property, default: bool) -> Result<bool, ConfigError> {
        let Some((raw, source)) = self.raw(property) else {
            return Ok(default);
        };
        let value = strict_flag(raw).ok_or_else(|| ConfigError::InvalidFlag {
            key: property.key(),
            value: raw.to_owned(),
            origin: source.clone(),
        })?;
        self.sources.insert(property, source);
        Ok(value)
    }

    /// A staplekit integer that must lie in `range`, else `default` with a warning.
    fn bounded(&mut self, property: Property, range: &RangeInclusive<u32>, default: u32) -> u32 {
        self.value(property, default, |raw| bounded(raw, range, default))
    }

    /// A path property, resolved against where it was written; empty means none.
    fn path(&mut self, property: Property) -> Result<Option<PathBuf>, ConfigError> {
        let Some((raw, source)) = self.raw(property) else {
            return Ok(None);
        };
        let path = resolve_path(raw, &source).map_err(|e| ConfigError::ResolvePath {
            key: property.key(),
            path: PathBuf::from(raw),
            origin: source.clone(),
            source: e,
        })?;
        self.sources.insert(property, source);
        Ok(path)
    }

    /// A comma-separated path list property, each item resolved like [`Resolver::path`]; empty
    /// items are skipped with a warning.
    fn path_list(&mut self, property: Property) -> Result<Vec<PathBuf>, ConfigError> {
        let Some((raw, source)) = self.raw(property) else {
            return Ok(Vec::new());
        };
        let interpreted =
            resolve_path_list(raw, &source).map_err(|(item, e)| ConfigError::ResolvePath {
                key: property.key(),
                path: PathBuf::from(item),
                origin: source.clone(),
                source: e,
            })?;
        // Already interpreted; `value` records the source and turns a problem into a warning.
        Ok(self.value(property, Vec::new(), |_| interpreted))
    }

    /// Warns about keys under our prefixes that no property has: file keys first, then overrides.
    fn warn_unknown_keys(&mut self) {
        if let Some(file) = self.file {
            for key in file.keys() {
                self.warn_if_unknown(key, ValueSource::File(file.path.clone()));
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for (key, _) in self.overrides {
            if !seen.contains(&key.as_str()) {
                seen.push(key);
                self.warn_if_unknown(key, ValueSource::Override);
            }
        }
    }

    fn warn_if_unknown(&mut self, key: &str, source: ValueSource) {
        if is_unknown_own_key(key) {
            self.warnings.push(ConfigWarning::UnknownKey {
                key: key.to_owned(),
                source,
                suggestion: suggest(key),
            });
        }
    }
}
