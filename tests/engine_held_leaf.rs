//! `StaplingEngine::held_leaf_response`: the leaf's held response for TLS stacks that take their
//! staple before the handshake starts (Netty's OpenSSL engine). It never fetches nor waits.

use std::thread;
use std::time::{Duration, Instant};

use staplekit::tls::TlsVersion;
use staplekit::{Chain, StaplingEngine};
use staplekit_testkit::fixtures::*;
use staplekit_testkit::responder::Fault;

fn wait_until_held(engine: &StaplingEngine, chain: &Chain) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(der) = engine.held_leaf_response(chain) {
            return der.to_vec();
        }
        assert!(
            Instant::now() < deadline,
            "nothing held: {:?}",
            engine.stats()
        );
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn an_unregistered_chain_gets_nothing_at_once_and_nothing_is_fetched() {
    let fx = OwnPki::start();
    fx.responder
        .set_fault(Fault::Delay(Duration::from_secs(3)))
        .expect("delay the responder");
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);

    let started = Instant::now();
    assert_eq!(engine.held_leaf_response(&chain), None);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    let stats = engine.stats();
    assert!(stats.fetches.is_empty(), "fetched: {stats:?}");
    assert_eq!((stats.misses, stats.hits, stats.staples_served), (1, 0, 0));
}

#[test]
fn a_registered_chain_gets_what_a_status_request_handshake_staples() {
    let fx = OwnPki::start();
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, None);

    let held = wait_until_held(&engine, &chain);
    let staple = engine
        .staple(&hello(true, false, TlsVersion::Tls12), &chain)
        .unwrap()
        .expect("a status_request staple");
    assert_eq!(staple.response(0), Some(&held[..]));

    let before = engine.stats();
    assert_eq!(
        engine.held_leaf_response(&chain).as_deref(),
        Some(&held[..])
    );
    let after = engine.stats();
    assert_eq!(after.staples_served, before.staples_served + 1);
    assert_eq!(after.hits, before.hits + 1);
    assert_eq!(after.misses, before.misses);
    let leaf = |s: &staplekit::EngineStats| {
        s.certificates
            .iter()
            .find(|c| c.serial_hex() == fx.pki.leaf.serial_hex())
            .map(|c| (c.hits, c.staples_served))
            .expect("the leaf is registered")
    };
    let (hits, served) = leaf(&before);
    assert_eq!(leaf(&after), (hits + 1, served + 1));
}

#[test]
fn a_registered_chain_does_not_wait_while_its_first_fetch_is_slow() {
    let fx = OwnPki::start();
    fx.responder
        .set_fault(Fault::Delay(Duration::from_secs(3)))
        .expect("delay the responder");
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, None);

    let started = Instant::now();
    assert_eq!(engine.held_leaf_response(&chain), None);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    let leaf = engine
        .stats()
        .certificates
        .into_iter()
        .find(|c| c.serial_hex() == fx.pki.leaf.serial_hex())
        .expect("the leaf is registered");
    assert_eq!((leaf.misses, leaf.staples_served), (1, 0));
}

#[test]
fn nothing_is_held_once_the_chain_is_unregistered() {
    let fx = OwnPki::start();
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, None);
    wait_until_held(&engine, &chain);

    engine.unregister(&chain);
    assert_eq!(engine.held_leaf_response(&chain), None);
}

#[test]
fn nothing_is_held_out_when_the_configuration_staples_nothing() {
    let fx = OwnPki::start();
    for overrides in [
        ("jdk.tls.server.enableStatusRequestExtension", "false"),
        ("jdk.tls.server.disableExtensions", "status_request"),
    ] {
        let engine = engine(&[overrides]);
        let chain = fx.leaf_chain(&engine);
        engine.register(&chain, None);
        wait_until_all_held(&engine, Duration::from_secs(10));
        assert_eq!(engine.held_leaf_response(&chain), None, "{overrides:?}");
        let stats = engine.stats();
        assert_eq!((stats.hits, stats.misses, stats.staples_served), (0, 0, 0));
    }
}
