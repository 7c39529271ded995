//! Correct answers: states, nonces, methods, signers and key types, checked by OpenSSL.

use std::time::{Duration, SystemTime};

use der::Encode;
use x509_ocsp::{CertStatus, OcspResponseStatus, ResponderId};

use super::*;
use crate::responder::{CertState, HttpMethod, ResponderIdKind};

#[test]
fn openssl_accepts_good_revoked_and_unknown_with_the_nonce_echoed() {
    let ca = Ca::new("Status CA");
    let good = ca.issue("good", None);
    let revoked = ca.issue("revoked", None);
    let unknown = ca.issue("unknown", None);
    let responder = responder_for(&ca);
    responder.set_status(&good.serial, CertState::Good);
    responder.set_status(
        &revoked.serial,
        CertState::Revoked {
            at: SystemTime::now() - Duration::from_secs(86_400),
            reason: Some(1),
        },
    );

    let files = Files::new();
    let issuer = files.write("ca.pem", &ca.pem);
    let paths = [
        files.write("good.pem", &good.pem),
        files.write("revoked.pem", &revoked.pem),
        files.write("unknown.pem", &unknown.pem),
    ];
    let certs: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
    let run = openssl_query(&responder.url(), &issuer, &certs, &[]);
    let out = run.all();

    assert!(run.success, "{out}");
    assert!(out.contains("Response verify OK"), "{out}");
    assert!(out.contains("good.pem: good"), "{out}");
    assert!(out.contains("revoked.pem: revoked"), "{out}");
    assert!(out.contains("Reason: keyCompromise"), "{out}");
    assert!(out.contains("unknown.pem: unknown"), "{out}");
    // openssl sends a nonce and warns when the response lacks it or differs.
    assert!(out.contains("OCSP Nonce"), "{out}");
    assert!(!out.to_lowercase().contains("nonce verify error"), "{out}");
    assert!(!out.contains("WARNING"), "{out}");
    assert!(out.contains("Responder Id: "), "{out}");

    let stats = responder.stats();
    assert_eq!(stats.requests, 1);
    assert_eq!(stats.by_method.post, 1);
    assert_eq!(stats.by_method.get, 0);
    assert_eq!(stats.in_flight, 0);
    let seen = responder.recent_requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, HttpMethod::Post);
    assert!(seen[0].nonce.is_some());
    assert_eq!(
        seen[0].serials,
        vec![good.serial.clone(), revoked.serial.clone(), unknown.serial]
    );
}

#[test]
fn nonce_is_echoed_exactly_and_only_when_sent() {
    let ca = Ca::new("Nonce CA");
    let leaf = ca.issue("leaf", None);
    let responder = responder_for(&ca);
    responder.set_status(&leaf.serial, CertState::Good);

    let with = ocsp_request(&[(&leaf.der, &ca.der)], Some(b"0123456789abcdef"));
    let request = OcspRequest::from_der(&with).unwrap();
    let reply = post(responder.local_addr(), &with);
    let echoed = reply.basic().tbs_response_data.response_extensions;
    assert_eq!(echoed, request.tbs_request.request_extensions);

    let without = ocsp_request(&[(&leaf.der, &ca.der)], None);
    let reply = post(responder.local_addr(), &without);
    assert_eq!(reply.basic().tbs_response_data.response_extensions, None);
}

#[test]
fn get_and_post_both_answer_with_a_verifiable_response() {
    let ca = Ca::new("Method CA");
    let leaf = ca.issue("leaf", None);
    let responder = responder_for(&ca);
    responder.set_status(&leaf.serial, CertState::Good);
    let request = ocsp_request(&[(&leaf.der, &ca.der)], None);

    let files = Files::new();
    let issuer = files.write("ca.pem", &ca.pem);
    let cert = files.write("leaf.pem", &leaf.pem);
    for (name, reply) in [
        ("get", get(responder.local_addr(), &request)),
        ("post", post(responder.local_addr(), &request)),
    ] {
        assert_eq!(reply.status, 200, "{name}: {reply:?}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/ocsp-response")
        );
        assert_eq!(
            reply.header("content-length"),
            Some(reply.body.len().to_string().as_str())
        );
        assert_eq!(reply.header("connection"), Some("close"));
        let resp = files.write(&format!("{name}.der"), &reply.body);
        let run = openssl(&[
            "ocsp",
            "-respin",
            resp.to_str().unwrap(),
            "-issuer",
            issuer.to_str().unwrap(),
            "-CAfile",
            issuer.to_str().unwrap(),
            "-cert",
            cert.to_str().unwrap(),
            "-no_nonce",
        ]);
        let out = run.all();
        assert!(run.success, "{name}: {out}");
        assert!(out.contains("Response verify OK"), "{name}: {out}");
        assert!(out.contains("leaf.pem: good"), "{name}: {out}");
    }
    let stats = responder.stats();
    assert_eq!((stats.by_method.get, stats.by_method.post), (1, 1));
    assert_eq!(stats.requests, 2);
}

#[test]
fn response_fields_follow_the_configuration() {
    let ca = Ca::new("Fields CA");
    let leaf = ca.issue("leaf", None);
    let responder = responder_for(&ca);
    responder.set_status(&leaf.serial, CertState::Good);
    let request = ocsp_request(&[(&leaf.der, &ca.der)], None);

    let before = SystemTime::now() - Duration::from_secs(1);
    let basic = post(responder.local_addr(), &request).basic();
    let after = SystemTime::now() + Duration::from_secs(1);
    let data = &basic.tbs_response_data;
    let produced = data.produced_at.0.to_system_time();
    assert!(before <= produced && produced <= after);
    let single = &data.responses[0];
    assert_eq!(single.cert_status, CertStatus::good());
    let expected_id = CertIdentity::from_certificates(&leaf.der, &ca.der).unwrap();
    assert!(expected_id.matches(&single.cert_id));
    assert_eq!(
        single.this_update.0.to_system_time(),
        produced - Duration::from_secs(60)
    );
    assert_eq!(
        single.next_update.map(|t| t.0.to_system_time()),
        Some(produced + Duration::from_secs(3600))
    );
    // byKey: SHA-1 of the signer's (here the CA's) public key, as in the CertID.
    assert_eq!(
        data.responder_id,
        ResponderId::ByKey(OctetString::new(expected_id.issuer_key_hash.to_vec()).unwrap())
    );
    assert_eq!(basic.certs, None);

    responder.set_validity(Some(Duration::from_secs(600)));
    responder.set_this_update_age(Duration::from_secs(5));
    responder.set_responder_id(ResponderIdKind::ByName);
    let basic = post(responder.local_addr(), &request).basic();
    let data = &basic.tbs_response_data;
    let produced = data.produced_at.0.to_system_time();
    let single = &data.responses[0];
    assert_eq!(
        single.this_update.0.to_system_time(),
        produced - Duration::from_secs(5)
    );
    assert_eq!(
        single.next_update.map(|t| t.0.to_system_time()),
        Some(produced + Duration::from_secs(600))
    );
    let ResponderId::ByName(name) = &data.responder_id else {
        panic!("expected byName, got {:?}", data.responder_id);
    };
    let (_, ca_cert) = X509Certificate::from_der(&ca.der).unwrap();
    assert_eq!(name.to_der().unwrap(), ca_cert.subject().as_raw());

    responder.set_validity(None);
    let basic = post(responder.local_addr(), &request).basic();
    assert_eq!(basic.tbs_response_data.responses[0].next_update, None);
}

#[test]
fn delegated_signer_with_its_certificate_included_verifies() {
    let ca = Ca::new("Delegating CA");
    let leaf = ca.issue("leaf", None);
    let signer = ca.delegated_responder();
    let responder = OcspResponder::bind("127.0.0.1:0").unwrap();
    responder
        .add_authority(Authority {
            issuer_der: ca.der.clone(),
            signer_cert_der: signer.der.clone(),
            signer_key_pkcs8: signer.key.serialize_der(),
            include_signer_cert: true,
        })
        .unwrap();
    responder.set_status(
        &leaf.serial,
        CertState::Revoked {
            at: SystemTime::now(),
            reason: None,
        },
    );

    let files = Files::new();
    let issuer = files.write("ca.pem", &ca.pem);
    let cert = files.write("leaf.pem", &leaf.pem);
    let run = openssl_query(&responder.url(), &issuer, &[&cert], &[]);
    let out = run.all();
    assert!(run.success, "{out}");
    assert!(out.contains("Response verify OK"), "{out}");
    assert!(out.contains("leaf.pem: revoked"), "{out}");
    assert!(out.contains("delegated OCSP responder"), "{out}");

    let basic = post(
        responder.local_addr(),
        &ocsp_request(&[(&leaf.der, &ca.der)], None),
    )
    .basic();
    let certs = basic.certs.expect("signer certificate included");
    assert_eq!(certs.len(), 1);
    assert_eq!(certs[0].to_der().unwrap(), signer.der);
}

#[test]
fn every_supported_key_type_signs_what_openssl_verifies() {
    let rsa_pkcs8 = rsa_key_from_openssl();
    let keys = [
        ("P-256", fresh_key(&rcgen::PKCS_ECDSA_P256_SHA256)),
        ("P-384", fresh_key(&rcgen::PKCS_ECDSA_P384_SHA384)),
        ("Ed25519", fresh_key(&rcgen::PKCS_ED25519)),
        (
            "RSA",
            KeyPair::try_from(rsa_pkcs8.as_slice()).expect("RSA key"),
        ),
    ];
    let files = Files::new();
    for (name, key) in keys {
        let ca = Ca::with_key(&format!("{name} CA"), key);
        let leaf = ca.issue("leaf", None);
        let responder = responder_for(&ca);
        responder.set_status(&leaf.serial, CertState::Good);
        let issuer = files.write("ca.pem", &ca.pem);
        let cert = files.write("leaf.pem", &leaf.pem);
        let run = openssl_query(&responder.url(), &issuer, &[&cert], &[]);
        let out = run.all();
        assert!(run.success, "{name}: {out}");
        assert!(out.contains("Response verify OK"), "{name}: {out}");
        assert!(out.contains("leaf.pem: good"), "{name}: {out}");
    }
}

/// ring cannot generate RSA keys; OpenSSL can (its DER output is PKCS#1, hence the conversion).
fn rsa_key_from_openssl() -> Vec<u8> {
    let files = Files::new();
    let pem = files.write("rsa.pem", b"");
    let der = files.write("rsa.der", b"");
    let run = openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        pem.to_str().unwrap(),
    ]);
    assert!(run.success, "{}", run.all());
    let run = openssl(&[
        "pkcs8",
        "-topk8",
        "-nocrypt",
        "-in",
        pem.to_str().unwrap(),
        "-outform",
        "DER",
        "-out",
        der.to_str().unwrap(),
    ]);
    assert!(run.success, "{}", run.all());
    std::fs::read(der).unwrap()
}

#[test]
fn serials_match_with_or_without_the_leading_zero() {
    let ca = Ca::new("Serial CA");
    // High bit set: DER stores 00 80 01, callers may pass 80 01.
    let leaf = ca.issue("leaf", Some(&[0x80, 0x01]));
    assert_eq!(leaf.serial, vec![0x00, 0x80, 0x01]);
    let responder = responder_for(&ca);
    let request = ocsp_request(&[(&leaf.der, &ca.der)], None);

    responder.set_status(&[0x80, 0x01], CertState::Good);
    let basic = post(responder.local_addr(), &request).basic();
    assert_eq!(
        basic.tbs_response_data.responses[0].cert_status,
        CertStatus::good()
    );

    responder.set_status(&leaf.serial, CertState::Unknown);
    let basic = post(responder.local_addr(), &request).basic();
    assert_eq!(
        basic.tbs_response_data.responses[0].cert_status,
        CertStatus::unknown()
    );
}

#[test]
fn issuer_status_wins_over_the_global_one_for_reused_serials() {
    let root = Ca::new("Root");
    let other = Ca::new("Other");
    let from_root = root.issue("a", Some(&[0x02]));
    let from_other = other.issue("b", Some(&[0x02]));
    let responder = responder_for(&root);
    responder.add_authority(other.authority()).unwrap();
    responder.set_status(&[0x02], CertState::Good);
    responder
        .set_issuer_status(
            &other.der,
            &[0x02],
            CertState::Revoked {
                at: SystemTime::now(),
                reason: Some(4),
            },
        )
        .unwrap();

    let status_of = |leaf: &Issued, ca: &Ca| {
        let request = ocsp_request(&[(&leaf.der, &ca.der)], None);
        post(responder.local_addr(), &request)
            .basic()
            .tbs_response_data
            .responses[0]
            .cert_status
    };
    assert_eq!(status_of(&from_root, &root), CertStatus::good());
    let CertStatus::Revoked(info) = status_of(&from_other, &other) else {
        panic!("expected revoked");
    };
    assert_eq!(
        info.revocation_reason,
        Some(x509_cert::ext::pkix::CrlReason::Superseded)
    );
}

#[test]
fn mixed_issuers_in_one_request_are_signed_by_the_first_known_one() {
    let first = Ca::new("First");
    let second = Ca::new("Second");
    let stranger = Ca::new("Stranger");
    let a = first.issue("a", None);
    let b = second.issue("b", None);
    let c = stranger.issue("c", None);
    let responder = responder_for(&second);
    responder.add_authority(first.authority()).unwrap();
    responder.set_status(&a.serial, CertState::Good);
    responder.set_status(&b.serial, CertState::Good);

    // The stranger's certificate comes first: the response is still signed, by "first".
    let request = ocsp_request(
        &[
            (&c.der, &stranger.der),
            (&a.der, &first.der),
            (&b.der, &second.der),
        ],
        None,
    );
    let basic = post(responder.local_addr(), &request).basic();
    let first_id = CertIdentity::from_certificates(&a.der, &first.der).unwrap();
    assert_eq!(
        basic.tbs_response_data.responder_id,
        ResponderId::ByKey(OctetString::new(first_id.issuer_key_hash.to_vec()).unwrap())
    );
    let states: Vec<_> = basic
        .tbs_response_data
        .responses
        .iter()
        .map(|r| r.cert_status)
        .collect();
    assert_eq!(
        states,
        vec![
            CertStatus::unknown(),
            CertStatus::good(),
            CertStatus::unknown()
        ]
    );

    // Nobody known at all: unauthorized.
    let request = ocsp_request(&[(&c.der, &stranger.der)], None);
    let reply = post(responder.local_addr(), &request);
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.ocsp().response_status,
        OcspResponseStatus::Unauthorized
    );
    assert_eq!(reply.ocsp().response_bytes, None);
}
