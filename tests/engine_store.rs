//! The store seam: a response store written outside the crate, against the public
//! `ResponseStore` trait alone, keeps a registered chain stapled across a restart; what it hands
//! back is verified before use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use staplekit::{
    CertIdentity, ConfigLoader, RegisteredCertificate, ResponseSource, ResponseStore,
    StaplingEngine, Status, StoreError, StoredResponse,
};
use staplekit_testkit::fixtures::{v1_hello, OwnPki};

const FIRST_FETCH: Duration = Duration::from_secs(10);

/// Responses in a map: what a shared or embedded store would be, minus the network.
#[derive(Default)]
struct MemoryStore {
    responses: Mutex<HashMap<CertIdentity, (Vec<u8>, SystemTime)>>,
}

impl MemoryStore {
    fn put(&self, id: CertIdentity, der: Vec<u8>) {
        let mut responses = self.responses.lock().unwrap();
        responses.insert(id, (der, SystemTime::now()));
    }

    fn der_of(&self, id: &CertIdentity) -> Option<Vec<u8>> {
        let responses = self.responses.lock().unwrap();
        responses.get(id).map(|(der, _)| der.clone())
    }
}

impl ResponseStore for MemoryStore {
    fn describe(&self) -> String {
        "the test's memory store".into()
    }

    fn load(
        &self,
        id: &CertIdentity,
        max_bytes: usize,
    ) -> Result<Option<StoredResponse>, StoreError> {
        let responses = self.responses.lock().unwrap();
        let Some((der, stored_at)) = responses.get(id) else {
            return Ok(None);
        };
        if der.len() > max_bytes {
            return Err(StoreError::new(format!("{} bytes is too large", der.len())));
        }
        Ok(Some(StoredResponse {
            der: der.clone(),
            stored_at: *stored_at,
            location: format!("memory:{}", id.serial_hex()),
        }))
    }

    fn save(&self, id: &CertIdentity, der: &[u8]) -> Result<(), StoreError> {
        self.put(id.clone(), der.to_vec());
        Ok(())
    }

    fn list(&self) -> Result<Vec<CertIdentity>, StoreError> {
        Ok(self.responses.lock().unwrap().keys().cloned().collect())
    }
}

fn engine_with(store: &Arc<MemoryStore>) -> StaplingEngine {
    let config = ConfigLoader::new().load().expect("defaults load").config;
    StaplingEngine::with_store(config, store.clone()).expect("engine starts")
}

fn kept_ids(registration: &staplekit::Registration) -> Vec<CertIdentity> {
    registration.kept_ids().cloned().collect()
}

#[test]
fn a_restart_staples_from_a_memory_store_while_the_responder_is_down() {
    let fx = OwnPki::start();
    let store = Arc::new(MemoryStore::default());

    let first = engine_with(&store);
    let chain = first.parse_chain(fx.pki.leaf_chain_der()).unwrap();
    let registration = first.register(&chain, None);
    let stats = first.wait_for_first_fetches(&registration, FIRST_FETCH);
    let leaf = stats[0].as_ref().expect("the leaf is registered");
    assert_eq!(leaf.status, Some(Status::Good), "{leaf:?}");
    assert_eq!(leaf.source, Some(ResponseSource::Fetched));
    let ids = kept_ids(&registration);
    assert_eq!(
        ids.len(),
        2,
        "leaf and intermediate; the root is never asked about"
    );
    let mut listed = store.list().unwrap();
    listed.sort_by(|a, b| a.serial.cmp(&b.serial));
    let mut expected = ids.clone();
    expected.sort_by(|a, b| a.serial.cmp(&b.serial));
    assert_eq!(
        listed, expected,
        "every response taken went through the trait"
    );
    let saved_leaf = store
        .der_of(&ids[0])
        .expect("the leaf's response was saved");
    drop(first);

    fx.responder.shutdown();
    let second = engine_with(&store);
    let chain = second.parse_chain(fx.pki.leaf_chain_der()).unwrap();
    let registration = second.register(&chain, None);
    let RegisteredCertificate::Kept { loaded, .. } = &registration.certificates()[0] else {
        panic!("the leaf is kept stapled: {registration:?}");
    };
    assert_eq!(
        *loaded,
        Some(ResponseSource::CacheDir),
        "read back from the store"
    );
    let staple = second
        .staple(&v1_hello(), &chain)
        .unwrap()
        .expect("the first handshake after the restart is stapled");
    assert_eq!(staple.response(0), Some(&saved_leaf[..]));
}

#[test]
fn what_a_store_hands_back_is_verified_before_use() {
    let fx = OwnPki::start();
    let store = Arc::new(MemoryStore::default());
    let probe = engine_with(&store);
    let chain = probe.parse_chain(fx.pki.leaf_chain_der()).unwrap();
    let leaf_id = chain.leaf().id.clone().expect("the leaf has a CertID");
    let intermediate_id = chain.certificates()[1].id.clone().expect("a CertID");
    drop(probe);
    // A forged entry, and a genuine response filed under another certificate.
    store.put(leaf_id.clone(), vec![0x30, 0x03, 0x0A, 0x01, 0x00]);
    let other = {
        let fetcher = engine_with(&Arc::new(MemoryStore::default()));
        let chain = fetcher.parse_chain(fx.pki.leaf_chain_der()).unwrap();
        let registration = fetcher.register(&chain, None);
        fetcher.wait_for_first_fetches(&registration, FIRST_FETCH);
        let staple = fetcher
            .staple(&v1_hello(), &chain)
            .unwrap()
            .expect("fetched");
        staple.response(0).expect("the leaf's response").to_vec()
    };
    store.put(intermediate_id, other);
    fx.responder.shutdown();

    let engine = engine_with(&store);
    let chain = engine.parse_chain(fx.pki.leaf_chain_der()).unwrap();
    let registration = engine.register(&chain, None);
    for certificate in &registration.certificates()[..2] {
        let RegisteredCertificate::Kept { loaded, .. } = certificate else {
            panic!("kept: {certificate:?}");
        };
        assert_eq!(
            *loaded, None,
            "nothing unverifiable is loaded: {certificate:?}"
        );
    }
    assert_eq!(engine.staple(&v1_hello(), &chain).unwrap(), None);
}

/// A store whose first save of one certificate waits (up to a bound) for another save of it:
/// the window in which two fetches ending together used to cross.
struct RacingStore {
    inner: MemoryStore,
    slow_id: CertIdentity,
    saves: Mutex<u32>,
    saved: std::sync::Condvar,
}

impl ResponseStore for RacingStore {
    fn describe(&self) -> String {
        "the test's racing store".into()
    }

    fn load(&self, id: &CertIdentity, max: usize) -> Result<Option<StoredResponse>, StoreError> {
        self.inner.load(id, max)
    }

    fn save(&self, id: &CertIdentity, der: &[u8]) -> Result<(), StoreError> {
        if id == &self.slow_id {
            let mut saves = self.saves.lock().unwrap();
            *saves += 1;
            if *saves == 1 {
                self.saved.notify_all();
                let waited = self
                    .saved
                    .wait_timeout_while(saves, Duration::from_millis(1500), |n| *n < 2)
                    .unwrap();
                drop(waited);
            } else {
                self.saved.notify_all();
            }
        }
        self.inner.save(id, der)
    }

    fn list(&self) -> Result<Vec<CertIdentity>, StoreError> {
        self.inner.list()
    }
}

#[test]
fn the_store_holds_what_the_engine_took_last_when_two_fetches_cross() {
    let fx = OwnPki::start();
    // The background fetch gets an older GOOD; a check made while it is being written gets a
    // newer REVOKED.
    fx.responder.set_this_update_age(Duration::from_secs(120));
    let probe = engine_with(&Arc::new(MemoryStore::default()));
    let chain = probe.parse_chain(fx.pki.leaf_chain_der()).unwrap();
    let leaf_id = chain.leaf().id.clone().expect("a CertID");
    drop(probe);
    let store = Arc::new(RacingStore {
        inner: MemoryStore::default(),
        slow_id: leaf_id.clone(),
        saves: Mutex::new(0),
        saved: std::sync::Condvar::new(),
    });
    let config = ConfigLoader::new().load().unwrap().config;
    let engine = StaplingEngine::with_store(config, store.clone()).unwrap();
    let chain = engine.parse_chain(fx.pki.leaf_chain_der()).unwrap();
    engine.register(&chain, None);
    {
        let saves = store.saves.lock().unwrap();
        let (saves, _) = store
            .saved
            .wait_timeout_while(saves, Duration::from_secs(10), |n| *n == 0)
            .unwrap();
        assert_eq!(*saves, 1, "the background fetch is writing the GOOD answer");
    }
    fx.responder.set_this_update_age(Duration::ZERO);
    fx.responder.set_status(
        &fx.pki.leaf.serial,
        staplekit_testkit::responder::CertState::Revoked {
            at: SystemTime::now() - Duration::from_secs(3600),
            reason: None,
        },
    );
    engine.check_chain(&chain, FIRST_FETCH);

    let held = engine
        .staple(&v1_hello(), &chain)
        .unwrap()
        .expect("the leaf is stapled");
    let leaf = engine.stats().certificates[0].clone();
    assert!(matches!(leaf.status, Some(Status::Revoked(_))), "{leaf:?}");
    // Compared without printing: two DER responses in a failure message say nothing.
    assert!(
        store.inner.der_of(&leaf_id).as_deref() == held.response(0),
        "the store holds another answer than the one stapled (REVOKED)"
    );
}
