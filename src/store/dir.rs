//! The directory store: one DER file per certificate in `staplekit.stapling.cacheDir`, written
//! atomically (see [`crate::persist::ResponseDir`]).

use std::path::Path;

use super::{ResponseStore, StoreError, StoredResponse};
use crate::ocsp::CertIdentity;
use crate::persist::{PersistError, ResponseDir};

/// A [`ResponseStore`] in a local directory, one file per certificate, named by its CertID.
#[derive(Debug, Clone)]
pub struct DirStore {
    dir: ResponseDir,
}

impl DirStore {
    /// Opens `path`, creating it (mode 0700) when missing; fails unless it is a writable
    /// directory, so a bad `cacheDir` is found at start-up.
    pub fn open(path: &Path) -> Result<Self, PersistError> {
        Ok(Self {
            dir: ResponseDir::open(path)?,
        })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl ResponseStore for DirStore {
    fn describe(&self) -> String {
        format!("the directory {}", self.dir.path().display())
    }

    fn load(
        &self,
        id: &CertIdentity,
        max_bytes: usize,
    ) -> Result<Option<StoredResponse>, StoreError> {
        let stored = self.dir.read(id, max_bytes).map_err(error)?;
        Ok(stored.map(|stored| StoredResponse {
            der: stored.der,
            stored_at: stored.modified,
            location: stored.path.display().to_string(),
        }))
    }

    fn save(&self, id: &CertIdentity, der: &[u8]) -> Result<(), StoreError> {
        self.dir.write(id, der).map(drop).map_err(error)
    }

    fn list(&self) -> Result<Vec<CertIdentity>, StoreError> {
        self.dir.list().map_err(error)
    }
}

/// A directory's error as a store error; its message already names the path.
fn error(e: PersistError) -> StoreError {
    StoreError::with_source(e.to_string(), e)
}
