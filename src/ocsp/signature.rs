//! Signature checks with `ring`, for OCSP responses and delegated responder certificates.
//!
//! `ring` is used rather than a pure-Rust stack of per-algorithm crates because it covers every
//! algorithm OCSP responders use (RSA PKCS#1 with SHA-1/256/384/512, ECDSA P-256/P-384, Ed25519)
//! behind one audited, constant-time API, and rustls (the reference server) already depends on it.

use der::asn1::ObjectIdentifier;
use der::oid::db::{rfc5912, rfc8410};
use ring::signature::{self as sig, UnparsedPublicKey, VerificationAlgorithm};
use x509_parser::x509::SubjectPublicKeyInfo;

/// A public key as needed to check a signature: its algorithm, its curve (for EC keys) and the
/// contents of the subjectPublicKey BIT STRING.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PublicKey {
    /// The key's algorithm, e.g. id-ecPublicKey or rsaEncryption.
    pub algorithm: ObjectIdentifier,
    /// The named curve of an EC key.
    pub curve: Option<ObjectIdentifier>,
    /// The subjectPublicKey bits: an RSAPublicKey DER, an EC point, or an Ed25519 key.
    pub key: Vec<u8>,
}

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The signature algorithm (or its pairing with the key) is not one staplekit accepts.
    #[error("unsupported signature algorithm {algorithm} for a {key_algorithm} key")]
    Unsupported {
        /// The signature algorithm OID.
        algorithm: String,
        /// The key algorithm OID, with its curve when it has one.
        key_algorithm: String,
    },
    /// The signature does not verify with the key.
    #[error("the signature does not verify")]
    Invalid,
}

impl PublicKey {
    /// Reads the key of an x509-parser certificate.
    pub(crate) fn from_spki(spki: &SubjectPublicKeyInfo<'_>) -> Result<Self, SignatureError> {
        let unsupported = || SignatureError::Unsupported {
            algorithm: "(none)".into(),
            key_algorithm: spki.algorithm.algorithm.to_id_string(),
        };
        let algorithm = ObjectIdentifier::from_bytes(spki.algorithm.algorithm.as_bytes())
            .map_err(|_| unsupported())?;
        // For EC keys the parameters are the namedCurve OID; other algorithms have NULL or none.
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok())
            .and_then(|oid| ObjectIdentifier::from_bytes(oid.as_bytes()).ok());
        Ok(Self {
            algorithm,
            curve,
            key: spki.subject_public_key.data.to_vec(),
        })
    }

    fn describe(&self) -> String {
        match &self.curve {
            Some(curve) => format!("{} ({curve})", self.algorithm),
            None => self.algorithm.to_string(),
        }
    }
}

/// Checks `signature` over `message` by `key` with the algorithm named by `algorithm`
/// (the OID of an AlgorithmIdentifier, e.g. ecdsa-with-SHA256).
pub(crate) fn verify_signature(
    algorithm: &ObjectIdentifier,
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    let ring_alg = ring_algorithm(algorithm, key).ok_or_else(|| SignatureError::Unsupported {
        algorithm: algorithm.to_string(),
        key_algorithm: key.describe(),
    })?;
    UnparsedPublicKey::new(ring_alg, &key.key)
        .verify(message, signature)
        .map_err(|_| SignatureError::Invalid)
}

/// Converts an x509-parser OID into a `der` one.
pub(crate) fn oid_from_parser(
    oid: &x509_parser::der_parser::oid::Oid<'_>,
) -> Option<ObjectIdentifier> {
    ObjectIdentifier::from_bytes(oid.as_bytes()).ok()
}

fn ring_algorithm(
    algorithm: &ObjectIdentifier,
    key: &PublicKey,
) -> Option<&'static dyn VerificationAlgorithm> {
    let alg = *algorithm;
    if key.algorithm == rfc5912::RSA_ENCRYPTION {
        return Some(match alg {
            a if a == rfc5912::SHA_256_WITH_RSA_ENCRYPTION => &sig::RSA_PKCS1_2048_8192_SHA256,
            a if a == rfc5912::SHA_384_WITH_RSA_ENCRYPTION => &sig::RSA_PKCS1_2048_8192_SHA384,
            a if a == rfc5912::SHA_512_WITH_RSA_ENCRYPTION => &sig::RSA_PKCS1_2048_8192_SHA512,
            // Many deployed responders still sign with SHA-1; the JDK and OpenSSL accept it.
            a if a == rfc5912::SHA_1_WITH_RSA_ENCRYPTION => {
                &sig::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY
            }
            _ => return None,
        });
    }
    if key.algorithm == rfc5912::ID_EC_PUBLIC_KEY {
        let p256 = key.curve == Some(rfc5912::SECP_256_R_1);
        let p384 = key.curve == Some(rfc5912::SECP_384_R_1);
        return Some(match alg {
            a if a == rfc5912::ECDSA_WITH_SHA_256 && p256 => &sig::ECDSA_P256_SHA256_ASN1,
            a if a == rfc5912::ECDSA_WITH_SHA_384 && p256 => &sig::ECDSA_P256_SHA384_ASN1,
            a if a == rfc5912::ECDSA_WITH_SHA_256 && p384 => &sig::ECDSA_P384_SHA256_ASN1,
            a if a == rfc5912::ECDSA_WITH_SHA_384 && p384 => &sig::ECDSA_P384_SHA384_ASN1,
            _ => return None,
        });
    }
    if key.algorithm == rfc8410::ID_ED_25519 && alg == rfc8410::ID_ED_25519 {
        return Some(&sig::ED25519);
    }
    None
}
