//! What a client sends the local OCSP responder (HTTP/1.1 request bytes, a DER OCSPRequest in a
//! POST body or a GET path) -> the answer it writes. Besides never panicking: an input is either
//! not whole yet (a head without its end, shorter than the bound, or a body shorter than its
//! Content-Length) or answered with one complete HTTP/1.1 message whose Content-Length is its
//! body's length; a 200 OCSP answer carries the held response byte for byte or an OCSP error
//! status (malformedRequest, unauthorized) and nothing else; an HTTP refusal closes the
//! connection.
#![no_main]

use libfuzzer_sys::fuzz_target;
use staplekit::internal::answer_request_bytes;
use staplekit_fuzz::responder_input::{held_id, HELD_RESPONSE, MAX_REQUEST_BYTES};

fuzz_target!(|data: &[u8]| {
    let held = [(held_id(), HELD_RESPONSE.to_vec())];
    let Some(answer) = answer_request_bytes(data, MAX_REQUEST_BYTES, &held) else {
        assert!(
            data.len() < MAX_REQUEST_BYTES || has_head_end(data),
            "an input past the bound without a head end must be refused"
        );
        return;
    };
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("the answer has a head")
        + 4;
    let head = std::str::from_utf8(&answer[..split]).expect("an ASCII head");
    let body = &answer[split..];
    let status: u16 = head
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP/1.1 status line: {head:?}"));
    let header = |name: &str| {
        head.split("\r\n")
            .find_map(|line| line.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {head:?}"))
    };
    assert_eq!(header("Content-Length: "), body.len().to_string());
    match status {
        200 if header("Content-Type: ") == "application/ocsp-response" => assert!(
            body == HELD_RESPONSE
                || body == [0x30, 0x03, 0x0a, 0x01, 0x01]
                || body == [0x30, 0x03, 0x0a, 0x01, 0x06],
            "an OCSP answer that is neither the held response nor an error status: {body:02x?}"
        ),
        200 => assert!(header("Content-Type: ").starts_with("text/plain")),
        400 | 405 | 411 | 413 | 431 | 505 => assert_eq!(header("Connection: "), "close"),
        other => panic!("unexpected status {other}: {head:?}"),
    }
});

fn has_head_end(data: &[u8]) -> bool {
    data.windows(2).any(|w| w == b"\n\n") || data.windows(4).any(|w| w == b"\r\n\r\n")
}
