//! Errors of the certificate-status wire codecs.

use std::fmt;

/// The wire structure an error is about, named as in the RFCs so a log line points at the right
/// place in a packet capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Structure {
    /// ClientHello `status_request` extension data (RFC 6066 section 8).
    StatusRequest,
    /// ClientHello `status_request_v2` extension data (RFC 6961).
    StatusRequestV2,
    /// Body of the TLS <= 1.2 CertificateStatus handshake message.
    CertificateStatus,
    /// `status_request` extension data of a TLS 1.3 CertificateEntry (RFC 8446 section 4.4.2.1).
    CertificateEntryStatus,
}

impl fmt::Display for Structure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Structure::StatusRequest => "status_request",
            Structure::StatusRequestV2 => "status_request_v2",
            Structure::CertificateStatus => "CertificateStatus",
            Structure::CertificateEntryStatus => "CertificateEntry status_request",
        })
    }
}

/// A malformed status extension or CertificateStatus body. The TLS layer answers any of these with
/// a `decode_error` alert. Offsets count from the first byte of the extension data (or message
/// body) that was handed to the parser.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExtensionError {
    /// A fixed-size field runs past the end of its enclosing vector.
    #[error("{structure}: truncated at byte {offset}: {what} needs {needed} byte(s) but {available} remain")]
    Truncated {
        /// Structure being parsed.
        structure: Structure,
        /// Where the field starts.
        offset: usize,
        /// Field that did not fit.
        what: &'static str,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes left in the enclosing vector.
        available: usize,
    },
    /// A length prefix declares more bytes than its enclosing vector has left.
    #[error("{structure}: the length of {what} at byte {offset} declares {declared} byte(s) but only {available} remain")]
    LengthOverrun {
        /// Structure being parsed.
        structure: Structure,
        /// Where the length prefix starts.
        offset: usize,
        /// Vector whose length overruns.
        what: &'static str,
        /// Length the prefix declares.
        declared: usize,
        /// Bytes left in the enclosing vector after the prefix.
        available: usize,
    },
    /// Bytes are left over after a complete structure.
    #[error("{structure}: {count} unexpected trailing byte(s) at byte {offset} after {what}")]
    TrailingBytes {
        /// Structure being parsed.
        structure: Structure,
        /// Where the surplus starts.
        offset: usize,
        /// What was complete before the surplus.
        what: &'static str,
        /// Number of surplus bytes.
        count: usize,
    },
    /// A `status_request_v2` item's request is shorter than its `request_length`.
    #[error("{structure}: the item at byte {offset} declares request_length {declared} but its OCSPStatusRequest uses {used} byte(s)")]
    RequestLengthMismatch {
        /// Structure being parsed.
        structure: Structure,
        /// Where the item (its status_type) starts.
        offset: usize,
        /// The item's `request_length`.
        declared: usize,
        /// Bytes the OCSPStatusRequest actually took.
        used: usize,
    },
    /// A vector that must hold at least one element is empty.
    #[error("{structure}: {what} at byte {offset} is empty; at least one element is required")]
    EmptyList {
        /// Structure being parsed.
        structure: Structure,
        /// Where the vector's length prefix starts.
        offset: usize,
        /// The vector (`certificate_status_req_list`, `OCSPResponseList`).
        what: &'static str,
    },
    /// A ResponderID has length zero; RFC 6066 declares it `opaque ResponderID<1..2^16-1>`.
    #[error(
        "{structure}: zero-length ResponderID at byte {offset}; a ResponderID is opaque<1..2^16-1>"
    )]
    EmptyResponderId {
        /// Structure being parsed.
        structure: Structure,
        /// Where the ResponderID's length prefix starts.
        offset: usize,
    },
    /// An `ocsp` status carries a zero-length OCSPResponse (`opaque OCSPResponse<1..2^24-1>`).
    #[error("{structure}: zero-length OCSPResponse at byte {offset}; an ocsp status must carry a response")]
    EmptyResponse {
        /// Structure being parsed.
        structure: Structure,
        /// Where the response's length prefix starts.
        offset: usize,
    },
    /// A status response of a type this side never asks for.
    #[error("{structure}: unknown status_type {status_type} at byte {offset}; only ocsp(1) and ocsp_multi(2) are defined")]
    UnknownStatusType {
        /// Structure being parsed.
        structure: Structure,
        /// Where the status_type byte is.
        offset: usize,
        /// The byte found.
        status_type: u8,
    },
    /// `request_extensions` is not a DER `Extensions` (SEQUENCE OF Extension).
    #[error(
        "{structure}: request_extensions at byte {offset} are not DER-encoded Extensions: {source}"
    )]
    MalformedExtensions {
        /// Structure being parsed.
        structure: Structure,
        /// Where the extensions' DER starts.
        offset: usize,
        /// What the DER decoder reported.
        source: der::Error,
    },
}

/// A value the wire formats cannot carry. The encoders refuse rather than truncate a length.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A vector is longer than its length prefix can express.
    #[error("{structure}: {what} is {len} bytes, more than the {max} its length field can hold; refusing to truncate")]
    TooLong {
        /// Structure being encoded.
        structure: Structure,
        /// The vector that is too long.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The most its length field can express.
        max: usize,
    },
    /// A vector that must not be empty is empty (a ResponderID, a `status_request_v2` list, an
    /// `ocsp` response).
    #[error("{structure}: {what} is empty; the format requires at least one byte or element")]
    Empty {
        /// Structure being encoded.
        structure: Structure,
        /// The empty vector.
        what: &'static str,
    },
    /// The request extensions could not be DER-encoded.
    #[error("{structure}: request_extensions could not be DER-encoded: {source}")]
    Der {
        /// Structure being encoded.
        structure: Structure,
        /// What the DER encoder reported.
        source: der::Error,
    },
}
