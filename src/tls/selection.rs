//! Which status extension the server answers, exactly as the JDK's StatusResponseManager decides.

use super::error::ExtensionError;
use super::ocsp_status_request::OcspStatusRequest;
use super::protocol::{ExtensionType, TlsVersion, STATUS_TYPE_OCSP, STATUS_TYPE_OCSP_MULTI};
use super::status_request::{parse_status_request, CertificateStatusRequest};
use super::status_request_v2::{parse_status_request_v2, StatusRequestItemV2};

/// The server's stapling switches (`jdk.tls.server.enableStatusRequestExtension` and
/// `jdk.tls.server.disableExtensions`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SelectionPolicy {
    /// Server-side stapling is on.
    pub server_enabled: bool,
    /// `status_request` is listed in `jdk.tls.server.disableExtensions`.
    pub status_request_disabled: bool,
    /// `status_request_v2` is listed in `jdk.tls.server.disableExtensions`.
    pub status_request_v2_disabled: bool,
}

/// What the ClientHello asked for, as raw extension data, and the handshake facts that matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientStatusRequest<'a> {
    /// `status_request` extension data, if the ClientHello had the extension.
    pub status_request: Option<&'a [u8]>,
    /// `status_request_v2` extension data, if the ClientHello had the extension.
    pub status_request_v2: Option<&'a [u8]>,
    /// The negotiated version.
    pub version: TlsVersion,
    /// Whether the session is resumed (no Certificate message is sent).
    pub resumed: bool,
}

/// The server's stapling decision for one handshake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// No stapling.
    None,
    /// TLS <= 1.2 `status_request` / `ocsp`: staple the leaf's response; without it, nothing.
    StatusRequest(OcspStatusRequest),
    /// TLS <= 1.2 `status_request_v2` / `ocsp`: staple the leaf's response; without it, nothing.
    StatusRequestV2Ocsp(OcspStatusRequest),
    /// TLS <= 1.2 `status_request_v2` / `ocsp_multi`: one entry per certificate sent.
    StatusRequestV2OcspMulti(OcspStatusRequest),
    /// TLS 1.3 `status_request`: a response in each CertificateEntry whose issuer is in the chain.
    Tls13PerCertificate(OcspStatusRequest),
}

impl Selection {
    /// The extension the ServerHello carries (with empty data); `None` when not stapling and in
    /// TLS 1.3, where neither ServerHello nor EncryptedExtensions carries one.
    pub fn server_hello_extension(&self) -> Option<ExtensionType> {
        match self {
            Selection::StatusRequest(_) => Some(ExtensionType::StatusRequest),
            Selection::StatusRequestV2Ocsp(_) | Selection::StatusRequestV2OcspMulti(_) => {
                Some(ExtensionType::StatusRequestV2)
            }
            Selection::None | Selection::Tls13PerCertificate(_) => None,
        }
    }

    /// The client's OCSP request (responders, extensions to forward), when stapling.
    pub fn request(&self) -> Option<&OcspStatusRequest> {
        match self {
            Selection::None => None,
            Selection::StatusRequest(req)
            | Selection::StatusRequestV2Ocsp(req)
            | Selection::StatusRequestV2OcspMulti(req)
            | Selection::Tls13PerCertificate(req) => Some(req),
        }
    }

    /// Whether responses are wanted beyond the leaf (`ocsp_multi`, TLS 1.3). When false and
    /// stapling, the leaf's response is required: without it nothing is stapled.
    pub fn is_multi(&self) -> bool {
        matches!(
            self,
            Selection::StatusRequestV2OcspMulti(_) | Selection::Tls13PerCertificate(_)
        )
    }

    /// The status_type of the TLS <= 1.2 CertificateStatus message; `None` when no such message
    /// is sent (no stapling, or TLS 1.3).
    pub fn certificate_status_type(&self) -> Option<u8> {
        match self {
            Selection::StatusRequest(_) | Selection::StatusRequestV2Ocsp(_) => {
                Some(STATUS_TYPE_OCSP)
            }
            Selection::StatusRequestV2OcspMulti(_) => Some(STATUS_TYPE_OCSP_MULTI),
            Selection::None | Selection::Tls13PerCertificate(_) => None,
        }
    }
}

/// Decides what to staple, as the JDK does.
///
/// With the server disabled nothing is parsed and nothing stapled. Otherwise each extension the
/// JDK would consume is parsed first, so a malformed one is an error (the TLS layer sends
/// `decode_error`): `status_request` unless disabled, `status_request_v2` unless disabled or
/// TLS 1.3 (where it is ignored unparsed). Like the JDK, parsing happens before the resumption and
/// chain-length checks. Then: resumed or `chain_len < 2` gives nothing; in TLS <= 1.2 the first
/// v2 `ocsp_multi` item with an empty responder_id_list, else the first such v2 `ocsp` item, else
/// a v1 `ocsp` request with an empty responder_id_list; in TLS 1.3 only that v1 request.
pub fn select(
    hello: &ClientStatusRequest<'_>,
    chain_len: usize,
    policy: &SelectionPolicy,
) -> Result<Selection, ExtensionError> {
    if !policy.server_enabled {
        return Ok(Selection::None);
    }
    let tls13 = hello.version >= TlsVersion::Tls13;
    let v1 = match hello.status_request {
        Some(data) if !policy.status_request_disabled => Some(parse_status_request(data)?),
        _ => None,
    };
    let v2 = match hello.status_request_v2 {
        Some(data) if !policy.status_request_v2_disabled && !tls13 => {
            Some(parse_status_request_v2(data)?)
        }
        _ => None,
    };
    if hello.resumed {
        log::debug!("no stapling: resumed session");
        return Ok(Selection::None);
    }
    if chain_len < 2 {
        log::debug!("no stapling: chain of {chain_len} certificate(s), at least 2 needed");
        return Ok(Selection::None);
    }
    if let Some(selection) = v2.and_then(select_v2) {
        return Ok(selection);
    }
    Ok(match v1 {
        Some(CertificateStatusRequest::Ocsp(req)) if req.responder_ids.is_empty() => {
            if tls13 {
                Selection::Tls13PerCertificate(req)
            } else {
                Selection::StatusRequest(req)
            }
        }
        _ => Selection::None,
    })
}

/// The first qualifying `ocsp_multi` item, else the first qualifying `ocsp` item. Items naming
/// responders do not qualify: the JDK only staples from responders of its own choosing.
fn select_v2(items: Vec<StatusRequestItemV2>) -> Option<Selection> {
    let mut ocsp = None;
    for item in items {
        match item {
            StatusRequestItemV2::OcspMulti(req) if req.responder_ids.is_empty() => {
                return Some(Selection::StatusRequestV2OcspMulti(req));
            }
            StatusRequestItemV2::Ocsp(req) if req.responder_ids.is_empty() && ocsp.is_none() => {
                ocsp = Some(Selection::StatusRequestV2Ocsp(req));
            }
            _ => {}
        }
    }
    ocsp
}

#[cfg(test)]
mod tests {
    use der::asn1::OctetString;
    use der::oid::db::rfc6960::ID_PKIX_OCSP_NONCE;
    use der::Encode;
    use x509_cert::ext::Extension;

    use super::super::error::Structure;
    use super::super::status_request::encode_status_request;
    use super::super::status_request_v2::encode_status_request_v2;
    use super::*;

    const JDK_V1: [u8; 5] = [0x01, 0x00, 0x00, 0x00, 0x00];
    const JDK_V2: [u8; 9] = [0x00, 0x07, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00];
    const GARBAGE: &[u8] = &[0x01, 0x00];
    const ON: SelectionPolicy = SelectionPolicy {
        server_enabled: true,
        status_request_disabled: false,
        status_request_v2_disabled: false,
    };

    fn hello<'a>(
        v1: Option<&'a [u8]>,
        v2: Option<&'a [u8]>,
        version: TlsVersion,
    ) -> ClientStatusRequest<'a> {
        ClientStatusRequest {
            status_request: v1,
            status_request_v2: v2,
            version,
            resumed: false,
        }
    }

    fn with_responder() -> OcspStatusRequest {
        OcspStatusRequest {
            responder_ids: vec![vec![0xA2, 0x02, 0x04, 0x00]],
            extensions: Vec::new(),
        }
    }

    fn v2(items: &[StatusRequestItemV2]) -> Vec<u8> {
        encode_status_request_v2(items).unwrap()
    }

    #[test]
    fn jdk_client_in_tls12_gets_ocsp_multi_over_v2() {
        for version in [TlsVersion::Tls10, TlsVersion::Tls11, TlsVersion::Tls12] {
            let s = select(&hello(Some(&JDK_V1), Some(&JDK_V2), version), 3, &ON).unwrap();
            assert_eq!(
                s,
                Selection::StatusRequestV2OcspMulti(OcspStatusRequest::default())
            );
            assert_eq!(
                s.server_hello_extension(),
                Some(ExtensionType::StatusRequestV2)
            );
            assert_eq!(s.certificate_status_type(), Some(STATUS_TYPE_OCSP_MULTI));
            assert!(s.is_multi());
        }
    }

    #[test]
    fn jdk_client_in_tls13_gets_per_certificate_responses() {
        let s = select(
            &hello(Some(&JDK_V1), Some(&JDK_V2), TlsVersion::Tls13),
            3,
            &ON,
        )
        .unwrap();
        assert_eq!(
            s,
            Selection::Tls13PerCertificate(OcspStatusRequest::default())
        );
        assert_eq!(s.server_hello_extension(), None);
        assert_eq!(s.certificate_status_type(), None);
        assert!(s.is_multi());
        assert_eq!(s.request(), Some(&OcspStatusRequest::default()));
    }

    #[test]
    fn v1_alone_in_tls12_is_status_request_ocsp() {
        let s = select(&hello(Some(&JDK_V1), None, TlsVersion::Tls12), 2, &ON).unwrap();
        assert_eq!(s, Selection::StatusRequest(OcspStatusRequest::default()));
        assert_eq!(
            s.server_hello_extension(),
            Some(ExtensionType::StatusRequest)
        );
        assert_eq!(s.certificate_status_type(), Some(STATUS_TYPE_OCSP));
        assert!(!s.is_multi());
    }

    #[test]
    fn v2_is_ignored_and_unparsed_in_tls13() {
        let s = select(
            &hello(Some(&JDK_V1), Some(GARBAGE), TlsVersion::Tls13),
            2,
            &ON,
        )
        .unwrap();
        assert_eq!(
            s,
            Selection::Tls13PerCertificate(OcspStatusRequest::default())
        );
        let s = select(&hello(None, Some(&JDK_V2), TlsVersion::Tls13), 2, &ON).unwrap();
        assert_eq!(s, Selection::None);
        // The same garbage is an error where v2 is consulted.
        assert!(select(
            &hello(Some(&JDK_V1), Some(GARBAGE), TlsVersion::Tls12),
            2,
            &ON
        )
        .is_err());
    }

    #[test]
    fn disabled_server_staples_nothing_and_parses_nothing() {
        let off = SelectionPolicy {
            server_enabled: false,
            ..ON
        };
        for version in [TlsVersion::Tls12, TlsVersion::Tls13] {
            let s = select(&hello(Some(&JDK_V1), Some(&JDK_V2), version), 3, &off).unwrap();
            assert_eq!(s, Selection::None);
            let s = select(&hello(Some(GARBAGE), Some(GARBAGE), version), 3, &off).unwrap();
            assert_eq!(s, Selection::None);
        }
    }

    #[test]
    fn resumed_session_staples_nothing() {
        for version in [TlsVersion::Tls12, TlsVersion::Tls13] {
            let mut h = hello(Some(&JDK_V1), Some(&JDK_V2), version);
            h.resumed = true;
            assert_eq!(select(&h, 3, &ON).unwrap(), Selection::None);
            // The JDK parses the extensions before it looks at resumption.
            h.status_request = Some(GARBAGE);
            assert!(select(&h, 3, &ON).is_err());
        }
    }

    #[test]
    fn short_chains_staple_nothing() {
        for version in [TlsVersion::Tls12, TlsVersion::Tls13] {
            for chain_len in [0, 1] {
                let s = select(
                    &hello(Some(&JDK_V1), Some(&JDK_V2), version),
                    chain_len,
                    &ON,
                )
                .unwrap();
                assert_eq!(s, Selection::None, "{version:?} chain {chain_len}");
            }
            let s = select(&hello(Some(&JDK_V1), Some(&JDK_V2), version), 2, &ON).unwrap();
            assert_ne!(s, Selection::None);
        }
    }

    #[test]
    fn v2_items_naming_responders_fall_back_to_v1() {
        let items = v2(&[
            StatusRequestItemV2::OcspMulti(with_responder()),
            StatusRequestItemV2::Ocsp(with_responder()),
        ]);
        let s = select(
            &hello(Some(&JDK_V1), Some(&items), TlsVersion::Tls12),
            3,
            &ON,
        )
        .unwrap();
        assert_eq!(s, Selection::StatusRequest(OcspStatusRequest::default()));
        // Without a v1 request there is nothing to fall back to.
        let s = select(&hello(None, Some(&items), TlsVersion::Tls12), 3, &ON).unwrap();
        assert_eq!(s, Selection::None);
    }

    #[test]
    fn ocsp_multi_beats_an_earlier_ocsp_item() {
        let items = v2(&[
            StatusRequestItemV2::Unknown {
                status_type: 9,
                request: vec![1, 2, 3],
            },
            StatusRequestItemV2::Ocsp(OcspStatusRequest::default()),
            StatusRequestItemV2::OcspMulti(with_responder()),
            StatusRequestItemV2::OcspMulti(OcspStatusRequest::default()),
        ]);
        let s = select(&hello(None, Some(&items), TlsVersion::Tls12), 3, &ON).unwrap();
        assert_eq!(
            s,
            Selection::StatusRequestV2OcspMulti(OcspStatusRequest::default())
        );
    }

    #[test]
    fn first_qualifying_ocsp_item_wins_without_ocsp_multi() {
        let nonce = OcspStatusRequest {
            responder_ids: Vec::new(),
            extensions: vec![nonce_extension()],
        };
        let items = v2(&[
            StatusRequestItemV2::Ocsp(with_responder()),
            StatusRequestItemV2::OcspMulti(with_responder()),
            StatusRequestItemV2::Ocsp(nonce.clone()),
            StatusRequestItemV2::Ocsp(OcspStatusRequest::default()),
        ]);
        let s = select(
            &hello(Some(&JDK_V1), Some(&items), TlsVersion::Tls12),
            3,
            &ON,
        )
        .unwrap();
        assert_eq!(s, Selection::StatusRequestV2Ocsp(nonce));
        assert_eq!(
            s.server_hello_extension(),
            Some(ExtensionType::StatusRequestV2)
        );
        assert_eq!(s.certificate_status_type(), Some(STATUS_TYPE_OCSP));
        assert!(!s.is_multi());
        assert!(s.request().unwrap().has_nonce());
    }

    #[test]
    fn v2_of_unknown_items_only_falls_back_to_v1() {
        let items = v2(&[StatusRequestItemV2::Unknown {
            status_type: 3,
            request: Vec::new(),
        }]);
        let s = select(
            &hello(Some(&JDK_V1), Some(&items), TlsVersion::Tls12),
            3,
            &ON,
        )
        .unwrap();
        assert_eq!(s, Selection::StatusRequest(OcspStatusRequest::default()));
    }

    #[test]
    fn v1_must_be_ocsp_with_no_responders() {
        let named = encode_status_request(&with_responder()).unwrap();
        let unknown: &[u8] = &[0x02, 0x00, 0x00, 0x00, 0x00];
        for version in [TlsVersion::Tls12, TlsVersion::Tls13] {
            for data in [&named[..], unknown] {
                let s = select(&hello(Some(data), None, version), 3, &ON).unwrap();
                assert_eq!(s, Selection::None, "{version:?} {data:02x?}");
            }
        }
    }

    #[test]
    fn disabling_status_request_leaves_v2() {
        let policy = SelectionPolicy {
            status_request_disabled: true,
            ..ON
        };
        let s = select(
            &hello(Some(GARBAGE), Some(&JDK_V2), TlsVersion::Tls12),
            3,
            &policy,
        )
        .unwrap();
        assert_eq!(
            s,
            Selection::StatusRequestV2OcspMulti(OcspStatusRequest::default())
        );
        let s = select(&hello(Some(&JDK_V1), None, TlsVersion::Tls12), 3, &policy).unwrap();
        assert_eq!(s, Selection::None);
        let s = select(
            &hello(Some(&JDK_V1), Some(&JDK_V2), TlsVersion::Tls13),
            3,
            &policy,
        )
        .unwrap();
        assert_eq!(s, Selection::None);
    }

    #[test]
    fn disabling_status_request_v2_leaves_v1() {
        let policy = SelectionPolicy {
            status_request_v2_disabled: true,
            ..ON
        };
        let s = select(
            &hello(Some(&JDK_V1), Some(GARBAGE), TlsVersion::Tls12),
            3,
            &policy,
        )
        .unwrap();
        assert_eq!(s, Selection::StatusRequest(OcspStatusRequest::default()));
        let s = select(&hello(None, Some(&JDK_V2), TlsVersion::Tls12), 3, &policy).unwrap();
        assert_eq!(s, Selection::None);
    }

    #[test]
    fn consulted_malformed_extensions_are_errors() {
        // v1 is parsed even when v2 wins, as the JDK consumes both.
        let err = select(
            &hello(Some(GARBAGE), Some(&JDK_V2), TlsVersion::Tls12),
            3,
            &ON,
        )
        .unwrap_err();
        assert_eq!(
            err,
            ExtensionError::Truncated {
                structure: Structure::StatusRequest,
                offset: 1,
                what: "responder_id_list",
                needed: 2,
                available: 1,
            }
        );
        let err = select(
            &hello(Some(&JDK_V1), Some(&[0x00, 0x00]), TlsVersion::Tls12),
            3,
            &ON,
        )
        .unwrap_err();
        assert!(matches!(
            err,
            ExtensionError::EmptyList {
                structure: Structure::StatusRequestV2,
                ..
            }
        ));
        let err = select(&hello(Some(&[0x01]), None, TlsVersion::Tls13), 3, &ON).unwrap_err();
        assert!(matches!(
            err,
            ExtensionError::Truncated {
                structure: Structure::StatusRequest,
                ..
            }
        ));
    }

    #[test]
    fn absent_extensions_staple_nothing() {
        for version in [TlsVersion::Tls10, TlsVersion::Tls12, TlsVersion::Tls13] {
            assert_eq!(
                select(&hello(None, None, version), 3, &ON).unwrap(),
                Selection::None
            );
        }
        assert_eq!(Selection::None.request(), None);
        assert_eq!(Selection::None.server_hello_extension(), None);
        assert!(!Selection::None.is_multi());
    }

    #[test]
    fn client_nonce_reaches_the_selection() {
        let req = OcspStatusRequest {
            responder_ids: Vec::new(),
            extensions: vec![nonce_extension()],
        };
        let data = encode_status_request(&req).unwrap();
        let s = select(&hello(Some(&data), None, TlsVersion::Tls13), 2, &ON).unwrap();
        assert!(s.request().unwrap().has_nonce());
        assert_eq!(s, Selection::Tls13PerCertificate(req));
    }

    fn nonce_extension() -> Extension {
        let nonce = x509_ocsp::ext::Nonce::new(vec![0x42; 16]).unwrap();
        Extension {
            extn_id: ID_PKIX_OCSP_NONCE,
            critical: false,
            extn_value: OctetString::new(nonce.to_der().unwrap()).unwrap(),
        }
    }
}
