//! The command's errors: one line each, naming the file or argument and what is wrong.

use std::path::PathBuf;

/// Why a command could not run.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The configuration could not be loaded (unreadable file, bad enable flag, bad -D).
    #[error(transparent)]
    Config(#[from] staplekit::ConfigError),
    /// The engine could not start.
    #[error(transparent)]
    Engine(#[from] staplekit::EngineError),
    /// A certificate chain could not be read.
    #[error(transparent)]
    Chain(#[from] staplekit::ChainError),
    /// A certificate chain file could be read but not used as a chain.
    #[error("{}: {source}", path.display())]
    ChainFile {
        /// The chain file.
        path: PathBuf,
        /// What is wrong with its certificates.
        source: staplekit::ChainError,
    },
    /// A private key file could not be used.
    #[error("{}: {reason}", path.display())]
    Key {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A file or directory given to `staplekit responder` (or in staplekit.stapling.keyStores)
    /// could not be used.
    #[error("{}: {reason}", path.display())]
    Input {
        /// The file or directory.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Could not listen on the address.
    #[error("cannot listen on {addr}: {reason}")]
    Listen {
        /// The address asked for.
        addr: String,
        /// What the system said.
        reason: String,
    },
    /// Anything else, already phrased for the user.
    #[error("{0}")]
    Other(String),
}
