//! Registered chains (fetch ahead, refresh ahead, statistics), single flight for the others, and
//! `Staple`'s responses and encodings, against OpenSSL's responders and the project's own.

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use staplekit::tls::{
    parse_certificate_entry_status_request, parse_certificate_status, CertificateStatus, TlsVersion,
};
use staplekit::{FetchOutcome, ResponseSource};
use staplekit_testkit::fixtures::*;
use staplekit_testkit::responder::Fault;

#[test]
fn register_fetches_in_the_background_without_waiting() {
    let fx = OpensslPki::start();
    // A zero timeout staples cache hits only, so a staple proves what the cache holds.
    let engine = engine(&[("jdk.tls.stapling.responseTimeout", "0")]);
    let chain = fx.leaf_chain(&engine);
    let multi = hello(true, true, TlsVersion::Tls12);
    assert_eq!(
        engine.staple(&multi, &chain).unwrap(),
        None,
        "cache is empty"
    );

    let started = Instant::now();
    engine.register(&chain, None);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "register returns before the fetches finish"
    );

    let deadline = Instant::now() + Duration::from_secs(10);
    let responses = loop {
        let responses = engine
            .staple(&multi, &chain)
            .unwrap()
            .map(|s| owned_responses(&s))
            .unwrap_or_default();
        if responses.iter().filter(|r| r.is_some()).count() == 2 {
            break responses;
        }
        assert!(
            Instant::now() < deadline,
            "registering never brought the responses"
        );
        thread::sleep(Duration::from_millis(50));
    };
    assert!(responses[0].is_some() && responses[1].is_some());
    assert_eq!(responses[2], None, "the root is never asked about");
}

#[test]
fn responses_read_back_from_every_kind_of_staple() {
    let fx = OpensslPki::start();
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);

    let multi = engine
        .staple(&hello(true, true, TlsVersion::Tls12), &chain)
        .unwrap()
        .expect("ocsp_multi staple");
    let message = multi
        .certificate_status()
        .expect("TLS 1.2 staples a CertificateStatus");
    let Ok(CertificateStatus::OcspMulti(list)) = parse_certificate_status(&message) else {
        panic!("not ocsp_multi: {message:02x?}");
    };
    assert_eq!(owned_responses(&multi), list);
    assert_eq!(list.len(), 3);

    let single = engine
        .staple(&hello(true, false, TlsVersion::Tls12), &chain)
        .unwrap()
        .expect("ocsp staple");
    let responses = owned_responses(&single);
    assert_eq!(
        responses.iter().flatten().count(),
        1,
        "ocsp carries the leaf's response only"
    );
    assert_eq!(responses[0], list[0]);
    let Ok(CertificateStatus::Ocsp(leaf)) =
        parse_certificate_status(&single.certificate_status().expect("a CertificateStatus"))
    else {
        panic!("not ocsp: {single:?}");
    };
    assert_eq!(Some(leaf), list[0]);

    let tls13 = engine
        .staple(&hello(true, false, TlsVersion::Tls13), &chain)
        .unwrap()
        .expect("TLS 1.3 staple");
    assert_eq!(
        tls13.certificate_status(),
        None,
        "TLS 1.3 has no CertificateStatus"
    );
    let expected: Vec<Option<Vec<u8>>> = (0..tls13.len())
        .map(|i| {
            tls13
                .certificate_entry_status(i)
                .map(|d| parse_certificate_entry_status_request(&d).unwrap())
        })
        .collect();
    assert_eq!(owned_responses(&tls13), expected);
    assert!(expected[0].is_some() && expected[1].is_some() && expected[2].is_none());
}

/// How long the first handshake of a fresh engine takes, and whether it stapled, with the
/// responder delaying every answer by `delay`.
fn first_handshake(register: bool, delay: Duration) -> (Duration, bool) {
    let fx = OwnPki::start();
    fx.responder
        .set_fault(Fault::Delay(delay))
        .expect("delay the responder");
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    if register {
        engine.register(&chain, None);
    }
    let started = Instant::now();
    let staple = engine
        .staple(&hello(true, true, TlsVersion::Tls12), &chain)
        .unwrap();
    (started.elapsed(), staple.is_some())
}

#[test]
fn a_registered_chain_does_not_wait_for_a_slow_responder() {
    let delay = Duration::from_secs(2);
    let (unregistered, stapled) = first_handshake(false, delay);
    assert!(stapled, "the JDK way: wait for the responder, then staple");
    let (registered, _) = first_handshake(true, delay);
    assert!(
        registered * 4 < unregistered,
        "registered first handshake {registered:?}, unregistered {unregistered:?}"
    );
}

#[test]
fn handshakes_waiting_for_one_certificate_share_one_fetch() {
    let fx = OwnPki::start();
    fx.responder
        .set_fault(Fault::Delay(Duration::from_millis(400)))
        .expect("delay the responder");
    let engine = Arc::new(engine(&[]));
    let chain = Arc::new(fx.leaf_chain(&engine));
    let handshakes: Vec<_> = (0..8)
        .map(|_| {
            let (engine, chain) = (engine.clone(), chain.clone());
            thread::spawn(move || {
                engine
                    .staple(&hello(true, false, TlsVersion::Tls12), &chain)
                    .unwrap()
                    .is_some()
            })
        })
        .collect();
    for handshake in handshakes {
        assert!(handshake.join().unwrap(), "every waiting handshake staples");
    }
    let leaf_requests = fx
        .responder
        .recent_requests()
        .iter()
        .filter(|r| r.serials.contains(&fx.pki.leaf.serial))
        .count();
    assert_eq!(leaf_requests, 1, "one fetch for eight handshakes");
    let stats = engine.stats();
    assert_eq!(stats.fetches.get(&FetchOutcome::Good), Some(&1));
    assert_eq!(stats.staples_served, 8);
}

#[test]
fn the_refresher_renews_before_next_update_and_stops_with_the_engine() {
    let fx = OwnPki::start();
    fx.responder.set_this_update_age(Duration::ZERO);
    fx.responder.set_validity(Some(Duration::from_secs(2)));
    let engine = engine(&[
        ("jdk.tls.stapling.cacheLifetime", "0"),
        ("staplekit.stapling.retryDelay", "100"),
    ]);
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, None);
    // Three renewals of a 2 s response at half its validity take about 3 s; with no renewal,
    // the staple would go at the first nextUpdate.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = std::collections::HashSet::new();
    while seen.len() < 4 {
        let responses = engine
            .staple(&hello(true, false, TlsVersion::Tls12), &chain)
            .unwrap()
            .map(|s| owned_responses(&s))
            .unwrap_or_default();
        if let Some(Some(leaf)) = responses.into_iter().next() {
            seen.insert(leaf);
        }
        assert!(
            Instant::now() < deadline,
            "only {} responses seen",
            seen.len()
        );
        thread::sleep(Duration::from_millis(20));
    }
    let leaf = engine.stats().certificates[0].clone();
    assert!(
        leaf.next_refresh.unwrap() < leaf.next_update.unwrap(),
        "{leaf:?}"
    );
    assert_eq!(leaf.consecutive_failures, 0);

    drop(engine);
    // A fetch already handed to the pool may still arrive; none may start from now on.
    thread::sleep(Duration::from_millis(500));
    fx.responder.reset_stats();
    thread::sleep(Duration::from_secs(3));
    assert_eq!(
        fx.responder.stats().requests,
        0,
        "a dropped engine asks no more"
    );
}

#[test]
fn statistics_count_hits_misses_and_staples_per_certificate() {
    let fx = OwnPki::start();
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    let multi = hello(true, true, TlsVersion::Tls12);
    engine.register(&chain, None);
    wait_until_all_held(&engine, Duration::from_secs(10));
    for _ in 0..5 {
        assert!(engine.staple(&multi, &chain).unwrap().is_some());
    }
    let stats = engine.stats();
    assert_eq!(stats.staples_served, 5);
    assert_eq!(stats.hits, 10, "leaf and intermediate, five times");
    assert_eq!(stats.certificates.len(), 2, "the root is not registered");
    for cert in &stats.certificates {
        assert_eq!((cert.hits, cert.staples_served), (5, 5), "{cert:?}");
        assert_eq!(cert.source, Some(ResponseSource::Fetched));
        assert_eq!(cert.fetches.get(&FetchOutcome::Good), Some(&1));
        assert!(cert.next_refresh.unwrap() > cert.this_update.unwrap());
    }
    assert_eq!(stats.certificates[0].serial_hex(), fx.pki.leaf.serial_hex());
}
