//! The kinds of property value: how each is read from its raw text and written back.
//!
//! A row of the property table (`properties.rs`) names one of these kinds; the loader reads every
//! property through [`Syntax::read`] and the listing renders it through [`Syntax::render`], so a
//! new property of an existing kind needs no code beyond its row. The JDK-faithful rules
//! themselves live in [`values`](crate::config::values); a kind only picks which rule applies.

use std::io;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::config::refresh_ratio::RefreshRatio;
use crate::config::secret::{Secret, HIDDEN};
use crate::config::shared_store_url::SharedStoreUrl;
use crate::config::source::ValueSource;
use crate::config::values::flag::{boolean_or_default, parse_boolean, strict_flag};
use crate::config::values::list::extension_list;
use crate::config::values::number::{bounded, cache_lifetime, cache_size, response_timeout};
use crate::config::values::ocsp_timeout::{ocsp_timeout, render_timeout};
use crate::config::values::path::{resolve_path, resolve_path_list};
use crate::config::values::proxy::{host_patterns, proxy_host};
use crate::config::values::ratio::refresh_ratio;
use crate::config::values::uri::responder_uri;
use crate::config::values::Interpreted;

/// One kind of property value.
pub(crate) trait Syntax {
    /// The typed value, as kept in [`StaplingConfig`](crate::config::StaplingConfig).
    type Value;

    /// Interprets `raw`, found at `source`. A value that cannot be used is replaced (usually by
    /// `default`) and the problem returned for a warning; `Err` stops loading altogether.
    fn read(
        &self,
        raw: &str,
        source: &ValueSource,
        default: &Self::Value,
    ) -> Result<Interpreted<Self::Value>, Refusal>;

    /// The value in the syntax [`Syntax::read`] accepts, so a listing can be pasted back into a
    /// properties file. Unset optional values render as an empty string.
    fn render(&self, value: &Self::Value) -> String;

    /// The accepted integers, for kinds limited to a range.
    fn range(&self) -> Option<RangeInclusive<u32>> {
        None
    }
}

/// Why a raw value stops the configuration from loading, rather than being replaced. The loader
/// adds the key and where the value was found.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// An `enableStatusRequestExtension` flag that is neither `true` nor `false`.
    NotAFlag,
    /// A relative path that could not be made absolute.
    ResolvePath {
        /// The path as given (the whole value, or the list item).
        path: PathBuf,
        /// The I/O error from looking up the current directory.
        error: io::Error,
    },
}

/// A boolean, read by one of the JDK's three boolean readers.
pub(crate) enum Flag {
    /// `Utilities.getBooleanProperty` (the `enableStatusRequestExtension` flags): anything but
    /// `true`/`false` is an error, because the JDK refuses to start with one too.
    Strict,
    /// `Boolean.getBoolean`: anything but `true` is false (with a warning unless it is `false`).
    TrueOnly,
    /// `GetPropertyAction.privilegedGetBooleanProp`: empty is unset; anything but `true`/`false`
    /// is the default, with a warning.
    OrDefault,
}

impl Syntax for Flag {
    type Value = bool;

    fn read(
        &self,
        raw: &str,
        _: &ValueSource,
        default: &bool,
    ) -> Result<Interpreted<bool>, Refusal> {
        match self {
            Flag::Strict => strict_flag(raw)
                .map(Interpreted::ok)
                .ok_or(Refusal::NotAFlag),
            Flag::TrueOnly => Ok(parse_boolean(raw)),
            Flag::OrDefault => Ok(boolean_or_default(raw, *default)),
        }
    }

    fn render(&self, value: &bool) -> String {
        value.to_string()
    }
}

/// `jdk.tls.stapling.responseTimeout`: milliseconds as a Java `long`; negative means the default.
/// (The rule reads the default from [`defaults`](crate::config::defaults), which comes from the
/// same table row.)
pub(crate) struct ResponseTimeout;

impl Syntax for ResponseTimeout {
    type Value = Duration;

    fn read(
        &self,
        raw: &str,
        _: &ValueSource,
        _: &Duration,
    ) -> Result<Interpreted<Duration>, Refusal> {
        Ok(response_timeout(raw))
    }

    fn render(&self, value: &Duration) -> String {
        value.as_millis().to_string()
    }
}

/// `jdk.tls.stapling.cacheSize`: entries as a Java `int`; negative means 0 (unbounded).
pub(crate) struct CacheSize;

impl Syntax for CacheSize {
    type Value = usize;

    fn read(&self, raw: &str, _: &ValueSource, _: &usize) -> Result<Interpreted<usize>, Refusal> {
        Ok(cache_size(raw))
    }

    fn render(&self, value: &usize) -> String {
        value.to_string()
    }
}

/// `jdk.tls.stapling.cacheLifetime`: seconds as a Java `int`; negative means 0 (no limit).
pub(crate) struct CacheLifetime;

impl Syntax for CacheLifetime {
    type Value = Duration;

    fn read(
        &self,
        raw: &str,
        _: &ValueSource,
        _: &Duration,
    ) -> Result<Interpreted<Duration>, Refusal> {
        Ok(cache_lifetime(raw))
    }

    fn render(&self, value: &Duration) -> String {
        value.as_secs().to_string()
    }
}

/// An absolute http/https URL; empty means none.
pub(crate) struct ResponderUrl;

impl Syntax for ResponderUrl {
    type Value = Option<Url>;

    fn read(
        &self,
        raw: &str,
        _: &ValueSource,
        _: &Option<Url>,
    ) -> Result<Interpreted<Option<Url>>, Refusal> {
        Ok(responder_uri(raw))
    }

    fn render(&self, value: &Option<Url>) -> String {
        value
            .as_ref()
            .map_or_else(String::new, |u| u.as_str().to_owned())
    }
}

/// The JDK's OCSP timeout syntax: digits with an optional `ms` or `s` suffix, bare = seconds.
pub(crate) struct OcspTimeout;

impl Syntax for OcspTimeout {
    type Value = Duration;

    fn read(
        &self,
        raw: &str,
        _: &ValueSource,
        default: &Duration,
    ) -> Result<Interpreted<Duration>, Refusal> {
        Ok(ocsp_timeout(raw, *default))
    }

    fn render(&self, value: &Duration) -> String {
        render_timeout(*value)
    }
}

/// A comma-separated list of TLS extension names, read like `SSLExtension.getDisabledExtensions`.
pub(crate) struct ExtensionList;

impl Syntax for ExtensionList {
    type Value = Vec<String>;

    fn read(
        &self,
        raw: &str,
        _: &ValueSource,
        _: &Vec<String>,
    ) -> Result<Interpreted<Vec<String>>, Refusal> {
        Ok(Interpreted::ok(extension_list(raw)))
    }

    fn render(&self, value: &Vec<String>) -> String {
        value.join(",")
    }
}

/// A proxy host (`http.proxyHost`, `https.proxyHost`); empty means none.
pub(crate) struct ProxyHost;

impl Syntax for ProxyHost {
    type Value = Option<String>;

    fn read(
        &self,
        raw: &str,
        _: &ValueSource,
        _: &Option<String>,
    ) -> Result<Interpreted<Option<String>>, Refusal> {
        Ok(proxy_host(raw))
    }

    fn render(&self, value: &Option<String>) -> String {
        value.clone().unwrap_or_default()
    }
}

/// `http.nonProxyHosts`: host patterns separated by `|`, each with an optional `*` at either end.
pub(crate) struct HostPatterns;

impl Syntax for HostPatterns {
    type Value = Vec<String>;

    fn read(
        &self,
        raw: &str,
        _: &ValueSource,
        _: &Vec<String>,
    ) -> Result<Interpreted<Vec<String>>, Refusal> {
        Ok(Interpreted::ok(host_patterns(raw)))
    }

    fn render(&self, value: &Vec<String>) -> String {
        value.join("|")
    }
}

/// One path, made absolute relative to where it was written; empty means none.
pub(crate) struct RelativePath;

impl Syntax for RelativePath {
    type Value = Option<PathBuf>;

    fn read(
        &self,
        raw: &str,
        source: &ValueSource,
        _: &Option<PathBuf>,
    ) -> Result<Interpreted<Option<PathBuf>>, Refusal> {
        resolve_path(raw, source)
            .map(Interpreted::ok)
            .map_err(|error| Refusal::ResolvePath {
                path: PathBuf::from(raw),
                error,
            })
    }

    fn render(&self, value: &Option<PathBuf>) -> String {
        value
            .as_ref()
            .map_or_else(String::new, |p| p.display().to_string())
    }
}

/// A secret such as a password: any text, empty meaning none. Rendered as `(hidden)` when set,
/// the one kind whose listing cannot be pasted back, so that `staplekit config` never shows it.
pub(crate) struct SecretText;

impl Syntax for SecretText {
    type Value = Option<Secret>;

    fn read(
        &self,
        raw: &str,
        _: &ValueSource,
        _: &Option<Secret>,
    ) -> Result<Interpreted<Option<Secret>>, Refusal> {
        Ok(Interpreted::ok((!raw.is_empty()).then(|| Secret::new(raw))))
    }

    fn render(&self, value: &Option<Secret>) -> String {
        value
            .as_ref()
            .map_or_else(String::new, |_| HIDDEN.to_string())
    }
}

/// A comma-separated list of paths, each like [`RelativePath`]; empty items are skipped.
pub(crate) struct RelativePathList;

impl Syntax for RelativePathList {
    type Value = Vec<PathBuf>;

    fn read(
        &self,
        raw: &str,
        source: &ValueSource,
        _: &Vec<PathBuf>,
    ) -> Result<Interpreted<Vec<PathBuf>>, Refusal> {
        resolve_path_list(raw, source).map_err(|(item, error)| Refusal::ResolvePath {
            path: PathBuf::from(item),
            error,
        })
    }

    // A path containing a comma renders ambiguously; such names are not worth escaping.
    fn render(&self, value: &Vec<PathBuf>) -> String {
        let items: Vec<String> = value.iter().map(|p| p.display().to_string()).collect();
        items.join(",")
    }
}

/// staplekit's refresh ratio: a plain decimal above 0 and at most 1.
pub(crate) struct Ratio;

impl Syntax for Ratio {
    type Value = RefreshRatio;

    fn read(
        &self,
        raw: &str,
        _: &ValueSource,
        _: &RefreshRatio,
    ) -> Result<Interpreted<RefreshRatio>, Refusal> {
        Ok(refresh_ratio(raw))
    }

    fn render(&self, value: &RefreshRatio) -> String {
        value.to_string()
    }
}

/// A staplekit integer in `Integer.decode` syntax that must lie in `range`, else the default, kept
/// in `unit`.
pub(crate) struct Bounded<U> {
    /// What one step of the integer is.
    pub(crate) unit: U,
    /// The accepted integers.
    pub(crate) range: RangeInclusive<u32>,
}

/// What a [`Bounded`] integer counts.
pub(crate) trait Unit {
    /// The typed value.
    type Value;
    /// The value of `n` steps.
    fn value(&self, n: u32) -> Self::Value;
    /// The number of steps in `value`, saturating. Only a default is ever converted this way, and
    /// every default lies in its range (`properties.rs` tests that), so saturation never happens;
    /// it keeps loading free of panics.
    fn steps(&self, value: &Self::Value) -> u32;
    /// The value as a number of steps, exactly (values set in code may lie outside the range).
    fn render(&self, value: &Self::Value) -> String;
}

/// A plain count (threads, bytes, fetches).
pub(crate) struct Count;
/// Whole seconds.
pub(crate) struct Seconds;
/// Whole milliseconds.
pub(crate) struct Millis;
/// A TCP port.
pub(crate) struct Port;

impl Unit for Count {
    type Value = usize;

    // u32 -> usize is lossless on every target this crate builds for (32 and 64 bit).
    fn value(&self, n: u32) -> usize {
        n as usize
    }

    fn steps(&self, value: &usize) -> u32 {
        u32::try_from(*value).unwrap_or(u32::MAX)
    }

    fn render(&self, value: &usize) -> String {
        value.to_string()
    }
}

impl Unit for Seconds {
    type Value = Duration;

    fn value(&self, n: u32) -> Duration {
        Duration::from_secs(u64::from(n))
    }

    fn steps(&self, value: &Duration) -> u32 {
        u32::try_from(value.as_secs()).unwrap_or(u32::MAX)
    }

    fn render(&self, value: &Duration) -> String {
        value.as_secs().to_string()
    }
}

impl Unit for Millis {
    type Value = Duration;

    fn value(&self, n: u32) -> Duration {
        Duration::from_millis(u64::from(n))
    }

    fn steps(&self, value: &Duration) -> u32 {
        u32::try_from(value.as_millis()).unwrap_or(u32::MAX)
    }

    fn render(&self, value: &Duration) -> String {
        value.as_millis().to_string()
    }
}

impl Unit for Port {
    type Value = u16;

    // Saturates rather than wraps: a range never admits more than 65535 for a port.
    fn value(&self, n: u32) -> u16 {
        u16::try_from(n).unwrap_or(u16::MAX)
    }

    fn steps(&self, value: &u16) -> u32 {
        u32::from(*value)
    }

    fn render(&self, value: &u16) -> String {
        value.to_string()
    }
}

impl<U: Unit> Syntax for Bounded<U> {
    type Value = U::Value;

    fn read(
        &self,
        raw: &str,
        _: &ValueSource,
        default: &U::Value,
    ) -> Result<Interpreted<U::Value>, Refusal> {
        let got = bounded(raw, &self.range, self.unit.steps(default));
        Ok(Interpreted {
            value: self.unit.value(got.value),
            problem: got.problem,
        })
    }

    fn render(&self, value: &U::Value) -> String {
        self.unit.render(value)
    }

    fn range(&self) -> Option<RangeInclusive<u32>> {
        Some(self.range.clone())
    }
}

/// The shared store's Redis URL: empty is unset; a URL that is not `redis://` or `rediss://` is
/// unset too, with a warning (each server then works alone, as without the property).
pub(crate) struct SharedStoreAddress;

impl Syntax for SharedStoreAddress {
    type Value = Option<SharedStoreUrl>;

    fn read(
        &self,
        raw: &str,
        _: &ValueSource,
        _: &Option<SharedStoreUrl>,
    ) -> Result<Interpreted<Option<SharedStoreUrl>>, Refusal> {
        if raw.is_empty() {
            return Ok(Interpreted::ok(None));
        }
        Ok(match SharedStoreUrl::parse(raw) {
            Ok(url) => Interpreted::ok(Some(url)),
            Err(problem) => Interpreted::replaced(
                None,
                format!("{problem}; no shared store, this server works alone"),
            ),
        })
    }

    fn render(&self, value: &Option<SharedStoreUrl>) -> String {
        value.as_ref().map_or_else(String::new, ToString::to_string)
    }
}
