//! OCSP (RFC 6960): CertIDs, requests, and verification of responses.

pub mod cert_id;

pub use cert_id::{CertIdError, CertIdentity};
