//! Each fault is produced, and seen as such by OpenSSL or a raw client; healing restores service.

use std::io::Read;
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime};

use x509_ocsp::{OcspResponseStatus, ResponderId};

use super::*;
use crate::responder::{CertState, Fault, ResponderError};

/// A CA, a good leaf, a responder for them and the PEM files OpenSSL needs.
struct Setup {
    ca: Ca,
    leaf: Issued,
    responder: OcspResponder,
    _files: Files,
    issuer: PathBuf,
    cert: PathBuf,
}

impl Setup {
    fn new() -> Self {
        let ca = Ca::new("Fault CA");
        let leaf = ca.issue("leaf", None);
        let responder = responder_for(&ca);
        responder.set_status(&leaf.serial, CertState::Good);
        let files = Files::new();
        let issuer = files.write("ca.pem", &ca.pem);
        let cert = files.write("leaf.pem", &leaf.pem);
        Self {
            ca,
            leaf,
            responder,
            _files: files,
            issuer,
            cert,
        }
    }

    fn openssl(&self) -> Run {
        openssl_query(&self.responder.url(), &self.issuer, &[&self.cert], &[])
    }

    fn request(&self) -> Vec<u8> {
        ocsp_request(&[(&self.leaf.der, &self.ca.der)], None)
    }

    fn post(&self) -> HttpReply {
        post(self.responder.local_addr(), &self.request())
    }

    /// Heals the responder and checks OpenSSL is satisfied again.
    fn assert_heals(&self) {
        self.responder.set_fault(Fault::None).unwrap();
        let run = self.openssl();
        let out = run.all();
        assert!(run.success, "{out}");
        assert!(out.contains("Response verify OK"), "{out}");
        assert!(out.contains("leaf.pem: good"), "{out}");
        assert!(!out.contains("WARNING"), "{out}");
    }
}

#[test]
fn bad_signature_fails_openssl_verification() {
    let s = Setup::new();
    s.responder.set_fault(Fault::BadSignature).unwrap();
    let run = s.openssl();
    let out = run.all();
    assert!(out.contains("Response Verify Failure"), "{out}");
    assert!(!out.contains("Response verify OK"), "{out}");
    // The content is intact: only the signature is wrong.
    assert!(out.contains("leaf.pem: good"), "{out}");
    s.assert_heals();
}

#[test]
fn signing_by_another_ca_fails_openssl_verification() {
    let s = Setup::new();
    let other = Ca::new("Other CA");
    s.responder
        .set_fault(Fault::SignWith {
            cert_der: other.der.clone(),
            key_pkcs8: other.key.serialize_der(),
        })
        .unwrap();
    let run = s.openssl();
    let out = run.all();
    assert!(out.contains("Response Verify Failure"), "{out}");
    assert!(!out.contains("Response verify OK"), "{out}");

    let basic = s.post().basic();
    let other_key = CertIdentity::from_certificates(&other.der, &other.der)
        .unwrap()
        .issuer_key_hash;
    assert_eq!(
        basic.tbs_response_data.responder_id,
        ResponderId::ByKey(OctetString::new(other_key.to_vec()).unwrap())
    );
    s.assert_heals();
}

#[test]
fn sign_with_needs_a_usable_certificate_and_matching_key() {
    let s = Setup::new();
    let other = Ca::new("Other CA");
    let mismatched = s.responder.set_fault(Fault::SignWith {
        cert_der: other.der.clone(),
        key_pkcs8: s.ca.key.serialize_der(),
    });
    assert!(
        matches!(mismatched, Err(ResponderError::KeyMismatch { ref subject }) if subject.contains("Other CA")),
        "{mismatched:?}"
    );
    let bad_key = s.responder.set_fault(Fault::SignWith {
        cert_der: other.der.clone(),
        key_pkcs8: vec![0x30, 0x00],
    });
    assert!(
        matches!(bad_key, Err(ResponderError::Key { .. })),
        "{bad_key:?}"
    );
    let bad_cert = s.responder.set_fault(Fault::SignWith {
        cert_der: b"not a certificate".to_vec(),
        key_pkcs8: other.key.serialize_der(),
    });
    assert!(
        matches!(
            bad_cert,
            Err(ResponderError::Certificate {
                which: "signer",
                ..
            })
        ),
        "{bad_cert:?}"
    );
    // A refused fault leaves the responder as it was.
    s.assert_heals();
}

#[test]
fn other_serial_answers_for_a_certificate_nobody_asked_about() {
    let s = Setup::new();
    s.responder.set_fault(Fault::OtherSerial).unwrap();
    let run = s.openssl();
    let out = run.all();
    assert!(out.contains("No Status found"), "{out}");
    assert!(!out.contains("leaf.pem: good"), "{out}");

    let basic = s.post().basic();
    let answered = basic.tbs_response_data.responses[0]
        .cert_id
        .serial_number
        .as_bytes()
        .to_vec();
    let mut expected = s.leaf.serial.clone();
    *expected.last_mut().unwrap() ^= 1;
    assert_eq!(answered, expected);
    s.assert_heals();
}

#[test]
fn stale_and_premature_times_are_flagged_by_openssl() {
    let s = Setup::new();
    let now = SystemTime::now();

    s.responder.set_fault(Fault::NextUpdateInPast).unwrap();
    let out = s.openssl().all();
    assert!(out.contains("WARNING: Status times invalid"), "{out}");
    assert!(out.to_lowercase().contains("status expired"), "{out}");
    let single = s.post().basic().tbs_response_data.responses[0].clone();
    assert!(single.next_update.unwrap().0.to_system_time() < now);

    s.responder.set_fault(Fault::ThisUpdateInFuture).unwrap();
    let out = s.openssl().all();
    assert!(out.contains("WARNING: Status times invalid"), "{out}");
    assert!(out.to_lowercase().contains("not yet valid"), "{out}");
    let single = s.post().basic().tbs_response_data.responses[0].clone();
    assert!(single.this_update.0.to_system_time() > now + Duration::from_secs(3000));

    s.assert_heals();
}

#[test]
fn no_next_update_leaves_it_out_despite_the_validity() {
    let s = Setup::new();
    s.responder.set_fault(Fault::NoNextUpdate).unwrap();
    let run = s.openssl();
    let out = run.all();
    assert!(out.contains("Response verify OK"), "{out}");
    assert!(out.contains("This Update:"), "{out}");
    assert!(!out.contains("Next Update:"), "{out}");
    assert_eq!(
        s.post().basic().tbs_response_data.responses[0].next_update,
        None
    );
    s.assert_heals();
}

#[test]
fn extension_faults_sign_the_unknown_extension_where_asked_and_keep_the_nonce() {
    use crate::pki::{Criticality, UNKNOWN_EXTENSION_OID, UNKNOWN_EXTENSION_VALUE};

    let s = Setup::new();
    let nonce_request = ocsp_request(&[(&s.leaf.der, &s.ca.der)], Some(b"nonce-1"));
    for criticality in [Criticality::NonCritical, Criticality::Critical] {
        let unknown = |e: &Extension| {
            e.extn_id == UNKNOWN_EXTENSION_OID
                && e.critical == criticality.is_critical()
                && e.extn_value.as_bytes() == UNKNOWN_EXTENSION_VALUE
        };

        s.responder
            .set_fault(Fault::ResponseExtension(criticality))
            .unwrap();
        let data = post(s.responder.local_addr(), &nonce_request)
            .basic()
            .tbs_response_data;
        let extensions = data.response_extensions.unwrap();
        assert_eq!(extensions.len(), 2, "{extensions:?}");
        assert_eq!(extensions[0].extn_id, ID_PKIX_OCSP_NONCE);
        assert!(unknown(&extensions[1]), "{extensions:?}");
        assert_eq!(data.responses[0].single_extensions, None);
        // Still a correctly signed answer: only what it carries is wrong.
        let run = s.openssl();
        assert!(run.all().contains("Response verify OK"), "{}", run.all());

        s.responder
            .set_fault(Fault::SingleExtension(criticality))
            .unwrap();
        let data = s.post().basic().tbs_response_data;
        assert_eq!(data.response_extensions, None);
        let single = data.responses[0].single_extensions.clone().unwrap();
        assert!(single.len() == 1 && unknown(&single[0]), "{single:?}");
    }
    s.assert_heals();
}

#[test]
fn garbage_is_a_200_that_is_not_der() {
    let s = Setup::new();
    s.responder.set_fault(Fault::Garbage).unwrap();
    let reply = s.post();
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("application/ocsp-response")
    );
    assert_eq!(reply.body.len(), 64);
    assert!(OcspResponse::from_der(&reply.body).is_err());
    let run = s.openssl();
    assert!(!run.success, "{}", run.all());
    assert!(!run.all().contains("leaf.pem"), "{}", run.all());
    s.assert_heals();
}

#[test]
fn http_status_is_sent_as_set() {
    let s = Setup::new();
    for code in [500u16, 503, 404] {
        s.responder.set_fault(Fault::HttpStatus(code)).unwrap();
        let reply = s.post();
        assert_eq!(reply.status, code);
        assert!(String::from_utf8_lossy(&reply.body).starts_with(&code.to_string()));
        let get_reply = get(s.responder.local_addr(), &s.request());
        assert_eq!(get_reply.status, code);
    }
    let run = s.openssl();
    assert!(!run.success, "{}", run.all());
    s.assert_heals();
}

#[test]
fn response_status_is_sent_without_response_bytes() {
    let s = Setup::new();
    s.responder
        .set_fault(Fault::ResponseStatus(OcspResponseStatus::TryLater))
        .unwrap();
    let reply = s.post();
    assert_eq!(reply.status, 200);
    let ocsp = reply.ocsp();
    assert_eq!(ocsp.response_status, OcspResponseStatus::TryLater);
    assert_eq!(ocsp.response_bytes, None);
    let out = s.openssl().all();
    assert!(out.contains("Responder Error: trylater (3)"), "{out}");
    s.assert_heals();
}

#[test]
fn oversized_sends_exactly_the_bytes_announced() {
    let s = Setup::new();
    s.responder.set_fault(Fault::Oversized(300_000)).unwrap();
    let reply = s.post();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-length"), Some("300000"));
    assert_eq!(reply.body.len(), 300_000);
    s.assert_heals();
}

#[test]
fn delay_postpones_a_correct_answer() {
    let s = Setup::new();
    let delay = Duration::from_millis(300);
    s.responder.set_fault(Fault::Delay(delay)).unwrap();
    let start = Instant::now();
    let reply = s.post();
    assert!(start.elapsed() >= delay, "{:?}", start.elapsed());
    assert_eq!(
        reply.basic().tbs_response_data.responses[0].cert_status,
        x509_ocsp::CertStatus::good()
    );
    s.responder.set_fault(Fault::None).unwrap();
    let start = Instant::now();
    s.post();
    assert!(start.elapsed() < delay, "{:?}", start.elapsed());
}

#[test]
fn hang_never_answers_and_is_released_by_shutdown() {
    let s = Setup::new();
    s.responder.set_fault(Fault::Hang).unwrap();
    let request = s.request();
    let mut stream = TcpStream::connect(s.responder.local_addr()).unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
        request.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&request).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(400)))
        .unwrap();
    let mut buf = [0u8; 64];
    let err = stream.read(&mut buf).expect_err("no answer while hanging");
    assert!(
        matches!(
            err.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
        "{err}"
    );
    assert_eq!(s.responder.stats().in_flight, 1);

    let start = Instant::now();
    s.responder.shutdown();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    stream.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
    // Closed without a byte of answer (or reset).
    assert!(matches!(stream.read(&mut buf), Ok(0) | Err(_)));
    assert_eq!(s.responder.stats().in_flight, 0);
}

#[test]
fn an_issuer_fault_wins_over_the_global_one_and_can_be_cleared() {
    let s = Setup::new();
    let second = Ca::new("Second CA");
    let other_leaf = second.issue("other", None);
    s.responder.add_authority(second.authority()).unwrap();
    s.responder.set_status(&other_leaf.serial, CertState::Good);
    let other_request = ocsp_request(&[(&other_leaf.der, &second.der)], None);
    let addr = s.responder.local_addr();

    s.responder
        .set_issuer_fault(&second.der, Fault::HttpStatus(503))
        .unwrap();
    assert_eq!(post(addr, &other_request).status, 503);
    assert_eq!(
        s.post().ocsp().response_status,
        OcspResponseStatus::Successful
    );

    // The issuer's own "no fault" shields it from the global fault.
    s.responder.set_fault(Fault::HttpStatus(500)).unwrap();
    s.responder
        .set_issuer_fault(&second.der, Fault::None)
        .unwrap();
    assert_eq!(s.post().status, 500);
    assert_eq!(
        post(addr, &other_request).ocsp().response_status,
        OcspResponseStatus::Successful
    );

    s.responder.clear_issuer_fault(&second.der).unwrap();
    assert_eq!(post(addr, &other_request).status, 500);
    // Requests that name no known issuer get the global fault too.
    assert_eq!(post(addr, b"junk").status, 500);
    s.assert_heals();
}
