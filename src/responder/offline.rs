//! The responder's whole decision on request bytes, without a socket: for the fuzz target
//! (`fuzz/fuzz_targets/responder_request.rs`), which feeds it what a client could send.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::answer::decide;
use super::http_request::{frame, ReadError};
use super::http_response::{encode, refusal};
use crate::engine::Servable;
use crate::ocsp::CertIdentity;
use crate::stats::ResponderStats;

/// The answer the responder writes to a connection whose first bytes are `request`, with
/// `held` as the engine's held responses (each served as valid for another hour) and
/// `max_request_bytes` as its size bound. `None`: the request is not whole yet (the responder
/// would read on, until its deadline).
pub fn answer_request_bytes(
    request: &[u8],
    max_request_bytes: usize,
    held: &[(CertIdentity, Vec<u8>)],
) -> Option<Vec<u8>> {
    let now = SystemTime::now();
    let (head, head_len, total) = match frame(request, max_request_bytes) {
        Ok(Some(framed)) => framed,
        Ok(None) => return None,
        Err(ReadError::Refused(error)) => return Some(refusal(error, now)),
        // `frame` only refuses or waits.
        Err(_) => return None,
    };
    let body = request.get(head_len..total)?;
    let answer = decide(&head, body, |id| {
        held.iter()
            .find(|(held_id, _)| held_id == id)
            .map(|(_, der)| Servable {
                der: Arc::from(der.as_slice()),
                this_update: now,
                until: now + Duration::from_secs(3600),
            })
    });
    Some(encode(
        &answer,
        head.keep_alive,
        now,
        ResponderStats::default,
    ))
}
