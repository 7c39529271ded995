//! Every way a responder's answer can be unusable: each gives no staple, a typed reason, no panic,
//! and the handshake's call returns within responseTimeout.
//!
//! Signature faults come from OpenSSL's own responder; the faults it cannot produce come from the
//! project's responder.

use std::time::{Duration, Instant, SystemTime};

use staplekit::internal::SignatureError;
use staplekit::tls::{ClientStatusRequest, TlsVersion};
use staplekit::FetchFailure;
use staplekit::TransportError;
use staplekit::{verify_response, Expected, VerifyPolicy, MAX_AGE_WITHOUT_NEXT_UPDATE};
use staplekit::{Chain, StaplingEngine};
use staplekit::{ExtensionPlace, Rejection, Status};
use staplekit_testkit::fixtures::*;
use staplekit_testkit::openssl::ResponderConfig;
use staplekit_testkit::pki::{OcspSignerOptions, UNKNOWN_EXTENSION_OID};
use staplekit_testkit::responder::{Authority, CertState, Criticality, Fault};
use x509_ocsp::OcspResponseStatus;

/// responseTimeout for these tests: the bound every staple call must respect.
const RESPONSE_TIMEOUT_MS: u64 = 1500;
/// Scheduling slack on a loaded 2-core machine; the point is "bounded", not "fast".
const SLACK: Duration = Duration::from_millis(1500);

fn bounded_engine() -> StaplingEngine {
    engine(&[
        (
            "jdk.tls.stapling.responseTimeout",
            &RESPONSE_TIMEOUT_MS.to_string(),
        ),
        ("com.sun.security.ocsp.readtimeout", "3"),
    ])
}

/// Asserts that neither a v1 nor an ocsp_multi handshake gets a staple, within the deadline.
fn assert_nothing_stapled_in_time(engine: &StaplingEngine, chain: &Chain) {
    for (v1, v2) in [
        (&JDK_STATUS_REQUEST[..], None),
        (&JDK_STATUS_REQUEST[..], Some(&JDK_STATUS_REQUEST_V2[..])),
    ] {
        let hello = ClientStatusRequest {
            status_request: Some(v1),
            status_request_v2: v2,
            version: TlsVersion::Tls12,
            resumed: false,
        };
        let started = Instant::now();
        let staple = engine.staple(&hello, chain).expect("well-formed request");
        let elapsed = started.elapsed();
        // The intermediate is fine, so ocsp_multi may staple it; the leaf entry must be empty.
        if let Some(message) = staple.as_ref().and_then(|s| s.certificate_status()) {
            match staplekit::tls::parse_certificate_status(&message).unwrap() {
                staplekit::tls::CertificateStatus::OcspMulti(list) => {
                    assert_eq!(list[0], None, "no leaf response may be stapled")
                }
                other => panic!("nothing should be stapled for the leaf, got {other:?}"),
            }
        }
        assert!(
            elapsed <= Duration::from_millis(RESPONSE_TIMEOUT_MS) + SLACK,
            "staple took {elapsed:?}, beyond responseTimeout"
        );
    }
}

fn leaf_failure_with_openssl(
    adjust: impl FnOnce(ResponderConfig, &staplekit_testkit::pki::PemFiles) -> ResponderConfig,
) -> FetchFailure {
    let fx = OpensslPki::start_with(adjust);
    let engine = bounded_engine();
    let chain = fx.leaf_chain(&engine);
    assert_nothing_stapled_in_time(&engine, &chain);
    failure(&engine.check_chain(&chain, CHECK_WAIT)[0]).clone()
}

fn leaf_failure_with_fault(fault: Fault) -> FetchFailure {
    let fx = OwnPki::start();
    fx.responder
        .set_issuer_fault(&fx.pki.intermediate.cert().der, fault)
        .unwrap();
    let engine = bounded_engine();
    let chain = fx.leaf_chain(&engine);
    assert_nothing_stapled_in_time(&engine, &chain);
    failure(&engine.check_chain(&chain, CHECK_WAIT)[0]).clone()
}

#[test]
fn openssl_badsig_is_a_bad_signature() {
    let got = leaf_failure_with_openssl(|c, _| c.with_extra_args(["-badsig"]));
    assert_eq!(
        got,
        FetchFailure::Rejected(Rejection::Signature(SignatureError::Invalid))
    );
    assert!(got.is_invalid_answer());
}

#[test]
fn response_signed_by_another_ca_is_refused() {
    let got = leaf_failure_with_openssl(|c, pem| ResponderConfig {
        signer: pem.other_ca.clone(),
        signer_key: pem.other_ca_key.clone(),
        ..c
    });
    assert_eq!(
        got,
        FetchFailure::Rejected(Rejection::DelegateNotIssuedByIssuer(
            "CN=staplekit test other CA".into()
        ))
    );
}

#[test]
fn response_signed_by_another_ca_without_its_certificate_has_an_unknown_signer() {
    let got = leaf_failure_with_openssl(|c, pem| {
        ResponderConfig {
            signer: pem.other_ca.clone(),
            signer_key: pem.other_ca_key.clone(),
            ..c
        }
        .with_extra_args(["-resp_no_certs"])
    });
    assert!(
        matches!(got, FetchFailure::Rejected(Rejection::UnknownSigner(_))),
        "{got:?}"
    );
}

#[test]
fn delegated_signer_without_ocsp_signing_eku_is_refused() {
    let got = leaf_failure_with_openssl(|c, pem| ResponderConfig {
        signer: pem.intermediate_signer_without_eku.clone(),
        signer_key: pem.intermediate_signer_without_eku_key.clone(),
        ..c
    });
    assert_eq!(
        got,
        FetchFailure::Rejected(Rejection::DelegateNotAuthorized(
            "CN=staplekit test intermediate signer without EKU".into()
        ))
    );
}

#[test]
fn response_for_another_serial_does_not_cover_the_leaf() {
    let got = leaf_failure_with_fault(Fault::OtherSerial);
    assert_eq!(got, FetchFailure::Rejected(Rejection::NoMatchingResponse));
}

#[test]
fn next_update_in_the_past_is_expired() {
    let got = leaf_failure_with_fault(Fault::NextUpdateInPast);
    assert!(
        matches!(got, FetchFailure::Rejected(Rejection::Expired(_))),
        "{got:?}"
    );
}

#[test]
fn this_update_in_the_future_is_not_yet_valid() {
    let got = leaf_failure_with_fault(Fault::ThisUpdateInFuture);
    assert!(
        matches!(got, FetchFailure::Rejected(Rejection::NotYetValid(_))),
        "{got:?}"
    );
}

#[test]
fn garbage_is_malformed() {
    let got = leaf_failure_with_fault(Fault::Garbage);
    assert!(
        matches!(got, FetchFailure::Rejected(Rejection::Malformed(_))),
        "{got:?}"
    );
}

#[test]
fn http_500_is_a_transport_failure() {
    let got = leaf_failure_with_fault(Fault::HttpStatus(500));
    assert!(
        matches!(
            got,
            FetchFailure::Transport(TransportError::HttpStatus { status: 500, .. })
        ),
        "{got:?}"
    );
    assert!(
        !got.is_invalid_answer(),
        "an HTTP error is 'unavailable', not 'invalid'"
    );
}

#[test]
fn try_later_is_not_successful() {
    let got = leaf_failure_with_fault(Fault::ResponseStatus(OcspResponseStatus::TryLater));
    assert_eq!(
        got,
        FetchFailure::Rejected(Rejection::NotSuccessful("tryLater".into()))
    );
    assert!(!got.is_invalid_answer());
}

#[test]
fn oversized_body_is_refused_at_the_limit() {
    let got = leaf_failure_with_fault(Fault::Oversized(200_000));
    assert!(
        matches!(
            got,
            FetchFailure::Transport(TransportError::TooLarge { limit: 65536, .. })
        ),
        "{got:?}"
    );
}

#[test]
fn responder_that_never_answers_costs_at_most_the_deadline() {
    let fx = OwnPki::start();
    fx.responder
        .set_issuer_fault(&fx.pki.intermediate.cert().der, Fault::Hang)
        .unwrap();
    let engine = bounded_engine();
    let chain = fx.leaf_chain(&engine);
    assert_nothing_stapled_in_time(&engine, &chain);
    let report = engine.check_chain(&chain, Duration::from_millis(RESPONSE_TIMEOUT_MS));
    assert!(
        matches!(failure(&report[0]), FetchFailure::DeadlinePassed(_)),
        "{:?}",
        report[0].outcome
    );
    assert!(
        is_good(&report[1]),
        "the intermediate's responder is unaffected"
    );
    fx.responder.shutdown();
}

#[test]
fn dead_responder_is_a_connect_failure() {
    let fx = OwnPki::start();
    let engine = bounded_engine();
    let chain = fx.leaf_chain(&engine);
    fx.responder.shutdown();
    assert_nothing_stapled_in_time(&engine, &chain);
    let got = failure(&engine.check_chain(&chain, CHECK_WAIT)[0]).clone();
    assert!(
        matches!(got, FetchFailure::Transport(TransportError::Connect { .. })),
        "{got:?}"
    );
}

#[test]
fn unknown_status_is_verified_but_never_stapled() {
    let fx = OwnPki::start();
    fx.responder
        .set_status(&fx.pki.leaf.serial, CertState::Unknown);
    let engine = bounded_engine();
    let chain = fx.leaf_chain(&engine);
    assert_nothing_stapled_in_time(&engine, &chain);
    assert_eq!(
        verified(&engine.check_chain(&chain, CHECK_WAIT)[0]).status,
        Status::Unknown
    );
}

/// The leaf's report line from a fresh engine in front of `fx`.
fn leaf_report(fx: &OwnPki) -> staplekit::CertificateReport {
    let engine = bounded_engine();
    let chain = fx.leaf_chain(&engine);
    engine.check_chain(&chain, CHECK_WAIT).swap_remove(0)
}

const DAY: Duration = Duration::from_secs(86_400);

#[test]
fn an_answer_without_next_update_and_an_old_this_update_is_stale() {
    let fx = OwnPki::start();
    fx.responder.set_validity(None);
    fx.responder.set_this_update_age(400 * DAY);
    let engine = bounded_engine();
    let chain = fx.leaf_chain(&engine);
    assert_nothing_stapled_in_time(&engine, &chain);
    let got = failure(&engine.check_chain(&chain, CHECK_WAIT)[0]).clone();
    let FetchFailure::Rejected(Rejection::Stale(this_update)) = got else {
        panic!("expected a stale answer, got {got:?}");
    };
    let age = SystemTime::now().duration_since(this_update).unwrap();
    assert!(age >= 400 * DAY && age < 401 * DAY, "{age:?}");
    assert_eq!(got.outcome().to_string(), "rejected.stale");
    assert!(got.is_invalid_answer());
}

#[test]
fn a_fresh_answer_without_next_update_is_accepted_until_the_bound_and_not_after() {
    let fx = OwnPki::start();
    fx.responder.set_validity(None);
    let report = leaf_report(&fx);
    let response = verified(&report);
    assert_eq!(
        (response.status, response.next_update),
        (Status::Good, None)
    );

    // The same bytes, checked later: what the JDK client's clock skew still accepts, then not.
    let chain_leaf = &fx.leaf_chain(&engine(&[])).certificates()[0].clone();
    let expected = Expected {
        id: chain_leaf.id.as_ref().unwrap(),
        issuer_der: chain_leaf.issuer_der.as_deref().unwrap(),
        nonce: None,
    };
    let at = |now| VerifyPolicy {
        now,
        clock_skew: Duration::from_secs(300),
        max_response_bytes: 65536,
    };
    let last = response.this_update + MAX_AGE_WITHOUT_NEXT_UPDATE;
    assert!(verify_response(&response.der, &expected, &at(last)).is_ok());
    assert_eq!(
        verify_response(&response.der, &expected, &at(last + Duration::from_secs(1))),
        Err(Rejection::Stale(response.this_update))
    );
}

/// The OID of the testkit's unknown extension, as a rejection names it.
fn unknown_oid() -> String {
    UNKNOWN_EXTENSION_OID.to_string()
}

#[test]
fn an_unknown_critical_response_extension_is_refused_and_a_non_critical_one_ignored() {
    let got = leaf_failure_with_fault(Fault::ResponseExtension(Criticality::Critical));
    assert_eq!(
        got,
        FetchFailure::Rejected(Rejection::UnknownCriticalExtension {
            place: ExtensionPlace::Response,
            oid: unknown_oid(),
        })
    );
    assert_eq!(
        got.outcome().to_string(),
        "rejected.unknown-critical-extension"
    );

    let fx = OwnPki::start();
    fx.responder
        .set_fault(Fault::ResponseExtension(Criticality::NonCritical))
        .unwrap();
    assert!(is_good(&leaf_report(&fx)));
}

#[test]
fn an_unknown_critical_single_extension_is_refused_and_a_non_critical_one_ignored() {
    let got = leaf_failure_with_fault(Fault::SingleExtension(Criticality::Critical));
    assert_eq!(
        got,
        FetchFailure::Rejected(Rejection::UnknownCriticalExtension {
            place: ExtensionPlace::SingleResponse,
            oid: unknown_oid(),
        })
    );

    let fx = OwnPki::start();
    fx.responder
        .set_fault(Fault::SingleExtension(Criticality::NonCritical))
        .unwrap();
    assert!(is_good(&leaf_report(&fx)));
}

/// The intermediate's responses signed by a delegate of its own carrying the unknown extension.
fn signed_by_delegate_with_unknown_extension(fx: &OwnPki, criticality: Criticality) {
    let delegate = fx
        .pki
        .intermediate
        .issue_ocsp_signer(
            "staplekit test delegate with an unknown extension",
            OcspSignerOptions {
                unknown_extension: Some(criticality),
                ..OcspSignerOptions::STANDARD
            },
        )
        .unwrap();
    fx.responder
        .add_authority(Authority {
            issuer_der: fx.pki.intermediate.cert().der.clone(),
            signer_cert_der: delegate.der,
            signer_key_pkcs8: delegate.key_pkcs8_der,
            include_signer_cert: true,
        })
        .unwrap();
}

#[test]
fn a_delegated_signer_with_an_unknown_critical_extension_is_refused() {
    let fx = OwnPki::start();
    signed_by_delegate_with_unknown_extension(&fx, Criticality::Critical);
    let engine = bounded_engine();
    let chain = fx.leaf_chain(&engine);
    assert_nothing_stapled_in_time(&engine, &chain);
    assert_eq!(
        failure(&engine.check_chain(&chain, CHECK_WAIT)[0]),
        &FetchFailure::Rejected(Rejection::UnknownCriticalExtension {
            place: ExtensionPlace::ResponderCertificate,
            oid: unknown_oid(),
        })
    );

    signed_by_delegate_with_unknown_extension(&fx, Criticality::NonCritical);
    assert!(is_good(&leaf_report(&fx)));
}
