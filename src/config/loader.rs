//! Loading the configuration: overrides over the properties file over defaults.

use std::collections::HashMap;
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
use crate::config::values::path::issuers_path;
use crate::config::values::uri::responder_uri;
use crate::config::values::Interpreted;
use crate::config::warning::ConfigWarning;

/// Builds a [`StaplingConfig`] from an optional `java.security`-format file and overrides.
///
/// ```
/// use staplekit::config::ConfigLoader;
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
    /// neither `true` nor `false` (the JDK refuses those too), or if a relative issuers path cannot
    /// be resolved. Every other bad value is replaced and reported as a warning.
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
    /// Interprets every property; struct fields are evaluated in listing order, so warnings are too.
    fn resolve(&mut self) -> Result<StaplingConfig, ConfigError> {
        let connect_default = defaults::OCSP_CONNECT_TIMEOUT;
        let read_default = defaults::OCSP_READ_TIMEOUT;
        let use_get_default = defaults::OCSP_USE_GET;
        let threads_default = defaults::FETCH_THREADS;
        let bytes_default = defaults::MAX_RESPONSE_BYTES;
        let skew_default = defaults::CLOCK_SKEW_SECS;
        Ok(StaplingConfig {
            server_enabled: self.flag(Property::ServerEnabled, defaults::SERVER_ENABLED)?,
            client_enabled: self.flag(Property::ClientEnabled, defaults::CLIENT_ENABLED)?,
            response_timeout: self.value(
                Property::ResponseTimeout,
                defaults::RESPONSE_TIMEOUT,
                response_timeout,
            ),
            cache_size: self.value(Property::CacheSize, defaults::CACHE_SIZE, cache_size),
            cache_lifetime: self.value(
                Property::CacheLifetime,
                defaults::CACHE_LIFETIME,
                cache_lifetime,
            ),
            responder_uri: self.value(Property::ResponderUri, None, responder_uri),
            responder_override: self.value(
                Property::ResponderOverride,
                defaults::RESPONDER_OVERRIDE,
                parse_boolean,
            ),
            ignore_extensions: self.value(
                Property::IgnoreExtensions,
                defaults::IGNORE_EXTENSIONS,
                parse_boolean,
            ),
            ocsp_connect_timeout: self.value(
                Property::OcspConnectTimeout,
                connect_default,
                |raw| ocsp_timeout(raw, connect_default),
            ),
            ocsp_read_timeout: self.value(Property::OcspReadTimeout, read_default, |raw| {
                ocsp_timeout(raw, read_default)
            }),
            ocsp_use_get: self.value(Property::OcspUseGet, use_get_default, |raw| {
                boolean_or_default(raw, use_get_default)
            }),
            disabled_extensions: self.value(Property::DisabledExtensions, Vec::new(), |raw| {
                Interpreted::ok(extension_list(raw))
            }),
            issuers_file: self.issuers()?,
            // u32 -> usize is lossless on every target this crate builds for (32 and 64 bit).
            fetch_threads: self.value(Property::FetchThreads, threads_default, |raw| {
                bounded(raw, &defaults::FETCH_THREADS_RANGE, threads_default)
            }) as usize,
            max_response_bytes: self.value(Property::MaxResponseBytes, bytes_default, |raw| {
                bounded(raw, &defaults::MAX_RESPONSE_BYTES_RANGE, bytes_default)
            }) as usize,
            clock_skew: Duration::from_secs(u64::from(self.value(
                Property::ClockSkew,
                skew_default,
                |raw| bounded(raw, &defaults::CLOCK_SKEW_SECS_RANGE, skew_default),
            ))),
        })
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

    /// The issuers path, resolved against where it was written.
    fn issuers(&mut self) -> Result<Option<std::path::PathBuf>, ConfigError> {
        let property = Property::IssuersFile;
        let Some((raw, source)) = self.raw(property) else {
            return Ok(None);
        };
        let path = issuers_path(raw, &source).map_err(|e| ConfigError::ResolvePath {
            key: property.key(),
            path: PathBuf::from(raw),
            origin: source.clone(),
            source: e,
        })?;
        self.sources.insert(property, source);
        Ok(path)
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
