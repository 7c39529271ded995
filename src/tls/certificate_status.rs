//! The stapled responses on the wire: the TLS <= 1.2 CertificateStatus message body (RFC 6066
//! section 8, RFC 6961 section 2.2) and the TLS 1.3 CertificateEntry `status_request` extension
//! data (RFC 8446 section 4.4.2.1):
//!
//! ```text
//! struct {
//!     CertificateStatusType status_type;
//!     select (status_type) {
//!         case ocsp:       OCSPResponse;          // opaque OCSPResponse<1..2^24-1>
//!         case ocsp_multi: OCSPResponseList;      // OCSPResponse ocsp_response_list<1..2^24-1>,
//!     } response;                                 //   entries opaque<0..2^24-1>
//! } CertificateStatus;
//! ```

use super::error::{EncodeError, ExtensionError, Structure};
use super::protocol::{STATUS_TYPE_OCSP, STATUS_TYPE_OCSP_MULTI};
use super::reader::Reader;
use super::writer::{push_u24, push_vec24, MAX_U24};

/// A parsed CertificateStatus body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateStatus {
    /// `ocsp`: the leaf's DER OCSPResponse.
    Ocsp(Vec<u8>),
    /// `ocsp_multi`: one entry per certificate sent, `None` where the server had no response.
    OcspMulti(Vec<Option<Vec<u8>>>),
}

impl CertificateStatus {
    /// Encodes this status as a CertificateStatus body.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        match self {
            CertificateStatus::Ocsp(der) => certificate_status_ocsp(der),
            CertificateStatus::OcspMulti(list) => {
                let borrowed: Vec<Option<&[u8]>> = list.iter().map(|r| r.as_deref()).collect();
                certificate_status_ocsp_multi(&borrowed)
            }
        }
    }
}

/// CertificateStatus body for `ocsp`: `01 | uint24 len | DER`. An empty response is refused: the
/// JDK client fails the handshake on one, so the caller must staple nothing instead.
pub fn certificate_status_ocsp(response: &[u8]) -> Result<Vec<u8>, EncodeError> {
    ocsp_status(response, Structure::CertificateStatus)
}

/// TLS 1.3 CertificateEntry `status_request` extension data: `01 | uint24 len | DER`, the same
/// shape as the `ocsp` CertificateStatus body. An empty response is refused: an entry without a
/// response carries no extension at all.
pub fn certificate_entry_status_request(response: &[u8]) -> Result<Vec<u8>, EncodeError> {
    ocsp_status(response, Structure::CertificateEntryStatus)
}

/// CertificateStatus body for `ocsp_multi`: `02 | uint24 list_len | N x (uint24 len | DER)`, one
/// entry per certificate sent, zero-length where `responses[i]` is `None`. `Some` of an empty
/// slice also yields a zero-length entry. An empty list is refused (`<1..2^24-1>`).
pub fn certificate_status_ocsp_multi(responses: &[Option<&[u8]>]) -> Result<Vec<u8>, EncodeError> {
    const STRUCTURE: Structure = Structure::CertificateStatus;
    if responses.is_empty() {
        return Err(EncodeError::Empty {
            structure: STRUCTURE,
            what: "ocsp_response_list",
        });
    }
    // Encoded once per handshake: one allocation of the exact size, each response copied once.
    let list_len: usize = responses.iter().map(|r| 3 + r.map_or(0, <[u8]>::len)).sum();
    if list_len > MAX_U24 {
        // Name the response that does not fit on its own, if one does not, else the list.
        let entry = responses.iter().flatten().find(|r| r.len() > MAX_U24);
        return Err(EncodeError::TooLong {
            structure: STRUCTURE,
            what: entry.map_or("ocsp_response_list", |_| "OCSPResponse"),
            len: entry.map_or(list_len, |r| r.len()),
            max: MAX_U24,
        });
    }
    let mut out = Vec::with_capacity(4 + list_len);
    out.push(STATUS_TYPE_OCSP_MULTI);
    push_u24(&mut out, list_len);
    for response in responses {
        // Each entry is shorter than the list, which fits: this cannot fail.
        push_vec24(
            &mut out,
            response.unwrap_or_default(),
            STRUCTURE,
            "OCSPResponse",
        )?;
    }
    Ok(out)
}

fn ocsp_status(response: &[u8], structure: Structure) -> Result<Vec<u8>, EncodeError> {
    if response.is_empty() {
        return Err(EncodeError::Empty {
            structure,
            what: "OCSPResponse",
        });
    }
    let mut out = Vec::with_capacity(4 + response.len());
    out.push(STATUS_TYPE_OCSP);
    push_vec24(&mut out, response, structure, "OCSPResponse")?;
    Ok(out)
}

/// Parses a CertificateStatus body (client side: tests and tools). Unknown status types, an empty
/// `ocsp` response, an empty `ocsp_multi` list and trailing bytes are errors.
pub fn parse_certificate_status(body: &[u8]) -> Result<CertificateStatus, ExtensionError> {
    let mut r = Reader::new(body, Structure::CertificateStatus);
    let type_offset = r.offset();
    match r.u8("status_type")? {
        STATUS_TYPE_OCSP => parse_ocsp(r).map(CertificateStatus::Ocsp),
        STATUS_TYPE_OCSP_MULTI => {
            let list_offset = r.offset();
            let mut list = r.vec24("ocsp_response_list")?;
            r.finish("ocsp_response_list")?;
            if list.is_empty() {
                return Err(ExtensionError::EmptyList {
                    structure: Structure::CertificateStatus,
                    offset: list_offset,
                    what: "ocsp_response_list",
                });
            }
            let mut responses = Vec::new();
            while !list.is_empty() {
                let der = list.vec24("OCSPResponse")?.rest();
                responses.push((!der.is_empty()).then(|| der.to_vec()));
            }
            Ok(CertificateStatus::OcspMulti(responses))
        }
        status_type => Err(ExtensionError::UnknownStatusType {
            structure: Structure::CertificateStatus,
            offset: type_offset,
            status_type,
        }),
    }
}

/// Parses TLS 1.3 CertificateEntry `status_request` extension data and returns the DER response.
pub fn parse_certificate_entry_status_request(data: &[u8]) -> Result<Vec<u8>, ExtensionError> {
    let mut r = Reader::new(data, Structure::CertificateEntryStatus);
    let type_offset = r.offset();
    match r.u8("status_type")? {
        STATUS_TYPE_OCSP => parse_ocsp(r),
        status_type => Err(ExtensionError::UnknownStatusType {
            structure: Structure::CertificateEntryStatus,
            offset: type_offset,
            status_type,
        }),
    }
}

/// Parses `uint24 len | DER` that must be non-empty and end the input.
fn parse_ocsp(mut r: Reader<'_>) -> Result<Vec<u8>, ExtensionError> {
    let len_offset = r.offset();
    let der = r.vec24("OCSPResponse")?.rest();
    r.finish("OCSPResponse")?;
    if der.is_empty() {
        return Err(ExtensionError::EmptyResponse {
            structure: r.structure(),
            offset: len_offset,
        });
    }
    Ok(der.to_vec())
}

#[cfg(test)]
mod tests {
    use super::super::writer::MAX_U24;
    use super::*;

    #[test]
    fn ocsp_body_is_type_length_der() {
        let body = certificate_status_ocsp(&[0x30, 0x03, 0x0A, 0x01, 0x00]).unwrap();
        assert_eq!(body, [0x01, 0x00, 0x00, 0x05, 0x30, 0x03, 0x0A, 0x01, 0x00]);
        assert_eq!(
            parse_certificate_status(&body).unwrap(),
            CertificateStatus::Ocsp(vec![0x30, 0x03, 0x0A, 0x01, 0x00])
        );
    }

    #[test]
    fn tls13_entry_data_matches_the_ocsp_body_shape() {
        let data = certificate_entry_status_request(&[0x30, 0x00]).unwrap();
        assert_eq!(data, [0x01, 0x00, 0x00, 0x02, 0x30, 0x00]);
        assert_eq!(
            parse_certificate_entry_status_request(&data).unwrap(),
            [0x30, 0x00]
        );
        assert!(matches!(
            parse_certificate_entry_status_request(&[0x02, 0, 0, 0]),
            Err(ExtensionError::UnknownStatusType {
                structure: Structure::CertificateEntryStatus,
                status_type: 2,
                ..
            })
        ));
    }

    #[test]
    fn multi_body_has_zero_length_entries_for_missing_responses() {
        let leaf: &[u8] = &[0xAA, 0xBB];
        let intermediate: &[u8] = &[0xCC];
        let body = certificate_status_ocsp_multi(&[Some(leaf), Some(intermediate), None]).unwrap();
        assert_eq!(
            body,
            [
                0x02, 0x00, 0x00, 0x0C, // type, list length 12
                0x00, 0x00, 0x02, 0xAA, 0xBB, // leaf
                0x00, 0x00, 0x01, 0xCC, // intermediate
                0x00, 0x00, 0x00, // last certificate: no response
            ]
        );
        let parsed = parse_certificate_status(&body).unwrap();
        assert_eq!(
            parsed,
            CertificateStatus::OcspMulti(vec![
                Some(leaf.to_vec()),
                Some(intermediate.to_vec()),
                None
            ])
        );
        assert_eq!(parsed.encode().unwrap(), body);
    }

    #[test]
    fn empty_responses_and_lists_are_refused() {
        assert!(matches!(
            certificate_status_ocsp(&[]),
            Err(EncodeError::Empty {
                what: "OCSPResponse",
                ..
            })
        ));
        assert!(matches!(
            certificate_entry_status_request(&[]),
            Err(EncodeError::Empty {
                structure: Structure::CertificateEntryStatus,
                ..
            })
        ));
        assert!(matches!(
            certificate_status_ocsp_multi(&[]),
            Err(EncodeError::Empty {
                what: "ocsp_response_list",
                ..
            })
        ));
        assert_eq!(
            parse_certificate_status(&[0x01, 0x00, 0x00, 0x00]).unwrap_err(),
            ExtensionError::EmptyResponse {
                structure: Structure::CertificateStatus,
                offset: 1,
            }
        );
        assert_eq!(
            parse_certificate_status(&[0x02, 0x00, 0x00, 0x00]).unwrap_err(),
            ExtensionError::EmptyList {
                structure: Structure::CertificateStatus,
                offset: 1,
                what: "ocsp_response_list",
            }
        );
    }

    #[test]
    fn oversized_responses_are_refused_not_truncated() {
        let huge = vec![0x30; MAX_U24 + 1];
        assert!(matches!(
            certificate_status_ocsp(&huge),
            Err(EncodeError::TooLong { len, max: MAX_U24, .. }) if len == MAX_U24 + 1
        ));
        assert!(matches!(
            certificate_status_ocsp_multi(&[None, Some(&huge)]),
            Err(EncodeError::TooLong { what: "OCSPResponse", len, max: MAX_U24, .. })
                if len == MAX_U24 + 1
        ));
        // Each entry fits, but the list with its prefixes does not.
        let half = vec![0x30; MAX_U24 / 2];
        assert!(matches!(
            certificate_status_ocsp_multi(&[Some(&half), Some(&half)]),
            Err(EncodeError::TooLong {
                what: "ocsp_response_list",
                len,
                ..
            }) if len == 2 * (3 + MAX_U24 / 2)
        ));
        // The largest list that fits is encoded whole.
        let fits = vec![0x30; MAX_U24 - 3 - 3];
        let body = certificate_status_ocsp_multi(&[Some(&fits), None]).unwrap();
        assert_eq!(&body[..4], &[0x02, 0xFF, 0xFF, 0xFF]);
        assert_eq!(body.len(), 4 + MAX_U24);
    }

    #[test]
    fn malformed_bodies_are_rejected() {
        assert!(matches!(
            parse_certificate_status(&[]),
            Err(ExtensionError::Truncated {
                what: "status_type",
                ..
            })
        ));
        assert_eq!(
            parse_certificate_status(&[0x03, 0x00]).unwrap_err(),
            ExtensionError::UnknownStatusType {
                structure: Structure::CertificateStatus,
                offset: 0,
                status_type: 3,
            }
        );
        assert!(matches!(
            parse_certificate_status(&[0x01, 0x00, 0x00, 0x02, 0x30]),
            Err(ExtensionError::LengthOverrun {
                offset: 1,
                declared: 2,
                available: 1,
                ..
            })
        ));
        assert!(matches!(
            parse_certificate_status(&[0x01, 0x00, 0x00, 0x01, 0x30, 0x00]),
            Err(ExtensionError::TrailingBytes {
                offset: 5,
                count: 1,
                ..
            })
        ));
        // An entry overrunning the list.
        assert!(matches!(
            parse_certificate_status(&[0x02, 0x00, 0x00, 0x04, 0x00, 0x00, 0x02, 0x30]),
            Err(ExtensionError::LengthOverrun {
                offset: 4,
                what: "OCSPResponse",
                ..
            })
        ));
    }
}
