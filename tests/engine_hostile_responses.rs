//! A registered chain whose responder turns hostile after a first good answer (issue 11): an old
//! GOOD without nextUpdate (a replay from before a revocation) or an answer with an unknown
//! critical extension, in each place one can be. The last good response stays stapled until its
//! nextUpdate, the hostile one is never stapled, and the engine's statistics name the rejection.

use std::thread;
use std::time::{Duration, Instant, SystemTime};

use staplekit::{Chain, StaplingEngine};
use staplekit_testkit::fixtures::*;
use staplekit_testkit::pki::OcspSignerOptions;
use staplekit_testkit::responder::{Authority, Criticality, Fault};

/// How long after it is produced a good response's nextUpdate lies.
const VALIDITY: Duration = Duration::from_secs(2);

fn refreshing_engine() -> StaplingEngine {
    // cacheLifetime stays at its default (not 0), so that a response without nextUpdate could be
    // held at all: the bound on its age is what must keep it out.
    engine(&[
        ("staplekit.stapling.refreshRatio", "0.5"),
        ("staplekit.stapling.retryDelay", "100"),
        ("staplekit.stapling.retryMaxDelay", "400"),
        ("com.sun.security.ocsp.timeout", "300ms"),
        ("com.sun.security.ocsp.readtimeout", "300ms"),
    ])
}

fn staple_leaf(engine: &StaplingEngine, chain: &Chain) -> Option<Vec<u8>> {
    let staple = engine.staple(&v1_hello(), chain).expect("valid hello");
    staple.and_then(|s| s.response(0).map(<[u8]>::to_vec))
}

/// Registers the leaf's chain, waits for a good staple, lets `turn_bad` change the responder,
/// and checks that until the good response's nextUpdate only it is stapled, nothing after, and
/// that the leaf's fetches were counted as `label`.
fn last_good_outlives(what: &str, label: &str, turn_bad: impl FnOnce(&OwnPki)) {
    let fx = OwnPki::start();
    fx.responder.set_this_update_age(Duration::ZERO);
    fx.responder.set_validity(Some(VALIDITY));
    let engine = refreshing_engine();
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, None);
    let deadline = Instant::now() + Duration::from_secs(10);
    let good = loop {
        if let Some(der) = staple_leaf(&engine, &chain) {
            break der;
        }
        assert!(Instant::now() < deadline, "{what}: never stapled");
        thread::sleep(Duration::from_millis(20));
    };
    let next_update = engine.stats().certificates[0]
        .next_update
        .expect("a good response with nextUpdate");

    turn_bad(&fx);
    let (mut before, mut after) = (0, 0);
    while SystemTime::now() < next_update + Duration::from_millis(600) {
        let asked = SystemTime::now();
        match staple_leaf(&engine, &chain) {
            Some(der) => {
                assert!(
                    der == good,
                    "{what}: another response than the last good one was stapled"
                );
                assert!(asked < next_update, "{what}: stapled after its nextUpdate");
                before += 1;
            }
            None => {
                assert!(
                    SystemTime::now() + Duration::from_millis(50) >= next_update,
                    "{what}: the good response was dropped before its nextUpdate"
                );
                after += 1;
            }
        }
        thread::sleep(Duration::from_millis(25));
    }
    assert!(
        before > 0 && after > 0,
        "{what}: {before} before, {after} after"
    );
    let leaf = engine.stats().certificates[0].clone();
    assert!(
        leaf.fetches
            .iter()
            .any(|(outcome, n)| outcome.to_string() == label && *n >= 1),
        "{what}: counted as {label}: {:?}",
        leaf.fetches
    );
    assert_eq!(leaf.status, None, "{what}: {leaf:?}");
}

fn leaf_issuer_fault(fx: &OwnPki, fault: Fault) {
    fx.responder
        .set_issuer_fault(&fx.pki.intermediate.cert().der, fault)
        .expect("set the fault");
}

#[test]
fn an_old_answer_without_next_update_never_replaces_the_last_good() {
    last_good_outlives("old without nextUpdate", "rejected.stale", |fx| {
        fx.responder
            .set_this_update_age(Duration::from_secs(400 * 86_400));
        leaf_issuer_fault(fx, Fault::NoNextUpdate);
    });
}

#[test]
fn an_unknown_critical_response_extension_never_replaces_the_last_good() {
    last_good_outlives(
        "critical responseExtension",
        "rejected.unknown-critical-extension",
        |fx| leaf_issuer_fault(fx, Fault::ResponseExtension(Criticality::Critical)),
    );
}

#[test]
fn an_unknown_critical_single_extension_never_replaces_the_last_good() {
    last_good_outlives(
        "critical singleExtension",
        "rejected.unknown-critical-extension",
        |fx| leaf_issuer_fault(fx, Fault::SingleExtension(Criticality::Critical)),
    );
}

#[test]
fn a_delegate_with_an_unknown_critical_extension_never_replaces_the_last_good() {
    last_good_outlives(
        "delegate with a critical extension",
        "rejected.unknown-critical-extension",
        |fx| {
            let delegate = fx
                .pki
                .intermediate
                .issue_ocsp_signer(
                    "staplekit test delegate with an unknown critical extension",
                    OcspSignerOptions {
                        unknown_extension: Some(Criticality::Critical),
                        ..OcspSignerOptions::STANDARD
                    },
                )
                .expect("issue the delegate");
            fx.responder
                .add_authority(Authority {
                    issuer_der: fx.pki.intermediate.cert().der.clone(),
                    signer_cert_der: delegate.der,
                    signer_key_pkcs8: delegate.key_pkcs8_der,
                    include_signer_cert: true,
                })
                .expect("replace the intermediate's signer");
        },
    );
}
