//! The server around the OCSP logic: bad input, limits, concurrency, and stopping.

use std::io::{ErrorKind, Read};
use std::net::TcpStream;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use proptest::prelude::*;
use x509_ocsp::OcspResponseStatus;

use super::*;
use crate::responder::answer::{answer, Body};
use crate::responder::registry::Registry;
use crate::responder::{CertState, Fault, ResponderError, MAX_CONNECTIONS};

/// Polls `condition` until it holds, failing the test after [`CLIENT_TIMEOUT`].
fn wait_until(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + CLIENT_TIMEOUT;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        thread::sleep(Duration::from_millis(5));
    }
}

/// Reads with a short timeout and says whether nothing (no byte, no close) arrived.
fn silent(stream: &mut TcpStream) -> bool {
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = [0u8; 16];
    matches!(stream.read(&mut buf), Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut))
}

fn read_reply(stream: &mut TcpStream) -> HttpReply {
    stream.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    parse_reply(&bytes)
}

fn post_raw(der: &[u8]) -> Vec<u8> {
    let mut raw = format!("POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n", der.len()).into_bytes();
    raw.extend_from_slice(der);
    raw
}

#[test]
fn malformed_ocsp_gets_a_malformed_request_response() {
    let ca = Ca::new("Malformed CA");
    let leaf = ca.issue("leaf", None);
    let responder = responder_for(&ca);
    responder.set_status(&leaf.serial, CertState::Good);
    let addr = responder.local_addr();
    let empty_list = OcspRequest {
        tbs_request: TbsRequest {
            version: Version::V1,
            requestor_name: None,
            request_list: vec![],
            request_extensions: None,
        },
        optional_signature: None,
    }
    .to_der()
    .unwrap();

    let replies = [
        ("junk body", exchange(addr, &post_raw(b"\x30\x82junk"))),
        ("empty body", exchange(addr, &post_raw(b""))),
        ("empty request list", exchange(addr, &post_raw(&empty_list))),
        ("GET /", exchange(addr, b"GET / HTTP/1.1\r\n\r\n")),
        (
            "GET not base64",
            exchange(addr, b"GET /!!! HTTP/1.1\r\n\r\n"),
        ),
        ("GET base64 junk", get(addr, b"junk")),
    ];
    for (what, reply) in &replies {
        assert_eq!(reply.status, 200, "{what}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/ocsp-response"),
            "{what}"
        );
        let ocsp = reply.ocsp();
        assert_eq!(
            ocsp.response_status,
            OcspResponseStatus::MalformedRequest,
            "{what}"
        );
        assert_eq!(ocsp.response_bytes, None, "{what}");
    }
    assert_eq!(responder.stats().requests, replies.len() as u64);
    // Still serving.
    let good = post(addr, &ocsp_request(&[(&leaf.der, &ca.der)], None));
    assert_eq!(good.ocsp().response_status, OcspResponseStatus::Successful);
}

#[test]
fn http_it_does_not_serve_gets_an_http_error_and_is_not_counted() {
    let responder = OcspResponder::bind("127.0.0.1:0").unwrap();
    let addr = responder.local_addr();
    let long_header = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000));
    let cases: [(&[u8], u16); 7] = [
        (b"PUT / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 405),
        (b"POST / HTTP/1.1\r\n\r\n", 411),
        (b"POST / HTTP/1.1\r\nContent-Length: 65537\r\n\r\n", 413),
        (long_header.as_bytes(), 431),
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/2.0\r\n\r\n", 505),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            501,
        ),
    ];
    for (raw, status) in cases {
        let reply = exchange(addr, raw);
        assert_eq!(
            reply.status,
            status,
            "{}",
            String::from_utf8_lossy(&raw[..20])
        );
        assert_eq!(reply.header("connection"), Some("close"));
        if status == 405 {
            assert_eq!(reply.header("allow"), Some("GET, POST"));
        }
    }
    assert_eq!(responder.stats().requests, 0);
}

#[test]
fn abandoned_and_split_requests_do_not_disturb_the_server() {
    let ca = Ca::new("Split CA");
    let leaf = ca.issue("leaf", None);
    let responder = responder_for(&ca);
    responder.set_status(&leaf.serial, CertState::Good);
    let addr = responder.local_addr();
    let request = post_raw(&ocsp_request(&[(&leaf.der, &ca.der)], None));

    // Connect and leave; leave mid-head; leave mid-body.
    drop(TcpStream::connect(addr).unwrap());
    TcpStream::connect(addr)
        .unwrap()
        .write_all(b"POST / HT")
        .unwrap();
    TcpStream::connect(addr)
        .unwrap()
        .write_all(&request[..request.len() - 5])
        .unwrap();

    // The same request dribbled byte by byte is read whole.
    let mut stream = TcpStream::connect(addr).unwrap();
    for byte in &request {
        stream.write_all(&[*byte]).unwrap();
    }
    let reply = read_reply(&mut stream);
    assert_eq!(reply.basic().tbs_response_data.responses.len(), 1);

    // Expect: 100-continue is honoured before the body is sent.
    let body = ocsp_request(&[(&leaf.der, &ca.der)], None);
    let mut stream = TcpStream::connect(addr).unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
    let mut interim = [0u8; 25];
    stream.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(&body).unwrap();
    assert_eq!(read_reply(&mut stream).status, 200);

    wait_until("abandoned requests are dropped", || {
        responder.stats().in_flight == 0
    });
    assert_eq!(responder.stats().requests, 2);
}

#[test]
fn hold_until_concurrent_proves_two_requests_overlapped() {
    let ca = Ca::new("Hold CA");
    let leaf = ca.issue("leaf", None);
    let responder = Arc::new(responder_for(&ca));
    responder.set_status(&leaf.serial, CertState::Good);
    let request = Arc::new(ocsp_request(&[(&leaf.der, &ca.der)], None));

    responder.hold_until_concurrent(2, CLIENT_TIMEOUT);
    let start = Instant::now();
    let clients: Vec<_> = (0..2)
        .map(|_| {
            let (addr, request) = (responder.local_addr(), Arc::clone(&request));
            thread::spawn(move || post(addr, &request).status)
        })
        .collect();
    for c in clients {
        assert_eq!(c.join().unwrap(), 200);
    }
    // Released by the second arrival, not by the timeout.
    assert!(
        start.elapsed() < CLIENT_TIMEOUT / 2,
        "{:?}",
        start.elapsed()
    );
    assert_eq!(responder.stats().max_in_flight, 2);

    // Alone, a request waits for the timeout and is then answered.
    responder.reset_stats();
    let timeout = Duration::from_millis(300);
    responder.hold_until_concurrent(2, timeout);
    let start = Instant::now();
    assert_eq!(post(responder.local_addr(), &request).status, 200);
    assert!(start.elapsed() >= timeout, "{:?}", start.elapsed());
    assert_eq!(responder.stats().max_in_flight, 1);

    // clear_hold releases a waiting request at once.
    responder.hold_until_concurrent(2, Duration::from_secs(60));
    let lone = {
        let (addr, request) = (responder.local_addr(), Arc::clone(&request));
        thread::spawn(move || post(addr, &request).status)
    };
    wait_until("the lone request is held", || {
        responder.stats().in_flight == 1
    });
    let start = Instant::now();
    responder.clear_hold();
    assert_eq!(lone.join().unwrap(), 200);
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn connections_beyond_the_limit_wait_for_a_free_slot() {
    let ca = Ca::new("Limit CA");
    let leaf = ca.issue("leaf", None);
    let responder = responder_for(&ca);
    responder.set_status(&leaf.serial, CertState::Good);
    let addr = responder.local_addr();

    let mut idle: Vec<TcpStream> = (0..MAX_CONNECTIONS)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    let mut extra = TcpStream::connect(addr).unwrap();
    extra
        .write_all(&post_raw(&ocsp_request(&[(&leaf.der, &ca.der)], None)))
        .unwrap();
    assert!(silent(&mut extra), "served beyond the connection limit");

    idle.pop();
    let reply = read_reply(&mut extra);
    assert_eq!(reply.ocsp().response_status, OcspResponseStatus::Successful);
}

#[test]
fn stop_accepting_refuses_new_connections_but_finishes_open_ones() {
    let ca = Ca::new("Stop CA");
    let leaf = ca.issue("leaf", None);
    let responder = responder_for(&ca);
    responder.set_status(&leaf.serial, CertState::Good);
    responder
        .set_fault(Fault::Delay(Duration::from_millis(300)))
        .unwrap();
    let addr = responder.local_addr();

    let mut open = TcpStream::connect(addr).unwrap();
    open.write_all(&post_raw(&ocsp_request(&[(&leaf.der, &ca.der)], None)))
        .unwrap();
    wait_until("the request is in flight", || {
        responder.stats().in_flight == 1
    });
    responder.stop_accepting();
    // The listening socket is closed when stop_accepting returns, but a process another test
    // forks at that moment holds a copy of it until its exec: connections are refused once it
    // has gone (a responder that kept accepting would never refuse).
    wait_until("new connections are refused", || {
        TcpStream::connect_timeout(&addr, CLIENT_TIMEOUT)
            .is_err_and(|e| e.kind() == ErrorKind::ConnectionRefused)
    });
    assert_eq!(read_reply(&mut open).status, 200);
}

#[test]
fn shutdown_is_prompt_whatever_the_connections_are_doing() {
    let ca = Ca::new("Shutdown CA");
    let leaf = ca.issue("leaf", None);
    let responder = responder_for(&ca);
    let addr = responder.local_addr();
    responder.hold_until_concurrent(10, Duration::from_secs(60));

    let idle = TcpStream::connect(addr).unwrap();
    let mut partial = TcpStream::connect(addr).unwrap();
    partial
        .write_all(b"POST / HTTP/1.1\r\nContent-Len")
        .unwrap();
    let mut held = TcpStream::connect(addr).unwrap();
    held.write_all(&post_raw(&ocsp_request(&[(&leaf.der, &ca.der)], None)))
        .unwrap();
    wait_until("the request is held", || responder.stats().in_flight == 1);

    let start = Instant::now();
    responder.shutdown();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    for mut stream in [idle, partial, held] {
        stream.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
        let mut buf = [0u8; 16];
        assert!(matches!(stream.read(&mut buf), Ok(0) | Err(_)));
    }
    let refused = TcpStream::connect_timeout(&addr, CLIENT_TIMEOUT).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
    // Idempotent, and drop after shutdown is fine.
    responder.shutdown();
    drop(responder);
}

#[test]
fn the_responder_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<OcspResponder>();
}

#[test]
fn binding_reports_its_address_and_url() {
    let responder = OcspResponder::bind("127.0.0.1:0").unwrap();
    let port = responder.local_addr().port();
    assert_ne!(port, 0);
    assert_eq!(responder.url(), format!("http://127.0.0.1:{port}/"));
    assert!(OcspResponder::bind(&responder.local_addr().to_string()).is_err());

    let any = OcspResponder::bind("0.0.0.0:0").unwrap();
    let port = any.local_addr().port();
    assert_eq!(any.url(), format!("http://127.0.0.1:{port}/"));
}

#[test]
fn unusable_authorities_are_refused_with_the_reason() {
    let ca = Ca::new("Refusing CA");
    let stranger = Ca::new("Stranger CA");
    let responder = OcspResponder::bind("127.0.0.1:0").unwrap();

    let mut bad_issuer = ca.authority();
    bad_issuer.issuer_der = vec![0x30, 0x03, 0x02, 0x01, 0x01];
    let err = responder.add_authority(bad_issuer).unwrap_err();
    assert!(
        matches!(
            err,
            ResponderError::Certificate {
                which: "issuer",
                ..
            }
        ),
        "{err}"
    );

    let mut wrong_key = ca.authority();
    wrong_key.signer_key_pkcs8 = stranger.key.serialize_der();
    let err = responder.add_authority(wrong_key).unwrap_err();
    assert!(matches!(err, ResponderError::KeyMismatch { .. }), "{err}");
    assert!(err.to_string().contains("Refusing CA"), "{err}");

    let mut bad_key = ca.authority();
    bad_key.signer_key_pkcs8 = b"not PKCS#8".to_vec();
    let err = responder.add_authority(bad_key).unwrap_err();
    assert!(matches!(err, ResponderError::Key { .. }), "{err}");

    let err = responder
        .set_issuer_status(b"junk", &[1], CertState::Good)
        .unwrap_err();
    assert!(
        matches!(
            err,
            ResponderError::Certificate {
                which: "issuer",
                ..
            }
        ),
        "{err}"
    );

    // Nothing registered: requests about the CA's certificates are unauthorized.
    let leaf = ca.issue("leaf", None);
    let reply = post(
        responder.local_addr(),
        &ocsp_request(&[(&leaf.der, &ca.der)], None),
    );
    assert_eq!(
        reply.ocsp().response_status,
        OcspResponseStatus::Unauthorized
    );
}

/// A registry for one CA with a good leaf, and a valid request about the leaf.
fn registry_and_request() -> (Registry, Vec<u8>) {
    let ca = Ca::new("Fuzz CA");
    let leaf = ca.issue("leaf", None);
    let mut registry = Registry::default();
    registry.add_authority(&ca.authority()).unwrap();
    registry.set_status(&leaf.serial, CertState::Good);
    (
        registry,
        ocsp_request(&[(&leaf.der, &ca.der)], Some(b"nonce")),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever arrives, the answer is a well-formed OCSPResponse (never a panic).
    #[test]
    fn any_bytes_get_a_well_formed_ocsp_response(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        junk in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        thread_local! {
            static FIXTURE: (Registry, Vec<u8>) = registry_and_request();
        }
        FIXTURE.with(|(registry, request)| {
            let mut mutated = request.clone();
            for (at, xor) in &flips {
                mutated[at.index(request.len())] ^= xor;
            }
            for input in [&mutated, &junk] {
                let plan = answer(registry, Some(input), SystemTime::now());
                let Body::Ocsp(bytes) = plan.body else {
                    panic!("no OCSP body for {input:02X?}");
                };
                let response = OcspResponse::from_der(&bytes);
                prop_assert!(response.is_ok(), "{input:02X?}");
            }
            Ok(())
        })?;
    }
}
