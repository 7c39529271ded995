//! `staplekit serve`: a rustls TLS server that staples through the engine.

use std::process::ExitCode;

use super::{CliError, ServeArgs, Settings};

/// Runs the server until killed.
pub fn run(_settings: &Settings, _args: &ServeArgs) -> Result<ExitCode, CliError> {
    Err(CliError::Other("serve: not built yet".into()))
}
