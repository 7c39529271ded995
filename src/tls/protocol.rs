//! Protocol numbers: TLS versions, the two status extension types and the status types.

/// `CertificateStatusType` `ocsp` (RFC 6066).
pub const STATUS_TYPE_OCSP: u8 = 1;
/// `CertificateStatusType` `ocsp_multi` (RFC 6961).
pub const STATUS_TYPE_OCSP_MULTI: u8 = 2;

/// A negotiated TLS version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsVersion {
    /// TLS 1.0 (0x0301).
    Tls10,
    /// TLS 1.1 (0x0302).
    Tls11,
    /// TLS 1.2 (0x0303).
    Tls12,
    /// TLS 1.3 (0x0304).
    Tls13,
}

impl TlsVersion {
    /// The version for a ProtocolVersion code point; `None` for SSL 3.0, DTLS or unknown codes.
    pub fn from_wire(version: u16) -> Option<Self> {
        match version {
            0x0301 => Some(TlsVersion::Tls10),
            0x0302 => Some(TlsVersion::Tls11),
            0x0303 => Some(TlsVersion::Tls12),
            0x0304 => Some(TlsVersion::Tls13),
            _ => None,
        }
    }

    /// The ProtocolVersion code point.
    pub fn to_wire(self) -> u16 {
        match self {
            TlsVersion::Tls10 => 0x0301,
            TlsVersion::Tls11 => 0x0302,
            TlsVersion::Tls12 => 0x0303,
            TlsVersion::Tls13 => 0x0304,
        }
    }
}

/// The TLS extensions that request certificate status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExtensionType {
    /// `status_request` (RFC 6066), type 5.
    StatusRequest,
    /// `status_request_v2` (RFC 6961), type 17.
    StatusRequestV2,
}

impl ExtensionType {
    /// Extension type number of `status_request`.
    pub const STATUS_REQUEST: u16 = 5;
    /// Extension type number of `status_request_v2`.
    pub const STATUS_REQUEST_V2: u16 = 17;

    /// The extension type number.
    pub fn to_wire(self) -> u16 {
        match self {
            ExtensionType::StatusRequest => Self::STATUS_REQUEST,
            ExtensionType::StatusRequestV2 => Self::STATUS_REQUEST_V2,
        }
    }

    /// The extension for a type number, if it is one of the two.
    pub fn from_wire(ty: u16) -> Option<Self> {
        match ty {
            Self::STATUS_REQUEST => Some(ExtensionType::StatusRequest),
            Self::STATUS_REQUEST_V2 => Some(ExtensionType::StatusRequestV2),
            _ => None,
        }
    }

    /// The whole ServerHello extension: type, then a zero extension_data length. The data must be
    /// empty (RFC 6066, RFC 6961); the JDK client rejects anything else.
    pub fn server_hello_extension(self) -> [u8; 4] {
        let [hi, lo] = self.to_wire().to_be_bytes();
        [hi, lo, 0x00, 0x00]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_map_to_and_from_code_points() {
        for v in [
            TlsVersion::Tls10,
            TlsVersion::Tls11,
            TlsVersion::Tls12,
            TlsVersion::Tls13,
        ] {
            assert_eq!(TlsVersion::from_wire(v.to_wire()), Some(v));
        }
        assert_eq!(TlsVersion::from_wire(0x0303), Some(TlsVersion::Tls12));
        assert_eq!(TlsVersion::from_wire(0x0300), None);
        assert_eq!(TlsVersion::from_wire(0xFEFD), None);
        assert!(TlsVersion::Tls12 < TlsVersion::Tls13);
    }

    #[test]
    fn server_hello_extensions_have_empty_data() {
        assert_eq!(
            ExtensionType::StatusRequest.server_hello_extension(),
            [0x00, 0x05, 0x00, 0x00]
        );
        assert_eq!(
            ExtensionType::StatusRequestV2.server_hello_extension(),
            [0x00, 0x11, 0x00, 0x00]
        );
        assert_eq!(
            ExtensionType::from_wire(17),
            Some(ExtensionType::StatusRequestV2)
        );
        assert_eq!(
            ExtensionType::from_wire(5),
            Some(ExtensionType::StatusRequest)
        );
        assert_eq!(ExtensionType::from_wire(18), None);
    }
}
