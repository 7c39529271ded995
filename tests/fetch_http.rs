//! The OCSP HTTP client against raw HTTP servers that misbehave on purpose: redirects (followed
//! within the scheme only, at most three) and bodies without a length (read up to the limit).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

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
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                counter.fetch_add(1, Ordering::SeqCst);
                read_head(&mut stream);
                let _ = stream.write_all(&reply(port));
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
fn read_head(stream: &mut TcpStream) {
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
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

#[test]
fn a_redirect_within_http_is_followed() {
    let target = RawServer::start(|_| {
        b"HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc".to_vec()
    });
    let location = target.url.to_string();
    let redirect = RawServer::start(move |_| redirect_to(&location));
    assert_eq!(client(1024).send(&redirect.url, REQUEST).unwrap(), b"abc");
    assert_eq!(target.connections(), 1);
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
