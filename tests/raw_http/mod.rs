//! Raw HTTP servers on loopback for the network tests: they count connections, see the request's
//! head and answer whatever a test needs, including what no proper server would send.

// Each test binary that includes this module uses a different part of it.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use url::Url;

/// A loopback server answering every connection with `reply(port)` and counting connections.
pub struct RawServer {
    pub url: Url,
    connections: Arc<AtomicUsize>,
}

impl RawServer {
    pub fn start(reply: impl Fn(u16) -> Vec<u8> + Send + 'static) -> Self {
        Self::start_with(move |mut stream, port, _| {
            let _ = stream.write_all(&reply(port));
        })
    }

    /// Like [`RawServer::start`], but `serve` writes to the connection itself, given the request's
    /// head (already read), one connection at a time.
    pub fn start_with(serve: impl Fn(TcpStream, u16, &str) + Send + 'static) -> Self {
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

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Reads a request's head (a GET has no body), bounded in time.
pub fn read_head(stream: &mut TcpStream) -> String {
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

pub fn redirect_to(location: &str) -> Vec<u8> {
    format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .into_bytes()
}

pub const OK_ABC: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc";

/// A responder that sends its head at once, then its body one byte every 300 ms, for at most
/// `TRICKLE_CAP` (so that a client without a deadline still finishes, late, and is measured).
pub fn trickling_server() -> RawServer {
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
pub const TRICKLE_CAP: Duration = Duration::from_secs(30);

/// An HTTP proxy that counts requests, remembers their request lines and forwards each to
/// `upstream` (whatever host the request names), answering with what came back.
pub struct ForwardingProxy {
    pub server: RawServer,
    pub request_lines: Arc<Mutex<Vec<String>>>,
}

impl ForwardingProxy {
    pub fn start(upstream: std::net::SocketAddr) -> Self {
        let request_lines = Arc::new(Mutex::new(Vec::new()));
        let seen = request_lines.clone();
        let server = RawServer::start_with(move |mut stream, _, head| {
            let line = head.lines().next().unwrap_or_default().to_owned();
            seen.lock().unwrap().push(line.clone());
            // "GET http://host:port/path HTTP/1.1": the path goes upstream.
            let target = line.split(' ').nth(1).unwrap_or("/");
            let path = Url::parse(target).map_or_else(
                |_| target.to_owned(),
                |u| u[url::Position::BeforePath..].to_owned(),
            );
            let Ok(mut up) = TcpStream::connect(upstream) else {
                return;
            };
            let _ = write!(
                up,
                "GET {path} HTTP/1.1\r\nHost: {upstream}\r\nConnection: close\r\n\r\n"
            );
            let mut answer = Vec::new();
            let _ = up.read_to_end(&mut answer);
            let _ = stream.write_all(&answer);
        });
        Self {
            server,
            request_lines,
        }
    }

    /// A proxy that answers every request itself with `reply`.
    pub fn start_canned(reply: &'static [u8]) -> Self {
        let request_lines = Arc::new(Mutex::new(Vec::new()));
        let seen = request_lines.clone();
        let server = RawServer::start_with(move |mut stream, _, head| {
            let line = head.lines().next().unwrap_or_default().to_owned();
            seen.lock().unwrap().push(line);
            let _ = stream.write_all(reply);
        });
        Self {
            server,
            request_lines,
        }
    }

    pub fn request_lines(&self) -> Vec<String> {
        self.request_lines.lock().unwrap().clone()
    }
}
