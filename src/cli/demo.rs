//! `staplekit demo`: the whole thing, offline, in a few seconds.

use std::process::ExitCode;

use super::{CliError, Settings};

/// Runs the demo.
pub fn run(_settings: &Settings) -> Result<ExitCode, CliError> {
    Err(CliError::Other("demo: not built yet".into()))
}
