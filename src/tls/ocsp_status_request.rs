//! `OCSPStatusRequest` (RFC 6066 section 8), shared by `status_request` and `status_request_v2`:
//!
//! ```text
//! struct {
//!     ResponderID responder_id_list<0..2^16-1>;
//!     Extensions  request_extensions;      // opaque<0..2^16-1>, DER SEQUENCE OF Extension
//! } OCSPStatusRequest;
//! opaque ResponderID<1..2^16-1>;
//! ```

use der::oid::db::rfc6960::ID_PKIX_OCSP_NONCE;
use der::{Decode, Encode};
use x509_cert::ext::Extension;

use super::error::{EncodeError, ExtensionError, Structure};
use super::reader::Reader;
use super::writer::push_vec16;

/// A client's OCSP status request: the responders it trusts and the OCSP request extensions it
/// wants forwarded (typically a nonce).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OcspStatusRequest {
    /// Each ResponderID as its raw DER bytes (never empty). The JDK staples only when this is empty.
    pub responder_ids: Vec<Vec<u8>>,
    /// The decoded `request_extensions`; empty when the client sent none.
    pub extensions: Vec<Extension>,
}

impl OcspStatusRequest {
    /// Whether the request extensions include an OCSP nonce (id-pkix-ocsp-nonce). A nonce makes
    /// the JDK bypass its response cache.
    pub fn has_nonce(&self) -> bool {
        self.extensions
            .iter()
            .any(|ext| ext.extn_id == ID_PKIX_OCSP_NONCE)
    }

    /// Parses an OCSPStatusRequest that must fill `r` exactly.
    pub(crate) fn parse(r: &mut Reader<'_>) -> Result<Self, ExtensionError> {
        let mut ids = r.vec16("responder_id_list")?;
        let mut responder_ids = Vec::new();
        while !ids.is_empty() {
            let at = ids.offset();
            let id = ids.vec16("ResponderID")?.rest();
            if id.is_empty() {
                return Err(ExtensionError::EmptyResponderId {
                    structure: r.structure(),
                    offset: at,
                });
            }
            responder_ids.push(id.to_vec());
        }
        let mut ext_reader = r.vec16("request_extensions")?;
        let ext_offset = ext_reader.offset();
        let extensions = decode_extensions(ext_reader.rest()).map_err(|source| {
            ExtensionError::MalformedExtensions {
                structure: r.structure(),
                offset: ext_offset,
                source,
            }
        })?;
        Ok(Self {
            responder_ids,
            extensions,
        })
    }

    /// Appends this request's wire form.
    pub(crate) fn encode_into(
        &self,
        out: &mut Vec<u8>,
        structure: Structure,
    ) -> Result<(), EncodeError> {
        let mut ids = Vec::new();
        for id in &self.responder_ids {
            if id.is_empty() {
                return Err(EncodeError::Empty {
                    structure,
                    what: "ResponderID",
                });
            }
            push_vec16(&mut ids, id, structure, "ResponderID")?;
        }
        push_vec16(out, &ids, structure, "responder_id_list")?;
        let exts = encode_extensions(&self.extensions)
            .map_err(|source| EncodeError::Der { structure, source })?;
        push_vec16(out, &exts, structure, "request_extensions")
    }
}

/// Decodes `request_extensions`. No bytes means no extensions. Like the JDK, this is lenient where
/// DER leaves no doubt about the meaning: an empty SEQUENCE (`30 00`) is accepted as none although
/// RFC 5280 asks for at least one, and an explicit `critical FALSE` is accepted. Those two forms
/// re-encode canonically (no bytes, `critical` omitted), so they do not round-trip byte for byte.
fn decode_extensions(der: &[u8]) -> Result<Vec<Extension>, der::Error> {
    if der.is_empty() {
        Ok(Vec::new())
    } else {
        Vec::<Extension>::from_der(der)
    }
}

/// Encodes `request_extensions`: nothing for no extensions, else one DER SEQUENCE OF Extension.
fn encode_extensions(extensions: &[Extension]) -> Result<Vec<u8>, der::Error> {
    if extensions.is_empty() {
        Ok(Vec::new())
    } else {
        extensions.to_vec().to_der()
    }
}

#[cfg(test)]
mod tests {
    use der::asn1::OctetString;
    use der::oid::db::rfc5280::ID_CE_KEY_USAGE;
    use x509_ocsp::ext::Nonce;

    use super::*;

    fn nonce_extension(value: &[u8]) -> Extension {
        Extension {
            extn_id: ID_PKIX_OCSP_NONCE,
            critical: false,
            extn_value: OctetString::new(Nonce::new(value).unwrap().to_der().unwrap()).unwrap(),
        }
    }

    fn parse(bytes: &[u8]) -> Result<OcspStatusRequest, ExtensionError> {
        let mut r = Reader::new(bytes, Structure::StatusRequest);
        let req = OcspStatusRequest::parse(&mut r)?;
        r.finish("OCSPStatusRequest")?;
        Ok(req)
    }

    fn encode(req: &OcspStatusRequest) -> Vec<u8> {
        let mut out = Vec::new();
        req.encode_into(&mut out, Structure::StatusRequest).unwrap();
        out
    }

    #[test]
    fn empty_request_is_four_zero_bytes() {
        assert_eq!(encode(&OcspStatusRequest::default()), [0, 0, 0, 0]);
        let req = parse(&[0, 0, 0, 0]).unwrap();
        assert!(req.responder_ids.is_empty() && req.extensions.is_empty());
        assert!(!req.has_nonce());
    }

    #[test]
    fn responder_ids_and_extensions_round_trip() {
        let req = OcspStatusRequest {
            responder_ids: vec![vec![0xA1, 0x02, 0x04, 0x00], vec![0xA2; 22]],
            extensions: vec![nonce_extension(&[0x5A; 16])],
        };
        let bytes = encode(&req);
        // responder_id_list: 2 + 4 + 2 + 22 = 30 bytes.
        assert_eq!(&bytes[..4], &[0x00, 30, 0x00, 4]);
        assert_eq!(parse(&bytes).unwrap(), req);
        assert!(req.has_nonce());
    }

    #[test]
    fn nonce_is_found_in_literal_der() {
        // Extensions ::= SEQUENCE { Extension { id-pkix-ocsp-nonce, OCTET STRING { OCTET STRING
        // (4 bytes) } } }, written out by hand from X.690 so the test does not trust our encoder.
        let exts: &[u8] = &[
            0x30, 0x15, 0x30, 0x13, 0x06, 0x09, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01,
            0x02, 0x04, 0x06, 0x04, 0x04, 0xDE, 0xAD, 0xBE, 0xEF,
        ];
        let mut bytes = vec![0x00, 0x00, 0x00, exts.len() as u8];
        bytes.extend_from_slice(exts);
        let req = parse(&bytes).unwrap();
        assert!(req.has_nonce());
        assert_eq!(
            req.extensions,
            vec![nonce_extension(&[0xDE, 0xAD, 0xBE, 0xEF])]
        );
        assert_eq!(encode(&req), bytes);
    }

    /// A nonce exactly as OpenSSL puts it in an OCSP request (`openssl ocsp -reqout`), carried in
    /// an OCSPStatusRequest built by hand.
    #[test]
    fn nonce_from_an_openssl_ocsp_request_is_detected() {
        use std::process::Command;
        use x509_ocsp::OcspRequest;

        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
        let run = |args: &[&str]| {
            let out = Command::new("timeout")
                .arg("20")
                .arg("openssl")
                .args(args)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &path("ca.key"),
            "-out",
            &path("ca.pem"),
            "-subj",
            "/CN=nonce test",
            "-days",
            "1",
        ]);
        run(&[
            "ocsp",
            "-issuer",
            &path("ca.pem"),
            "-serial",
            "0x2A",
            "-reqout",
            &path("req.der"),
        ]);
        let request = OcspRequest::from_der(&std::fs::read(path("req.der")).unwrap()).unwrap();
        let openssl_exts = request.tbs_request.request_extensions.unwrap();
        let der = openssl_exts.to_der().unwrap();

        let mut bytes = vec![0x00, 0x00];
        bytes.extend_from_slice(&u16::try_from(der.len()).unwrap().to_be_bytes());
        bytes.extend_from_slice(&der);
        let req = parse(&bytes).unwrap();
        assert!(req.has_nonce());
        assert_eq!(req.extensions, openssl_exts);
        assert_eq!(encode(&req), bytes);
    }

    #[test]
    fn other_extensions_are_not_a_nonce() {
        let req = OcspStatusRequest {
            responder_ids: Vec::new(),
            extensions: vec![Extension {
                extn_id: ID_CE_KEY_USAGE,
                critical: true,
                extn_value: OctetString::new(vec![0x03, 0x02, 0x05, 0xA0]).unwrap(),
            }],
        };
        let parsed = parse(&encode(&req)).unwrap();
        assert_eq!(parsed, req);
        assert!(!parsed.has_nonce());
    }

    #[test]
    fn empty_der_sequence_means_no_extensions() {
        let req = parse(&[0x00, 0x00, 0x00, 0x02, 0x30, 0x00]).unwrap();
        assert!(req.extensions.is_empty());
    }

    #[test]
    fn zero_length_responder_id_is_rejected() {
        let err = parse(&[0x00, 0x05, 0x00, 0x01, 0xAA, 0x00, 0x00, 0x00, 0x00]).unwrap_err();
        assert_eq!(
            err,
            ExtensionError::EmptyResponderId {
                structure: Structure::StatusRequest,
                offset: 5,
            }
        );
    }

    #[test]
    fn responder_id_overrunning_its_list_is_rejected() {
        // The list holds 3 bytes, the ResponderID inside claims 2 after its 2-byte prefix.
        let err = parse(&[0x00, 0x03, 0x00, 0x02, 0xAA, 0xBB, 0x00, 0x00]).unwrap_err();
        assert_eq!(
            err,
            ExtensionError::LengthOverrun {
                structure: Structure::StatusRequest,
                offset: 2,
                what: "ResponderID",
                declared: 2,
                available: 1,
            }
        );
    }

    #[test]
    fn malformed_extension_der_is_rejected() {
        for ext in [
            &[0x04, 0x00][..],
            &[0x30, 0x03, 0x02],
            &[0x30, 0x00, 0x00],
            &[0x30, 0x02, 0x05, 0x00],
        ] {
            let mut bytes = vec![0x00, 0x00, 0x00, ext.len() as u8];
            bytes.extend_from_slice(ext);
            let err = parse(&bytes).unwrap_err();
            assert!(
                matches!(err, ExtensionError::MalformedExtensions { offset: 4, .. }),
                "{ext:02x?}: {err}"
            );
        }
    }

    #[test]
    fn empty_responder_id_is_refused_when_encoding() {
        let req = OcspStatusRequest {
            responder_ids: vec![Vec::new()],
            extensions: Vec::new(),
        };
        let mut out = Vec::new();
        assert!(matches!(
            req.encode_into(&mut out, Structure::StatusRequest),
            Err(EncodeError::Empty {
                what: "ResponderID",
                ..
            })
        ));
    }
}
