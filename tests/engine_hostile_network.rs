//! The engine in front of hostile networks: a responder that trickles its answer ends its fetch
//! at the deadline and the registered certificate gets its failure recorded and a retry planned;
//! the JDK's proxy properties, set like any other property, carry fetches through a proxy.

mod raw_http;

use std::thread;
use std::time::{Duration, Instant, SystemTime};

use staplekit::{CertificateStats, FetchOutcome, StaplingEngine, Status, TransportKind};
use staplekit_testkit::fixtures::{engine, OwnPki};
use staplekit_testkit::pki::{TestPki, TestPkiOptions};

use raw_http::{trickling_server, ForwardingProxy};

/// The registered leaf's statistics once `done` holds, or a panic after `within`.
fn leaf_when(
    engine: &StaplingEngine,
    within: Duration,
    done: impl Fn(&CertificateStats) -> bool,
) -> CertificateStats {
    let deadline = Instant::now() + within;
    loop {
        let stats = engine.stats();
        let leaf = stats.certificates.first().expect("leaf registered").clone();
        if done(&leaf) {
            return leaf;
        }
        assert!(Instant::now() < deadline, "never came: {leaf:?}");
        thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_trickling_responder_fails_the_registered_fetch_at_the_deadline_and_a_retry_is_planned() {
    let server = trickling_server();
    let url = server.url.to_string();
    let pki = TestPki::generate(&TestPkiOptions::new(Some(&url), Some(&url))).expect("PKI");
    let engine = engine(&[
        ("com.sun.security.ocsp.timeout", "1s"),
        ("com.sun.security.ocsp.readtimeout", "2s"),
    ]);
    let chain = engine
        .parse_chain(pki.leaf_chain_der())
        .expect("chain parses");
    let started = Instant::now();
    engine.register(&chain, None);
    // The deadline is 3 s; the responder would go on for 30 s.
    let leaf = leaf_when(&engine, Duration::from_secs(20), |leaf| {
        leaf.consecutive_failures >= 1
    });
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(10),
        "failure recorded after {took:?}"
    );
    assert_eq!(
        leaf.fetches
            .get(&FetchOutcome::Transport(TransportKind::Timeout)),
        Some(&1),
        "{leaf:?}"
    );
    let next = leaf.next_refresh.expect("a next attempt is planned");
    assert!(
        next > SystemTime::now() - Duration::from_secs(1),
        "{leaf:?}"
    );
    assert_eq!(leaf.status, None, "{leaf:?}");
}

#[test]
fn the_http_proxy_properties_carry_fetches_through_the_proxy() {
    let own = OwnPki::start();
    let proxy = ForwardingProxy::start(own.responder.local_addr());
    let proxy_port = proxy.server.url.port().unwrap().to_string();
    let engine = engine(&[
        // Only the proxy can reach this name (`.test` never resolves), and it forwards to the
        // project's responder.
        (
            "jdk.tls.stapling.responderURI",
            "http://ocsp.staplekit.test/",
        ),
        ("jdk.tls.stapling.responderOverride", "true"),
        ("http.proxyHost", "127.0.0.1"),
        ("http.proxyPort", &proxy_port),
    ]);
    engine.register(&own.leaf_chain(&engine), None);
    let leaf = leaf_when(&engine, Duration::from_secs(20), |leaf| {
        leaf.status.is_some() || leaf.consecutive_failures > 0
    });
    assert_eq!(leaf.status, Some(Status::Good), "{leaf:?}");
    let lines = proxy.request_lines();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("GET http://ocsp.staplekit.test/")),
        "{lines:?}"
    );
}
