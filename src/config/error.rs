//! Errors that stop the configuration from loading.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

use crate::config::source::ValueSource;

/// Why a configuration could not be loaded. (The field saying where a value came from is called
/// `origin` here, because `thiserror` reserves `source` for the underlying error.)
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The properties file could not be read.
    #[error("cannot read the configuration file {}: {source}", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The properties file is not valid `java.util.Properties` syntax (e.g. a bad `\u` escape).
    #[error("the configuration file {} is not a valid properties file: {source}", path.display())]
    FileSyntax {
        /// The file.
        path: PathBuf,
        /// The parser's error, with its line number.
        source: java_properties::PropertiesError,
    },
    /// An enable flag that is neither `true` nor `false`: the JDK refuses to build its SSLContext
    /// then, and so do we.
    #[error("{key} = {value:?} ({}) must be either true or false", origin.origin_phrase())]
    InvalidFlag {
        /// The property's key.
        key: &'static str,
        /// The value as found.
        value: String,
        /// Where it was found.
        origin: ValueSource,
    },
    /// A relative path could not be made absolute (the current directory is unavailable).
    #[error("{key} = {path:?} ({}): cannot resolve the relative path: {source}", origin.origin_phrase())]
    ResolvePath {
        /// The property's key.
        key: &'static str,
        /// The path as given.
        path: PathBuf,
        /// Where it was found.
        origin: ValueSource,
        /// The I/O error from looking up the current directory.
        source: io::Error,
    },
    /// A `-D` argument that is not `NAME=VALUE`.
    #[error("-D argument {arg:?} {problem}; expected NAME=VALUE")]
    InvalidDefine {
        /// The argument as given (without the `-D`).
        arg: String,
        /// What is wrong with it.
        problem: &'static str,
    },
}
