//! What `staplekit responder` registers: the chains in the paths it is given (PEM chain files,
//! PKCS#12 and JKS key stores, directories of them) and in `staplekit.stapling.keyStores`.

use std::fmt;
use std::path::{Path, PathBuf};

use staplekit::{parse_pem_certificates, Secret};

use super::key_store::{read_bounded, read_key_store, FileKind};
use super::CliError;

/// One chain to register, leaf first.
#[derive(Debug)]
pub struct ChainInput {
    /// Where it came from: `leaf-chain.pem`, or `store.p12 (entry "server")`.
    pub origin: Origin,
    /// The certificates, DER, leaf first.
    pub certificates: Vec<Vec<u8>>,
}

/// Where a chain came from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A PEM chain file: registered with its path, so that `<file>.ors` is read.
    PemFile(PathBuf),
    /// A key store's private key entry.
    KeyStoreEntry {
        /// The key store.
        path: PathBuf,
        /// PKCS#12 or JKS.
        kind: FileKind,
        /// The entry's alias.
        alias: String,
    },
}

impl Origin {
    /// The PEM file to register the chain with, if any.
    pub fn chain_file(&self) -> Option<&Path> {
        match self {
            Origin::PemFile(path) => Some(path),
            Origin::KeyStoreEntry { .. } => None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::PemFile(path) => write!(f, "{}", path.display()),
            Origin::KeyStoreEntry { path, kind, alias } => {
                write!(f, "{} ({kind}, entry {alias:?})", path.display())
            }
        }
    }
}

/// Everything found, and what was passed over with why.
#[derive(Debug, Default)]
pub struct Inputs {
    /// The chains to register.
    pub chains: Vec<ChainInput>,
    /// Files in directories, and key store entries, that were not taken: path or entry, and why.
    pub skipped: Vec<(String, String)>,
}

/// Why a file gives no chain.
enum Unusable {
    /// Not one of the kinds read here, or nothing in it to register: an error for a path given by
    /// name, a note for a file found in a directory.
    NotForUs(String),
    /// One of the kinds read here, and broken (wrong password, corrupt): always an error.
    Broken(CliError),
}

/// Reads every path given on the command line, then every key store in `config_key_stores`.
///
/// Errors name the file and what is wrong: a file given by name must be a chain of at least two
/// certificates or a key store with at least one such chain; a directory contributes whatever
/// files in it are one of those (the rest is listed in [`Inputs::skipped`]), and fails only on a
/// key store it cannot open.
pub fn collect(
    paths: &[PathBuf],
    config_key_stores: &[PathBuf],
    password: Option<&Secret>,
) -> Result<Inputs, CliError> {
    let password = password.map(Secret::expose);
    let mut inputs = Inputs::default();
    for path in paths.iter().chain(config_key_stores) {
        if path.is_dir() {
            read_directory(path, password, &mut inputs)?;
        } else {
            match read_file(path, password, &mut inputs) {
                Ok(()) => {}
                Err(Unusable::NotForUs(reason)) => return Err(file_error(path, reason)),
                Err(Unusable::Broken(error)) => return Err(error),
            }
        }
    }
    Ok(inputs)
}

/// Every regular file directly in `dir`, in name order.
fn read_directory(dir: &Path, password: Option<&str>, inputs: &mut Inputs) -> Result<(), CliError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| file_error(dir, format!("cannot list the directory: {e}")))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| file_error(dir, format!("cannot list the directory: {e}")))?;
        files.push(entry.path());
    }
    files.sort();
    for path in files {
        if !path.is_file() {
            inputs
                .skipped
                .push((path.display().to_string(), "not a regular file".into()));
            continue;
        }
        match read_file(&path, password, inputs) {
            Ok(()) => {}
            Err(Unusable::NotForUs(reason)) => {
                inputs.skipped.push((path.display().to_string(), reason))
            }
            Err(Unusable::Broken(error)) => return Err(error),
        }
    }
    Ok(())
}

/// One file: a PEM chain, or a key store's key entries.
fn read_file(path: &Path, password: Option<&str>, inputs: &mut Inputs) -> Result<(), Unusable> {
    let bytes = read_bounded(path).map_err(Unusable::NotForUs)?;
    match FileKind::of(&bytes) {
        None => Err(Unusable::NotForUs(
            "neither a PEM certificate chain nor a PKCS#12 or JKS key store".into(),
        )),
        Some(FileKind::PemChain) => {
            let certificates = parse_pem_certificates(&bytes, &path.display().to_string())
                .map_err(|e| Unusable::Broken(e.into()))?;
            if certificates.len() < 2 {
                return Err(Unusable::NotForUs(
                    "one certificate only: a chain to staple needs the leaf and its issuer, leaf \
                     first"
                        .into(),
                ));
            }
            inputs.chains.push(ChainInput {
                origin: Origin::PemFile(path.to_owned()),
                certificates,
            });
            Ok(())
        }
        Some(kind) => {
            let chains = read_key_store(kind, &bytes, password)
                .map_err(|reason| Unusable::Broken(file_error(path, reason)))?;
            let before = inputs.chains.len();
            for chain in chains {
                let origin = Origin::KeyStoreEntry {
                    path: path.to_owned(),
                    kind,
                    alias: chain.alias,
                };
                if chain.certificates.len() < 2 {
                    inputs.skipped.push((
                        origin.to_string(),
                        "its chain is one certificate: no issuer to ask about it with".into(),
                    ));
                } else {
                    inputs.chains.push(ChainInput {
                        origin,
                        certificates: chain.certificates,
                    });
                }
            }
            if inputs.chains.len() == before {
                return Err(Unusable::NotForUs(format!(
                    "a {kind} without a private key entry whose chain has two certificates or more"
                )));
            }
            Ok(())
        }
    }
}

fn file_error(path: &Path, reason: String) -> CliError {
    CliError::Input {
        path: path.to_owned(),
        reason,
    }
}
