//! The shared store (`staplekit.stapling.sharedStore`): verified responses and fetch leases in a
//! Redis server that every server of a fleet uses, so the fleet asks a responder once per
//! certificate per refresh and a new server staples from its first handshake.
//!
//! Redis is never trusted and never waited on for long: every command is bounded by
//! [`IO_TIMEOUT`], a failure makes the store skip Redis for [`PAUSE_AFTER_FAILURE`] (each server
//! then goes on alone), the loss and the recovery are logged once each, and whatever is read is
//! verified by the engine before use. Handshakes never reach this code.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use log::{error, info, warn};

use super::{ResponseStore, StoreError, StoredResponse};
use crate::config::SharedStoreUrl;
use crate::ocsp::CertIdentity;
use crate::stats::SharedStoreStats;

/// The longest a connection, a command or a reply may take.
pub(crate) const IO_TIMEOUT: Duration = Duration::from_millis(300);

/// How long Redis is left alone after a failure, so refreshes do not each wait on a dead server.
pub(crate) const PAUSE_AFTER_FAILURE: Duration = Duration::from_secs(1);

/// An entry saved without its nextUpdate lives at most this long (it is verified on every read).
const LONGEST_ENTRY: Duration = Duration::from_secs(7 * 24 * 3600);

/// Where responses are kept in Redis.
const RESPONSE_PREFIX: &str = "staplekit:ocsp:";

/// Where fetch leases are taken in Redis.
const LEASE_PREFIX: &str = "staplekit:lease:";

/// Deletes a lease only if this server still holds it (another may have taken it since it
/// expired).
const RELEASE_SCRIPT: &str =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/// Extends a lease only if this server still holds it.
const EXTEND_SCRIPT: &str =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/// Responses and fetch leases shared through a Redis server.
pub struct SharedStore {
    url: SharedStoreUrl,
    client: redis::Client,
    connection: Mutex<Option<redis::Connection>>,
    health: Mutex<Health>,
    /// This server's name in the leases it holds.
    token: String,
    counters: Counters,
}

/// Whether Redis answered last, and until when it is left alone.
#[derive(Debug, Default)]
struct Health {
    /// `None` until the first exchange.
    up: Option<bool>,
    paused_until: Option<Instant>,
}

#[derive(Debug, Default)]
struct Counters {
    reads: AtomicU64,
    writes: AtomicU64,
    refusals: AtomicU64,
    leases_taken: AtomicU64,
    leases_elsewhere: AtomicU64,
    errors: AtomicU64,
}

/// The outcome of asking for a certificate's fetch lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lease {
    /// This server holds it: it fetches for the fleet.
    Taken,
    /// Another server holds it for about this long still.
    Elsewhere(Duration),
}

impl SharedStore {
    /// Prepares the store at `url`; connects on first use. Fails only when the URL cannot be
    /// used by the Redis client.
    pub fn open(url: &SharedStoreUrl) -> Result<Self, StoreError> {
        let client = redis::Client::open(url.expose().as_str()).map_err(|e| {
            StoreError::with_source(format!("cannot use the shared store {url}: {e}"), e)
        })?;
        Ok(Self {
            url: url.clone(),
            client,
            connection: Mutex::new(None),
            health: Mutex::new(Health::default()),
            token: lease_token(),
            counters: Counters::default(),
        })
    }

    /// Connects and asks Redis for a PING: at start-up, so a wrong address or password is an
    /// error logged at once (the server then works alone until Redis can be used).
    pub fn check(&self) -> Result<(), StoreError> {
        self.run("PING", |con| redis::cmd("PING").query::<String>(con))
            .map(drop)
    }

    /// What the store has done so far.
    pub fn stats(&self) -> SharedStoreStats {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        SharedStoreStats {
            url: self.url.to_string(),
            connected: self.lock_health().up == Some(true),
            reads: load(&self.counters.reads),
            writes: load(&self.counters.writes),
            refusals: load(&self.counters.refusals),
            leases_held: load(&self.counters.leases_taken),
            leases_elsewhere: load(&self.counters.leases_elsewhere),
            errors: load(&self.counters.errors),
        }
    }

    /// The Redis key under which `id`'s response is shared:
    /// `staplekit:ocsp:<issuerNameHash>-<issuerKeyHash>-<serial>` in lowercase hex (SHA-1 hashes,
    /// as in every CertID staplekit sends).
    pub fn response_key(id: &CertIdentity) -> String {
        response_key(id)
    }

    /// Counts an entry the engine refused to use.
    pub(crate) fn refused(&self) {
        self.counters.refusals.fetch_add(1, Ordering::Relaxed);
    }

    /// Writes `der` as `id`'s response, to expire from Redis at `expires` (its nextUpdate).
    pub(crate) fn put(
        &self,
        id: &CertIdentity,
        der: &[u8],
        expires: SystemTime,
    ) -> Result<(), StoreError> {
        let Ok(at) = expires.duration_since(UNIX_EPOCH) else {
            return Ok(());
        };
        if expires <= SystemTime::now() {
            return Ok(());
        }
        let key = response_key(id);
        self.run("SET", |con| {
            redis::cmd("SET")
                .arg(&key)
                .arg(der)
                .arg("PXAT")
                .arg(at.as_millis() as u64)
                .query::<()>(con)
        })?;
        self.counters.writes.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// `id`'s entry, read bounded: at most `max_bytes` + 1 bytes, so the caller tells an entry
    /// that is too large (longer than `max_bytes`) from one of the largest size. Untrusted.
    pub(crate) fn get(
        &self,
        id: &CertIdentity,
        max_bytes: usize,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let key = response_key(id);
        let bytes = self.run("GETRANGE", |con| {
            redis::cmd("GETRANGE")
                .arg(&key)
                .arg(0)
                .arg(max_bytes as u64)
                .query::<Vec<u8>>(con)
        })?;
        self.counters.reads.fetch_add(1, Ordering::Relaxed);
        Ok((!bytes.is_empty()).then_some(bytes))
    }

    /// Tries to take `id`'s fetch lease for `ttl` (set if absent, with expiry): a server that
    /// dies holding it loses it when it expires.
    pub(crate) fn take_lease(&self, id: &CertIdentity, ttl: Duration) -> Result<Lease, StoreError> {
        let key = lease_key(id);
        let ttl_ms = ttl.as_millis().max(1) as u64;
        let (taken, left_ms) = self.run("SET NX", |con| {
            // OK when set, nil when the lease is held already.
            let reply: redis::Value = redis::cmd("SET")
                .arg(&key)
                .arg(&self.token)
                .arg("NX")
                .arg("PX")
                .arg(ttl_ms)
                .query(con)?;
            let taken = !matches!(reply, redis::Value::Nil);
            let left_ms = match taken {
                true => 0,
                false => redis::cmd("PTTL").arg(&key).query::<i64>(con)?,
            };
            Ok((taken, left_ms))
        })?;
        if taken {
            self.counters.leases_taken.fetch_add(1, Ordering::Relaxed);
            return Ok(Lease::Taken);
        }
        self.counters
            .leases_elsewhere
            .fetch_add(1, Ordering::Relaxed);
        // -2 (gone meanwhile) or -1 (no expiry, not ours): come back soon.
        let left = u64::try_from(left_ms).unwrap_or(0).min(ttl_ms);
        Ok(Lease::Elsewhere(Duration::from_millis(left)))
    }

    /// Keeps `id`'s lease, if this server still holds it, for `ttl` from now.
    pub(crate) fn extend_lease(&self, id: &CertIdentity, ttl: Duration) {
        let key = lease_key(id);
        let _ = self.run("EVAL", |con| {
            redis::cmd("EVAL")
                .arg(EXTEND_SCRIPT)
                .arg(1)
                .arg(&key)
                .arg(&self.token)
                .arg(ttl.as_millis().max(1) as u64)
                .query::<i64>(con)
        });
    }

    /// Gives `id`'s lease back, if this server still holds it, so the fleet need not wait for
    /// it to expire. Failing is harmless: it expires.
    pub(crate) fn release_lease(&self, id: &CertIdentity) {
        let key = lease_key(id);
        let _ = self.run("EVAL", |con| {
            redis::cmd("EVAL")
                .arg(RELEASE_SCRIPT)
                .arg(1)
                .arg(&key)
                .arg(&self.token)
                .query::<i64>(con)
        });
    }

    /// Runs `exchange` on the connection (connecting first when there is none), unless Redis is
    /// being left alone after a failure. Logs the loss and the recovery once each, never while
    /// holding a lock.
    fn run<T>(
        &self,
        what: &str,
        exchange: impl FnOnce(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> Result<T, StoreError> {
        if let Some(until) = self.lock_health().paused_until {
            if Instant::now() < until {
                return Err(StoreError::new(format!(
                    "the shared store {} is not used for a moment after a failure",
                    self.url
                )));
            }
        }
        let mut slot = self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let result = match slot.as_mut() {
            Some(con) => exchange(con),
            None => match self.connect() {
                Ok(mut con) => {
                    let result = exchange(&mut con);
                    *slot = Some(con);
                    result
                }
                Err(e) => Err(e),
            },
        };
        if result.as_ref().is_err_and(breaks_connection) {
            *slot = None;
        }
        drop(slot);
        match result {
            Ok(value) => {
                self.went_well();
                Ok(value)
            }
            Err(e) if breaks_connection(&e) => {
                let error = StoreError::with_source(
                    format!("the shared store {} failed ({what}): {e}", self.url),
                    e,
                );
                self.went_wrong(&error);
                Err(error)
            }
            // Redis answered: it is up, the command was refused (e.g. a key of another type).
            Err(e) => {
                self.went_well();
                self.counters.errors.fetch_add(1, Ordering::Relaxed);
                Err(StoreError::with_source(
                    format!("the shared store {} refused {what}: {e}", self.url),
                    e,
                ))
            }
        }
    }

    fn connect(&self) -> redis::RedisResult<redis::Connection> {
        let con = self.client.get_connection_with_timeout(IO_TIMEOUT)?;
        con.set_read_timeout(Some(IO_TIMEOUT))?;
        con.set_write_timeout(Some(IO_TIMEOUT))?;
        Ok(con)
    }

    fn went_well(&self) {
        let was = {
            let mut health = self.lock_health();
            health.paused_until = None;
            health.up.replace(true)
        };
        match was {
            Some(false) => info!(
                "the shared store {} is back: responses and fetches are shared again",
                self.url
            ),
            None => info!("using the shared store {}", self.url),
            Some(true) => {}
        }
    }

    fn went_wrong(&self, e: &StoreError) {
        self.counters.errors.fetch_add(1, Ordering::Relaxed);
        let was = {
            let mut health = self.lock_health();
            health.paused_until = Some(Instant::now() + PAUSE_AFTER_FAILURE);
            health.up.replace(false)
        };
        match was {
            Some(true) => warn!(
                "{e}; this server goes on alone (its own fetches and cacheDir) until it is back"
            ),
            None => error!(
                "staplekit.stapling.sharedStore: {e}; this server works alone (its own fetches \
                 and cacheDir) until the store can be used"
            ),
            Some(false) => {}
        }
    }

    fn lock_health(&self) -> MutexGuard<'_, Health> {
        self.health.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl std::fmt::Debug for SharedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedStore")
            .field("url", &self.url)
            .finish()
    }
}

impl ResponseStore for SharedStore {
    fn describe(&self) -> String {
        format!("the shared store {}", self.url)
    }

    fn load(
        &self,
        id: &CertIdentity,
        max_bytes: usize,
    ) -> Result<Option<StoredResponse>, StoreError> {
        let der = self.get(id, max_bytes)?;
        if der.as_ref().is_some_and(|der| der.len() > max_bytes) {
            self.refused();
            return Err(StoreError::new(format!(
                "{} in {} is larger than {max_bytes} bytes",
                response_key(id),
                self.describe()
            )));
        }
        Ok(der.map(|der| StoredResponse {
            der,
            // Redis does not say when; the engine bounds the entry by its nextUpdate.
            stored_at: SystemTime::now(),
            location: format!("{} in {}", response_key(id), self.describe()),
        }))
    }

    fn save(&self, id: &CertIdentity, der: &[u8]) -> Result<(), StoreError> {
        self.put(id, der, SystemTime::now() + LONGEST_ENTRY)
    }

    fn save_until(
        &self,
        id: &CertIdentity,
        der: &[u8],
        next_update: SystemTime,
    ) -> Result<(), StoreError> {
        self.put(id, der, next_update)
    }

    fn list(&self) -> Result<Vec<CertIdentity>, StoreError> {
        let keys: Vec<String> = self.run("SCAN", |con| {
            redis::cmd("SCAN")
                .cursor_arg(0)
                .arg("MATCH")
                .arg(format!("{RESPONSE_PREFIX}*"))
                .clone()
                .iter::<String>(con)?
                .take(100_000)
                .collect()
        })?;
        Ok(keys
            .iter()
            .filter_map(|k| k.strip_prefix(RESPONSE_PREFIX))
            .filter_map(parse_key)
            .collect())
    }
}

/// Whether an error means the connection cannot be trusted any more (Redis down, slow, gone, or
/// not accepting this client).
fn breaks_connection(e: &redis::RedisError) -> bool {
    e.is_io_error()
        || e.is_timeout()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || e.kind() == redis::ErrorKind::AuthenticationFailed
        || e.code()
            .is_some_and(|c| matches!(c, "WRONGPASS" | "NOAUTH"))
}

/// `staplekit:ocsp:<issuerNameHash>-<issuerKeyHash>-<serial>` (lowercase hex; SHA-1, the only
/// hash staplekit's CertIDs use).
pub(crate) fn response_key(id: &CertIdentity) -> String {
    format!("{RESPONSE_PREFIX}{}", id_text(id))
}

fn lease_key(id: &CertIdentity) -> String {
    format!("{LEASE_PREFIX}{}", id_text(id))
}

fn id_text(id: &CertIdentity) -> String {
    format!(
        "{}-{}-{}",
        hex(&id.issuer_name_hash),
        hex(&id.issuer_key_hash),
        hex(&id.serial)
    )
}

fn parse_key(text: &str) -> Option<CertIdentity> {
    let mut parts = text.split('-');
    let (name, key, serial) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some(CertIdentity {
        issuer_name_hash: unhex(name)?.try_into().ok()?,
        issuer_key_hash: unhex(key)?.try_into().ok()?,
        serial: unhex(serial).filter(|s| !s.is_empty())?,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// This server's name in leases: host, process and a random part, so two processes never
/// mistake each other's leases.
fn lease_token() -> String {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 8];
    let _ = ring::rand::SystemRandom::new().fill(&mut bytes);
    format!("{}-{}", std::process::id(), hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_cert_id_and_read_back() {
        let id = CertIdentity::new(b"issuer", b"key", &[0x01, 0xab]);
        let key = response_key(&id);
        assert!(key.starts_with("staplekit:ocsp:"), "{key}");
        assert!(key.ends_with("-01ab"), "{key}");
        let back = parse_key(key.strip_prefix(RESPONSE_PREFIX).unwrap()).unwrap();
        assert_eq!(back, id);
        assert_ne!(lease_key(&id), key);
    }

    #[test]
    fn an_unreachable_store_fails_within_its_timeout_then_pauses() {
        let url = SharedStoreUrl::parse("redis://127.0.0.1:1").unwrap();
        let store = SharedStore::open(&url).unwrap();
        let e = store.check().expect_err("nothing listens on port 1");
        assert!(e.to_string().contains("redis://127.0.0.1:1"), "{e}");
        let again = store.check().expect_err("paused");
        assert!(
            again.to_string().contains("not used for a moment"),
            "{again}"
        );
        assert!(!store.stats().connected);
        assert_eq!(store.stats().errors, 1);
    }
}
