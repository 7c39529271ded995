//! Proxy environment variables (`HTTP_PROXY`, `http_proxy`, `ALL_PROXY`, ...) are ignored: only the
//! JDK's proxy properties count. A test binary of its own, with one test, because it changes the
//! process environment, which tests running in parallel threads would otherwise see.

mod raw_http;

use std::time::Duration;

use staplekit::internal::{HttpSettings, OcspHttpClient};
use staplekit::TransportError;
use url::Url;

use raw_http::{ForwardingProxy, OK_ABC};

const VARIABLES: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

#[test]
fn proxy_environment_variables_are_ignored() {
    let proxy = ForwardingProxy::start_canned(OK_ABC);
    let proxy_url = format!("http://127.0.0.1:{}", proxy.server.url.port().unwrap());
    let saved: Vec<_> = VARIABLES.map(|v| (v, std::env::var_os(v))).into();
    for variable in VARIABLES {
        std::env::set_var(variable, &proxy_url);
    }
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let client = OcspHttpClient::new(HttpSettings {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(2),
        use_get: true,
        max_response_bytes: 1024,
    });
    // Only a proxy could reach it: `.test` names never resolve (RFC 6761).
    let responder = Url::parse("http://ocsp.staplekit.test:8080/ocsp").unwrap();
    let result = client.map(|c| c.send(&responder, &[0x30, 0x03, 0x30, 0x01, 0x00]));
    for (variable, value) in saved {
        match value {
            Some(value) => std::env::set_var(variable, value),
            None => std::env::remove_var(variable),
        }
    }
    let result = result.unwrap();
    assert!(
        matches!(result, Err(TransportError::Connect { .. })),
        "{result:?}"
    );
    assert_eq!(proxy.request_lines(), Vec::<String>::new());
}
