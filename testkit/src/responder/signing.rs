//! The key and certificate that sign responses, with ring.

use der::asn1::{BitString, Null, OctetString};
use der::oid::db::{rfc5912, rfc8410};
use der::Decode;
use ring::digest::{digest, SHA1_FOR_LEGACY_USE_ONLY};
use ring::rand::SystemRandom;
use ring::signature::{
    EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair, ECDSA_P256_SHA256_ASN1_SIGNING,
    ECDSA_P384_SHA384_ASN1_SIGNING, RSA_PKCS1_SHA256,
};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_ocsp::ResponderId;

use super::error::ResponderError;

/// How a response names its signer (RFC 6960 section 4.2.2.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ResponderIdKind {
    /// `byKey`: SHA-1 of the signer's subjectPublicKey bits (what RFC 5019 recommends).
    #[default]
    ByKey,
    /// `byName`: the signer certificate's subject name.
    ByName,
}

/// A signer certificate with its private key, checked to belong together.
pub(crate) struct Signer {
    cert: Certificate,
    key: SigningKey,
    key_hash: [u8; 20],
}

enum SigningKey {
    EcdsaP256(EcdsaKeyPair),
    EcdsaP384(EcdsaKeyPair),
    Rsa(RsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

impl Signer {
    /// Parses the certificate and the PKCS#8 key; fails when the key does not match the certificate.
    pub(crate) fn new(cert_der: &[u8], key_pkcs8: &[u8]) -> Result<Self, ResponderError> {
        let cert = Certificate::from_der(cert_der).map_err(|e| ResponderError::Certificate {
            which: "signer",
            reason: e.to_string(),
        })?;
        let key = SigningKey::from_pkcs8(key_pkcs8)?;
        let spki_bits = cert
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes();
        // ring's public key encodings are exactly the subjectPublicKey contents for these key types.
        if key.public_key() != spki_bits {
            return Err(ResponderError::KeyMismatch {
                subject: cert.tbs_certificate.subject.to_string(),
            });
        }
        let mut key_hash = [0u8; 20];
        key_hash.copy_from_slice(digest(&SHA1_FOR_LEGACY_USE_ONLY, spki_bits).as_ref());
        Ok(Self {
            cert,
            key,
            key_hash,
        })
    }

    /// The certificate, for the response's `certs` field.
    pub(crate) fn certificate(&self) -> &Certificate {
        &self.cert
    }

    /// The ResponderID naming this signer.
    pub(crate) fn responder_id(&self, kind: ResponderIdKind) -> ResponderId {
        match kind {
            ResponderIdKind::ByName => {
                ResponderId::ByName(self.cert.tbs_certificate.subject.clone())
            }
            // A 20-byte SHA-1 always fits an OCTET STRING; the fallback is unreachable.
            ResponderIdKind::ByKey => match OctetString::new(self.key_hash.to_vec()) {
                Ok(hash) => ResponderId::ByKey(hash),
                Err(_) => ResponderId::ByName(self.cert.tbs_certificate.subject.clone()),
            },
        }
    }

    /// The signatureAlgorithm that goes with [`Signer::sign`].
    pub(crate) fn algorithm(&self) -> AlgorithmIdentifierOwned {
        let (oid, parameters) = match self.key {
            SigningKey::EcdsaP256(_) => (rfc5912::ECDSA_WITH_SHA_256, None),
            SigningKey::EcdsaP384(_) => (rfc5912::ECDSA_WITH_SHA_384, None),
            // RFC 4055: the RSA PKCS#1 v1.5 algorithms carry an explicit NULL.
            SigningKey::Rsa(_) => (rfc5912::SHA_256_WITH_RSA_ENCRYPTION, Some(Null.into())),
            SigningKey::Ed25519(_) => (rfc8410::ID_ED_25519, None),
        };
        AlgorithmIdentifierOwned { oid, parameters }
    }

    /// Signs `message` (the DER of the ResponseData) and returns the signature as a BIT STRING.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<BitString, String> {
        let rng = SystemRandom::new();
        let bytes = match &self.key {
            SigningKey::EcdsaP256(k) | SigningKey::EcdsaP384(k) => k
                .sign(&rng, message)
                .map_err(|_| "ECDSA signing failed".to_string())?
                .as_ref()
                .to_vec(),
            SigningKey::Rsa(k) => {
                let mut sig = vec![0u8; k.public().modulus_len()];
                k.sign(&RSA_PKCS1_SHA256, &rng, message, &mut sig)
                    .map_err(|_| "RSA signing failed".to_string())?;
                sig
            }
            SigningKey::Ed25519(k) => k.sign(message).as_ref().to_vec(),
        };
        BitString::from_bytes(&bytes)
            .map_err(|e| format!("signature does not fit a BIT STRING: {e}"))
    }
}

impl SigningKey {
    /// Tries each key type ring supports; PKCS#8 says which algorithm, ring checks the curve.
    fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, ResponderError> {
        let rng = SystemRandom::new();
        if let Ok(k) = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8, &rng) {
            return Ok(Self::EcdsaP256(k));
        }
        if let Ok(k) = EcdsaKeyPair::from_pkcs8(&ECDSA_P384_SHA384_ASN1_SIGNING, pkcs8, &rng) {
            return Ok(Self::EcdsaP384(k));
        }
        if let Ok(k) = RsaKeyPair::from_pkcs8(pkcs8) {
            return Ok(Self::Rsa(k));
        }
        Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8)
            .map(Self::Ed25519)
            .map_err(|e| ResponderError::Key {
                reason: e.to_string(),
            })
    }

    fn public_key(&self) -> &[u8] {
        match self {
            Self::EcdsaP256(k) | Self::EcdsaP384(k) => k.public_key().as_ref(),
            Self::Rsa(k) => k.public_key().as_ref(),
            Self::Ed25519(k) => k.public_key().as_ref(),
        }
    }
}
