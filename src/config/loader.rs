//! Loading the configuration: overrides over the properties file over defaults.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::config::error::ConfigError;
use crate::config::properties::{resolve, Property, StaplingConfig};
use crate::config::properties_file::PropertiesFile;
use crate::config::source::ValueSource;
use crate::config::suggest::{is_unknown_own_key, suggest};
use crate::config::syntax::{Refusal, Syntax};
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
        let config = resolve(&mut resolver)?;
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

/// The state of one load: where raw values come from, and what has been found so far. The table's
/// `resolve` drives it, one property at a time.
pub(crate) struct Resolver<'a> {
    file: Option<&'a PropertiesFile>,
    overrides: &'a [(String, String)],
    /// The source of each property that was set somewhere.
    sources: HashMap<Property, ValueSource>,
    warnings: Vec<ConfigWarning>,
}

impl<'a> Resolver<'a> {
    /// Looks `property` up and reads it with `syntax`; unset means `default`. Records where it
    /// was found and any warning; a value the syntax refuses stops the load.
    pub(crate) fn read<S: Syntax>(
        &mut self,
        property: Property,
        syntax: &S,
        default: S::Value,
    ) -> Result<S::Value, ConfigError> {
        let Some((raw, source)) = self.raw(property) else {
            return Ok(default);
        };
        let interpreted = match syntax.read(raw, &source, &default) {
            Ok(interpreted) => interpreted,
            Err(Refusal::NotAFlag) => {
                return Err(ConfigError::InvalidFlag {
                    key: property.key(),
                    value: raw.to_owned(),
                    origin: source,
                })
            }
            Err(Refusal::ResolvePath { path, error }) => {
                return Err(ConfigError::ResolvePath {
                    key: property.key(),
                    path,
                    origin: source,
                    source: error,
                })
            }
        };
        if let Some(problem) = interpreted.problem {
            self.warnings.push(ConfigWarning::Replaced {
                key: property.key(),
                value: raw.to_owned(),
                source: source.clone(),
                problem,
            });
        }
        self.sources.insert(property, source);
        Ok(interpreted.value)
    }

    /// The rule after `retryMaxDelay`: a cap below the first delay is raised to it, with a
    /// warning on `retryMaxDelay` (even when that is the default: the fix is to set it).
    pub(crate) fn raise_retry_max_delay(&mut self, config: &mut StaplingConfig) {
        let delay = config.retry_delay;
        if config.retry_max_delay >= delay {
            return;
        }
        let property = Property::RetryMaxDelay;
        let (value, source) = match self.raw(property) {
            Some((raw, source)) => (raw.to_owned(), source),
            None => (config.value_text(property), ValueSource::Default),
        };
        let delay_text = config.value_text(Property::RetryDelay);
        self.warnings.push(ConfigWarning::Replaced {
            key: property.key(),
            value,
            source,
            problem: format!(
                "is below {} ({delay_text} ms); using {delay_text}",
                Property::RetryDelay.key()
            ),
        });
        config.retry_max_delay = delay;
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
