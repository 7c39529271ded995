//! The local OCSP responder (feature `responder`) facing bad clients: garbage, oversized,
//! truncated and slow requests, wrong methods, too many connections. Each gets its error (or its
//! connection closed) within its bound while a good client, at the same time, gets its answer;
//! the statistics count each.
//!
//! The bounds asserted are correctness bounds with generous slack (deadline + 2 s), not speed
//! figures (those are in BENCHMARKS.md).
#![cfg(feature = "responder")]

mod responder_client;

use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use responder_client::*;
use staplekit::responder::ResponderLimits;
use staplekit::ResponderStats;

const SLACK: Duration = Duration::from_secs(2);

fn limits() -> ResponderLimits {
    ResponderLimits {
        max_connections: 8,
        max_concurrent_requests: 4,
        max_request_bytes: 2048,
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(2),
    }
}

/// Runs `bad` while a good client asks again and again on fresh connections; asserts that
/// every good request was answered with the held response, and at least one while `bad` ran.
fn while_a_good_client_is_served<T>(served: &Served, bad: impl FnOnce() -> T) -> (T, u64) {
    let client = served.good_client();
    let stop = AtomicBool::new(false);
    thread::scope(|scope| {
        let good = scope.spawn(|| {
            let mut answered = 0u64;
            while !stop.load(Ordering::SeqCst) || answered == 0 {
                client.assert_served();
                answered += 1;
                thread::sleep(Duration::from_millis(20));
            }
            answered
        });
        let result = bad();
        stop.store(true, Ordering::SeqCst);
        let answered = good.join().expect("the good client was always answered");
        (result, answered)
    })
}

#[test]
fn garbage_gets_malformed_request_or_400() {
    let served = Served::start(limits());
    let ((), good) = while_a_good_client_is_served(&served, || {
        // Garbage DER in a proper POST: OCSP malformedRequest, in a 200.
        for body in [&b"garbage"[..], &[0x30, 0x80, 0x00], &[0x30; 100]] {
            let reply = post(served.addr(), body);
            assert_eq!(reply.status, 200);
            assert_eq!(
                ocsp_status(&reply.body),
                1,
                "malformedRequest for {body:02x?}"
            );
        }
        // Garbage HTTP: 400 and the connection closed.
        for bytes in [
            &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"[..],
            b"GET /%zz HTTP/1.1\r\nHost: r\r\n\r\n",
            b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
        ] {
            let mut stream = connect(served.addr());
            stream.write_all(bytes).unwrap();
            let reply = read_reply(&mut stream).expect("a 400");
            assert_eq!(reply.status, 400, "{:?}", String::from_utf8_lossy(bytes));
            assert_eq!(reply.header("connection"), Some("close"));
            wait_closed(&mut stream, SLACK);
        }
    });
    let stats = served.engine.stats().responder;
    assert_eq!(
        stats,
        ResponderStats {
            answered: good,
            malformed: 6,
            ..Default::default()
        }
    );
}

#[test]
fn oversized_requests_get_413_and_431_without_being_read() {
    let served = Served::start(limits());
    let ((), good) = while_a_good_client_is_served(&served, || {
        // A Content-Length over the bound: refused from the head, before any body byte.
        let mut stream = connect(served.addr());
        stream
            .write_all(b"POST / HTTP/1.1\r\nHost: r\r\nContent-Length: 100000000\r\n\r\n")
            .unwrap();
        let started = Instant::now();
        let reply = read_reply(&mut stream).expect("a 413");
        assert_eq!(reply.status, 413);
        assert!(started.elapsed() < SLACK);
        // A huge header, sent until the responder stops reading it.
        let mut stream = connect(served.addr());
        let mut head = b"GET / HTTP/1.1\r\nHost: r\r\nX-Filler: ".to_vec();
        head.extend(std::iter::repeat_n(b'a', 64 * 1024));
        let _ = stream.write_all(&head);
        let reply = read_reply(&mut stream).expect("a 431");
        assert_eq!(reply.status, 431);
        wait_closed(&mut stream, SLACK);
    });
    assert_eq!(
        served.engine.stats().responder,
        ResponderStats {
            answered: good,
            malformed: 2,
            ..Default::default()
        }
    );
}

#[test]
fn truncated_requests_are_closed_at_the_body_deadline_or_at_once() {
    let served = Served::start(limits());
    let body_timeout = limits().body_timeout;
    let ((), good) = while_a_good_client_is_served(&served, || {
        let der = served.leaf_request();
        let mut request = post_request(&der);
        request.truncate(request.len() - 10);
        // Fewer bytes than Content-Length, then silence: closed at the body deadline.
        let mut silent = connect(served.addr());
        silent.write_all(&request).unwrap();
        let (waited, got) = wait_closed(&mut silent, body_timeout + SLACK);
        assert!(got.is_empty(), "nothing is answered");
        assert!(
            waited + Duration::from_millis(100) >= body_timeout,
            "{waited:?}"
        );
        // Fewer bytes, then the client closes its side: given up at once.
        let mut closing = connect(served.addr());
        closing.write_all(&request).unwrap();
        closing.shutdown(std::net::Shutdown::Write).unwrap();
        let (waited, got) = wait_closed(&mut closing, SLACK);
        assert!(got.is_empty());
        assert!(waited < body_timeout, "{waited:?}");
    });
    assert_eq!(
        served.engine.stats().responder,
        ResponderStats {
            answered: good,
            dropped_connections: 2,
            ..Default::default()
        }
    );
}

#[test]
fn a_client_sending_one_byte_at_a_time_is_cut_off_at_the_header_deadline() {
    let served = Served::start(limits());
    let header_timeout = limits().header_timeout;
    let ((), good) = while_a_good_client_is_served(&served, || {
        let mut slow = connect(served.addr());
        let request = get_request(&served.leaf_request());
        let started = Instant::now();
        let mut sent = 0;
        // One byte every 200 ms: the head would take minutes; each byte must not restart a
        // timeout.
        let cut = loop {
            if slow.write_all(&request[sent..sent + 1]).is_err() {
                break started.elapsed();
            }
            sent += 1;
            thread::sleep(Duration::from_millis(200));
            if started.elapsed() > header_timeout + SLACK {
                let (_, got) = wait_closed(&mut slow, Duration::from_millis(100));
                assert!(got.is_empty());
                break started.elapsed();
            }
        };
        let (_, got) = wait_closed(&mut slow, SLACK);
        assert!(got.is_empty(), "nothing is answered");
        assert!(cut <= header_timeout + SLACK, "cut off after {cut:?}");
        assert!(sent < request.len());
        // A connection that sends nothing at all is closed at the same deadline.
        let mut mute = connect(served.addr());
        let (waited, _) = wait_closed(&mut mute, header_timeout + SLACK);
        assert!(waited + Duration::from_millis(100) >= header_timeout);
    });
    assert_eq!(
        served.engine.stats().responder,
        ResponderStats {
            answered: good,
            dropped_connections: 2,
            ..Default::default()
        }
    );
}

#[test]
fn wrong_methods_and_framings_get_405_411_and_505() {
    let served = Served::start(limits());
    let ((), good) = while_a_good_client_is_served(&served, || {
        for (bytes, status) in [
            (&b"PUT / HTTP/1.1\r\nHost: r\r\nContent-Length: 0\r\n\r\n"[..], 405),
            (b"HEAD / HTTP/1.1\r\nHost: r\r\n\r\n", 405),
            (b"POST / HTTP/1.1\r\nHost: r\r\n\r\n", 411),
            (
                b"POST / HTTP/1.1\r\nHost: r\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                411,
            ),
            (b"GET / HTTP/2.0\r\nHost: r\r\n\r\n", 505),
        ] {
            let mut stream = connect(served.addr());
            stream.write_all(bytes).unwrap();
            let reply = read_reply(&mut stream).expect("an answer");
            let text = String::from_utf8_lossy(bytes);
            assert_eq!(reply.status, status, "{text}");
            if status == 405 {
                assert_eq!(reply.header("allow"), Some("GET, POST"));
            }
            wait_closed(&mut stream, SLACK);
        }
    });
    assert_eq!(
        served.engine.stats().responder,
        ResponderStats {
            answered: good,
            malformed: 5,
            ..Default::default()
        }
    );
}

#[test]
fn connections_past_the_limit_are_closed_at_once_and_served_again_later() {
    let limits = limits();
    let served = Served::start(limits.clone());
    // Fill every place with idle connections (each holds a thread until its deadline).
    let mut held: Vec<TcpStream> = (0..limits.max_connections)
        .map(|_| connect(served.addr()))
        .collect();
    // Let the acceptor take them all before the extra one arrives.
    let deadline = Instant::now() + PATIENCE;
    let mut extra = loop {
        let mut extra = connect(served.addr());
        let (waited, got) = wait_closed(&mut extra, SLACK);
        assert!(got.is_empty());
        if waited < Duration::from_millis(500) {
            break extra;
        }
        assert!(
            Instant::now() < deadline,
            "the extra connection was never refused"
        );
    };
    let _ = extra.write_all(b"x");
    let dropped = served.engine.stats().responder.dropped_connections;
    assert!(dropped >= 1);
    // The idle ones reach their header deadline and go; then a good client is served.
    for stream in &mut held {
        wait_closed(stream, limits.header_timeout + SLACK);
    }
    held.clear();
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(reply) = try_exchange(served.addr(), &post_request(&served.leaf_request())) {
            assert_eq!(reply.body, served.leaf_staple());
            break;
        }
        assert!(Instant::now() < deadline, "never served again");
        thread::sleep(Duration::from_millis(50));
    }
    let stats = served.engine.stats().responder;
    assert_eq!(stats.answered, 1);
    assert_eq!(
        stats.dropped_connections,
        dropped + limits.max_connections as u64,
        "the refused ones and the idle ones at their deadline"
    );
}

#[test]
fn an_idle_kept_alive_connection_is_closed_quietly_after_the_idle_timeout() {
    let limits = limits();
    let served = Served::start(limits.clone());
    let mut stream = connect(served.addr());
    let der = served.leaf_request();
    let mut request = format!(
        "POST / HTTP/1.1\r\nHost: r\r\nContent-Length: {}\r\n\r\n",
        der.len()
    )
    .into_bytes();
    request.extend_from_slice(&der);
    stream.write_all(&request).unwrap();
    assert_eq!(read_reply(&mut stream).unwrap().status, 200);
    let (waited, got) = wait_closed(&mut stream, limits.idle_timeout + SLACK);
    assert!(got.is_empty());
    assert!(
        waited + Duration::from_millis(100) >= limits.idle_timeout,
        "{waited:?}"
    );
    assert_eq!(
        served.engine.stats().responder,
        ResponderStats {
            answered: 1,
            ..Default::default()
        },
        "an idle client is not a dropped one"
    );
}
