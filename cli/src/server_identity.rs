//! What a TLS server presents: its certificate chain and the leaf's private key, read from PEM
//! files and checked against each other before anything listens.

use std::path::Path;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::sign::{CertifiedKey, SigningKey};
use rustls::{Error as TlsError, InconsistentKeys};
use staplekit::read_pem_certificates;
use staplekit::{Chain, StaplingEngine};

use super::CliError;

/// A chain (leaf first) and the leaf's key, known to match.
pub struct ServerIdentity {
    /// The chain as the engine parsed it: CertIDs, issuers, responder URLs.
    pub chain: Chain,
    /// The same certificates, for rustls.
    pub certs: Vec<CertificateDer<'static>>,
    /// The leaf's private key.
    pub key: Arc<dyn SigningKey>,
}

impl ServerIdentity {
    /// Reads the chain and the key, and checks that the key is the leaf certificate's.
    ///
    /// Every error is one line naming the file and what is wrong with it.
    pub fn load(
        cert_path: &Path,
        key_path: &Path,
        engine: &StaplingEngine,
        provider: &CryptoProvider,
    ) -> Result<Self, CliError> {
        let der = read_pem_certificates(cert_path)?;
        let chain = engine
            .parse_chain(der.clone())
            .map_err(|source| CliError::ChainFile {
                path: cert_path.to_owned(),
                source,
            })?;
        let certs: Vec<CertificateDer<'static>> =
            der.into_iter().map(CertificateDer::from).collect();
        let key = load_key(key_path, provider)?;
        check_key_matches(&certs, &key, cert_path, key_path, &chain)?;
        Ok(Self { chain, certs, key })
    }
}

/// Reads the first private key (PKCS#8, SEC1 or PKCS#1) of a PEM file and loads it for signing.
fn load_key(path: &Path, provider: &CryptoProvider) -> Result<Arc<dyn SigningKey>, CliError> {
    let key_error = |reason: String| CliError::Key {
        path: path.to_owned(),
        reason,
    };
    // Read it ourselves so that "cannot read" and "no key in it" are told apart.
    let bytes = std::fs::read(path).map_err(|e| key_error(format!("cannot read: {e}")))?;
    let der = PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| match e {
        rustls::pki_types::pem::Error::NoItemsFound => key_error(
            "holds no PEM private key (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)".into(),
        ),
        other => key_error(format!("not valid PEM: {other}")),
    })?;
    provider
        .key_provider
        .load_private_key(der)
        .map_err(|e| key_error(format!("not a usable private key: {e}")))
}

/// Compares the key's public key with the leaf's SubjectPublicKeyInfo.
fn check_key_matches(
    certs: &[CertificateDer<'static>],
    key: &Arc<dyn SigningKey>,
    cert_path: &Path,
    key_path: &Path,
    chain: &Chain,
) -> Result<(), CliError> {
    match CertifiedKey::new(certs.to_vec(), key.clone()).keys_match() {
        Ok(()) => Ok(()),
        // Every key type of the ring provider reports its public key; should one not, rustls
        // itself would go on, and so do we.
        Err(TlsError::InconsistentKeys(InconsistentKeys::Unknown)) => {
            log::warn!(
                "{}: cannot tell whether this key matches the certificate in {}",
                key_path.display(),
                cert_path.display()
            );
            Ok(())
        }
        Err(TlsError::InconsistentKeys(InconsistentKeys::KeyMismatch)) => Err(CliError::Key {
            path: key_path.to_owned(),
            reason: format!(
                "this private key does not match the leaf certificate ({}) in {}",
                chain.leaf().subject,
                cert_path.display()
            ),
        }),
        Err(other) => Err(CliError::Other(format!(
            "{}: rustls cannot use the leaf certificate: {other}",
            cert_path.display()
        ))),
    }
}
