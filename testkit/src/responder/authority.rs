//! Who the responder answers for, and what it says about each certificate.

use std::time::SystemTime;

use x509_cert::ext::pkix::CrlReason;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::error::ResponderError;
use staplekit::CertIdentity;

/// A CA the responder answers for, and who signs its responses.
///
/// Raw DER and PKCS#8 so that any PKI (rcgen, OpenSSL, files) can feed it.
#[derive(Clone, Debug)]
pub struct Authority {
    /// DER certificate of the CA whose certificates are queried: requests name it by the SHA-1
    /// hashes of its subject and public key.
    pub issuer_der: Vec<u8>,
    /// DER certificate that signs the responses: the issuer itself, or a delegated responder
    /// certificate the issuer signed (with the id-kp-OCSPSigning extended key usage).
    pub signer_cert_der: Vec<u8>,
    /// PKCS#8 DER private key of the signer: ECDSA P-256 or P-384, RSA (signs SHA-256), or Ed25519.
    pub signer_key_pkcs8: Vec<u8>,
    /// Whether responses carry the signer certificate in `certs` (a delegated signer must, for
    /// clients to verify it without extra configuration).
    pub include_signer_cert: bool,
}

/// What the responder says about a certificate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CertState {
    /// `good`.
    Good,
    /// `revoked` at `at`, with a CRLReason code (RFC 5280 section 5.3.1) if `reason` is set.
    /// Codes the CRLReason enumeration does not define (7, or above 10) are left out.
    Revoked {
        /// revocationTime.
        at: SystemTime,
        /// revocationReason, e.g. 1 for keyCompromise.
        reason: Option<u8>,
    },
    /// `unknown`: also what a serial that was never set gets.
    #[default]
    Unknown,
}

/// The pair of SHA-1 hashes (issuer name, issuer key) by which CertIDs name an issuer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct IssuerKey {
    pub(crate) name_hash: [u8; 20],
    pub(crate) key_hash: [u8; 20],
}

impl IssuerKey {
    /// Hashes a DER issuer certificate the way [`CertIdentity`] does.
    pub(crate) fn from_issuer_der(issuer_der: &[u8]) -> Result<Self, ResponderError> {
        let (_, issuer) =
            X509Certificate::from_der(issuer_der).map_err(|e| ResponderError::Certificate {
                which: "issuer",
                reason: e.to_string(),
            })?;
        let id = CertIdentity::new(
            issuer.subject().as_raw(),
            &issuer.public_key().subject_public_key.data,
            &[],
        );
        Ok(Self {
            name_hash: id.issuer_name_hash,
            key_hash: id.issuer_key_hash,
        })
    }

    /// The identity of the certificate `serial` issued by this issuer.
    pub(crate) fn identity(&self, serial: &[u8]) -> CertIdentity {
        CertIdentity {
            issuer_name_hash: self.name_hash,
            issuer_key_hash: self.key_hash,
            serial: serial.to_vec(),
        }
    }
}

/// A serial number as a map key: the integer's magnitude without leading zero bytes, so that
/// DER content bytes (`00 80`) and plain big-endian bytes (`80`) name the same certificate.
pub(crate) fn serial_key(serial: &[u8]) -> Vec<u8> {
    let start = serial
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(serial.len().saturating_sub(1));
    serial[start..].to_vec()
}

/// The CRLReason for a code, if RFC 5280 defines it.
pub(crate) fn crl_reason(code: u8) -> Option<CrlReason> {
    Some(match code {
        0 => CrlReason::Unspecified,
        1 => CrlReason::KeyCompromise,
        2 => CrlReason::CaCompromise,
        3 => CrlReason::AffiliationChanged,
        4 => CrlReason::Superseded,
        5 => CrlReason::CessationOfOperation,
        6 => CrlReason::CertificateHold,
        8 => CrlReason::RemoveFromCRL,
        9 => CrlReason::PrivilegeWithdrawn,
        10 => CrlReason::AaCompromise,
        _ => return None,
    })
}
