//! ClientHello `status_request` extension data (RFC 6066 section 8):
//!
//! ```text
//! struct {
//!     CertificateStatusType status_type;   // ocsp(1)
//!     select (status_type) { case ocsp: OCSPStatusRequest; } request;
//! } CertificateStatusRequest;
//! ```

use super::error::{EncodeError, ExtensionError, Structure};
use super::ocsp_status_request::OcspStatusRequest;
use super::protocol::STATUS_TYPE_OCSP;
use super::reader::Reader;

/// A parsed `status_request` extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateStatusRequest {
    /// status_type `ocsp`.
    Ocsp(OcspStatusRequest),
    /// Any other status_type, kept raw; never selected for stapling.
    Unknown {
        /// The status_type byte (never 1).
        status_type: u8,
        /// Everything after the status_type.
        request: Vec<u8>,
    },
}

impl CertificateStatusRequest {
    /// Encodes this request as `status_request` extension data.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        match self {
            CertificateStatusRequest::Ocsp(req) => encode_status_request(req),
            CertificateStatusRequest::Unknown {
                status_type,
                request,
            } => {
                let mut out = Vec::with_capacity(1 + request.len());
                out.push(*status_type);
                out.extend_from_slice(request);
                Ok(out)
            }
        }
    }
}

/// Parses `status_request` extension data from a ClientHello. The whole input must be consumed.
pub fn parse_status_request(data: &[u8]) -> Result<CertificateStatusRequest, ExtensionError> {
    let mut r = Reader::new(data, Structure::StatusRequest);
    let status_type = r.u8("status_type")?;
    if status_type != STATUS_TYPE_OCSP {
        return Ok(CertificateStatusRequest::Unknown {
            status_type,
            request: r.rest().to_vec(),
        });
    }
    let req = OcspStatusRequest::parse(&mut r)?;
    r.finish("OCSPStatusRequest")?;
    Ok(CertificateStatusRequest::Ocsp(req))
}

/// Encodes an `ocsp` `status_request` extension data, as a client sends it. The JDK client's
/// empty request encodes to `01 0000 0000`.
pub fn encode_status_request(req: &OcspStatusRequest) -> Result<Vec<u8>, EncodeError> {
    let mut out = vec![STATUS_TYPE_OCSP];
    req.encode_into(&mut out, Structure::StatusRequest)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the JDK client sends (CertStatusExtension.CHCertStatusReqProducer).
    const JDK_STATUS_REQUEST: [u8; 5] = [0x01, 0x00, 0x00, 0x00, 0x00];

    #[test]
    fn jdk_client_request_parses_and_re_encodes() {
        let parsed = parse_status_request(&JDK_STATUS_REQUEST).unwrap();
        assert_eq!(
            parsed,
            CertificateStatusRequest::Ocsp(OcspStatusRequest::default())
        );
        assert_eq!(parsed.encode().unwrap(), JDK_STATUS_REQUEST);
        assert_eq!(
            encode_status_request(&OcspStatusRequest::default()).unwrap(),
            JDK_STATUS_REQUEST
        );
    }

    #[test]
    fn unknown_status_type_keeps_its_bytes() {
        let data = [0x02, 0x00, 0x07, 0xFF];
        let parsed = parse_status_request(&data).unwrap();
        assert_eq!(
            parsed,
            CertificateStatusRequest::Unknown {
                status_type: 2,
                request: vec![0x00, 0x07, 0xFF],
            }
        );
        assert_eq!(parsed.encode().unwrap(), data);
    }

    #[test]
    fn empty_data_is_truncated() {
        assert_eq!(
            parse_status_request(&[]).unwrap_err(),
            ExtensionError::Truncated {
                structure: Structure::StatusRequest,
                offset: 0,
                what: "status_type",
                needed: 1,
                available: 0,
            }
        );
    }

    #[test]
    fn truncated_ocsp_request_names_the_missing_field() {
        let err = parse_status_request(&[0x01, 0x00, 0x00, 0x00]).unwrap_err();
        assert_eq!(
            err,
            ExtensionError::Truncated {
                structure: Structure::StatusRequest,
                offset: 3,
                what: "request_extensions",
                needed: 2,
                available: 1,
            }
        );
        assert_eq!(
            err.to_string(),
            "status_request: truncated at byte 3: request_extensions needs 2 byte(s) but 1 remain"
        );
    }

    #[test]
    fn trailing_bytes_are_rejected() {
        let err = parse_status_request(&[0x01, 0x00, 0x00, 0x00, 0x00, 0x00]).unwrap_err();
        assert_eq!(
            err,
            ExtensionError::TrailingBytes {
                structure: Structure::StatusRequest,
                offset: 5,
                what: "OCSPStatusRequest",
                count: 1,
            }
        );
    }

    #[test]
    fn overrunning_list_length_is_rejected() {
        let err = parse_status_request(&[0x01, 0x00, 0x09, 0x00, 0x00]).unwrap_err();
        assert_eq!(
            err,
            ExtensionError::LengthOverrun {
                structure: Structure::StatusRequest,
                offset: 1,
                what: "responder_id_list",
                declared: 9,
                available: 2,
            }
        );
    }
}
