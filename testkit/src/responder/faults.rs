//! The faults the responder can inject, for tests of how clients cope with bad responders.

use std::time::Duration;

pub use x509_ocsp::OcspResponseStatus;

use crate::pki::Criticality;

/// A deliberate misbehaviour, set for every issuer ([`super::OcspResponder::set_fault`]) or for
/// one ([`super::OcspResponder::set_issuer_fault`]).
///
/// The HTTP-level faults ([`Fault::HttpStatus`], [`Fault::Garbage`], [`Fault::Oversized`],
/// [`Fault::ResponseStatus`], [`Fault::Hang`], [`Fault::Delay`]) also apply to requests that are
/// not valid OCSP; the others change a signed response and need a request the responder can answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer correctly.
    #[default]
    None,
    /// Sign correctly, then flip the lowest bit of the signature's last byte.
    BadSignature,
    /// Sign with another certificate and key (e.g. another CA's), named in the ResponderID and,
    /// when the authority includes its signer certificate, in `certs`.
    SignWith {
        /// DER X.509 certificate of the foreign signer.
        cert_der: Vec<u8>,
        /// Its PKCS#8 DER private key.
        key_pkcs8: Vec<u8>,
    },
    /// Each SingleResponse names the requested serial with its last bit flipped.
    OtherSerial,
    /// thisUpdate two hours ago, nextUpdate one hour ago.
    NextUpdateInPast,
    /// thisUpdate one hour from now (nextUpdate, if any, one validity period after that).
    ThisUpdateInFuture,
    /// No nextUpdate, whatever the configured validity.
    NoNextUpdate,
    /// Sign a response whose responseExtensions carry, besides any nonce, an extension no
    /// client knows ([`crate::pki::UNKNOWN_EXTENSION_OID`]), critical or not.
    ResponseExtension(Criticality),
    /// Sign a response each of whose SingleResponses carries the unknown extension in its
    /// singleExtensions, critical or not.
    SingleExtension(Criticality),
    /// `200 OK`, `application/ocsp-response`, with 64 random bytes that are not DER.
    Garbage,
    /// This HTTP status (e.g. 500) with a short text body. A code outside 100..=999 makes a
    /// malformed status line, on purpose.
    HttpStatus(u16),
    /// An OCSPResponse with this status and no responseBytes (e.g. `TryLater`).
    ResponseStatus(OcspResponseStatus),
    /// `200 OK` with a body of this many junk bytes and a correct Content-Length.
    Oversized(usize),
    /// Read the request, then never answer; the connection is closed at shutdown.
    Hang,
    /// Wait this long, then answer correctly (shutdown cuts the wait short and closes).
    Delay(Duration),
}
