//! Placeholder: replaced by the full module on the settings branch.
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::ocsp::CertIdentity;

/// A directory holding one verified OCSP response per certificate, for restarts.
pub struct ResponseDir {
    path: PathBuf,
}

/// Why a response file could not be written or read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct PersistError {
    path: String,
    reason: String,
}

/// Bytes read from disk and when they were written.
pub struct StoredResponse {
    /// The DER bytes.
    pub der: Vec<u8>,
    /// The file.
    pub path: PathBuf,
    /// Its modification time.
    pub modified: SystemTime,
}

fn err(path: &Path, e: impl std::fmt::Display) -> PersistError {
    PersistError {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

impl ResponseDir {
    /// Opens `path`, creating it when missing.
    pub fn open(path: &Path) -> Result<Self, PersistError> {
        std::fs::create_dir_all(path).map_err(|e| err(path, e))?;
        Ok(Self {
            path: path.to_path_buf(),
        })
    }
    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// The file for `id`.
    pub fn file_for(&self, id: &CertIdentity) -> PathBuf {
        self.path.join(format!("{}.der", id.serial_hex()))
    }
    /// Writes.
    pub fn write(&self, id: &CertIdentity, der: &[u8]) -> Result<PathBuf, PersistError> {
        let path = self.file_for(id);
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, der).map_err(|e| err(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| err(&path, e))?;
        Ok(path)
    }
    /// Reads.
    pub fn read(
        &self,
        id: &CertIdentity,
        max_bytes: usize,
    ) -> Result<Option<StoredResponse>, PersistError> {
        let path = self.file_for(id);
        if !path.exists() {
            return Ok(None);
        }
        read_response_file(&path, max_bytes).map(Some)
    }
}

/// Reads an operator-provided response file.
pub fn read_response_file(path: &Path, max_bytes: usize) -> Result<StoredResponse, PersistError> {
    let der = std::fs::read(path).map_err(|e| err(path, e))?;
    if der.len() > max_bytes {
        return Err(err(path, "too large"));
    }
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(|e| err(path, e))?;
    Ok(StoredResponse {
        der,
        path: path.to_path_buf(),
        modified,
    })
}
