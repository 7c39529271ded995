//! A generated PKI for tests and for `staplekit demo`: authorities, leaves, delegated OCSP
//! signers, PEM files and OpenSSL CA databases.
//!
//! Everything is generated fresh with rcgen (ECDSA P-256 keys unless asked otherwise), valid from
//! one hour ago (tolerating small clock differences) for a configurable number of days, with random
//! positive 16-byte serial numbers.
//!
//! - [`Authority`] issues certificates from a [`CertSpec`], or through the shortcuts
//!   [`Authority::issue_intermediate`], [`Authority::issue_leaf`] and
//!   [`Authority::issue_ocsp_signer`]. Each result is an [`Issued`]: DER, PEM, key and serial.
//! - [`TestPki`] is the standard fixture: root -> intermediate -> leaves, delegated signers and an
//!   unrelated CA, with the OCSP URLs the caller chooses embedded in the AIA extensions.
//! - [`CaIndex`] writes the `index.txt` that `openssl ocsp -index` (and `openssl ca`) reads.

mod authority;
mod extensions;
mod fixture;
mod index;
mod time;

use std::io;
use std::path::PathBuf;

pub use authority::{
    Authority, CertSpec, Issued, KeyAlgorithm, OcspSignerOptions, Profile, DEFAULT_VALIDITY_DAYS,
    MAX_VALIDITY_DAYS,
};
pub use extensions::{Criticality, UNKNOWN_EXTENSION_OID, UNKNOWN_EXTENSION_VALUE};
pub use fixture::{IndexFiles, PemFiles, TestPki, TestPkiOptions};
pub use index::{CaIndex, IndexEntry, IndexStatus, RevocationReason};

/// Why a certificate could not be generated or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkiError {
    /// The key pair for a certificate could not be generated.
    #[error("cannot generate a {algorithm} key for certificate {subject:?}: {source}")]
    KeyGeneration {
        /// The certificate's common name.
        subject: String,
        /// The key algorithm asked for.
        algorithm: &'static str,
        /// What rcgen said.
        source: rcgen::Error,
    },
    /// rcgen refused the parameters or failed to sign.
    #[error("cannot issue certificate {subject:?}: {source}")]
    Sign {
        /// The certificate's common name.
        subject: String,
        /// What rcgen said.
        source: rcgen::Error,
    },
    /// The system random generator failed while choosing a serial number.
    #[error("the system random generator failed while choosing the serial number of {subject:?}")]
    Random {
        /// The certificate's common name.
        subject: String,
    },
    /// The validity period is longer than [`MAX_VALIDITY_DAYS`] or would end after year 9999.
    #[error(
        "validity of {days} days for certificate {subject:?} is out of range: \
         at most {MAX_VALIDITY_DAYS} days, ending before the year 10000"
    )]
    Validity {
        /// The certificate's common name.
        subject: String,
        /// The validity asked for.
        days: u32,
    },
    /// An OCSP URL must be ASCII to fit the IA5String of a uniformResourceIdentifier.
    #[error(
        "OCSP URL {url:?} for certificate {subject:?} is not ASCII, so it cannot go in the AIA"
    )]
    InvalidOcspUrl {
        /// The certificate's common name.
        subject: String,
        /// The URL given.
        url: String,
    },
    /// An extension value could not be DER-encoded.
    #[error("cannot DER-encode the {extension} extension of certificate {subject:?}: {source}")]
    Encode {
        /// The certificate's common name.
        subject: String,
        /// The extension's name.
        extension: &'static str,
        /// What the encoder said.
        source: der::Error,
    },
    /// The freshly signed certificate did not parse back (a bug in the generator or in rcgen).
    #[error("certificate {subject:?} was issued but does not parse back: {reason}")]
    Parse {
        /// The certificate's common name.
        subject: String,
        /// What the parser said.
        reason: String,
    },
    /// Only a [`Profile::Ca`] specification can become an [`Authority`].
    #[error("certificate {subject:?} does not have the CA profile, so it cannot be an authority")]
    NotACa {
        /// The certificate's common name.
        subject: String,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
}

/// Writes `contents` to `path`, naming the path in the error.
fn write_file(path: &std::path::Path, contents: &[u8]) -> Result<(), PkiError> {
    std::fs::write(path, contents).map_err(|source| PkiError::Write {
        path: path.to_owned(),
        source,
    })
}
