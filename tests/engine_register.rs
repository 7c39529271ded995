//! `StaplingEngine::register` and `Staple::ocsp_responses`, the two engine calls the JNI bridge
//! added, against OpenSSL's own responders.

mod common;

use std::thread;
use std::time::{Duration, Instant};

use common::*;
use staplekit::tls::{
    parse_certificate_entry_status_request, parse_certificate_status, CertificateStatus,
    ClientStatusRequest, TlsVersion,
};
use staplekit::Staple;

fn hello(v1: bool, v2: bool, version: TlsVersion) -> ClientStatusRequest<'static> {
    ClientStatusRequest {
        status_request: v1.then_some(&JDK_STATUS_REQUEST[..]),
        status_request_v2: v2.then_some(&JDK_STATUS_REQUEST_V2[..]),
        version,
        resumed: false,
    }
}

#[test]
fn register_fetches_in_the_background_without_waiting() {
    let fx = OpensslPki::start();
    // A zero timeout staples cache hits only, so a staple proves what the cache holds.
    let engine = engine(&[("jdk.tls.stapling.responseTimeout", "0")]);
    let chain = fx.leaf_chain(&engine);
    let multi = hello(true, true, TlsVersion::Tls12);
    assert_eq!(
        engine.staple(&multi, &chain).unwrap(),
        None,
        "cache is empty"
    );

    let started = Instant::now();
    engine.register(&chain, None);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "register returns before the fetches finish"
    );

    let deadline = Instant::now() + Duration::from_secs(10);
    let responses = loop {
        let responses = engine
            .staple(&multi, &chain)
            .unwrap()
            .map(|s| s.ocsp_responses())
            .unwrap_or_default();
        if responses.iter().filter(|r| r.is_some()).count() == 2 {
            break responses;
        }
        assert!(
            Instant::now() < deadline,
            "registering never brought the responses"
        );
        thread::sleep(Duration::from_millis(50));
    };
    assert!(responses[0].is_some() && responses[1].is_some());
    assert_eq!(responses[2], None, "the root is never asked about");
}

#[test]
fn ocsp_responses_reads_back_every_kind_of_staple() {
    let fx = OpensslPki::start();
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);

    let multi = engine
        .staple(&hello(true, true, TlsVersion::Tls12), &chain)
        .unwrap()
        .expect("ocsp_multi staple");
    let Staple::CertificateStatus { message, .. } = &multi else {
        panic!("TLS 1.2 staples a CertificateStatus: {multi:?}");
    };
    let Ok(CertificateStatus::OcspMulti(list)) = parse_certificate_status(message) else {
        panic!("not ocsp_multi: {message:02x?}");
    };
    assert_eq!(multi.ocsp_responses(), list);
    assert_eq!(list.len(), 3);

    let single = engine
        .staple(&hello(true, false, TlsVersion::Tls12), &chain)
        .unwrap()
        .expect("ocsp staple");
    let responses = single.ocsp_responses();
    assert_eq!(responses.len(), 1, "ocsp carries the leaf's response only");
    assert_eq!(responses[0], list[0]);

    let tls13 = engine
        .staple(&hello(true, false, TlsVersion::Tls13), &chain)
        .unwrap()
        .expect("TLS 1.3 staple");
    let Staple::Tls13 { entries } = &tls13 else {
        panic!("TLS 1.3 staples entries: {tls13:?}");
    };
    let expected: Vec<Option<Vec<u8>>> = entries
        .iter()
        .map(|e| {
            e.as_deref()
                .map(|d| parse_certificate_entry_status_request(d).unwrap())
        })
        .collect();
    assert_eq!(tls13.ocsp_responses(), expected);
    assert!(expected[0].is_some() && expected[1].is_some() && expected[2].is_none());
}
