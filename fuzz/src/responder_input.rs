//! What the `responder_request` target and its seeds share: the one certificate the fuzzed
//! responder holds a response for, that response, and the size bound.

use staplekit::CertIdentity;

/// The responder's `max_request_bytes` in the target (the default is 8 KiB; smaller reaches the
/// size refusals with short inputs).
pub const MAX_REQUEST_BYTES: usize = 1024;

/// The held response's bytes: any bytes do, the responder serves them as they are.
pub const HELD_RESPONSE: &[u8] = b"\x30\x0bheld answer";

/// The CertID of the certificate held.
pub fn held_id() -> CertIdentity {
    CertIdentity::new(b"fuzz issuer name", b"fuzz issuer key", &[0x01, 0x5e, 0x62])
}
