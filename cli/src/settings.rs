//! `--properties FILE` and `-D NAME=VALUE`, shared by every subcommand.

use std::path::PathBuf;

use clap::Args;
use staplekit::{parse_define, ConfigLoader, LoadedConfig};

use super::CliError;

/// Where the configuration comes from: the same precedence as the engine (-D > file > default).
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// A java.security-format properties file.
    #[arg(long, global = true, value_name = "FILE")]
    pub properties: Option<PathBuf>,
    /// A property, as a JVM system property: -D NAME=VALUE or -DNAME=VALUE (repeatable).
    #[arg(short = 'D', global = true, value_name = "NAME=VALUE", action = clap::ArgAction::Append)]
    pub define: Vec<String>,
}

impl Settings {
    /// Loads the configuration; warnings are logged by the loader and returned.
    pub fn load(&self) -> Result<LoadedConfig, CliError> {
        let mut loader = ConfigLoader::new();
        if let Some(path) = &self.properties {
            loader = loader.file(path);
        }
        for define in &self.define {
            let (key, value) = parse_define(define)?;
            loader = loader.set(key, value);
        }
        Ok(loader.load()?)
    }
}
