//! What tests can observe about the requests the responder received.

/// The HTTP method of an OCSP request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpMethod {
    /// `GET /<url-encoded base64 of the DER request>` (RFC 6960 appendix A.1).
    Get,
    /// `POST` with an `application/ocsp-request` body.
    Post,
}

/// Request counts per HTTP method.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MethodCounts {
    /// GET requests.
    pub get: u64,
    /// POST requests.
    pub post: u64,
}

/// Counters since the responder started or since [`super::OcspResponder::reset_stats`].
///
/// A request counts once it has been read in full as HTTP (GET, or POST with its body), whatever
/// its OCSP content; it is in flight from then until its answer is written or abandoned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests received.
    pub requests: u64,
    /// Requests being answered now (including those held, delayed or hanging).
    pub in_flight: usize,
    /// The most requests that were in flight at the same time.
    pub max_in_flight: usize,
    /// Requests received, by method.
    pub by_method: MethodCounts,
}

/// One request as the responder saw it, for tests that check what a client sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenRequest {
    /// How it came.
    pub method: HttpMethod,
    /// The DER OCSPRequest: the POST body, or the decoded GET path (`None` if it did not decode).
    pub der: Option<Vec<u8>>,
    /// Serial numbers of the requested CertIDs (DER INTEGER contents), empty if `der` is not OCSP.
    pub serials: Vec<Vec<u8>>,
    /// extnValue of the request's nonce extension (id-pkix-ocsp-nonce), as sent.
    pub nonce: Option<Vec<u8>>,
}
