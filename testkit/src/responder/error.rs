//! Why the responder refused a configuration call.

/// An authority, a foreign signer or an issuer given to the responder could not be used.
///
/// Serving never fails with this type: bad requests get OCSP or HTTP error answers instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResponderError {
    /// A certificate is not DER X.509.
    #[error("{which} certificate is not valid DER X.509: {reason}")]
    Certificate {
        /// Which input: "issuer" or "signer".
        which: &'static str,
        /// What the parser said.
        reason: String,
    },
    /// The private key is not PKCS#8 of a kind ring can sign with.
    #[error(
        "signer key is not a PKCS#8 ECDSA P-256/P-384, RSA or Ed25519 private key: {reason}; \
         pass the key as PKCS#8 DER (e.g. rcgen's KeyPair::serialize_der, or \
         `openssl pkcs8 -topk8 -nocrypt -outform DER`; PKCS#1 and SEC1 keys are refused)"
    )]
    Key {
        /// What ring said when the key was tried as Ed25519, the last type tried.
        reason: String,
    },
    /// The private key belongs to another certificate than the signer certificate given with it.
    #[error("signer key does not match the public key of the signer certificate {subject}")]
    KeyMismatch {
        /// The signer certificate's subject, for the message.
        subject: String,
    },
}
