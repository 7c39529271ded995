//! The nonce flood (issue 11, finding 1): clients that put a nonce in their status request make
//! every handshake ask the responder. Mounted here with many threads stapling a registered and an
//! unregistered chain, counted at the test kit's responder.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use der::asn1::OctetString;
use der::oid::db::rfc6960::ID_PKIX_OCSP_NONCE;
use der::Encode;
use staplekit::tls::{encode_status_request, ClientStatusRequest, OcspStatusRequest, TlsVersion};
use staplekit_testkit::fixtures::*;
use staplekit_testkit::responder::Fault;
use x509_cert::ext::Extension;

/// Client-driven fetches allowed per certificate per minute in this test.
const BUDGET_PER_MINUTE: u64 = 6;
/// How long the handshake threads keep going.
const FLOOD: Duration = Duration::from_secs(6);
/// Threads driving handshakes, half at each chain.
const THREADS: usize = 32;
/// How long the responder takes per answer: slow enough that, unbounded, fetches pile up.
const RESPONDER_DELAY: Duration = Duration::from_millis(300);
/// The responder's validity: the registered chain must be refreshed several times meanwhile.
const VALIDITY: Duration = Duration::from_secs(3);
const RESPONSE_TIMEOUT_MS: u64 = 1000;

/// A status_request whose request_extensions hold an RFC 8954 nonce.
fn status_request_with_nonce(nonce: &[u8]) -> Vec<u8> {
    let value = OctetString::new(nonce.to_vec()).unwrap().to_der().unwrap();
    let request = OcspStatusRequest {
        responder_ids: vec![],
        extensions: vec![Extension {
            extn_id: ID_PKIX_OCSP_NONCE,
            critical: false,
            extn_value: OctetString::new(value).unwrap(),
        }],
    };
    encode_status_request(&request).unwrap()
}

/// Resident memory of this process, from /proc/self/status.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

#[test]
fn a_nonce_flood_stays_within_the_budget_and_registered_chains_stay_fresh() {
    let fx = OwnPki::start();
    fx.responder.set_validity(Some(VALIDITY));
    fx.responder
        .set_fault(Fault::Delay(RESPONDER_DELAY))
        .unwrap();
    let budget = BUDGET_PER_MINUTE.to_string();
    let timeout = RESPONSE_TIMEOUT_MS.to_string();
    let engine = Arc::new(engine(&[
        ("jdk.tls.stapling.responseTimeout", &timeout),
        // The shortest time between two refreshes: short, so refreshes follow the validity.
        ("staplekit.stapling.retryDelay", "500"),
        ("staplekit.stapling.nonceFetchesPerMinute", &budget),
    ]));
    let registered = Arc::new(fx.leaf_chain(&engine));
    // The revoked leaf's chain is not registered (its intermediate is, through the other chain).
    let unregistered = Arc::new(
        engine
            .parse_chain(fx.pki.revoked_chain_der())
            .expect("chain parses"),
    );
    let registration = engine.register(&registered, None);
    engine.wait_for_first_fetches(&registration, Duration::from_secs(10));
    let leaf_id = registered.leaf().id.clone().expect("leaf has a CertID");
    let refreshes = |engine: &staplekit::StaplingEngine| -> u64 {
        engine
            .stats()
            .certificate(&leaf_id)
            .map_or(0, |c| c.fetches.values().sum())
    };
    // Every registered certificate's background fetches (leaf and intermediate).
    let all_refreshes = |engine: &staplekit::StaplingEngine| -> u64 {
        engine
            .stats()
            .certificates
            .iter()
            .map(|c| c.fetches.values().sum::<u64>())
            .sum()
    };
    let refreshes_before = refreshes(&engine);
    let all_refreshes_before = all_refreshes(&engine);
    let requests_before = fx.responder.stats().requests;
    let rss_before = rss_kib();

    let max_wait_us = Arc::new(AtomicU64::new(0));
    let handshakes = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let engine = engine.clone();
            let chain = if t % 2 == 0 {
                registered.clone()
            } else {
                unregistered.clone()
            };
            let (max_wait_us, handshakes) = (max_wait_us.clone(), handshakes.clone());
            thread::spawn(move || {
                let mut n = 0u64;
                while started.elapsed() < FLOOD {
                    let mut nonce = [0u8; 16];
                    nonce[..8].copy_from_slice(&(t as u64).to_be_bytes());
                    nonce[8..].copy_from_slice(&n.to_be_bytes());
                    let data = status_request_with_nonce(&nonce);
                    let hello = ClientStatusRequest {
                        status_request: Some(&data),
                        status_request_v2: None,
                        version: TlsVersion::Tls13,
                        resumed: false,
                    };
                    let begun = Instant::now();
                    engine.staple(&hello, &chain).expect("well-formed request");
                    let waited = begun.elapsed().as_micros() as u64;
                    max_wait_us.fetch_max(waited, Ordering::Relaxed);
                    handshakes.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
            })
        })
        .collect();
    // Meanwhile the registered chain's held response must never lapse.
    let mut lapsed = 0;
    while started.elapsed() < FLOOD {
        let stats = engine.stats();
        let leaf = stats.certificate(&leaf_id).expect("registered");
        if leaf.next_update.is_none_or(|n| n <= SystemTime::now()) {
            lapsed += 1;
        }
        thread::sleep(Duration::from_millis(100));
    }
    for worker in workers {
        worker.join().unwrap();
    }
    let elapsed = started.elapsed();
    let requests_at_end = fx.responder.stats().requests - requests_before;
    // Jobs still queued go on asking after the handshakes gave up: count them too.
    thread::sleep(Duration::from_secs(2));
    let requests = fx.responder.stats().requests - requests_before;
    let refreshed = refreshes(&engine) - refreshes_before;
    let all_refreshed = all_refreshes(&engine) - all_refreshes_before;
    let rss_growth_kib = rss_kib().saturating_sub(rss_before);
    let handshakes = handshakes.load(Ordering::Relaxed);
    let max_wait = Duration::from_micros(max_wait_us.load(Ordering::Relaxed));
    eprintln!(
        "nonce flood: {handshakes} handshakes in {elapsed:?}; upstream requests {requests_at_end} \
         at the end, {requests} two seconds later (registered chain refreshed {all_refreshed} times, its leaf {refreshed}); \
         longest handshake {max_wait:?}; RSS growth {rss_growth_kib} KiB; held response lapsed \
         in {lapsed} samples"
    );

    // Three certificates can be fetched for clients (leaf, revoked leaf, intermediate): each
    // has a full bucket at the start and refills at the budget's rate; the rest are the
    // registered chain's refreshes (leaf and intermediate).
    let minutes = (elapsed.as_secs_f64() + 2.0) / 60.0;
    let per_certificate = BUDGET_PER_MINUTE + (BUDGET_PER_MINUTE as f64 * minutes).ceil() as u64;
    let refresh_allowance = all_refreshed + 2;
    assert!(
        requests <= 3 * per_certificate + refresh_allowance,
        "{requests} upstream requests for {handshakes} handshakes: over the budget of \
         {per_certificate} per certificate plus {refresh_allowance} refreshes"
    );
    assert!(
        refreshed >= 2,
        "the registered leaf was refreshed {refreshed} times in {elapsed:?} with a validity of \
         {VALIDITY:?}"
    );
    assert_eq!(
        lapsed, 0,
        "the registered chain's held response reached nextUpdate"
    );
    assert!(
        max_wait < Duration::from_millis(RESPONSE_TIMEOUT_MS) + Duration::from_secs(2),
        "a handshake waited {max_wait:?}"
    );
    assert!(
        rss_growth_kib < 64 * 1024,
        "RSS grew by {rss_growth_kib} KiB"
    );
}
