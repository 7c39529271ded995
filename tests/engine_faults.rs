//! The fault suite: a registered chain whose responder turns bad after a first good answer.
//! For every fault, in front of the project's own responder (real HTTP, real signatures):
//! handshakes go on without waiting, nothing invalid is ever stapled, the good response keeps
//! being stapled until its nextUpdate and never from then on, and the backoff bounds the retries
//! (counted at the responder). Chains that are not registered get nothing and wait at most
//! responseTimeout.

use std::thread;
use std::time::{Duration, Instant, SystemTime};

use staplekit::{verify_response, Expected, Status, VerifyPolicy};
use staplekit::{Chain, FetchOutcome, StaplingEngine, TransportKind};
use staplekit_testkit::fixtures::*;
use staplekit_testkit::responder::{CertState, Fault};
use x509_ocsp::OcspResponseStatus;

/// How long after it is produced a good response's nextUpdate lies.
const VALIDITY: Duration = Duration::from_secs(2);
/// `staplekit.stapling.retryDelay` and `retryMaxDelay`.
const RETRY: Duration = Duration::from_millis(100);
const RETRY_MAX: Duration = Duration::from_millis(400);
/// `jdk.tls.stapling.responseTimeout`.
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);
/// How long a handshake for a registered chain may take: it never waits on a responder, so this
/// only absorbs scheduling on a busy machine; every fault below holds requests longer.
const NO_WAIT: Duration = Duration::from_millis(250);

fn fault_engine() -> StaplingEngine {
    engine(&[
        ("jdk.tls.stapling.responseTimeout", "500"),
        // Refresh timing from nextUpdate alone.
        ("jdk.tls.stapling.cacheLifetime", "0"),
        ("staplekit.stapling.refreshRatio", "0.5"),
        ("staplekit.stapling.retryDelay", "100"),
        ("staplekit.stapling.retryMaxDelay", "400"),
        ("com.sun.security.ocsp.timeout", "300ms"),
        ("com.sun.security.ocsp.readtimeout", "300ms"),
    ])
}

/// The leaf's stapled response, if any, and how long the call took.
fn staple_leaf(engine: &StaplingEngine, chain: &Chain) -> (Option<Vec<u8>>, Duration) {
    let started = Instant::now();
    let staple = engine.staple(&v1_hello(), chain).expect("valid hello");
    let took = started.elapsed();
    let leaf = staple.and_then(|s| s.response(0).map(<[u8]>::to_vec));
    (leaf, took)
}

/// Waits until the registered leaf is stapled; returns the stapled DER and its nextUpdate.
fn first_good_staple(engine: &StaplingEngine, chain: &Chain) -> (Vec<u8>, SystemTime) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let (Some(der), _) = staple_leaf(engine, chain) {
            let leaf = engine
                .stats()
                .certificates
                .into_iter()
                .next()
                .expect("leaf registered");
            assert_eq!(leaf.status, Some(Status::Good));
            return (
                der,
                leaf.next_update.expect("good response has a nextUpdate"),
            );
        }
        assert!(
            Instant::now() < deadline,
            "the registered chain was never stapled"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// How many attempts at most fit in `window` after a first failed attempt at its start, with the
/// configured backoff (jitter shortens each wait by at most a tenth).
fn most_attempts(window: Duration) -> u64 {
    let mut elapsed = Duration::ZERO;
    let mut attempts = 1;
    let mut wait = RETRY;
    loop {
        elapsed += wait.mul_f64(0.9);
        if elapsed > window {
            return attempts;
        }
        attempts += 1;
        wait = (wait * 2).min(RETRY_MAX);
    }
}

/// The whole scenario for one fault of the leaf's responder.
fn registered_chain_rides_out(fault: Fault, label: &str) {
    // Short enough for a failure message (SignWith carries a certificate and a key).
    let name: String = format!("{fault:?}").chars().take(40).collect();
    registered_chain_turns_bad(&name, label, |fx| {
        // Only the leaf's issuer turns bad: the intermediate's requests keep going to the same
        // responder and are not counted below.
        fx.responder
            .set_issuer_fault(fx.pki.intermediate.cert().der.as_slice(), fault)
            .expect("set the fault")
    });
}

/// The scenario once `turn_bad` has made the responder's answers about the leaf unusable.
fn registered_chain_turns_bad(fault: &str, label: &str, turn_bad: impl FnOnce(&OwnPki)) {
    let fx = OwnPki::start();
    fx.responder.set_this_update_age(Duration::ZERO);
    fx.responder.set_validity(Some(VALIDITY));
    let engine = fault_engine();
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, None);
    let (good, next_update) = first_good_staple(&engine, &chain);

    let leaf_serial = fx.pki.leaf.serial.clone();
    turn_bad(&fx);
    fx.responder.reset_stats();
    let fault_set = Instant::now();

    let (mut before, mut after) = (0, 0);
    let end = next_update + Duration::from_millis(600);
    while SystemTime::now() < end {
        let asked = SystemTime::now();
        let (stapled, took) = staple_leaf(&engine, &chain);
        assert!(took < NO_WAIT, "{fault:?}: a handshake waited {took:?}");
        match stapled {
            Some(der) => {
                assert_eq!(
                    der, good,
                    "{fault:?}: only the last good response is stapled"
                );
                assert!(
                    asked < next_update,
                    "{fault:?}: stapled at or after its nextUpdate"
                );
                before += 1;
            }
            None => {
                assert!(
                    SystemTime::now() + Duration::from_millis(50) >= next_update,
                    "{fault:?}: the good response was dropped before its nextUpdate"
                );
                after += 1;
            }
        }
        thread::sleep(Duration::from_millis(25));
    }
    assert!(
        before > 0 && after > 0,
        "{fault:?}: {before} staples before, {after} after"
    );

    // Retries: the refresh at half the validity left (from the fetch, which may be up to a second
    // after the truncated thisUpdate), then the backoff. Give the second attempt time to end.
    let settle = Instant::now() + Duration::from_secs(5);
    while engine.stats().certificates[0].consecutive_failures < 2 && Instant::now() < settle {
        thread::sleep(Duration::from_millis(25));
    }
    let window = fault_set.elapsed();
    let leaf_requests = fx
        .responder
        .recent_requests()
        .iter()
        .filter(|r| r.serials.contains(&leaf_serial))
        .count() as u64;
    let stats = engine.stats();
    let leaf = &stats.certificates[0];
    assert!(
        leaf_requests >= 2 && leaf_requests <= most_attempts(window),
        "{fault:?}: {leaf_requests} requests in {window:?} (at most {} with backoff)",
        most_attempts(window)
    );
    assert!(leaf.consecutive_failures >= 2, "{fault:?}: {leaf:?}");
    assert!(leaf.last_problem.is_some(), "{fault:?}: {leaf:?}");
    assert!(
        leaf.fetches
            .iter()
            .any(|(outcome, n)| outcome.to_string() == label && *n >= 2),
        "{fault:?}: counted as {label}: {:?}",
        leaf.fetches
    );
    assert_eq!(
        leaf.status, None,
        "{fault:?}: nothing stapleable after nextUpdate"
    );
}

/// A chain that is not registered, in front of the same fault: no staple, within the timeout.
fn unregistered_chain_gets_nothing_in_time(fault: Fault) {
    let fx = OwnPki::start();
    fx.responder
        .set_fault(fault.clone())
        .expect("set the fault");
    let engine = fault_engine();
    let chain = fx.leaf_chain(&engine);
    let (stapled, took) = staple_leaf(&engine, &chain);
    assert_eq!(stapled, None, "{fault:?}");
    assert!(
        took < RESPONSE_TIMEOUT + Duration::from_millis(500),
        "{fault:?}: waited {took:?}"
    );
}

fn both(fault: Fault, label: &str) {
    registered_chain_rides_out(fault.clone(), label);
    unregistered_chain_gets_nothing_in_time(fault);
}

#[test]
fn refusing_connections() {
    // The fault here is the responder's port closing: set after the first good answer.
    let fx = OwnPki::start();
    fx.responder.set_this_update_age(Duration::ZERO);
    fx.responder.set_validity(Some(VALIDITY));
    let engine = fault_engine();
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, None);
    let (good, next_update) = first_good_staple(&engine, &chain);
    fx.responder.shutdown();
    let mut stapled_before = 0;
    while SystemTime::now() < next_update + Duration::from_millis(600) {
        let asked = SystemTime::now();
        let (stapled, took) = staple_leaf(&engine, &chain);
        assert!(took < NO_WAIT, "a handshake waited {took:?}");
        if let Some(der) = stapled {
            assert_eq!(der, good);
            assert!(asked < next_update, "stapled at or after nextUpdate");
            stapled_before += 1;
        }
        thread::sleep(Duration::from_millis(25));
    }
    assert!(stapled_before > 0);
    assert_eq!(staple_leaf(&engine, &chain).0, None);
    let leaf = engine.stats().certificates[0].clone();
    let refused = leaf
        .fetches
        .get(&FetchOutcome::Transport(TransportKind::Connect))
        .copied()
        .unwrap_or(0);
    assert!(refused >= 2, "{leaf:?}");
    // Connection attempts are counted by the engine here: the responder is gone.
    assert!(
        refused <= most_attempts(VALIDITY),
        "{refused} attempts: {leaf:?}"
    );
}

#[test]
fn hanging() {
    both(Fault::Hang, "transport.timeout");
}

#[test]
fn slow_past_the_response_timeout() {
    both(Fault::Delay(Duration::from_secs(3)), "transport.timeout");
}

#[test]
fn http_500() {
    both(Fault::HttpStatus(500), "transport.http-status");
}

#[test]
fn garbage() {
    both(Fault::Garbage, "rejected.malformed");
}

#[test]
fn try_later() {
    both(
        Fault::ResponseStatus(OcspResponseStatus::TryLater),
        "rejected.not-successful",
    );
}

#[test]
fn oversized() {
    both(Fault::Oversized(200_000), "transport.too-large");
}

#[test]
fn bad_signature() {
    both(Fault::BadSignature, "rejected.bad-signature");
}

#[test]
fn wrong_signer() {
    let other = OwnPki::start().pki.other_ca.cert().clone();
    both(
        Fault::SignWith {
            cert_der: other.der,
            key_pkcs8: other.key_pkcs8_der,
        },
        "rejected.delegate-not-issued-by-issuer",
    );
}

#[test]
fn wrong_serial() {
    both(Fault::OtherSerial, "rejected.wrong-certificate");
}

#[test]
fn expired() {
    both(Fault::NextUpdateInPast, "rejected.expired");
}

#[test]
fn a_revoked_answer_replaces_good_at_once() {
    let fx = OwnPki::start();
    fx.responder.set_this_update_age(Duration::ZERO);
    fx.responder.set_validity(Some(VALIDITY));
    let engine = fault_engine();
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, None);
    first_good_staple(&engine, &chain);
    fx.responder.set_status(
        &fx.pki.leaf.serial,
        staplekit_testkit::responder::CertState::Revoked {
            at: SystemTime::now() - Duration::from_secs(60),
            reason: None,
        },
    );
    let deadline = Instant::now() + VALIDITY * 2;
    loop {
        let leaf = engine.stats().certificates[0].clone();
        if let Some(Status::Revoked(info)) = leaf.status {
            assert!(info.time < SystemTime::now(), "{leaf:?}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "REVOKED never replaced GOOD: {leaf:?}"
        );
        thread::sleep(Duration::from_millis(20));
    }
    let stapled = staple_leaf(&engine, &chain).0.expect("REVOKED is stapled");
    let leaf = chain.leaf();
    let expected = Expected {
        id: leaf.id.as_ref().expect("leaf has a CertID"),
        issuer_der: leaf.issuer_der.as_deref().expect("leaf has its issuer"),
        nonce: None,
    };
    let policy = VerifyPolicy {
        now: SystemTime::now(),
        clock_skew: Duration::ZERO,
        max_response_bytes: 65536,
    };
    let verified = verify_response(&stapled, &expected, &policy).expect("stapled answer verifies");
    assert!(matches!(verified.status, Status::Revoked(_)));
}

#[test]
fn unknown() {
    registered_chain_turns_bad("UNKNOWN", "unknown", |fx| {
        fx.responder
            .set_status(&fx.pki.leaf.serial, CertState::Unknown)
    });
}
