//! Mutated and random bytes through the response verifier: never a panic, and never a verified
//! answer that differs from what the responder signed.

use std::time::{Duration, SystemTime};

use proptest::prelude::*;
use staplekit::Outcome;
use staplekit::{verify_response, Expected, Status, VerifyPolicy};
use staplekit_testkit::fixtures::*;

/// A real response for the leaf, with what is needed to verify it.
struct Sample {
    der: Vec<u8>,
    id: staplekit::CertIdentity,
    issuer: Vec<u8>,
}

fn sample() -> Sample {
    let fx = OwnPki::start();
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    let report = engine.check_chain(&chain, CHECK_WAIT);
    let Outcome::Verified(response) = &report[0].outcome else {
        panic!("leaf verified")
    };
    let leaf = &chain.certificates()[0];
    Sample {
        der: response.der.to_vec(),
        id: leaf.id.clone().unwrap(),
        issuer: leaf.issuer_der.as_deref().unwrap().to_vec(),
    }
}

fn check(sample: &Sample, der: &[u8]) -> Option<Status> {
    let expected = Expected {
        id: &sample.id,
        issuer_der: &sample.issuer,
        nonce: None,
    };
    let policy = VerifyPolicy {
        now: SystemTime::now(),
        clock_skew: Duration::from_secs(300),
        max_response_bytes: 65536,
    };
    verify_response(der, &expected, &policy)
        .ok()
        .map(|r| r.status)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn mutated_responses_never_verify_as_something_else(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let sample = SAMPLE.with(|s| s.clone());
        let mut der = sample.der.clone();
        for (at, xor) in flips {
            let i = at.index(der.len());
            der[i] ^= xor;
        }
        if let Some(cut) = cut {
            der.truncate(cut.index(der.len()));
        }
        // A flip in unsigned parts (e.g. the certs' encoding that is re-read identically) may
        // still verify; it must then say exactly what the responder signed.
        if let Some(status) = check(&sample, &der) {
            prop_assert_eq!(status, Status::Good);
        }
    }

    #[test]
    fn random_bytes_never_verify(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let sample = SAMPLE.with(|s| s.clone());
        prop_assert_eq!(check(&sample, &bytes), None);
    }
}

thread_local! {
    static SAMPLE: std::rc::Rc<Sample> = std::rc::Rc::new(sample());
}

#[test]
fn the_unmutated_sample_verifies() {
    let sample = SAMPLE.with(|s| s.clone());
    assert_eq!(check(&sample, &sample.der), Some(Status::Good));
}
