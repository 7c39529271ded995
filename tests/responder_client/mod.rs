//! A raw HTTP/1.1 client for the responder tests: it sends exactly the bytes a test wants (good
//! requests, garbage, trickles) and reads the answer as it arrives, without any HTTP library
//! smoothing over what the responder did. Plus the fixture: a registered chain behind a
//! responder.

// Each test binary that includes this module uses a different part of it.
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use base64::Engine as _;
use staplekit::internal::encode_request;
use staplekit::responder::{OcspResponder, ResponderLimits};
use staplekit::{CertIdentity, Chain, StaplingEngine};
use staplekit_testkit::fixtures::*;

/// How long a test waits for anything that should come at once: a correctness bound, not a
/// speed figure.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// An answer read off the wire.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// The value of header `name` (any case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A connection to the responder.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect to the responder");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.set_nodelay(true).unwrap();
    stream
}

/// Reads one answer (head, then a body of its Content-Length).
pub fn read_reply(stream: &mut TcpStream) -> io::Result<Reply> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte)? {
            0 => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "closed after {} bytes of head: {:?}",
                        buf.len(),
                        String::from_utf8_lossy(&buf)
                    ),
                ))
            }
            _ => buf.push(byte[0]),
        }
    }
    let head = String::from_utf8(buf).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (n, v) = l.split_once(':').expect("header with a colon");
            (n.trim().to_string(), v.trim().to_string())
        })
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse().expect("numeric Content-Length"))
        .expect("every answer has a Content-Length");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// Sends `bytes` on a new connection and reads one answer.
pub fn exchange(addr: SocketAddr, bytes: &[u8]) -> Reply {
    try_exchange(addr, bytes).expect("an answer")
}

/// [`exchange`], handing back what went wrong.
pub fn try_exchange(addr: SocketAddr, bytes: &[u8]) -> io::Result<Reply> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(PATIENCE))?;
    stream.write_all(bytes)?;
    read_reply(&mut stream)
}

/// A POST of `der` (on a new connection, closed after the answer).
pub fn post_request(der: &[u8]) -> Vec<u8> {
    let mut bytes = format!(
        "POST / HTTP/1.1\r\nHost: responder\r\nContent-Type: application/ocsp-request\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        der.len()
    )
    .into_bytes();
    bytes.extend_from_slice(der);
    bytes
}

/// A GET of `der` as clients send it: base64, percent-encoded.
pub fn get_request(der: &[u8]) -> Vec<u8> {
    format!(
        "GET /{} HTTP/1.1\r\nHost: responder\r\nConnection: close\r\n\r\n",
        get_path(der)
    )
    .into_bytes()
}

/// The URL-encoded base64 of `der`, as the JDK writes it.
pub fn get_path(der: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(der)
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

pub fn post(addr: SocketAddr, der: &[u8]) -> Reply {
    exchange(addr, &post_request(der))
}

pub fn get(addr: SocketAddr, der: &[u8]) -> Reply {
    exchange(addr, &get_request(der))
}

/// Waits until the responder closes `stream` (end of stream or reset), reading and keeping what
/// comes before; panics after `bound`.
pub fn wait_closed(stream: &mut TcpStream, bound: Duration) -> (Duration, Vec<u8>) {
    let started = Instant::now();
    stream.set_read_timeout(Some(bound)).unwrap();
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => return (started.elapsed(), got),
            Ok(n) => got.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {
                return (started.elapsed(), got)
            }
            Err(e) => panic!(
                "the responder did not close the connection within {bound:?}: {e}; got {:?}",
                String::from_utf8_lossy(&got)
            ),
        }
    }
}

/// The OCSP status of an answer body: 0 successful, 1 malformedRequest, 6 unauthorized...
pub fn ocsp_status(body: &[u8]) -> u8 {
    assert!(
        body.len() >= 5 && body[0] == 0x30,
        "not an OCSPResponse: {body:02x?}"
    );
    // SEQUENCE, its length (short or long form), then ENUMERATED 0a 01 <status>.
    let enumerated = if body[1] & 0x80 == 0 {
        2
    } else {
        2 + usize::from(body[1] & 0x7f)
    };
    assert_eq!(&body[enumerated..enumerated + 2], [0x0a, 0x01]);
    body[enumerated + 2]
}

/// A request for a certificate nobody holds.
pub fn unknown_request() -> Vec<u8> {
    encode_request(
        &CertIdentity::new(b"nobody's issuer", b"nobody's key", &[0x42; 16]),
        &[],
    )
}

/// The DER request for `chain`'s certificate `index`.
pub fn request_for(chain: &Chain, index: usize) -> Vec<u8> {
    let id = chain.certificates()[index]
        .id
        .as_ref()
        .expect("a certificate with an issuer");
    encode_request(id, &[])
}

/// A registered chain (OpenSSL's responders answered its first fetches) behind a responder.
pub struct Served {
    pub fx: OpensslPki,
    pub engine: StaplingEngine,
    pub chain: Chain,
    pub responder: OcspResponder,
}

impl Served {
    pub fn start(limits: ResponderLimits) -> Self {
        let fx = OpensslPki::start();
        let engine = engine(&[]);
        let chain = fx.leaf_chain(&engine);
        let registration = engine.register(&chain, None);
        engine.wait_for_first_fetches(&registration, PATIENCE);
        let responder = OcspResponder::start(&engine, "127.0.0.1:0".parse().unwrap(), limits)
            .expect("start the responder");
        Self {
            fx,
            engine,
            chain,
            responder,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.responder.local_addr()
    }

    /// The leaf's request.
    pub fn leaf_request(&self) -> Vec<u8> {
        request_for(&self.chain, 0)
    }

    /// What a handshake staples for the leaf.
    pub fn leaf_staple(&self) -> Vec<u8> {
        self.engine
            .leaf_response(&self.chain)
            .expect("the leaf has a response to staple")
            .to_vec()
    }

    /// A client asking about the leaf, and what it must get.
    pub fn good_client(&self) -> GoodClient {
        GoodClient {
            addr: self.addr(),
            request: post_request(&self.leaf_request()),
            staple: self.leaf_staple(),
        }
    }
}

/// A client asking about the leaf, and what it must get: the leaf's held response.
#[derive(Clone)]
pub struct GoodClient {
    pub addr: SocketAddr,
    pub request: Vec<u8>,
    pub staple: Vec<u8>,
}

impl GoodClient {
    /// Asserts that it is answered with the leaf's held response, now.
    pub fn assert_served(&self) {
        let reply = exchange(self.addr, &self.request);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, self.staple, "a good client is answered");
    }
}
