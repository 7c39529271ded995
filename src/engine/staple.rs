//! What a handshake staples: what the ServerHello asserts and the response for each certificate.
//! Each door encodes from it what its TLS stack needs, when it needs it.

use std::sync::Arc;

use crate::tls::{self, ExtensionType, MAX_U24};

/// What a handshake staples, decided before the ServerHello is written: when the engine returns
/// no staple, the server must not assert any status extension (as the JDK does).
///
/// It holds the DER OCSP response of each certificate of the chain (leaf first, `None` where none
/// is stapled) and the form they travel in. A door asks for what its TLS stack takes: the
/// responses themselves ([`Staple::response`], for stacks that encode their own messages, such as
/// Bouncy Castle or rustls), or the wire encodings ([`Staple::certificate_status`] in TLS 1.2 and
/// earlier, [`Staple::certificate_entry_status`] per certificate in TLS 1.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staple {
    form: StapleForm,
    responses: Vec<Option<Arc<[u8]>>>,
}

/// How a staple's responses travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StapleForm {
    /// TLS 1.2 and earlier: `extension` (`status_request` or `status_request_v2`, empty data) in
    /// the ServerHello, then a CertificateStatus message of type `ocsp` carrying the leaf's
    /// response.
    Ocsp {
        /// The extension the ServerHello asserts.
        extension: ExtensionType,
    },
    /// TLS 1.2 and earlier: `status_request_v2` in the ServerHello, then a CertificateStatus
    /// message of type `ocsp_multi` with one entry per certificate (empty where there is none).
    OcspMulti,
    /// TLS 1.3: a `status_request` extension in the CertificateEntry of each certificate that
    /// has a response; nothing in the ServerHello.
    Tls13,
}

impl Staple {
    /// A staple of `responses` (one per certificate, leaf first) in `form`, or `None` when there
    /// is nothing to send or the TLS length prefixes cannot carry it (a response list over
    /// 2^24-1 bytes), so that every encoding asked of it later succeeds.
    pub(crate) fn new(form: StapleForm, responses: Vec<Option<Arc<[u8]>>>) -> Option<Self> {
        let fits = |der: &Arc<[u8]>| !der.is_empty() && der.len() <= MAX_U24;
        let sendable = match form {
            StapleForm::Ocsp { .. } => responses.first()?.as_ref().is_some_and(fits),
            StapleForm::OcspMulti => {
                let list_len: usize = responses
                    .iter()
                    .map(|r| 3 + r.as_ref().map_or(0, |d| d.len()))
                    .sum();
                responses.iter().any(Option::is_some) && list_len <= MAX_U24
            }
            StapleForm::Tls13 => {
                responses.first()?.is_some() && responses.iter().flatten().all(fits)
            }
        };
        if !sendable {
            if responses.iter().any(Option::is_some) {
                log::warn!("not stapling: the responses do not fit the TLS length limits");
            }
            return None;
        }
        Some(Self { form, responses })
    }

    /// How the responses travel.
    pub fn form(&self) -> StapleForm {
        self.form
    }

    /// The extension the ServerHello asserts (with empty data): `None` in TLS 1.3.
    pub fn server_hello_extension(&self) -> Option<ExtensionType> {
        match self.form {
            StapleForm::Ocsp { extension } => Some(extension),
            StapleForm::OcspMulti => Some(ExtensionType::StatusRequestV2),
            StapleForm::Tls13 => None,
        }
    }

    /// How many certificates the staple speaks of: the chain's length.
    pub fn len(&self) -> usize {
        self.responses.len()
    }

    /// Whether the staple speaks of no certificate (never, for a staple the engine returns).
    pub fn is_empty(&self) -> bool {
        self.responses.is_empty()
    }

    /// The DER OCSP response stapled for certificate `index` (0 = leaf), if any. An `ocsp` staple
    /// carries the leaf's only.
    pub fn response(&self, index: usize) -> Option<&[u8]> {
        if matches!(self.form, StapleForm::Ocsp { .. }) && index > 0 {
            return None;
        }
        self.responses.get(index)?.as_deref()
    }

    /// The response stapled for each certificate, leaf first, as [`Staple::response`] gives them.
    pub fn responses(&self) -> impl Iterator<Item = Option<&[u8]>> {
        (0..self.len()).map(|index| self.response(index))
    }

    /// The body of the CertificateStatus message (`ocsp` or `ocsp_multi`); `None` in TLS 1.3.
    pub fn certificate_status(&self) -> Option<Vec<u8>> {
        let encoded = match self.form {
            StapleForm::Ocsp { .. } => tls::certificate_status_ocsp(self.response(0)?),
            StapleForm::OcspMulti => {
                let list: Vec<Option<&[u8]>> =
                    self.responses.iter().map(|r| r.as_deref()).collect();
                tls::certificate_status_ocsp_multi(&list)
            }
            StapleForm::Tls13 => return None,
        };
        // `Staple::new` checked every length these encoders check.
        encoded.ok()
    }

    /// The data of the `status_request` extension of certificate `index`'s TLS 1.3
    /// CertificateEntry (`01 | uint24 | DER`); `None` when it has no response or not in TLS 1.3.
    pub fn certificate_entry_status(&self, index: usize) -> Option<Vec<u8>> {
        if self.form != StapleForm::Tls13 {
            return None;
        }
        // `Staple::new` checked every length the encoder checks.
        tls::certificate_entry_status_request(self.response(index)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn der(byte: u8, len: usize) -> Option<Arc<[u8]>> {
        Some(Arc::from(vec![byte; len]))
    }

    #[test]
    fn ocsp_carries_the_leaf_only() {
        let form = StapleForm::Ocsp {
            extension: ExtensionType::StatusRequest,
        };
        let staple = Staple::new(form, vec![der(1, 3), der(2, 3)]).expect("a staple");
        assert_eq!(staple.response(0), Some(&[1, 1, 1][..]));
        assert_eq!(staple.response(1), None);
        assert_eq!(
            staple.server_hello_extension(),
            Some(ExtensionType::StatusRequest)
        );
        assert_eq!(staple.certificate_status(), Some(vec![1, 0, 0, 3, 1, 1, 1]));
        assert_eq!(staple.certificate_entry_status(0), None);
        assert!(Staple::new(form, vec![None, der(2, 3)]).is_none());
    }

    #[test]
    fn ocsp_multi_keeps_empty_entries() {
        let staple =
            Staple::new(StapleForm::OcspMulti, vec![None, der(2, 1), None]).expect("a staple");
        assert_eq!(
            staple.certificate_status(),
            Some(vec![2, 0, 0, 10, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0])
        );
        assert_eq!(staple.response(1), Some(&[2][..]));
        assert!(Staple::new(StapleForm::OcspMulti, vec![None, None]).is_none());
    }

    #[test]
    fn tls13_needs_the_leaf_and_encodes_per_entry() {
        let staple = Staple::new(StapleForm::Tls13, vec![der(1, 2), None]).expect("a staple");
        assert_eq!(staple.server_hello_extension(), None);
        assert_eq!(staple.certificate_status(), None);
        assert_eq!(
            staple.certificate_entry_status(0),
            Some(vec![1, 0, 0, 2, 1, 1])
        );
        assert_eq!(staple.certificate_entry_status(1), None);
        assert!(Staple::new(StapleForm::Tls13, vec![None, der(2, 2)]).is_none());
    }

    #[test]
    fn what_the_length_prefixes_cannot_carry_is_not_stapled() {
        // Two 3-byte length prefixes and this leave one byte of the 2^24-1 a list may hold.
        let huge = der(1, MAX_U24 - 7);
        assert!(Staple::new(StapleForm::OcspMulti, vec![huge.clone(), der(2, 3)]).is_none());
        assert!(Staple::new(StapleForm::OcspMulti, vec![huge.clone(), None]).is_some());
        assert!(Staple::new(StapleForm::Tls13, vec![der(1, MAX_U24 + 1)]).is_none());
    }
}
