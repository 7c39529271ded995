//! OCSP (RFC 6960): CertIDs, requests, and verification of responses.

pub(crate) mod cert_id;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod signature;
pub(crate) mod verify;

pub use cert_id::{CertIdError, CertIdentity};
pub use response::{RevocationInfo, Signer, Status, VerifiedResponse};
pub(crate) use verify::covers;
pub use verify::{
    verify_response, Expected, ExtensionPlace, Rejection, RejectionKind, VerifyPolicy,
    MAX_AGE_WITHOUT_NEXT_UPDATE,
};
