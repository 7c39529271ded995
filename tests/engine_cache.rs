//! The cache rules and the nonce bypass, counted at a real responder.

use std::time::Duration;

use der::asn1::OctetString;
use der::oid::db::rfc6960::ID_PKIX_OCSP_NONCE;
use der::Encode;
use staplekit::tls::{encode_status_request, ClientStatusRequest, OcspStatusRequest, TlsVersion};
use staplekit::{Chain, Staple, StaplingEngine};
use staplekit_testkit::fixtures::*;
use x509_cert::ext::Extension;

fn v1(data: &[u8]) -> ClientStatusRequest<'_> {
    ClientStatusRequest {
        status_request: Some(data),
        status_request_v2: None,
        version: TlsVersion::Tls12,
        resumed: false,
    }
}

fn staple_v1(engine: &StaplingEngine, chain: &Chain, data: &[u8]) -> Option<Staple> {
    engine
        .staple(&v1(data), chain)
        .expect("well-formed request")
}

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

#[test]
fn second_handshake_is_served_from_the_cache() {
    let fx = OwnPki::start();
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    let first = staple_v1(&engine, &chain, &JDK_STATUS_REQUEST).expect("stapled");
    assert_eq!(fx.responder.stats().requests, 1);
    let second = staple_v1(&engine, &chain, &JDK_STATUS_REQUEST).expect("stapled");
    assert_eq!(fx.responder.stats().requests, 1, "no second fetch");
    assert_eq!(first, second, "the same response bytes");
}

#[test]
fn a_nonce_request_is_never_answered_from_the_cache_and_its_nonce_is_forwarded() {
    let fx = OwnPki::start();
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    staple_v1(&engine, &chain, &JDK_STATUS_REQUEST).expect("stapled, and now cached");
    assert_eq!(fx.responder.stats().requests, 1);

    let nonce = [0x5A; 16];
    staple_v1(&engine, &chain, &status_request_with_nonce(&nonce)).expect("stapled");
    assert_eq!(
        fx.responder.stats().requests,
        2,
        "the nonce request bypassed the cache"
    );
    let seen = fx.responder.recent_requests();
    let last = seen.last().unwrap();
    assert!(
        last.nonce
            .as_deref()
            .is_some_and(|n| n.windows(16).any(|w| w == nonce)),
        "the client's nonce reached the responder: {:?}",
        last.nonce
    );

    staple_v1(&engine, &chain, &status_request_with_nonce(&nonce)).expect("stapled");
    assert_eq!(
        fx.responder.stats().requests,
        3,
        "every nonce request fetches"
    );
}

#[test]
fn with_ignore_extensions_the_nonce_is_neither_forwarded_nor_a_cache_bypass() {
    let fx = OwnPki::start();
    let engine = engine(&[("jdk.tls.stapling.ignoreExtensions", "true")]);
    let chain = fx.leaf_chain(&engine);
    let nonce_request = status_request_with_nonce(&[0x11; 8]);
    staple_v1(&engine, &chain, &nonce_request).expect("stapled");
    staple_v1(&engine, &chain, &nonce_request).expect("stapled");
    assert_eq!(fx.responder.stats().requests, 1);
    assert_eq!(fx.responder.recent_requests()[0].nonce, None);
}

#[test]
fn responses_without_next_update_are_not_cached_when_the_lifetime_is_zero() {
    let fx = OwnPki::start();
    fx.responder.set_validity(None);
    let engine = engine(&[("jdk.tls.stapling.cacheLifetime", "0")]);
    let chain = fx.leaf_chain(&engine);
    staple_v1(&engine, &chain, &JDK_STATUS_REQUEST).expect("stapled all the same");
    staple_v1(&engine, &chain, &JDK_STATUS_REQUEST).expect("stapled all the same");
    assert_eq!(fx.responder.stats().requests, 2);
}

#[test]
fn responses_without_next_update_live_for_the_cache_lifetime() {
    let fx = OwnPki::start();
    fx.responder.set_validity(None);
    let engine = engine(&[("jdk.tls.stapling.cacheLifetime", "1")]);
    let chain = fx.leaf_chain(&engine);
    staple_v1(&engine, &chain, &JDK_STATUS_REQUEST).expect("stapled");
    staple_v1(&engine, &chain, &JDK_STATUS_REQUEST).expect("stapled");
    assert_eq!(
        fx.responder.stats().requests,
        1,
        "cached within the lifetime"
    );
    std::thread::sleep(Duration::from_millis(1100));
    staple_v1(&engine, &chain, &JDK_STATUS_REQUEST).expect("stapled");
    assert_eq!(
        fx.responder.stats().requests,
        2,
        "fetched again after the lifetime"
    );
}

#[test]
fn with_a_zero_timeout_only_cache_hits_are_stapled_and_late_fetches_fill_the_cache() {
    let fx = OwnPki::start();
    let engine = engine(&[("jdk.tls.stapling.responseTimeout", "0")]);
    let chain = fx.leaf_chain(&engine);
    assert_eq!(
        staple_v1(&engine, &chain, &JDK_STATUS_REQUEST),
        None,
        "nothing waits"
    );
    // The fetch goes on in the background and fills the cache; poll for it, bounded.
    let mut stapled = None;
    for _ in 0..100 {
        stapled = staple_v1(&engine, &chain, &JDK_STATUS_REQUEST);
        if stapled.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        stapled.is_some(),
        "the late response was cached and then stapled"
    );
}

#[test]
fn cache_size_bounds_the_entries() {
    let fx = OwnPki::start();
    let engine = engine(&[("jdk.tls.stapling.cacheSize", "1")]);
    let leaf = fx.leaf_chain(&engine);
    let revoked = engine.parse_chain(fx.pki.revoked_chain_der()).unwrap();
    staple_v1(&engine, &leaf, &JDK_STATUS_REQUEST).expect("stapled");
    staple_v1(&engine, &revoked, &JDK_STATUS_REQUEST).expect("stapled, evicting the leaf");
    staple_v1(&engine, &leaf, &JDK_STATUS_REQUEST).expect("stapled");
    assert_eq!(
        fx.responder.stats().requests,
        3,
        "the leaf was evicted and fetched again"
    );
}
