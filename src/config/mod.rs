//! Configuration: the JDK's stapling properties and staplekit's own `staplekit.*` ones.
//!
//! Values come from overrides (system properties, `-Dkey=value`), then from a `java.security`-format
//! properties file, then from defaults. Each property keeps the JDK's type, default and meaning of
//! edge values (see [`StaplingConfig`]); the only deliberate difference in defaults is
//! `jdk.tls.server.enableStatusRequestExtension`, true here.
//!
//! Every property is one row of the table in `properties.rs`: its key, typed default, accepted
//! range, description, reading and rendering. A new property is a new row there (and in the
//! README's Properties table, which a test compares with it); a new kind of value is a new
//! `Syntax` in `syntax.rs`, built on an interpreter in `values/`.
//!
//! How values are read:
//! - Numbers use Java's `Integer.decode`/`Long.decode` syntax ([`java_number`]), untrimmed, as the
//!   JDK's `Integer.getInteger` reads system properties. The one fractional value,
//!   `staplekit.stapling.refreshRatio`, is a plain decimal such as `0.5` (no exponent, NaN or
//!   infinity), untrimmed too.
//! - Relative paths (`issuers`, `cacheDir`, `responseFile`) are relative to the properties file they
//!   were written in, or to the current directory for overrides; they are made absolute on load.
//! - Values from the file are trimmed like `java.security.Security.getProperty` trims security
//!   properties; override values are used exactly as given, like system properties.
//! - A bad value is replaced (usually by the default) and reported as a [`ConfigWarning`], also
//!   logged; only an `enableStatusRequestExtension` flag that is not `true`/`false` is an error,
//!   because the JDK refuses to start with one too.
//! - Unknown keys are ignored, except under `jdk.tls.stapling.` and `staplekit.`, where they are
//!   reported with the nearest known key.
//!
//! Known differences from the JDK, all in values no one writes on purpose: non-ASCII digits (which
//! Java's `Character.digit` accepts) are not numbers here, and `ſ` does not match `s` in `false`.
//! We warn where the JDK is silent (a dropped responder URI, a non-boolean `responderOverride`).

mod define;
mod error;
pub mod java_number;
mod loader;
mod properties;
mod properties_file;
mod properties_macro;
mod property;
mod refresh_ratio;
mod secret;
mod shared_store_url;
mod source;
mod stapling_config;
mod suggest;
mod syntax;
mod values;
mod warning;

pub use define::parse_define;
pub use error::ConfigError;
pub use loader::{ConfigEntry, ConfigLoader, LoadedConfig};
pub(crate) use properties::defaults;
pub use properties::{Property, StaplingConfig};
pub use refresh_ratio::RefreshRatio;
pub use secret::Secret;
pub use shared_store_url::SharedStoreUrl;
pub use source::ValueSource;
pub use warning::ConfigWarning;

#[cfg(test)]
mod loader_refresh_tests;
#[cfg(test)]
mod loader_tests;
#[cfg(test)]
mod readme_tests;
#[cfg(test)]
mod render_tests;
