//! TLS wire formats for certificate status: ClientHello `status_request` / `status_request_v2`,
//! the JDK's selection rules, the CertificateStatus message and TLS 1.3 CertificateEntry data.
//!
//! Parsers are strict and bounded: they never panic, and every malformed input is an
//! [`ExtensionError`] naming the structure, the byte offset and what was wrong. Encoders refuse
//! lengths their prefixes cannot hold ([`EncodeError`]) instead of truncating.

mod certificate_status;
mod error;
mod ocsp_status_request;
mod protocol;
mod reader;
mod selection;
mod status_request;
mod status_request_v2;
mod writer;

#[cfg(test)]
mod proptests;

pub use certificate_status::{
    certificate_entry_status_request, certificate_status_ocsp, certificate_status_ocsp_multi,
    parse_certificate_entry_status_request, parse_certificate_status, CertificateStatus,
};
pub use error::{EncodeError, ExtensionError, Structure};
pub use ocsp_status_request::OcspStatusRequest;
pub use protocol::{ExtensionType, TlsVersion, STATUS_TYPE_OCSP, STATUS_TYPE_OCSP_MULTI};
pub use selection::{select, ClientStatusRequest, Selection, SelectionPolicy};
pub use status_request::{encode_status_request, parse_status_request, CertificateStatusRequest};
pub use status_request_v2::{
    encode_status_request_v2, parse_status_request_v2, StatusRequestItemV2,
};
pub use writer::MAX_U24;
