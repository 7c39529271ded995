//! Where verified responses of registered certificates are kept across restarts: the
//! [`ResponseStore`] seam, and the directory store that `staplekit.stapling.cacheDir` opens.
//!
//! The engine writes a response to its store before the response becomes visible to handshakes,
//! and reads it back (and verifies it again) when a chain is registered. A store only moves bytes:
//! whatever it hands back is treated as untrusted.

mod dir;
#[cfg(feature = "shared-store")]
mod redis;

use std::error::Error;
use std::time::SystemTime;

use crate::ocsp::CertIdentity;

pub use dir::DirStore;
#[cfg(feature = "shared-store")]
pub use redis::SharedStore;
#[cfg(feature = "shared-store")]
pub(crate) use redis::{response_key, Lease};

/// Where verified OCSP responses are kept across restarts, keyed by CertID.
///
/// Implementations must be safe to call from several threads at once (the refresher saves from
/// its fetch threads). A failed save is logged and the response is stapled all the same; a failed
/// or corrupt load is logged and ignored.
pub trait ResponseStore: Send + Sync {
    /// Where the responses go, for log lines: e.g. `the directory /var/cache/staplekit`.
    fn describe(&self) -> String;

    /// The response kept for `id`, if any, of at most `max_bytes` (larger is an error). The bytes
    /// are not trusted: the engine verifies them before use.
    fn load(
        &self,
        id: &CertIdentity,
        max_bytes: usize,
    ) -> Result<Option<StoredResponse>, StoreError>;

    /// Keeps `der`, a response the engine verified, as `id`'s, replacing any other; the response
    /// must survive a crash once this returns.
    fn save(&self, id: &CertIdentity, der: &[u8]) -> Result<(), StoreError>;

    /// [`ResponseStore::save`] for a response valid until `next_update`: a store that can
    /// forget entries (the shared store) forgets it then. By default, `save`.
    fn save_until(
        &self,
        id: &CertIdentity,
        der: &[u8],
        next_update: SystemTime,
    ) -> Result<(), StoreError> {
        let _ = next_update;
        self.save(id, der)
    }

    /// Every CertID a response is kept for, in no particular order.
    fn list(&self) -> Result<Vec<CertIdentity>, StoreError>;
}

/// A response read back from a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// The DER encoding of the OCSP response, as saved.
    pub der: Vec<u8>,
    /// When it was saved (a response without nextUpdate is bounded by this plus
    /// `jdk.tls.stapling.cacheLifetime`).
    pub stored_at: SystemTime,
    /// Where it was read from, for log lines: e.g. a file's path.
    pub location: String,
}

/// Why a store could not load, save or list. The message names the store and what failed.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    message: String,
    #[source]
    source: Option<Box<dyn Error + Send + Sync>>,
}

impl StoreError {
    /// An error described by `message` alone.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    /// An error described by `message`, caused by `source`.
    pub fn with_source(
        message: impl Into<String>,
        source: impl Into<Box<dyn Error + Send + Sync>>,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(source.into()),
        }
    }
}
