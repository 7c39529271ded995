//! ocsp_multi fetches run side by side, and the engine is safe under many concurrent handshakes.

use std::sync::Arc;
use std::time::Duration;

use staplekit::tls::{ClientStatusRequest, TlsVersion};
use staplekit::{Staple, StapleForm};
use staplekit_testkit::fixtures::*;

fn jdk_hello(version: TlsVersion) -> ClientStatusRequest<'static> {
    ClientStatusRequest {
        status_request: Some(&JDK_STATUS_REQUEST),
        status_request_v2: Some(&JDK_STATUS_REQUEST_V2),
        version,
        resumed: false,
    }
}

/// Staples with the JDK's ClientHello while the responder answers only once two requests are in
/// flight together: the staple covers leaf and intermediate only if their fetches overlapped.
fn staple_with_overlapping_fetches(version: TlsVersion) -> Staple {
    let fx = OwnPki::start();
    fx.responder
        .hold_until_concurrent(2, Duration::from_secs(5));
    let engine = engine(&[("jdk.tls.stapling.responseTimeout", "10000")]);
    let chain = fx.leaf_chain(&engine);
    let staple = engine
        .staple(&jdk_hello(version), &chain)
        .unwrap()
        .expect("stapled");
    let stats = fx.responder.stats();
    assert_eq!(stats.requests, 2, "leaf and intermediate");
    assert_eq!(
        stats.max_in_flight, 2,
        "both fetches were in flight together"
    );
    staple
}

#[test]
fn ocsp_multi_fetches_overlap_at_the_responder() {
    let staple = staple_with_overlapping_fetches(TlsVersion::Tls12);
    assert_eq!(staple.form(), StapleForm::OcspMulti);
    assert!(staple.response(0).is_some() && staple.response(1).is_some());
}

#[test]
fn tls13_fetches_overlap_too() {
    let staple = staple_with_overlapping_fetches(TlsVersion::Tls13);
    assert_eq!(staple.form(), StapleForm::Tls13);
    assert!(staple.certificate_entry_status(0).is_some());
    assert!(staple.certificate_entry_status(1).is_some());
}

#[test]
fn many_threads_stapling_at_once_agree() {
    let fx = OwnPki::start();
    let engine = Arc::new(engine(&[("jdk.tls.stapling.cacheSize", "2")]));
    let chains = Arc::new([
        fx.leaf_chain(&engine),
        engine.parse_chain(fx.pki.revoked_chain_der()).unwrap(),
    ]);
    let threads: Vec<_> = (0..16)
        .map(|t| {
            let engine = engine.clone();
            let chains = chains.clone();
            std::thread::spawn(move || {
                (0..20)
                    .map(|i| {
                        let chain = &chains[(t + i) % 2];
                        let staple = engine.staple(&jdk_hello(TlsVersion::Tls12), chain).unwrap();
                        ((t + i) % 2, staple.is_some())
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for thread in threads {
        for (which, stapled) in thread.join().unwrap() {
            assert!(stapled, "chain {which} was stapled every time");
        }
    }
}

/// Resident memory of this process, from /proc (Linux).
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

/// Many threads staple chains through a one-entry cache (a leaf's and its intermediate's
/// responses keep evicting each other, so handshakes keep fetching and joining fetches), while
/// another thread registers and unregisters a chain and reads statistics. Runs in a watchdog: a deadlock fails the test
/// instead of hanging it. Memory must stay flat across rounds once warm.
#[test]
fn churn_from_many_threads_neither_deadlocks_nor_grows() {
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let fx = OwnPki::start();
        let engine = Arc::new(engine(&[("jdk.tls.stapling.cacheSize", "1")]));
        let chains = Arc::new([
            fx.leaf_chain(&engine),
            engine.parse_chain(fx.pki.revoked_chain_der()).unwrap(),
            engine
                .parse_chain(fx.pki.chain_der(&fx.pki.leaf_without_aia))
                .unwrap(),
        ]);
        let round = |handshakes: usize| {
            let workers: Vec<_> = (0..16)
                .map(|t| {
                    let (engine, chains) = (engine.clone(), chains.clone());
                    std::thread::spawn(move || {
                        for i in 0..handshakes {
                            let version = if i % 2 == 0 {
                                TlsVersion::Tls12
                            } else {
                                TlsVersion::Tls13
                            };
                            let _ = engine.staple(&jdk_hello(version), &chains[(t + i) % 3]);
                        }
                    })
                })
                .collect();
            let churner = {
                let (engine, chains) = (engine.clone(), chains.clone());
                std::thread::spawn(move || {
                    for _ in 0..handshakes {
                        engine.register(&chains[1], None);
                        let _ = engine.stats();
                        engine.unregister(&chains[1]);
                    }
                })
            };
            for worker in workers {
                worker.join().unwrap();
            }
            churner.join().unwrap();
        };
        round(200);
        let warm = resident_bytes();
        for _ in 0..5 {
            round(200);
        }
        let grown = resident_bytes().saturating_sub(warm);
        let stats = engine.stats();
        done.send((grown, stats)).unwrap();
    });
    let (grown, stats) = finished
        .recv_timeout(Duration::from_secs(120))
        .expect("the churn finished (no deadlock)");
    assert!(
        grown < 16 << 20,
        "resident memory grew by {grown} bytes over 16000 more handshakes"
    );
    assert!(stats.hits > 0 && stats.misses > 0, "{stats:?}");
    assert!(stats.fetches.values().sum::<u64>() > 100, "{stats:?}");
    assert!(
        stats.certificates.is_empty(),
        "every registration was undone"
    );
}
