//! What a handshake staples, and how it is encoded.

use log::warn;

use crate::tls::{self, ExtensionError, ExtensionType};

/// What a handshake staples, computed before the ServerHello is written: when the engine returns
/// no staple, the server must not assert any status extension (as the JDK does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staple {
    /// TLS 1.2 and earlier: assert `extension` (empty data) in the ServerHello and send `message`
    /// as the body of the CertificateStatus handshake message.
    CertificateStatus {
        /// `status_request` or `status_request_v2`.
        extension: ExtensionType,
        /// The CertificateStatus body: `ocsp` or `ocsp_multi`.
        message: Vec<u8>,
    },
    /// TLS 1.3: per certificate of the chain, the data of the `status_request` extension of its
    /// CertificateEntry (`01 | uint24 | DER`), or `None` for no extension.
    Tls13 {
        /// One item per certificate, leaf first.
        entries: Vec<Option<Vec<u8>>>,
    },
}

impl Staple {
    /// The DER OCSP responses this staple carries, one item per certificate of the chain (leaf
    /// first, `None` where there is none). A TLS <= 1.2 `ocsp` staple has the leaf's only. For TLS
    /// stacks that take responses rather than encoded messages (Bouncy Castle's
    /// `CertificateStatus`, for one).
    pub fn ocsp_responses(&self) -> Vec<Option<Vec<u8>>> {
        // The engine encoded these bytes itself, so they parse; were they ever not to, the
        // certificate would simply get no response here.
        let decode_failed = |e: ExtensionError| warn!("cannot read back a staple: {e}");
        match self {
            Staple::CertificateStatus { message, .. } => {
                match tls::parse_certificate_status(message).map_err(decode_failed) {
                    Ok(tls::CertificateStatus::Ocsp(der)) => vec![Some(der)],
                    Ok(tls::CertificateStatus::OcspMulti(list)) => list,
                    Err(()) => Vec::new(),
                }
            }
            Staple::Tls13 { entries } => entries
                .iter()
                .map(|entry| {
                    let data = entry.as_deref()?;
                    tls::parse_certificate_entry_status_request(data)
                        .map_err(decode_failed)
                        .ok()
                })
                .collect(),
        }
    }
}

/// An encoding the TLS limits refuse (a response list over 2^24-1 bytes) is stapled as nothing.
pub(crate) fn encoded(result: Result<Vec<u8>, tls::EncodeError>) -> Option<Vec<u8>> {
    result.map_err(|e| warn!("not stapling: {e}")).ok()
}
