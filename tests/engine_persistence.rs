//! `staplekit.stapling.cacheDir` and operator-provided response files: staples that survive a
//! restart and a responder outage, and files that must never be served.

use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use staplekit::internal::{encode_request, HttpSettings, OcspHttpClient, ResponseDir};
use staplekit::tls::{ClientStatusRequest, TlsVersion};
use staplekit::CertificateStats;
use staplekit::{Chain, FetchOutcome, ResponseSource, StaplingEngine};
use staplekit_testkit::fixtures::*;

fn multi_hello() -> ClientStatusRequest<'static> {
    ClientStatusRequest {
        status_request: Some(&JDK_STATUS_REQUEST[..]),
        status_request_v2: Some(&JDK_STATUS_REQUEST_V2[..]),
        version: TlsVersion::Tls12,
        resumed: false,
    }
}

/// The stapled responses (leaf first) of a TLS 1.2 ocsp_multi handshake.
fn stapled(engine: &StaplingEngine, chain: &Chain) -> Vec<Option<Vec<u8>>> {
    engine
        .staple(&multi_hello(), chain)
        .unwrap()
        .map(|s| owned_responses(&s))
        .unwrap_or_default()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        thread::sleep(Duration::from_millis(20));
    }
}

fn certificates(engine: &StaplingEngine) -> Vec<CertificateStats> {
    engine.stats().certificates
}

fn path_text(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// A current DER response about the good leaf, as an operator's cron job would fetch it.
fn leaf_response(fx: &OwnPki) -> Vec<u8> {
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    verified(&engine.check_chain(&chain, CHECK_WAIT)[0])
        .der
        .to_vec()
}

#[test]
fn a_restarted_engine_staples_at_once_from_its_cache_dir_with_every_responder_down() {
    let dir = tempfile::tempdir().unwrap();
    let settings = [("staplekit.stapling.cacheDir", path_text(dir.path()))];
    let fx = OwnPki::start();
    let before = {
        let engine = engine(&settings);
        let chain = fx.leaf_chain(&engine);
        engine.register(&chain, None);
        wait_until("both responses are held", || {
            certificates(&engine).iter().all(|c| c.status.is_some())
        });
        stapled(&engine, &chain)
    };
    fx.responder.shutdown();

    let engine = engine(&settings);
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, None);
    assert_eq!(
        stapled(&engine, &chain),
        before,
        "the first handshake after the restart staples what was kept"
    );
    for cert in certificates(&engine) {
        assert_eq!(cert.source, Some(ResponseSource::CacheDir), "{cert:?}");
    }
}

#[test]
fn corrupt_and_expired_kept_files_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let settings = [("staplekit.stapling.cacheDir", path_text(dir.path()))];
    let fx = OwnPki::start();
    fx.responder.set_this_update_age(Duration::ZERO);
    fx.responder.set_validity(Some(Duration::from_secs(1)));
    {
        let engine = engine(&settings);
        let chain = fx.leaf_chain(&engine);
        engine.register(&chain, None);
        // Counted once written: a response is kept on disk before it is stapled.
        wait_until("both responses are fetched", || {
            certificates(&engine)
                .iter()
                .all(|c| c.fetches.contains_key(&FetchOutcome::Good))
        });
    }
    fx.responder.shutdown();
    // The leaf's file is overwritten with garbage; the intermediate's simply expires.
    let files = ResponseDir::open(dir.path()).unwrap();
    let probe = engine(&[]);
    let chain = fx.leaf_chain(&probe);
    let leaf_file = files.file_for(chain.leaf().id.as_ref().unwrap());
    assert!(leaf_file.exists(), "the leaf's response was kept");
    std::fs::write(&leaf_file, b"not an OCSP response").unwrap();
    thread::sleep(Duration::from_millis(1100));

    let engine = engine(&settings);
    engine.register(&chain, None);
    assert_eq!(stapled(&engine, &chain), Vec::<Option<Vec<u8>>>::new());
    assert!(certificates(&engine).iter().all(|c| c.status.is_none()));
}

#[test]
fn an_ors_file_beside_the_chain_is_stapled_with_every_responder_down() {
    let fx = OwnPki::start();
    let der = leaf_response(&fx);
    fx.responder.shutdown();
    let dir = tempfile::tempdir().unwrap();
    let chain_file = dir.path().join("server.pem");
    std::fs::write(ors(&chain_file), &der).unwrap();

    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, Some(&chain_file));
    assert_eq!(stapled(&engine, &chain)[0], Some(der));
    assert_eq!(
        certificates(&engine)[0].source,
        Some(ResponseSource::StaticFile)
    );
}

#[test]
fn an_expired_ors_file_is_not_stapled() {
    let fx = OwnPki::start();
    fx.responder.set_this_update_age(Duration::ZERO);
    fx.responder.set_validity(Some(Duration::from_secs(1)));
    let der = leaf_response(&fx);
    fx.responder.shutdown();
    let dir = tempfile::tempdir().unwrap();
    let chain_file = dir.path().join("server.pem");
    std::fs::write(ors(&chain_file), &der).unwrap();
    thread::sleep(Duration::from_millis(1100));

    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, Some(&chain_file));
    assert_eq!(stapled(&engine, &chain), Vec::<Option<Vec<u8>>>::new());
}

#[test]
fn a_response_file_for_another_certificate_is_not_stapled() {
    let fx = OwnPki::start();
    let revoked_engine = engine(&[]);
    let revoked_chain = revoked_engine
        .parse_chain(fx.pki.revoked_chain_der())
        .unwrap();
    let other = verified(&revoked_engine.check_chain(&revoked_chain, CHECK_WAIT)[0])
        .der
        .to_vec();
    fx.responder.shutdown();
    let dir = tempfile::tempdir().unwrap();
    let chain_file = dir.path().join("server.pem");
    std::fs::write(ors(&chain_file), other).unwrap();

    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, Some(&chain_file));
    assert_eq!(stapled(&engine, &chain), Vec::<Option<Vec<u8>>>::new());
}

#[test]
fn the_response_file_property_is_stapled_and_a_newer_fetch_replaces_it() {
    let fx = OwnPki::start();
    let der = leaf_response(&fx);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("leaf.der");
    std::fs::write(&file, &der).unwrap();
    // thisUpdate one second later than the file's, so the fetched answer is newer.
    thread::sleep(Duration::from_millis(1100));

    let engine = engine(&[("staplekit.stapling.responseFile", path_text(&file))]);
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, None);
    wait_until("a fetched response replaces the file's", || {
        certificates(&engine)[0].source == Some(ResponseSource::Fetched)
    });
    let now_stapled = stapled(&engine, &chain)[0].clone().unwrap();
    assert_ne!(now_stapled, der);
}

#[test]
fn a_rewritten_response_file_is_read_again() {
    let fx = OwnPki::start();
    fx.responder.set_this_update_age(Duration::ZERO);
    fx.responder.set_validity(Some(Duration::from_secs(1)));
    let expired = leaf_response(&fx);
    fx.responder.set_validity(Some(Duration::from_secs(3600)));
    let fresh = leaf_response(&fx);
    fx.responder.shutdown();
    let dir = tempfile::tempdir().unwrap();
    let chain_file = dir.path().join("server.pem");
    std::fs::write(ors(&chain_file), &expired).unwrap();
    thread::sleep(Duration::from_millis(1100));

    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, Some(&chain_file));
    assert_eq!(stapled(&engine, &chain), Vec::<Option<Vec<u8>>>::new());
    // The cron job writes a fresh response; the engine notices within its polling interval.
    std::fs::write(ors(&chain_file), &fresh).unwrap();
    wait_until("the rewritten file is stapled", || {
        stapled(&engine, &chain).first().cloned().flatten() == Some(fresh.clone())
    });
}

/// A leaf response without nextUpdate whose thisUpdate is `age` old, as an operator's cron job
/// would have fetched it, straight from the responder (the engine would refuse an old one).
fn leaf_response_without_next_update(age: Duration) -> (OwnPki, Vec<u8>) {
    let fx = OwnPki::start();
    fx.responder.set_validity(None);
    fx.responder.set_this_update_age(age);
    let client = OcspHttpClient::new(HttpSettings {
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(5),
        use_get: false,
        max_response_bytes: 65_536,
    })
    .unwrap();
    let leaf = fx.leaf_chain(&engine(&[])).certificates()[0].clone();
    let url = url::Url::parse(&fx.responder.url()).unwrap();
    let der = client
        .send(&url, &encode_request(leaf.id.as_ref().unwrap(), &[]))
        .unwrap();
    fx.responder.shutdown();
    (fx, der)
}

#[test]
fn an_ors_file_without_next_update_400_days_old_is_not_stapled() {
    let (fx, der) = leaf_response_without_next_update(Duration::from_secs(400 * 86_400));
    let dir = tempfile::tempdir().unwrap();
    let chain_file = dir.path().join("server.pem");
    std::fs::write(ors(&chain_file), &der).unwrap();

    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, Some(&chain_file));
    assert_eq!(stapled(&engine, &chain), Vec::<Option<Vec<u8>>>::new());
    assert_eq!(certificates(&engine)[0].source, None);
}

#[test]
fn a_fresh_ors_file_without_next_update_is_stapled() {
    let (fx, der) = leaf_response_without_next_update(Duration::from_secs(60));
    let dir = tempfile::tempdir().unwrap();
    let chain_file = dir.path().join("server.pem");
    std::fs::write(ors(&chain_file), &der).unwrap();

    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    engine.register(&chain, Some(&chain_file));
    assert_eq!(stapled(&engine, &chain)[0], Some(der));
    let leaf = &certificates(&engine)[0];
    assert_eq!(leaf.source, Some(ResponseSource::StaticFile));
    // Stapled no longer than thisUpdate (a minute ago) plus the bound.
    let until = leaf.next_update.expect("a bound");
    let bound = staplekit::MAX_AGE_WITHOUT_NEXT_UPDATE;
    assert!(
        until <= SystemTime::now() + bound - Duration::from_secs(50),
        "{leaf:?}"
    );
}

fn ors(chain_file: &Path) -> PathBuf {
    let mut name = chain_file.as_os_str().to_owned();
    name.push(".ors");
    PathBuf::from(name)
}
