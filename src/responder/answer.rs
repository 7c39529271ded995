//! What to answer to one request that arrived whole: decided from its method, target and body,
//! and from what the engine holds. Pure: the connection code reads and writes, this decides.

use std::fmt;

use super::get_target::{parse_get_target, GetTarget};
use super::http_head::{Head, HttpError, Method};
use super::ocsp_request::{requested_certificate, RequestProblem, Requested};
use crate::engine::Servable;
use crate::ocsp::CertIdentity;

/// The answer to one request, with what the statistics and the logs need to know.
#[derive(Debug)]
pub(crate) enum Answer {
    /// The held response, exactly as a handshake would staple it (counted `answered`).
    Held(Servable),
    /// OCSP `unauthorized` (counted `unauthorized`): nothing held for what was asked.
    Unauthorized(Unheld),
    /// OCSP `malformedRequest` in a 200 answer, as RFC 6960 responders do (counted
    /// `malformed`): the HTTP request was fine, the OCSP request in it was not.
    MalformedRequest(RequestProblem),
    /// An HTTP error status (counted `malformed`); the connection closes after it.
    Refused(HttpError),
    /// The statistics page (not counted).
    Stats,
}

/// Why nothing is held for a well-formed request.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unheld {
    /// No response the engine would staple for this CertID: not registered, none yet, expired,
    /// or the engine is gone.
    NotHeld(CertIdentity),
    /// The CertID is not SHA-1: responses are held by SHA-1 CertID only.
    OtherHash,
}

impl fmt::Display for Unheld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unheld::NotHeld(id) => write!(
                f,
                "nothing to serve for the certificate with serial {} (issuer key hash {}): not \
                 registered with the engine, no valid response yet, or the engine is closed",
                id.serial_hex(),
                hex(&id.issuer_key_hash)
            ),
            Unheld::OtherHash => f.write_str(
                "a CertID hashed with another algorithm than SHA-1; responses are held by SHA-1 \
                 CertID (RFC 5019)",
            ),
        }
    }
}

/// Decides the answer to a request with head `head` and body `body`; `lookup` gives what the
/// engine holds for a CertID.
pub(crate) fn decide(
    head: &Head,
    body: &[u8],
    lookup: impl FnOnce(&CertIdentity) -> Option<Servable>,
) -> Answer {
    let der = match head.method {
        Method::Post => body,
        Method::Get => match parse_get_target(&head.target) {
            Some(GetTarget::Stats) => return Answer::Stats,
            Some(GetTarget::Request(der)) => return answer_ocsp(&der, lookup),
            None => {
                return Answer::Refused(HttpError::BadRequest(
                    "the GET target carries no base64 OCSP request",
                ))
            }
        },
    };
    answer_ocsp(der, lookup)
}

fn answer_ocsp(der: &[u8], lookup: impl FnOnce(&CertIdentity) -> Option<Servable>) -> Answer {
    match requested_certificate(der) {
        Err(problem) => Answer::MalformedRequest(problem),
        Ok(Requested::OtherHash) => Answer::Unauthorized(Unheld::OtherHash),
        Ok(Requested::Sha1(id)) => match lookup(&id) {
            Some(servable) => Answer::Held(servable),
            None => Answer::Unauthorized(Unheld::NotHeld(id)),
        },
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::SystemTime;

    use base64::Engine as _;

    use super::*;
    use crate::ocsp::request::encode_request;

    fn head(method: Method, target: &str) -> Head {
        Head {
            method,
            target: target.into(),
            content_length: None,
            keep_alive: true,
            expect_continue: false,
        }
    }

    fn servable() -> Servable {
        Servable {
            der: Arc::from(&b"held"[..]),
            this_update: SystemTime::UNIX_EPOCH,
            until: SystemTime::UNIX_EPOCH,
        }
    }

    fn held_for(wanted: &CertIdentity) -> impl Fn(&CertIdentity) -> Option<Servable> + '_ {
        move |id| (id == wanted).then(servable)
    }

    #[test]
    fn serves_the_held_response_by_post_and_get() {
        let id = CertIdentity::new(b"name", b"key", &[7]);
        let der = encode_request(&id, &[]);
        let post = decide(&head(Method::Post, "/"), &der, held_for(&id));
        assert!(matches!(post, Answer::Held(s) if &*s.der == b"held"));
        let encoded = base64::engine::general_purpose::STANDARD.encode(&der);
        let get = decide(
            &head(Method::Get, &format!("/{encoded}")),
            &[],
            held_for(&id),
        );
        assert!(matches!(get, Answer::Held(_)));
    }

    #[test]
    fn what_is_not_held_is_unauthorized_and_garbage_malformed() {
        let id = CertIdentity::new(b"name", b"key", &[7]);
        let other = CertIdentity::new(b"name", b"key", &[8]);
        let answer = decide(
            &head(Method::Post, "/"),
            &encode_request(&other, &[]),
            held_for(&id),
        );
        assert!(matches!(answer, Answer::Unauthorized(Unheld::NotHeld(i)) if i == other));
        let answer = decide(&head(Method::Post, "/"), b"garbage", held_for(&id));
        assert!(matches!(
            answer,
            Answer::MalformedRequest(RequestProblem::NotDer(_))
        ));
        let answer = decide(&head(Method::Get, "/"), &[], held_for(&id));
        assert!(matches!(answer, Answer::Refused(HttpError::BadRequest(_))));
        let answer = decide(&head(Method::Get, "/.staplekit/stats"), &[], held_for(&id));
        assert!(matches!(answer, Answer::Stats));
    }
}
