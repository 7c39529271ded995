//! The local OCSP responder (feature `responder`) answering real clients: the held response byte
//! for byte as a handshake staples it, by POST and GET, to `openssl ocsp` too; `unauthorized` for
//! what is not held; the statistics.
#![cfg(feature = "responder")]

mod responder_client;

use std::io::Write;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use responder_client::*;
use staplekit::responder::{OcspResponder, ResponderLimits};
use staplekit::{verify_response, Expected, ResponderStats, Status, VerifyPolicy};
use staplekit_testkit::fixtures::*;
use staplekit_testkit::responder::Fault;

#[test]
fn serves_by_post_and_get_exactly_what_a_handshake_staples() {
    let served = Served::start(ResponderLimits::default());
    let staple = served.leaf_staple();
    let by_post = post(served.addr(), &served.leaf_request());
    assert_eq!(by_post.status, 200);
    assert_eq!(
        by_post.header("content-type"),
        Some("application/ocsp-response")
    );
    assert_eq!(by_post.body, staple, "POST: the held bytes, exactly");
    let by_get = get(served.addr(), &served.leaf_request());
    assert_eq!(by_get.status, 200);
    assert_eq!(by_get.body, staple, "GET: the held bytes, exactly");

    // The intermediate's response too (what an ocsp_multi handshake staples second).
    let multi = served
        .engine
        .staple(
            &hello(true, true, staplekit::TlsVersion::Tls12),
            &served.chain,
        )
        .unwrap()
        .expect("ocsp_multi staple");
    let intermediate = post(served.addr(), &request_for(&served.chain, 1));
    assert_eq!(Some(&intermediate.body[..]), multi.response(1));

    // RFC 5019 section 6 caching headers, from the response's own times.
    let verified = verify(&served, &by_post.body);
    let next_update = verified.next_update.expect("openssl sets nextUpdate");
    let expires = httpdate_secs(by_post.header("expires").expect("Expires"));
    assert_eq!(expires, secs(next_update));
    let last_modified = httpdate_secs(by_post.header("last-modified").expect("Last-Modified"));
    assert_eq!(last_modified, secs(verified.this_update));
    let cache_control = by_post.header("cache-control").expect("Cache-Control");
    let max_age: u64 = cache_control
        .strip_prefix("max-age=")
        .and_then(|rest| rest.split(',').next())
        .and_then(|age| age.parse().ok())
        .unwrap_or_else(|| panic!("no max-age in {cache_control:?}"));
    let left = next_update
        .duration_since(SystemTime::now())
        .unwrap()
        .as_secs();
    assert!(
        max_age <= left + 1 && max_age + 60 >= left,
        "max-age {max_age} vs {left} s to nextUpdate"
    );
    assert!(cache_control.ends_with("public, no-transform, must-revalidate"));

    let stats = served.engine.stats().responder;
    assert_eq!(
        stats,
        ResponderStats {
            answered: 3,
            ..Default::default()
        }
    );
}

#[test]
fn answers_requests_on_a_kept_alive_connection() {
    let served = Served::start(ResponderLimits::default());
    let staple = served.leaf_staple();
    let mut stream = connect(served.addr());
    let der = served.leaf_request();
    for round in 0..3 {
        let mut request = format!(
            "POST / HTTP/1.1\r\nHost: r\r\nContent-Length: {}\r\n\r\n",
            der.len()
        )
        .into_bytes();
        request.extend_from_slice(&der);
        stream.write_all(&request).unwrap();
        let reply = read_reply(&mut stream).expect("an answer on the same connection");
        assert_eq!(reply.body, staple, "round {round}");
        assert_eq!(reply.header("connection"), Some("keep-alive"));
    }
    // Two pipelined GETs in one write: two answers, in order.
    let get = format!("GET /{} HTTP/1.1\r\nHost: r\r\n\r\n", get_path(&der));
    stream.write_all(format!("{get}{get}").as_bytes()).unwrap();
    for _ in 0..2 {
        assert_eq!(read_reply(&mut stream).unwrap().body, staple);
    }
    assert_eq!(served.engine.stats().responder.answered, 5);
}

#[test]
fn openssl_ocsp_gets_a_good_verified_answer_and_a_revoked_one() {
    let served = Served::start(ResponderLimits::default());
    let revoked_chain = served
        .engine
        .parse_chain(served.fx.pki.revoked_chain_der())
        .unwrap();
    let registration = served.engine.register(&revoked_chain, None);
    served
        .engine
        .wait_for_first_fetches(&registration, PATIENCE);
    let pem = &served.fx.pem;
    for (cert, expected) in [(&pem.leaf, "good"), (&pem.revoked_leaf, "revoked")] {
        // With openssl's default nonce: the held response has none, which openssl accepts with
        // a warning (RFC 5019 responders do not echo nonces).
        let output = Command::new("openssl")
            .args(["ocsp", "-issuer"])
            .arg(&pem.intermediate)
            .arg("-cert")
            .arg(cert)
            .args(["-url", &served.responder.url(), "-timeout", "5", "-CAfile"])
            .arg(&pem.root)
            .arg("-verify_other")
            .arg(&pem.intermediate)
            .output()
            .expect("run openssl ocsp");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "{text}");
        assert!(text.contains("Response verify OK"), "{text}");
        let name = cert.file_name().unwrap().to_str().unwrap();
        assert!(text.contains(&format!("{name}: {expected}")), "{text}");
    }
    let revoked = post(served.addr(), &request_for(&revoked_chain, 0));
    let status = verify_with(&revoked_chain, &revoked.body).status;
    assert!(matches!(status, Status::Revoked(_)), "{status:?}");
    assert_eq!(served.engine.stats().responder.answered, 3);
}

#[test]
fn an_unknown_certid_is_unauthorized_at_once() {
    let served = Served::start(ResponderLimits::default());
    let started = Instant::now();
    let reply = post(served.addr(), &unknown_request());
    assert!(started.elapsed() < PATIENCE);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, [0x30, 0x03, 0x0a, 0x01, 0x06], "unauthorized");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    // The root is never registered (self-signed): nothing held, however it is asked.
    let root = get(served.addr(), &{
        let mut id = served.chain.certificates()[1].id.clone().unwrap();
        id.serial = vec![0x01];
        staplekit::internal::encode_request(&id, &[])
    });
    assert_eq!(ocsp_status(&root.body), 6);
    assert_eq!(
        served.engine.stats().responder,
        ResponderStats {
            unauthorized: 2,
            ..Default::default()
        }
    );
    // The statistics page says the same.
    let page = exchange(
        served.addr(),
        b"GET /.staplekit/stats HTTP/1.1\r\nHost: r\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(
        String::from_utf8(page.body).unwrap(),
        "answered 0\nunauthorized 2\nmalformed 0\ndropped_connections 0\n"
    );
    // Hits and misses of handshakes are not touched by the responder.
    let stats = served.engine.stats();
    assert_eq!((stats.hits, stats.misses), (0, 0));
}

#[test]
fn a_held_response_past_its_next_update_is_not_served() {
    let fx = OwnPki::start();
    fx.responder.set_this_update_age(Duration::ZERO);
    fx.responder.set_validity(Some(Duration::from_secs(2)));
    let engine = engine(&[]);
    let chain = fx.leaf_chain(&engine);
    let registration = engine.register(&chain, None);
    engine.wait_for_first_fetches(&registration, PATIENCE);
    // From now on no fresher answer: what is held expires.
    fx.responder
        .set_fault(Fault::HttpStatus(500))
        .expect("fail the upstream responder");
    let responder = OcspResponder::start(
        &engine,
        "127.0.0.1:0".parse().unwrap(),
        ResponderLimits::default(),
    )
    .unwrap();
    let request = request_for(&chain, 0);
    let first = post(responder.local_addr(), &request);
    assert_eq!(ocsp_status(&first.body), 0, "served while valid");
    let next_update = verify_with(&chain, &first.body).next_update.unwrap();
    let wait = next_update
        .duration_since(SystemTime::now())
        .unwrap_or_default();
    thread::sleep(wait + Duration::from_millis(100));
    assert_eq!(
        engine.leaf_response(&chain),
        None,
        "a handshake staples nothing"
    );
    let after = post(responder.local_addr(), &request);
    assert_eq!(ocsp_status(&after.body), 6, "unauthorized once expired");
    assert_eq!(
        (
            engine.stats().responder.answered,
            engine.stats().responder.unauthorized
        ),
        (1, 1)
    );
}

#[test]
fn a_responder_outliving_its_engine_answers_unauthorized_and_closes_promptly() {
    let served = Served::start(ResponderLimits::default());
    let Served {
        engine,
        responder,
        chain,
        fx: _fx,
    } = served;
    let request = request_for(&chain, 0);
    assert_eq!(ocsp_status(&post(responder.local_addr(), &request).body), 0);
    // A client idling on a kept-alive connection must not hold up close().
    let mut idle = connect(responder.local_addr());
    drop(engine);
    assert_eq!(ocsp_status(&post(responder.local_addr(), &request).body), 6);
    let addr = responder.local_addr();
    let started = Instant::now();
    responder.close();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "close took {:?}",
        started.elapsed()
    );
    wait_closed(&mut idle, Duration::from_secs(5));
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "the listener is closed"
    );
}

fn verify(served: &Served, der: &[u8]) -> staplekit::VerifiedResponse {
    verify_with(&served.chain, der)
}

fn verify_with(chain: &staplekit::Chain, der: &[u8]) -> staplekit::VerifiedResponse {
    let leaf = chain.leaf();
    let expected = Expected {
        id: leaf.id.as_ref().unwrap(),
        issuer_der: leaf.issuer_der.as_ref().unwrap(),
        nonce: None,
    };
    let policy = VerifyPolicy {
        now: SystemTime::now(),
        clock_skew: Duration::from_secs(300),
        max_response_bytes: 65536,
    };
    verify_response(der, &expected, &policy).expect("the served bytes verify")
}

fn secs(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Seconds since the epoch of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn httpdate_secs(text: &str) -> u64 {
    let parts: Vec<&str> = text.split([' ', ':']).collect();
    assert_eq!(parts.len(), 8, "{text:?}");
    assert_eq!(parts[7], "GMT");
    let day: i64 = parts[1].parse().unwrap();
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[2])
    .unwrap() as i64
        + 1;
    let year: i64 = parts[3].parse().unwrap();
    // Days from civil (Howard Hinnant), independent of the responder's formatting code.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let h: i64 = parts[4].parse().unwrap();
    let m: i64 = parts[5].parse().unwrap();
    let s: i64 = parts[6].parse().unwrap();
    (days * 86_400 + h * 3600 + m * 60 + s) as u64
}
