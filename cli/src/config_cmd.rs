//! `staplekit config`: the effective configuration with where each value came from.

use std::io::Write;
use std::process::ExitCode;

use super::{CliError, Settings};

/// Prints every property as `key = value  (source)`, then the warnings.
pub fn run(settings: &Settings) -> Result<ExitCode, CliError> {
    let loaded = settings.load()?;
    let width = loaded
        .entries
        .iter()
        .map(|e| e.key.len())
        .max()
        .unwrap_or(0);
    let mut out = std::io::stdout().lock();
    let mut print = |line: String| -> Result<(), CliError> {
        writeln!(out, "{line}").map_err(|e| CliError::Other(format!("cannot write to stdout: {e}")))
    };
    for entry in &loaded.entries {
        let value = if entry.value.is_empty() {
            "(none)"
        } else {
            &entry.value
        };
        print(format!(
            "{:width$} = {value}  ({})",
            entry.key, entry.source
        ))?;
    }
    for warning in &loaded.warnings {
        print(format!("warning: {warning}"))?;
    }
    Ok(ExitCode::SUCCESS)
}
