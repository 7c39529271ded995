//! The engine against OpenSSL's own OCSP responder (`openssl ocsp -index ... -port`), one per
//! issuer, for a generated root -> intermediate -> leaf PKI.

use std::time::{Duration, UNIX_EPOCH};

use staplekit::tls::{
    parse_certificate_entry_status_request, parse_certificate_status, CertificateStatus,
    ExtensionType, TlsVersion,
};
use staplekit::Chain;
use staplekit::{verify_response, CertIdentity, Expected, Signer, Status, VerifyPolicy};
use staplekit::{Outcome, SkipReason};
use staplekit_testkit::fixtures::*;

/// Re-verifies stapled bytes independently of the engine, as a client would.
fn status_of(chain: &Chain, index: usize, der: &[u8]) -> Status {
    let cert = &chain.certificates()[index];
    let id: &CertIdentity = cert.id.as_ref().expect("stapled certificate has a CertID");
    let expected = Expected {
        id,
        issuer_der: cert.issuer_der.as_ref().expect("issuer known"),
        nonce: None,
    };
    let policy = VerifyPolicy {
        now: std::time::SystemTime::now(),
        clock_skew: Duration::from_secs(300),
        max_response_bytes: 65536,
    };
    verify_response(der, &expected, &policy)
        .expect("stapled bytes verify")
        .status
}

#[test]
fn leaf_and_intermediate_are_good_and_the_root_is_skipped() {
    let fx = OpensslPki::start();
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    let report = engine.check_chain(&chain, CHECK_WAIT);

    let leaf = verified(&report[0]);
    assert_eq!(leaf.status, Status::Good);
    assert_eq!(
        leaf.signer,
        Signer::Delegated("CN=staplekit test intermediate OCSP signer".into())
    );
    let next = leaf.next_update.expect("openssl -nmin 60 sets nextUpdate");
    let validity = next.duration_since(leaf.this_update).unwrap();
    assert_eq!(validity, Duration::from_secs(3600));
    assert_eq!(
        report[0].responder.as_ref().unwrap().as_str(),
        fx.intermediate_responder.url()
    );

    let intermediate = verified(&report[1]);
    assert_eq!(
        intermediate.status,
        Status::Good,
        "the root's responder vouches for the intermediate"
    );
    assert_eq!(
        report[1].responder.as_ref().unwrap().as_str(),
        fx.root_responder.url()
    );

    assert!(matches!(
        report[2].outcome,
        Outcome::Skipped(SkipReason::SelfSigned)
    ));
}

#[test]
fn revoked_leaf_is_reported_revoked_with_its_time() {
    let fx = OpensslPki::start();
    let engine = engine(&[]);
    let chain = engine.parse_chain(fx.pki.revoked_chain_der()).unwrap();
    let report = engine.check_chain(&chain, CHECK_WAIT);
    match verified(&report[0]).status {
        Status::Revoked(info) => {
            let secs = |t: std::time::SystemTime| t.duration_since(UNIX_EPOCH).unwrap().as_secs();
            assert_eq!(secs(info.time), secs(fx.pki.revoked_at));
        }
        other => panic!("expected REVOKED, got {other:?}"),
    }
}

#[test]
fn revoked_leaf_is_still_stapled_so_clients_learn_it() {
    let fx = OpensslPki::start();
    let engine = engine(&[]);
    let chain = engine.parse_chain(fx.pki.revoked_chain_der()).unwrap();
    let staple = engine
        .staple(&hello(true, false, TlsVersion::Tls12), &chain)
        .unwrap()
        .expect("a REVOKED response is stapled");
    let message = staple.certificate_status().expect("TLS 1.2 staple");
    let CertificateStatus::Ocsp(der) = parse_certificate_status(&message).unwrap() else {
        panic!("ocsp")
    };
    assert!(matches!(status_of(&chain, 0, &der), Status::Revoked(_)));
}

#[test]
fn jdk_client_in_tls12_gets_ocsp_multi_for_leaf_and_intermediate() {
    let fx = OpensslPki::start();
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    let staple = engine
        .staple(&hello(true, true, TlsVersion::Tls12), &chain)
        .unwrap()
        .expect("stapled");
    let extension = staple.server_hello_extension().expect("TLS 1.2 staple");
    let message = staple.certificate_status().expect("TLS 1.2 staple");
    assert_eq!(
        extension,
        ExtensionType::StatusRequestV2,
        "v2 wins over v1, as in the JDK"
    );
    let CertificateStatus::OcspMulti(list) = parse_certificate_status(&message).unwrap() else {
        panic!("ocsp_multi expected")
    };
    assert_eq!(list.len(), 3, "one entry per certificate sent");
    assert_eq!(
        status_of(&chain, 0, list[0].as_ref().unwrap()),
        Status::Good
    );
    assert_eq!(
        status_of(&chain, 1, list[1].as_ref().unwrap()),
        Status::Good
    );
    assert_eq!(
        list[2], None,
        "the root has no response: a zero-length entry"
    );
}

#[test]
fn status_request_alone_staples_the_leaf_with_ocsp() {
    let fx = OpensslPki::start();
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    let staple = engine
        .staple(&hello(true, false, TlsVersion::Tls12), &chain)
        .unwrap()
        .expect("TLS 1.2 staple expected");
    let extension = staple.server_hello_extension().expect("an extension");
    let message = staple.certificate_status().expect("a CertificateStatus");
    assert_eq!(extension, ExtensionType::StatusRequest);
    let CertificateStatus::Ocsp(der) = parse_certificate_status(&message).unwrap() else {
        panic!("ocsp expected")
    };
    assert_eq!(status_of(&chain, 0, &der), Status::Good);
}

#[test]
fn tls13_carries_a_response_in_the_leaf_and_intermediate_entries() {
    let fx = OpensslPki::start();
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    let staple = engine
        .staple(&hello(true, true, TlsVersion::Tls13), &chain)
        .unwrap()
        .expect("TLS 1.3 staple expected");
    assert_eq!(staple.server_hello_extension(), None);
    let entries: Vec<Option<Vec<u8>>> = (0..staple.len())
        .map(|i| staple.certificate_entry_status(i))
        .collect();
    assert_eq!(entries.len(), 3);
    for (index, entry) in entries.iter().take(2).enumerate() {
        let der = parse_certificate_entry_status_request(entry.as_ref().unwrap()).unwrap();
        assert_eq!(status_of(&chain, index, &der), Status::Good);
    }
    assert_eq!(entries[2], None);
}

#[test]
fn server_flag_false_staples_nothing() {
    let fx = OpensslPki::start();
    let engine = engine(&[("jdk.tls.server.enableStatusRequestExtension", "false")]);
    let chain = fx.leaf_chain(&engine);
    for version in [TlsVersion::Tls12, TlsVersion::Tls13] {
        assert_eq!(
            engine.staple(&hello(true, true, version), &chain).unwrap(),
            None
        );
    }
}

#[test]
fn chain_without_its_root_uses_the_configured_issuers() {
    let fx = OpensslPki::start();
    let without_root = vec![
        fx.pki.leaf.der.clone(),
        fx.pki.intermediate.cert().der.clone(),
    ];

    let plain = engine(&[]);
    let report = plain.check_chain(
        &plain.parse_chain(without_root.clone()).unwrap(),
        CHECK_WAIT,
    );
    assert!(matches!(
        report[1].outcome,
        Outcome::Skipped(SkipReason::NoIssuer)
    ));

    let root = fx.pem.root.to_str().unwrap();
    let with_issuers = engine(&[("staplekit.stapling.issuers", root)]);
    let chain = with_issuers.parse_chain(without_root).unwrap();
    let report = with_issuers.check_chain(&chain, CHECK_WAIT);
    assert!(is_good(&report[0]));
    assert_eq!(verified(&report[1]).status, Status::Good);
}

#[test]
fn responder_uri_is_a_fallback_unless_override_is_set() {
    let fx = OpensslPki::start();
    let no_aia = fx.pki.chain_der(&fx.pki.leaf_without_aia);

    let plain = engine(&[]);
    let report = plain.check_chain(&plain.parse_chain(no_aia.clone()).unwrap(), CHECK_WAIT);
    assert!(matches!(
        report[0].outcome,
        Outcome::Skipped(SkipReason::NoResponder)
    ));

    let url = fx.intermediate_responder.url();
    let fallback = engine(&[("jdk.tls.stapling.responderURI", url.as_str())]);
    let report = fallback.check_chain(&fallback.parse_chain(no_aia).unwrap(), CHECK_WAIT);
    assert!(
        is_good(&report[0]),
        "the fallback URL answers for a leaf without AIA"
    );
    assert!(
        is_good(&report[1]),
        "the intermediate still uses its AIA (the root's responder)"
    );

    // With the override the intermediate is also sent to the intermediate's responder, which does
    // not know it: no usable answer for it.
    let overriding = engine(&[
        ("jdk.tls.stapling.responderURI", url.as_str()),
        ("jdk.tls.stapling.responderOverride", "true"),
    ]);
    let report = overriding.check_chain(&fx.leaf_chain(&overriding), CHECK_WAIT);
    assert!(is_good(&report[0]));
    assert_eq!(report[1].responder.as_ref().unwrap().as_str(), url);
    assert!(!is_good(&report[1]));
}

#[test]
fn certificate_with_ocsp_nocheck_is_not_asked_about() {
    let fx = OpensslPki::start();
    let engine = engine(&[]);
    let chain = engine
        .parse_chain(fx.pki.chain_der(&fx.pki.intermediate_ocsp_signer))
        .unwrap();
    let report = engine.check_chain(&chain, CHECK_WAIT);
    assert!(matches!(
        report[0].outcome,
        Outcome::Skipped(SkipReason::NoCheck)
    ));
}
