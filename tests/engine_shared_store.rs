#![cfg(feature = "shared-store")]
//! Engines sharing a real `redis-server` (`staplekit.stapling.sharedStore`): a REVOKED answer one
//! engine fetches reaches the other at its next refresh check, without it asking the responder;
//! Redis unreachable from the start, silent (accepting and never answering) or spoken to in TLS
//! while it speaks plain text: the engine works alone.

use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant};

use staplekit::{FetchOutcome, ResponseSource, Status};
use staplekit_testkit::fixtures::*;
use staplekit_testkit::redis_server::RedisServer;
use staplekit_testkit::responder::CertState;

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "{what}");
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn revoked_reaches_the_other_server_at_its_next_refresh_check_without_a_fetch() {
    let fx = OwnPki::start();
    fx.responder.set_validity(Some(Duration::from_secs(4)));
    let redis = RedisServer::start(None);
    let overrides = [
        ("staplekit.stapling.sharedStore", redis.url()),
        ("staplekit.stapling.retryDelay", "200".to_owned()),
    ];
    let overrides: Vec<(&str, &str)> = overrides.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = engine(&overrides);
    let second = engine(&overrides);
    let chain = fx.leaf_chain(&first);
    first.register(&chain, None);
    let leaf_id = chain.leaf().id.clone().expect("a CertID");
    wait_until("the first engine staples", || {
        first
            .stats()
            .certificate(&leaf_id)
            .is_some_and(|c| c.status == Some(Status::Good))
    });
    let second_chain = fx.leaf_chain(&second);
    second.register(&second_chain, None);
    let taken = second.stats();
    let taken = taken.certificate(&leaf_id).expect("registered");
    assert_eq!(taken.source, Some(ResponseSource::SharedStore), "{taken:?}");
    assert!(taken.fetches.is_empty(), "{taken:?}");

    fx.responder.set_status(
        &fx.pki.leaf.serial,
        CertState::Revoked {
            at: fx.pki.revoked_at,
            reason: Some(1),
        },
    );
    for engine in [&first, &second] {
        wait_until("both engines staple REVOKED", || {
            engine
                .stats()
                .certificate(&leaf_id)
                .is_some_and(|c| matches!(c.status, Some(Status::Revoked(_))))
        });
    }
    let stats = (first.stats(), second.stats());
    let (a, b) = (
        stats.0.certificate(&leaf_id).unwrap(),
        stats.1.certificate(&leaf_id).unwrap(),
    );
    // Exactly one of them asked the responder for the REVOKED answer; the other took it from
    // the store at its next refresh check.
    let revoked_fetches = |c: &staplekit::CertificateStats| {
        c.fetches.get(&FetchOutcome::Revoked).copied().unwrap_or(0)
    };
    assert_eq!(
        revoked_fetches(a) + revoked_fetches(b),
        1,
        "first {a:?}\nsecond {b:?}"
    );
    let sources = [a.source, b.source];
    assert!(
        sources.contains(&Some(ResponseSource::SharedStore)),
        "{sources:?}"
    );
    let store = stats.1.shared_store.as_ref().expect("a shared store");
    assert!(store.connected && store.refusals == 0, "{store:?}");
}

#[test]
fn with_redis_unreachable_from_the_start_an_engine_staples_alone() {
    let fx = OwnPki::start();
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://{}/0", closed.local_addr().unwrap());
    drop(closed);
    let engine = engine(&[("staplekit.stapling.sharedStore", &url)]);
    let chain = fx.leaf_chain(&engine);
    let registration = engine.register(&chain, None);
    let first = engine.wait_for_first_fetches(&registration, Duration::from_secs(10));
    let leaf = first[0].as_ref().expect("registered");
    assert_eq!(leaf.status, Some(Status::Good), "{leaf:?}");
    assert_eq!(leaf.source, Some(ResponseSource::Fetched), "{leaf:?}");
    let store = engine.stats().shared_store.expect("a shared store");
    assert!(!store.connected, "{store:?}");
    assert!(store.errors >= 1, "{store:?}");
}

#[test]
fn a_silent_redis_and_a_tls_mismatch_leave_the_engine_stapling_alone() {
    let fx = OwnPki::start();
    // Accepts connections and never answers: every command ends at its timeout.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("redis://{}/0", silent.local_addr().unwrap());
    let _held = thread::spawn(move || {
        let mut kept = Vec::new();
        while let Ok((stream, _)) = silent.accept() {
            kept.push(stream);
        }
    });
    // rediss:// against a plain Redis: the TLS handshake fails.
    let redis = RedisServer::start(None);
    let tls_url = format!("rediss://127.0.0.1:{}/0", redis.port());
    for url in [silent_url, tls_url] {
        let engine = engine(&[("staplekit.stapling.sharedStore", &url)]);
        let chain = fx.leaf_chain(&engine);
        let registration = engine.register(&chain, None);
        let first = engine.wait_for_first_fetches(&registration, Duration::from_secs(10));
        let leaf = first[0].as_ref().expect("registered");
        assert_eq!(leaf.status, Some(Status::Good), "{url}: {leaf:?}");
        assert_eq!(
            leaf.source,
            Some(ResponseSource::Fetched),
            "{url}: {leaf:?}"
        );
        let store = engine.stats().shared_store.expect("a shared store");
        assert!(!store.connected && store.errors >= 1, "{url}: {store:?}");
    }
}
