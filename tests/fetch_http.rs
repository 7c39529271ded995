//! The OCSP HTTP client against raw HTTP servers that misbehave on purpose: redirects (followed
//! to the same scheme, host and port only, at most three), bodies without a length (read up to
//! the limit) and bodies trickled byte by byte (cut at the exchange's deadline).

mod raw_http;

use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use staplekit::internal::{HttpSettings, OcspHttpClient, ProxyAddress, ProxySettings};
use staplekit::TransportError;

use raw_http::{redirect_to, trickling_server, ForwardingProxy, RawServer, OK_ABC};
use url::Url;

fn client(max_response_bytes: usize) -> OcspHttpClient {
    OcspHttpClient::new(HttpSettings {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(2),
        use_get: true,
        max_response_bytes,
    })
    .unwrap()
}

fn settings() -> HttpSettings {
    HttpSettings {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(2),
        use_get: true,
        max_response_bytes: 1024,
    }
}

/// A client whose http proxy is `proxy`, with `non_proxy_hosts` reached directly.
fn proxied_client(proxy: &RawServer, non_proxy_hosts: &[&str]) -> OcspHttpClient {
    let proxies = ProxySettings {
        http: Some(ProxyAddress {
            host: "127.0.0.1".into(),
            port: proxy.url.port().unwrap(),
        }),
        https: None,
        non_proxy_hosts: non_proxy_hosts.iter().map(|p| p.to_string()).collect(),
    };
    OcspHttpClient::with_proxies(settings(), proxies).unwrap()
}

/// A responder only a proxy can reach: `.test` names never resolve (RFC 6761).
fn unresolvable_responder() -> Url {
    Url::parse("http://ocsp.staplekit.test:8080/ocsp").unwrap()
}

/// Any request DER: these servers do not read it.
const REQUEST: &[u8] = &[0x30, 0x03, 0x30, 0x01, 0x00];

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

#[test]
fn the_http_proxy_property_sends_requests_through_the_proxy() {
    let proxy = ForwardingProxy::start_canned(OK_ABC);
    let body = proxied_client(&proxy.server, &[])
        .send(&unresolvable_responder(), REQUEST)
        .unwrap();
    assert_eq!(body, b"abc");
    let lines = proxy.request_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("GET http://ocsp.staplekit.test:8080/ocsp/"),
        "{lines:?}"
    );
}

#[test]
fn a_host_matching_non_proxy_hosts_goes_direct() {
    let proxy = ForwardingProxy::start_canned(OK_ABC);
    let result = proxied_client(&proxy.server, &["*.staplekit.test"])
        .send(&unresolvable_responder(), REQUEST);
    // Direct, the name cannot be resolved.
    assert!(
        matches!(result, Err(TransportError::Connect { .. })),
        "{result:?}"
    );
    assert_eq!(proxy.server.connections(), 0);
    // The JDK's own exceptions: loopback is never proxied.
    let direct = RawServer::start(|_| OK_ABC.to_vec());
    assert_eq!(
        proxied_client(&proxy.server, &[])
            .send(&direct.url, REQUEST)
            .unwrap(),
        b"abc"
    );
    assert_eq!((direct.connections(), proxy.server.connections()), (1, 0));
}
