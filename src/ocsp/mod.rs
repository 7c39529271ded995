//! OCSP (RFC 6960): CertIDs, requests, and verification of responses.

pub mod cert_id;
pub mod request;
pub mod response;
pub mod signature;
pub mod verify;

pub use cert_id::{CertIdError, CertIdentity};
pub use response::{RevocationInfo, Signer, Status, VerifiedResponse};
pub use verify::{covers, verify_response, Expected, Rejection, VerifyPolicy};
