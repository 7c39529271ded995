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

#[cfg(all(test, unix))]
mod tests {
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::config::ConfigLoader;
    use crate::engine::{EngineError, StaplingEngine};

    #[test]
    fn a_symlinked_entry_is_an_error_naming_it_not_a_response() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let store = DirStore::open(&tmp.path().join("responses")).expect("open");
        let id = CertIdentity::new(b"issuer", b"key", &[7]);
        store
            .save(&CertIdentity::new(b"issuer", b"key", &[8]), b"\x30\x00")
            .expect("save");
        let planted = tmp.path().join("planted.der");
        fs::write(&planted, b"\x30\x00").expect("write");
        let entry = store.dir.file_for(&id);
        std::os::unix::fs::symlink(&planted, &entry).expect("symlink");
        assert!(store.list().expect("list").contains(&id));
        let e = store.load(&id, 1024).expect_err("not followed");
        assert!(e.to_string().contains(&entry.display().to_string()), "{e}");
        assert!(e.to_string().contains("symbolic link"), "{e}");
    }

    #[test]
    fn the_engine_refuses_a_cache_dir_open_to_others_naming_the_property_and_the_fix() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let path = tmp.path().join("responses");
        fs::create_dir(&path).expect("mkdir");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o777)).expect("chmod");
        let config = ConfigLoader::new()
            .set("staplekit.stapling.cacheDir", path.display().to_string())
            .load()
            .expect("loads")
            .config;
        match StaplingEngine::new(config) {
            Err(e @ EngineError::CacheDir(_)) => {
                let text = e.to_string();
                assert!(text.starts_with("staplekit.stapling.cacheDir: "), "{text}");
                assert!(text.contains(&path.display().to_string()), "{text}");
                assert!(text.contains("writable by its group or others"), "{text}");
                assert!(text.contains("chmod 700"), "{text}");
            }
            Err(e) => panic!("expected a cacheDir error, got {e}"),
            Ok(_) => panic!("a world-writable cacheDir was accepted"),
        }
    }
}
