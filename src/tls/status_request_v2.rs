//! ClientHello `status_request_v2` extension data (RFC 6961 section 2.2):
//!
//! ```text
//! struct {
//!     CertificateStatusType status_type;   // ocsp(1), ocsp_multi(2)
//!     uint16 request_length;
//!     select (status_type) { case ocsp, ocsp_multi: OCSPStatusRequest; } request;
//! } CertificateStatusRequestItemV2;
//! struct {
//!     CertificateStatusRequestItemV2 certificate_status_req_list<1..2^16-1>;
//! } CertificateStatusRequestListV2;
//! ```

use super::error::{EncodeError, ExtensionError, Structure};
use super::ocsp_status_request::OcspStatusRequest;
use super::protocol::{STATUS_TYPE_OCSP, STATUS_TYPE_OCSP_MULTI};
use super::reader::Reader;
use super::writer::push_vec16;

/// One item of a `status_request_v2` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusRequestItemV2 {
    /// `ocsp`: a response for the leaf only.
    Ocsp(OcspStatusRequest),
    /// `ocsp_multi`: responses for the whole chain.
    OcspMulti(OcspStatusRequest),
    /// Any other status_type, kept raw; never selected for stapling.
    Unknown {
        /// The status_type byte (neither 1 nor 2).
        status_type: u8,
        /// The item's request bytes, exactly `request_length` of them.
        request: Vec<u8>,
    },
}

/// Parses `status_request_v2` extension data from a ClientHello. The list must hold at least one
/// item, each item's request must fill exactly its `request_length`, and nothing may follow.
pub fn parse_status_request_v2(data: &[u8]) -> Result<Vec<StatusRequestItemV2>, ExtensionError> {
    let mut r = Reader::new(data, Structure::StatusRequestV2);
    let list_offset = r.offset();
    let mut list = r.vec16("certificate_status_req_list")?;
    r.finish("certificate_status_req_list")?;
    if list.is_empty() {
        return Err(ExtensionError::EmptyList {
            structure: Structure::StatusRequestV2,
            offset: list_offset,
            what: "certificate_status_req_list",
        });
    }
    let mut items = Vec::new();
    while !list.is_empty() {
        items.push(parse_item(&mut list)?);
    }
    Ok(items)
}

fn parse_item(list: &mut Reader<'_>) -> Result<StatusRequestItemV2, ExtensionError> {
    let item_offset = list.offset();
    let status_type = list.u8("status_type")?;
    let mut request = list.vec16("request")?;
    if status_type != STATUS_TYPE_OCSP && status_type != STATUS_TYPE_OCSP_MULTI {
        return Ok(StatusRequestItemV2::Unknown {
            status_type,
            request: request.rest().to_vec(),
        });
    }
    let declared = request.remaining();
    let req = OcspStatusRequest::parse(&mut request)?;
    if !request.is_empty() {
        return Err(ExtensionError::RequestLengthMismatch {
            structure: Structure::StatusRequestV2,
            offset: item_offset,
            declared,
            used: declared.saturating_sub(request.remaining()),
        });
    }
    Ok(if status_type == STATUS_TYPE_OCSP_MULTI {
        StatusRequestItemV2::OcspMulti(req)
    } else {
        StatusRequestItemV2::Ocsp(req)
    })
}

/// Encodes `status_request_v2` extension data, as a client sends it. The JDK client's single
/// empty `ocsp_multi` item encodes to `0007 02 0004 0000 0000`. An empty list is refused.
pub fn encode_status_request_v2(items: &[StatusRequestItemV2]) -> Result<Vec<u8>, EncodeError> {
    const STRUCTURE: Structure = Structure::StatusRequestV2;
    if items.is_empty() {
        return Err(EncodeError::Empty {
            structure: STRUCTURE,
            what: "certificate_status_req_list",
        });
    }
    let mut list = Vec::new();
    for item in items {
        let mut request = Vec::new();
        let status_type = match item {
            StatusRequestItemV2::Ocsp(req) => {
                req.encode_into(&mut request, STRUCTURE)?;
                STATUS_TYPE_OCSP
            }
            StatusRequestItemV2::OcspMulti(req) => {
                req.encode_into(&mut request, STRUCTURE)?;
                STATUS_TYPE_OCSP_MULTI
            }
            StatusRequestItemV2::Unknown {
                status_type,
                request: raw,
            } => {
                request.extend_from_slice(raw);
                *status_type
            }
        };
        list.push(status_type);
        push_vec16(&mut list, &request, STRUCTURE, "request")?;
    }
    let mut out = Vec::with_capacity(2 + list.len());
    push_vec16(&mut out, &list, STRUCTURE, "certificate_status_req_list")?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the JDK client sends (CertStatusExtension.CHCertStatusReqV2Producer).
    const JDK_STATUS_REQUEST_V2: [u8; 9] = [0x00, 0x07, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00];

    #[test]
    fn jdk_client_request_parses_and_re_encodes() {
        let items = parse_status_request_v2(&JDK_STATUS_REQUEST_V2).unwrap();
        assert_eq!(
            items,
            vec![StatusRequestItemV2::OcspMulti(OcspStatusRequest::default())]
        );
        assert_eq!(
            encode_status_request_v2(&items).unwrap(),
            JDK_STATUS_REQUEST_V2
        );
    }

    #[test]
    fn items_keep_their_order_and_unknown_types_their_bytes() {
        let items = vec![
            StatusRequestItemV2::Unknown {
                status_type: 7,
                request: vec![0xDE, 0xAD],
            },
            StatusRequestItemV2::Ocsp(OcspStatusRequest {
                responder_ids: vec![vec![0x01, 0x02]],
                extensions: Vec::new(),
            }),
            StatusRequestItemV2::OcspMulti(OcspStatusRequest::default()),
            StatusRequestItemV2::Unknown {
                status_type: 0,
                request: Vec::new(),
            },
        ];
        let bytes = encode_status_request_v2(&items).unwrap();
        assert_eq!(&bytes[2..7], &[7, 0x00, 0x02, 0xDE, 0xAD]);
        assert_eq!(parse_status_request_v2(&bytes).unwrap(), items);
    }

    #[test]
    fn empty_list_is_rejected_both_ways() {
        assert_eq!(
            parse_status_request_v2(&[0x00, 0x00]).unwrap_err(),
            ExtensionError::EmptyList {
                structure: Structure::StatusRequestV2,
                offset: 0,
                what: "certificate_status_req_list",
            }
        );
        assert!(matches!(
            encode_status_request_v2(&[]),
            Err(EncodeError::Empty { .. })
        ));
    }

    #[test]
    fn request_shorter_than_request_length_is_rejected() {
        // request_length 5, but the OCSPStatusRequest inside ends after 4 bytes.
        let data = [0x00, 0x08, 0x02, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0xAB];
        assert_eq!(
            parse_status_request_v2(&data).unwrap_err(),
            ExtensionError::RequestLengthMismatch {
                structure: Structure::StatusRequestV2,
                offset: 2,
                declared: 5,
                used: 4,
            }
        );
    }

    #[test]
    fn request_longer_than_request_length_is_rejected() {
        // request_length 3 cuts the OCSPStatusRequest's request_extensions length in half.
        let data = [0x00, 0x07, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00];
        let err = parse_status_request_v2(&data).unwrap_err();
        assert_eq!(
            err,
            ExtensionError::Truncated {
                structure: Structure::StatusRequestV2,
                offset: 7,
                what: "request_extensions",
                needed: 2,
                available: 1,
            }
        );
        assert!(err
            .to_string()
            .starts_with("status_request_v2: truncated at byte 7"));
    }

    #[test]
    fn item_overrunning_the_list_is_rejected() {
        let data = [0x00, 0x05, 0x02, 0x00, 0x04, 0x00, 0x00];
        assert_eq!(
            parse_status_request_v2(&data).unwrap_err(),
            ExtensionError::LengthOverrun {
                structure: Structure::StatusRequestV2,
                offset: 3,
                what: "request",
                declared: 4,
                available: 2,
            }
        );
    }

    #[test]
    fn list_overrunning_the_data_and_trailing_bytes_are_rejected() {
        assert!(matches!(
            parse_status_request_v2(&[0x00, 0x08, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00]),
            Err(ExtensionError::LengthOverrun {
                offset: 0,
                what: "certificate_status_req_list",
                declared: 8,
                available: 7,
                ..
            })
        ));
        let mut data = JDK_STATUS_REQUEST_V2.to_vec();
        data.push(0x00);
        assert_eq!(
            parse_status_request_v2(&data).unwrap_err(),
            ExtensionError::TrailingBytes {
                structure: Structure::StatusRequestV2,
                offset: 9,
                what: "certificate_status_req_list",
                count: 1,
            }
        );
    }

    #[test]
    fn truncated_item_header_is_rejected() {
        assert!(matches!(
            parse_status_request_v2(&[0x00, 0x02, 0x02, 0x00]),
            Err(ExtensionError::Truncated {
                offset: 3,
                what: "request",
                needed: 2,
                available: 1,
                ..
            })
        ));
        assert!(matches!(
            parse_status_request_v2(&[0x00]),
            Err(ExtensionError::Truncated { offset: 0, .. })
        ));
    }
}
