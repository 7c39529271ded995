//! Which certificate a DER OCSPRequest (RFC 6960 section 4.1.1) asks about.
//!
//! RFC 5019 section 2.1.1 profiles a request to exactly one Request, with a SHA-1 CertID; that
//! is what this responder serves. The held responses are signed by their responders for one
//! certificate each and the responder cannot sign, so it cannot answer for several CertIDs in one
//! response: a request listing several is `malformedRequest`. A CertID with another hash
//! algorithm (SHA-256...) is answered `unauthorized`: the held response names the certificate by
//! its SHA-1 CertID, which a client asking by SHA-256 would not find in it (OpenSSL compares the
//! hash algorithm too). Request extensions (a nonce among them) and a request signature are
//! ignored, as RFC 5019 allows: the answer is the held response, never a fresh one.

use std::fmt;

use der::oid::db::rfc5912::ID_SHA_1;
use der::Decode;
use x509_ocsp::OcspRequest;

use crate::ocsp::CertIdentity;

/// What a well-formed request asks about.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Requested {
    /// A certificate by its SHA-1 CertID.
    Sha1(CertIdentity),
    /// A certificate by a CertID with another hash algorithm: never held.
    OtherHash,
}

/// Why a request is `malformedRequest`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RequestProblem {
    /// Not a DER OCSPRequest.
    NotDer(String),
    /// An empty requestList.
    NoCertificate,
    /// More than one Request (RFC 5019 section 2.1.1 allows one).
    Several(usize),
    /// A SHA-1 CertID whose hashes are not 20 bytes.
    BadHashLength,
}

impl fmt::Display for RequestProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestProblem::NotDer(why) => write!(f, "not a DER OCSPRequest: {why}"),
            RequestProblem::NoCertificate => f.write_str("an OCSPRequest asking about nothing"),
            RequestProblem::Several(n) => write!(
                f,
                "an OCSPRequest asking about {n} certificates (RFC 5019: one per request)"
            ),
            RequestProblem::BadHashLength => {
                f.write_str("a SHA-1 CertID whose hashes are not 20 bytes")
            }
        }
    }
}

/// The certificate `der` asks about.
pub(crate) fn requested_certificate(der: &[u8]) -> Result<Requested, RequestProblem> {
    let request = OcspRequest::from_der(der).map_err(|e| RequestProblem::NotDer(e.to_string()))?;
    let list = &request.tbs_request.request_list;
    let single = match list.as_slice() {
        [] => return Err(RequestProblem::NoCertificate),
        [single] => single,
        several => return Err(RequestProblem::Several(several.len())),
    };
    let cert_id = &single.req_cert;
    if cert_id.hash_algorithm.oid != ID_SHA_1 {
        return Ok(Requested::OtherHash);
    }
    let (Ok(issuer_name_hash), Ok(issuer_key_hash)) = (
        <[u8; 20]>::try_from(cert_id.issuer_name_hash.as_bytes()),
        <[u8; 20]>::try_from(cert_id.issuer_key_hash.as_bytes()),
    ) else {
        return Err(RequestProblem::BadHashLength);
    };
    Ok(Requested::Sha1(CertIdentity {
        issuer_name_hash,
        issuer_key_hash,
        serial: cert_id.serial_number.as_bytes().to_vec(),
    }))
}

#[cfg(test)]
mod tests {
    use der::asn1::OctetString;
    use der::oid::db::rfc5912::ID_SHA_256;
    use der::Encode;
    use x509_ocsp::{Request, TbsRequest};

    use super::*;
    use crate::ocsp::request::encode_request;

    fn id(serial: &[u8]) -> CertIdentity {
        CertIdentity::new(b"issuer name", b"issuer key", serial)
    }

    fn request_of(requests: Vec<Request>) -> Vec<u8> {
        OcspRequest {
            tbs_request: TbsRequest {
                request_list: requests,
                ..Default::default()
            },
            optional_signature: None,
        }
        .to_der()
        .unwrap()
    }

    fn single(id: &CertIdentity) -> Request {
        Request {
            req_cert: id.to_cert_id(),
            single_request_extensions: None,
        }
    }

    #[test]
    fn reads_the_engine_s_own_requests() {
        let wanted = id(&[0x5e, 0x62, 0x17]);
        assert_eq!(
            requested_certificate(&encode_request(&wanted, &[])),
            Ok(Requested::Sha1(wanted))
        );
    }

    #[test]
    fn refuses_what_it_cannot_answer() {
        assert!(matches!(
            requested_certificate(b"\x30\x03\x0a\x01\x00"),
            Err(RequestProblem::NotDer(_))
        ));
        assert!(matches!(
            requested_certificate(b""),
            Err(RequestProblem::NotDer(_))
        ));
        let mut trailing = encode_request(&id(&[1]), &[]);
        trailing.push(0);
        assert!(matches!(
            requested_certificate(&trailing),
            Err(RequestProblem::NotDer(_))
        ));
        assert_eq!(
            requested_certificate(&request_of(vec![])),
            Err(RequestProblem::NoCertificate)
        );
        assert_eq!(
            requested_certificate(&request_of(vec![single(&id(&[1])), single(&id(&[2]))])),
            Err(RequestProblem::Several(2))
        );
        let mut short = single(&id(&[1]));
        short.req_cert.issuer_key_hash = OctetString::new(vec![1, 2, 3]).unwrap();
        assert_eq!(
            requested_certificate(&request_of(vec![short])),
            Err(RequestProblem::BadHashLength)
        );
    }

    #[test]
    fn another_hash_algorithm_is_never_held() {
        let mut sha256 = single(&id(&[1]));
        sha256.req_cert.hash_algorithm.oid = ID_SHA_256;
        sha256.req_cert.issuer_name_hash = OctetString::new(vec![7; 32]).unwrap();
        assert_eq!(
            requested_certificate(&request_of(vec![sha256])),
            Ok(Requested::OtherHash)
        );
    }
}
