//! The OCSP HTTP client against raw HTTP servers that misbehave on purpose: redirects (followed
//! to the same scheme, host and port only, at most three), bodies without a length (read up to
//! the limit) and bodies trickled byte by byte (cut at the exchange's deadline).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use staplekit::internal::{HttpSettings, OcspHttpClient};
use staplekit::TransportError;
use url::Url;

/// A loopback server answering every connection with `reply(port)` and counting connections.
struct RawServer {
    url: Url,
    connections: Arc<AtomicUsize>,
}

impl RawServer {
    fn start(reply: impl Fn(u16) -> Vec<u8> + Send + 'static) -> Self {
        Self::start_with(move |mut stream, port, _| {
            let _ = stream.write_all(&reply(port));
        })
    }

    /// Like [`RawServer::start`], but `serve` writes to the connection itself, given the request's
    /// head (already read), one connection at a time.
    fn start_with(serve: impl Fn(TcpStream, u16, &str) + Send + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                counter.fetch_add(1, Ordering::SeqCst);
                let head = read_head(&mut stream);
                serve(stream, port, &head);
            }
        });
        Self {
            url: Url::parse(&format!("http://127.0.0.1:{port}/ocsp")).unwrap(),
            connections,
        }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Reads a request's head (a GET has no body), bounded in time.
fn read_head(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn redirect_to(location: &str) -> Vec<u8> {
    format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .into_bytes()
}

fn client(max_response_bytes: usize) -> OcspHttpClient {
    OcspHttpClient::new(HttpSettings {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(2),
        use_get: true,
        max_response_bytes,
    })
    .unwrap()
}

/// Any request DER: these servers do not read it.
const REQUEST: &[u8] = &[0x30, 0x03, 0x30, 0x01, 0x00];

const OK_ABC: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc";

#[test]
fn a_redirect_to_the_same_origin_is_followed() {
    let server = RawServer::start_with(|mut stream, port, head| {
        let reply = if head.starts_with("GET /moved/") {
            OK_ABC.to_vec()
        } else {
            redirect_to(&format!("http://127.0.0.1:{port}/moved/"))
        };
        let _ = stream.write_all(&reply);
    });
    assert_eq!(client(1024).send(&server.url, REQUEST).unwrap(), b"abc");
    assert_eq!(
        server.connections(),
        2,
        "the request and the redirected one"
    );
}

#[test]
fn a_redirect_to_another_port_is_not_followed() {
    let other = RawServer::start(|_| OK_ABC.to_vec());
    let location = other.url.to_string();
    let redirect = RawServer::start(move |_| redirect_to(&location));
    let result = client(1024).send(&redirect.url, REQUEST);
    assert!(
        matches!(result, Err(TransportError::HttpStatus { status: 302, .. })),
        "{result:?}"
    );
    thread::sleep(Duration::from_millis(100));
    assert_eq!(other.connections(), 0, "no request to the other port");
}

#[test]
fn a_redirect_to_another_host_on_the_same_port_is_not_followed() {
    // localhost reaches this very server: followed, it would count a second request.
    let server = RawServer::start(|port| redirect_to(&format!("http://localhost:{port}/ocsp")));
    let result = client(1024).send(&server.url, REQUEST);
    assert!(
        matches!(result, Err(TransportError::HttpStatus { status: 302, .. })),
        "{result:?}"
    );
    thread::sleep(Duration::from_millis(100));
    assert_eq!(server.connections(), 1, "no request to localhost");
}

#[test]
fn a_redirect_to_https_is_not_followed() {
    // Whatever listens there would see a TLS ClientHello if the client followed.
    let https = RawServer::start(|_| Vec::new());
    let location = format!("https://127.0.0.1:{}/ocsp", https.url.port().unwrap());
    let redirect = RawServer::start(move |_| redirect_to(&location));
    let result = client(1024).send(&redirect.url, REQUEST);
    assert!(
        matches!(result, Err(TransportError::HttpStatus { status: 302, .. })),
        "{result:?}"
    );
    thread::sleep(Duration::from_millis(100));
    assert_eq!(
        https.connections(),
        0,
        "no connection to the https location"
    );
}

#[test]
fn redirects_stop_after_three() {
    let redirect = RawServer::start(|port| redirect_to(&format!("http://127.0.0.1:{port}/again")));
    let result = client(1024).send(&redirect.url, REQUEST);
    assert!(
        matches!(result, Err(TransportError::HttpStatus { status: 302, .. })),
        "{result:?}"
    );
    assert_eq!(redirect.connections(), 4, "the request and three redirects");
}

#[test]
fn a_body_without_a_length_is_read_up_to_the_limit_only() {
    let server = RawServer::start(|_| {
        let mut reply =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nConnection: close\r\n\r\n"
                .to_vec();
        reply.extend(std::iter::repeat_n(0x30, 1 << 20));
        reply
    });
    let result = client(4096).send(&server.url, REQUEST);
    assert!(
        matches!(result, Err(TransportError::TooLarge { limit: 4096, .. })),
        "{result:?}"
    );
    let exact = RawServer::start(|_| {
        let mut reply = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
        reply.extend(std::iter::repeat_n(0x30, 4096));
        reply
    });
    assert_eq!(client(4096).send(&exact.url, REQUEST).unwrap().len(), 4096);
}

/// A responder that sends its head at once, then its body one byte every 300 ms, for at most
/// `TRICKLE_CAP` (so that a client without a deadline still finishes, late, and is measured).
fn trickling_server() -> RawServer {
    RawServer::start_with(|mut stream, _, _| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: 1000\r\n\r\n",
        );
        let started = Instant::now();
        while started.elapsed() < TRICKLE_CAP {
            if stream.write_all(b"0").is_err() {
                return; // the client gave up
            }
            thread::sleep(Duration::from_millis(300));
        }
    })
}

/// How long the trickling responder goes on at most.
const TRICKLE_CAP: Duration = Duration::from_secs(30);

#[test]
fn a_trickling_body_ends_at_the_deadline() {
    let server = trickling_server();
    let client = OcspHttpClient::new(HttpSettings {
        connect_timeout: Duration::from_secs(1),
        read_timeout: Duration::from_secs(2),
        use_get: true,
        max_response_bytes: 4096,
    })
    .unwrap();
    let started = Instant::now();
    let result = client.send(&server.url, REQUEST);
    let took = started.elapsed();
    // One deadline of connect + read timeout (3 s) for the whole exchange; the slack is generous,
    // the bound is what matters: each byte comes well within the read timeout, so a per-read
    // timeout alone would wait for the whole 30 s.
    assert!(took < Duration::from_secs(10), "the fetch took {took:?}");
    assert!(
        matches!(
            result,
            Err(TransportError::Timeout {
                timeout_ms: 3000,
                ..
            })
        ),
        "{result:?} after {took:?}"
    );
    assert_eq!(server.connections(), 1);
}
