//! The identity under which an OCSP responder knows a certificate (RFC 6960 section 4.1.1).

use der::asn1::{Null, OctetString};
use der::oid::db::rfc5912::ID_SHA_1;
use ring::digest::{digest, SHA1_FOR_LEGACY_USE_ONLY};
use spki::AlgorithmIdentifierOwned;
use x509_cert::serial_number::SerialNumber;
use x509_ocsp::CertId;
use x509_parser::prelude::{FromDer, X509Certificate};

/// A certificate's OCSP CertID with SHA-1 hashes, as the JDK (and RFC 5019) computes it.
///
/// This is also the cache key: two chains that share a certificate and its issuer share the
/// cached response.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CertIdentity {
    /// SHA-1 of the DER encoding of the issuer's subject name.
    pub issuer_name_hash: [u8; 20],
    /// SHA-1 of the issuer's subjectPublicKey BIT STRING contents (without tag, length, unused bits).
    pub issuer_key_hash: [u8; 20],
    /// The certificate's serial number: the DER INTEGER content bytes.
    pub serial: Vec<u8>,
}

/// Why a CertID could not be computed from a certificate and its issuer.
#[derive(Debug, thiserror::Error)]
#[error("{which} certificate is not valid DER X.509: {reason}")]
pub struct CertIdError {
    /// "subject" or "issuer".
    pub which: &'static str,
    /// What the parser said.
    pub reason: String,
}

impl CertIdentity {
    /// Builds the identity from the issuer's raw subject name, the issuer's raw public key bits and
    /// the certificate's serial number bytes.
    pub fn new(issuer_subject_der: &[u8], issuer_public_key_bits: &[u8], serial: &[u8]) -> Self {
        Self {
            issuer_name_hash: sha1(issuer_subject_der),
            issuer_key_hash: sha1(issuer_public_key_bits),
            serial: serial.to_vec(),
        }
    }

    /// Builds the identity of `cert_der` as issued by `issuer_der` (both DER certificates).
    pub fn from_certificates(cert_der: &[u8], issuer_der: &[u8]) -> Result<Self, CertIdError> {
        let (_, cert) = X509Certificate::from_der(cert_der).map_err(|e| CertIdError {
            which: "subject",
            reason: e.to_string(),
        })?;
        let (_, issuer) = X509Certificate::from_der(issuer_der).map_err(|e| CertIdError {
            which: "issuer",
            reason: e.to_string(),
        })?;
        Ok(Self::from_parsed(&cert, &issuer))
    }

    /// Builds the identity from already parsed certificates.
    pub fn from_parsed(cert: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> Self {
        Self::new(
            issuer.subject().as_raw(),
            &issuer.public_key().subject_public_key.data,
            cert.raw_serial(),
        )
    }

    /// The ASN.1 CertID to put in a request.
    pub fn to_cert_id(&self) -> CertId {
        CertId {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: ID_SHA_1,
                parameters: Some(Null.into()),
            },
            issuer_name_hash: OctetString::new(self.issuer_name_hash.to_vec())
                .expect("20 bytes always fit an OCTET STRING"),
            issuer_key_hash: OctetString::new(self.issuer_key_hash.to_vec())
                .expect("20 bytes always fit an OCTET STRING"),
            serial_number: SerialNumber::new(&self.serial)
                .unwrap_or_else(|_| SerialNumber::new(&[0]).expect("0 is a valid serial")),
        }
    }

    /// Whether a CertID from a response names this certificate: SHA-1, both hashes and the serial.
    pub fn matches(&self, id: &CertId) -> bool {
        id.hash_algorithm.oid == ID_SHA_1
            && id.issuer_name_hash.as_bytes() == self.issuer_name_hash
            && id.issuer_key_hash.as_bytes() == self.issuer_key_hash
            && id.serial_number.as_bytes() == self.serial.as_slice()
    }

    /// The serial number as colon-free upper-case hex, as operators see it in `openssl x509`.
    pub fn serial_hex(&self) -> String {
        self.serial
            .iter()
            .skip_while(|b| **b == 0 && self.serial.len() > 1)
            .map(|b| format!("{b:02X}"))
            .collect()
    }
}

fn sha1(data: &[u8]) -> [u8; 20] {
    let d = digest(&SHA1_FOR_LEGACY_USE_ONLY, data);
    let mut out = [0u8; 20];
    out.copy_from_slice(d.as_ref());
    out
}
