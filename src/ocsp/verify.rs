//! Verification of an OCSP response before it may be cached or stapled (RFC 6960 section 3.2).
//!
//! Checks, in order: size, DER structure, responseStatus, response type, who signed it (the issuer,
//! or a delegated responder certificate carried in the response, issued by the issuer, holding
//! id-kp-OCSPSigning, without an unknown critical extension and valid now), the signature, no
//! unknown critical extension in the response, a SingleResponse for the certificate's CertID, the
//! times (without nextUpdate: thisUpdate's age), and the nonce when one was sent.
//!
//! Two rules follow the JDK client, so that what is stapled is what a JDK client accepts. In
//! openjdk/jdk, `src/java.base/share/classes/sun/security/provider/certpath/OCSPResponse.java`
//! (read at commit 080b3b83ebffe5149fbc9ac48e921fb51e9c3c63):
//!
//! - A response without nextUpdate is accepted only while its thisUpdate is at most
//!   [`MAX_AGE_WITHOUT_NEXT_UPDATE`] old. `OCSPResponse.verify` throws "Response is unreliable:
//!   its validity interval is out-of-date" when `nowMinusSkew.after(sr.nextUpdate != null ?
//!   sr.nextUpdate : sr.thisUpdate)`, the skew being `com.sun.security.ocsp.clockSkew` in seconds
//!   (`DEFAULT_MAX_CLOCK_SKEW = 900000` ms when unset or negative). Without such a bound an
//!   attacker on the path of plain-HTTP OCSP could replay a GOOD from before a revocation for ever.
//! - An unknown critical extension is refused. `OCSPResponse.parseExtensions` ("We don't support
//!   any extensions yet") throws "Unsupported OCSP critical extension" for every critical
//!   responseExtension, and `SingleResponse` does the same for singleExtensions. staplekit knows
//!   the nonce (older JDKs, e.g. 8, accepted a critical one; the current one refuses even that,
//!   and responders send it non-critical). The JDK does not look at the delegated responder
//!   certificate's critical extensions; RFC 5280 section 4.2 forbids relying on a certificate
//!   with one the relying party does not understand, so staplekit refuses those it would not
//!   process.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use der::asn1::{AnyRef, BitStringRef};
use der::oid::db::rfc6960::{ID_PKIX_OCSP_BASIC, ID_PKIX_OCSP_NONCE};
use der::{Decode, Encode, Sequence};
use ring::digest::{digest, SHA1_FOR_LEGACY_USE_ONLY};
use spki::AlgorithmIdentifierRef;
use x509_cert::ext::Extension;
use x509_ocsp::{CertStatus, OcspResponse, OcspResponseStatus, ResponderId, ResponseData};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::response::{RevocationInfo, Signer, Status, VerifiedResponse};
use super::signature::{verify_signature, PublicKey, SignatureError};
use super::CertIdentity;

/// How old thisUpdate may be in a response without nextUpdate: 10 minutes, the JDK client's
/// default clock skew (`com.sun.security.ocsp.clockSkew`, 900 s, within which it accepts such a
/// response) less 5 minutes for a client whose clock runs ahead of the server's. A held or cached
/// response without nextUpdate is stapled only until thisUpdate plus this.
pub const MAX_AGE_WITHOUT_NEXT_UPDATE: Duration = Duration::from_secs(600);

/// Critical extensions of a delegated responder certificate that path validation understands
/// (RFC 5280 section 4.2.1, RFC 6960 section 4.2.2.2.1), by OID. Any other critical extension
/// makes the certificate unusable (RFC 5280 section 4.2): the issuer meant a constraint staplekit
/// cannot check.
const KNOWN_CERTIFICATE_EXTENSIONS: [&str; 12] = [
    "2.5.29.14",            // subjectKeyIdentifier
    "2.5.29.15",            // keyUsage
    "2.5.29.17",            // subjectAltName
    "2.5.29.19",            // basicConstraints
    "2.5.29.30",            // nameConstraints
    "2.5.29.32",            // certificatePolicies
    "2.5.29.33",            // policyMappings
    "2.5.29.35",            // authorityKeyIdentifier
    "2.5.29.36",            // policyConstraints
    "2.5.29.37",            // extKeyUsage
    "2.5.29.54",            // inhibitAnyPolicy
    "1.3.6.1.5.5.7.48.1.5", // id-pkix-ocsp-nocheck
];

/// Where an extension sits, for [`Rejection::UnknownCriticalExtension`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtensionPlace {
    /// The ResponseData's responseExtensions (where the nonce is, the one known there).
    Response,
    /// A SingleResponse's singleExtensions (none is known).
    SingleResponse,
    /// The delegated responder certificate carried in the response.
    ResponderCertificate,
}

impl ExtensionPlace {
    /// `responseExtensions`, `singleExtensions` or `responder certificate`.
    pub fn name(self) -> &'static str {
        match self {
            ExtensionPlace::Response => "responseExtensions",
            ExtensionPlace::SingleResponse => "singleExtensions",
            ExtensionPlace::ResponderCertificate => "responder certificate",
        }
    }
}

/// Why a response was not accepted. Every variant means: not cached, not stapled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// The body is larger than `staplekit.stapling.maxResponseBytes`.
    #[error("the response has {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// Bytes received (at least).
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The bytes are not a DER OCSPResponse.
    #[error("the response is not a valid DER OCSPResponse: {0}")]
    Malformed(String),
    /// The responder answered with a status other than `successful` (e.g. tryLater).
    #[error("the responder answered {0}")]
    NotSuccessful(String),
    /// responseBytes of a type other than id-pkix-ocsp-basic.
    #[error("unsupported response type {0}")]
    UnsupportedResponseType(String),
    /// The responderID names neither the issuer nor a certificate carried in the response.
    #[error("the response is signed by {0}, which is neither the issuer nor a certificate in the response")]
    UnknownSigner(String),
    /// The signature does not verify, or uses an algorithm staplekit does not accept.
    #[error("bad signature: {0}")]
    Signature(SignatureError),
    /// The delegated responder certificate was not issued (signed) by the certificate's issuer.
    #[error("the responder certificate {0} was not issued by the certificate's issuer")]
    DelegateNotIssuedByIssuer(String),
    /// The delegated responder certificate lacks the id-kp-OCSPSigning extended key usage.
    #[error("the responder certificate {0} lacks the id-kp-OCSPSigning extended key usage")]
    DelegateNotAuthorized(String),
    /// The delegated responder certificate is not valid at this time.
    #[error("the responder certificate {0} is not valid now")]
    DelegateNotValidNow(String),
    /// No SingleResponse names the certificate's CertID (another serial, another issuer).
    #[error("the response does not cover this certificate (no SingleResponse with its CertID)")]
    NoMatchingResponse,
    /// thisUpdate is later than now plus the allowed clock skew.
    #[error("thisUpdate {} is in the future", crate::ocsp::response::rfc3339(*.0))]
    NotYetValid(SystemTime),
    /// nextUpdate has passed.
    #[error("nextUpdate {} has passed", crate::ocsp::response::rfc3339(*.0))]
    Expired(SystemTime),
    /// The response carries a nonce other than the one that was sent.
    #[error("the response's nonce does not match the request's")]
    NonceMismatch,
    /// No nextUpdate, and thisUpdate is older than [`MAX_AGE_WITHOUT_NEXT_UPDATE`]: possibly a
    /// replay of an answer from before a revocation, and a JDK client would refuse it.
    #[error(
        "the response has no nextUpdate and its thisUpdate {} is more than {} s old",
        crate::ocsp::response::rfc3339(*.0),
        MAX_AGE_WITHOUT_NEXT_UPDATE.as_secs()
    )]
    Stale(SystemTime),
    /// A critical extension staplekit (and the JDK client) does not understand.
    #[error("unknown critical extension {oid} in the {}", .place.name())]
    UnknownCriticalExtension {
        /// Where it is.
        place: ExtensionPlace,
        /// Its OID, dotted.
        oid: String,
    },
}

impl Rejection {
    /// Whether this means "no usable answer" (the responder could not or would not answer) rather
    /// than "an answer that failed verification".
    pub fn is_unavailable(&self) -> bool {
        self.kind().is_unavailable()
    }

    /// The kind of rejection, for counting rejections without their details.
    pub fn kind(&self) -> RejectionKind {
        match self {
            Rejection::TooLarge { .. } => RejectionKind::TooLarge,
            Rejection::Malformed(_) => RejectionKind::Malformed,
            Rejection::NotSuccessful(_) => RejectionKind::NotSuccessful,
            Rejection::UnsupportedResponseType(_) => RejectionKind::UnsupportedType,
            Rejection::UnknownSigner(_) => RejectionKind::UnknownSigner,
            Rejection::Signature(_) => RejectionKind::BadSignature,
            Rejection::DelegateNotIssuedByIssuer(_) => RejectionKind::DelegateNotIssuedByIssuer,
            Rejection::DelegateNotAuthorized(_) => RejectionKind::DelegateNotAuthorized,
            Rejection::DelegateNotValidNow(_) => RejectionKind::DelegateNotValidNow,
            Rejection::NoMatchingResponse => RejectionKind::WrongCertificate,
            Rejection::NotYetValid(_) => RejectionKind::NotYetValid,
            Rejection::Expired(_) => RejectionKind::Expired,
            Rejection::NonceMismatch => RejectionKind::NonceMismatch,
            Rejection::Stale(_) => RejectionKind::Stale,
            Rejection::UnknownCriticalExtension { .. } => RejectionKind::UnknownCriticalExtension,
        }
    }
}

/// The kinds of [`Rejection`], without their details: what statistics count.
///
/// Declared in the alphabetical order of their names, so that sorted statistics read in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RejectionKind {
    /// [`Rejection::Signature`].
    BadSignature,
    /// [`Rejection::DelegateNotAuthorized`].
    DelegateNotAuthorized,
    /// [`Rejection::DelegateNotIssuedByIssuer`].
    DelegateNotIssuedByIssuer,
    /// [`Rejection::DelegateNotValidNow`].
    DelegateNotValidNow,
    /// [`Rejection::Expired`].
    Expired,
    /// [`Rejection::Malformed`].
    Malformed,
    /// [`Rejection::NonceMismatch`].
    NonceMismatch,
    /// [`Rejection::NotSuccessful`]: the responder said tryLater or similar.
    NotSuccessful,
    /// [`Rejection::NotYetValid`].
    NotYetValid,
    /// [`Rejection::Stale`].
    Stale,
    /// [`Rejection::TooLarge`].
    TooLarge,
    /// [`Rejection::UnknownCriticalExtension`].
    UnknownCriticalExtension,
    /// [`Rejection::UnknownSigner`].
    UnknownSigner,
    /// [`Rejection::UnsupportedResponseType`].
    UnsupportedType,
    /// [`Rejection::NoMatchingResponse`].
    WrongCertificate,
}

impl RejectionKind {
    /// Every kind, in declaration order.
    pub const ALL: [RejectionKind; 15] = [
        RejectionKind::BadSignature,
        RejectionKind::DelegateNotAuthorized,
        RejectionKind::DelegateNotIssuedByIssuer,
        RejectionKind::DelegateNotValidNow,
        RejectionKind::Expired,
        RejectionKind::Malformed,
        RejectionKind::NonceMismatch,
        RejectionKind::NotSuccessful,
        RejectionKind::NotYetValid,
        RejectionKind::Stale,
        RejectionKind::TooLarge,
        RejectionKind::UnknownCriticalExtension,
        RejectionKind::UnknownSigner,
        RejectionKind::UnsupportedType,
        RejectionKind::WrongCertificate,
    ];

    /// A short stable name, e.g. `bad-signature`, `wrong-certificate`, `not-successful`.
    pub fn name(self) -> &'static str {
        match self {
            RejectionKind::BadSignature => "bad-signature",
            RejectionKind::DelegateNotAuthorized => "delegate-not-authorized",
            RejectionKind::DelegateNotIssuedByIssuer => "delegate-not-issued-by-issuer",
            RejectionKind::DelegateNotValidNow => "delegate-not-valid-now",
            RejectionKind::Expired => "expired",
            RejectionKind::Malformed => "malformed",
            RejectionKind::NonceMismatch => "nonce-mismatch",
            RejectionKind::NotSuccessful => "not-successful",
            RejectionKind::NotYetValid => "not-yet-valid",
            RejectionKind::Stale => "stale",
            RejectionKind::TooLarge => "too-large",
            RejectionKind::UnknownCriticalExtension => "unknown-critical-extension",
            RejectionKind::UnknownSigner => "unknown-signer",
            RejectionKind::UnsupportedType => "unsupported-type",
            RejectionKind::WrongCertificate => "wrong-certificate",
        }
    }

    /// True for "the responder could not answer now" (tryLater and the like), false for "an
    /// answer came and failed verification".
    pub fn is_unavailable(self) -> bool {
        self == RejectionKind::NotSuccessful
    }
}

/// The certificate whose status is asked, and what the answer is checked against.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    /// The certificate's CertID.
    pub id: &'a CertIdentity,
    /// The issuer certificate (DER), whose key must sign or delegate.
    pub issuer_der: &'a [u8],
    /// The nonce extension value sent with the request, if any.
    pub nonce: Option<&'a [u8]>,
}

/// Limits for the check.
#[derive(Debug, Clone, Copy)]
pub struct VerifyPolicy {
    /// The time to check against.
    pub now: SystemTime,
    /// Allowed clock difference for thisUpdate and the delegate's validity.
    pub clock_skew: Duration,
    /// Largest response accepted.
    pub max_response_bytes: usize,
}

/// The parts of a BasicOCSPResponse kept raw, so that the signature is checked over the exact bytes
/// received.
#[derive(Sequence)]
struct SignedParts<'a> {
    tbs_response_data: AnyRef<'a>,
    signature_algorithm: AlgorithmIdentifierRef<'a>,
    signature: BitStringRef<'a>,
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    certs: Option<Vec<AnyRef<'a>>>,
}

/// Verifies `der` as the answer for `expected`, returning what may be cached and stapled.
pub fn verify_response(
    der: &[u8],
    expected: &Expected<'_>,
    policy: &VerifyPolicy,
) -> Result<VerifiedResponse, Rejection> {
    let response = read_basic_response(der, policy.max_response_bytes)?;
    let parts = response.parts()?;
    let tbs = parts.tbs_response_data.to_der().map_err(malformed)?;
    let data = ResponseData::from_der(&tbs).map_err(malformed)?;

    let (issuer_cert, issuer_key) = parse_issuer(expected.issuer_der)?;
    let signer = find_signer(
        &data.responder_id,
        &parts,
        &issuer_cert,
        &issuer_key,
        policy,
    )?;
    let signature = parts
        .signature
        .as_bytes()
        .ok_or_else(|| Rejection::Malformed("signature BIT STRING has unused bits".into()))?;
    let signer_key = match &signer {
        (_, Some(key)) => key,
        (_, None) => &issuer_key,
    };
    verify_signature(&parts.signature_algorithm.oid, signer_key, &tbs, signature)
        .map_err(Rejection::Signature)?;
    check_ocsp_extensions(&data)?;

    let single = data
        .responses
        .iter()
        .find(|r| expected.id.matches(&r.cert_id))
        .ok_or(Rejection::NoMatchingResponse)?;
    let this_update = single.this_update.0.to_system_time();
    if this_update > policy.now + policy.clock_skew {
        return Err(Rejection::NotYetValid(this_update));
    }
    let next_update = single.next_update.map(|t| t.0.to_system_time());
    if let Some(next) = next_update {
        if next <= policy.now {
            return Err(Rejection::Expired(next));
        }
    } else if policy.now > this_update + MAX_AGE_WITHOUT_NEXT_UPDATE {
        // No clock skew added: the bound is already below the JDK client's own tolerance.
        return Err(Rejection::Stale(this_update));
    }
    if let (Some(sent), Some(got)) = (expected.nonce, response_nonce(&data)) {
        if sent != got {
            return Err(Rejection::NonceMismatch);
        }
    }
    let status = match single.cert_status {
        CertStatus::Good(_) => Status::Good,
        CertStatus::Revoked(info) => Status::Revoked(RevocationInfo {
            time: info.revocation_time.0.to_system_time(),
            reason: info.revocation_reason.map(|r| r as u8),
        }),
        CertStatus::Unknown(_) => Status::Unknown,
    };
    Ok(VerifiedResponse {
        der: Arc::from(der),
        status,
        this_update,
        next_update,
        produced_at: data.produced_at.0.to_system_time(),
        signer: signer.0,
    })
}

/// Whether `der` (a successful basic OCSP response, not verified) has a SingleResponse for `id`:
/// to tell which certificate an operator-provided response file is about before verifying it.
pub(crate) fn covers(
    der: &[u8],
    id: &CertIdentity,
    max_response_bytes: usize,
) -> Result<bool, Rejection> {
    let data = read_basic_response(der, max_response_bytes)?.data()?;
    Ok(data.responses.iter().any(|r| id.matches(&r.cert_id)))
}

/// The outer layers of a response, checked: size, DER, responseStatus, response type.
struct BasicResponse {
    /// The BasicOCSPResponse DER.
    basic: Vec<u8>,
}

fn malformed(e: der::Error) -> Rejection {
    Rejection::Malformed(e.to_string())
}

fn read_basic_response(der: &[u8], max_response_bytes: usize) -> Result<BasicResponse, Rejection> {
    if der.len() > max_response_bytes {
        return Err(Rejection::TooLarge {
            size: der.len(),
            limit: max_response_bytes,
        });
    }
    let response = OcspResponse::from_der(der).map_err(malformed)?;
    if response.response_status != OcspResponseStatus::Successful {
        return Err(Rejection::NotSuccessful(status_name(
            response.response_status,
        )));
    }
    let bytes = response
        .response_bytes
        .ok_or_else(|| Rejection::Malformed("successful response without responseBytes".into()))?;
    if bytes.response_type != ID_PKIX_OCSP_BASIC {
        return Err(Rejection::UnsupportedResponseType(
            bytes.response_type.to_string(),
        ));
    }
    Ok(BasicResponse {
        basic: bytes.response.as_bytes().to_vec(),
    })
}

impl BasicResponse {
    fn parts(&self) -> Result<SignedParts<'_>, Rejection> {
        SignedParts::from_der(&self.basic).map_err(malformed)
    }

    fn data(&self) -> Result<ResponseData, Rejection> {
        let tbs = self
            .parts()?
            .tbs_response_data
            .to_der()
            .map_err(malformed)?;
        ResponseData::from_der(&tbs).map_err(malformed)
    }
}

fn parse_issuer(issuer_der: &[u8]) -> Result<(X509Certificate<'_>, PublicKey), Rejection> {
    let (_, issuer) = X509Certificate::from_der(issuer_der)
        .map_err(|e| Rejection::Malformed(format!("issuer certificate: {e}")))?;
    let key = PublicKey::from_spki(issuer.public_key()).map_err(Rejection::Signature)?;
    Ok((issuer, key))
}

/// Finds who signed: the issuer itself (`None` key: use the issuer's), or a delegated responder
/// certificate from the response that passes the delegation checks.
fn find_signer(
    responder: &ResponderId,
    parts: &SignedParts<'_>,
    issuer: &X509Certificate<'_>,
    issuer_key: &PublicKey,
    policy: &VerifyPolicy,
) -> Result<(Signer, Option<PublicKey>), Rejection> {
    if responder_matches(responder, issuer.subject().as_raw(), &issuer_key.key) {
        return Ok((Signer::Issuer, None));
    }
    for raw in parts.certs.iter().flatten() {
        let Ok(cert_der) = raw.to_der() else { continue };
        let Ok((_, cert)) = X509Certificate::from_der(&cert_der) else {
            continue;
        };
        let Ok(key) = PublicKey::from_spki(cert.public_key()) else {
            continue;
        };
        if !responder_matches(responder, cert.subject().as_raw(), &key.key) {
            continue;
        }
        let subject = cert.subject().to_string();
        if key == *issuer_key {
            // The responder sent a copy of the issuer's own certificate.
            return Ok((Signer::Issuer, None));
        }
        check_delegate(&cert, &subject, issuer, issuer_key, policy)?;
        return Ok((Signer::Delegated(subject), Some(key)));
    }
    Err(Rejection::UnknownSigner(describe_responder(responder)))
}

fn check_delegate(
    cert: &X509Certificate<'_>,
    subject: &str,
    issuer: &X509Certificate<'_>,
    issuer_key: &PublicKey,
    policy: &VerifyPolicy,
) -> Result<(), Rejection> {
    let not_issued = || Rejection::DelegateNotIssuedByIssuer(subject.to_owned());
    if cert.issuer().as_raw() != issuer.subject().as_raw() {
        return Err(not_issued());
    }
    let alg = super::signature::oid_from_parser(&cert.signature_algorithm.algorithm)
        .ok_or_else(not_issued)?;
    verify_signature(
        &alg,
        issuer_key,
        cert.tbs_certificate.as_ref(),
        &cert.signature_value.data,
    )
    .map_err(|_| not_issued())?;
    let authorized = matches!(cert.extended_key_usage(), Ok(Some(eku)) if eku.value.ocsp_signing);
    if !authorized {
        return Err(Rejection::DelegateNotAuthorized(subject.to_owned()));
    }
    check_certificate_extensions(cert)?;
    let validity = cert.validity();
    let not_before =
        SystemTime::UNIX_EPOCH + Duration::from_secs(validity.not_before.timestamp().max(0) as u64);
    let not_after =
        SystemTime::UNIX_EPOCH + Duration::from_secs(validity.not_after.timestamp().max(0) as u64);
    if policy.now + policy.clock_skew < not_before || policy.now > not_after + policy.clock_skew {
        return Err(Rejection::DelegateNotValidNow(subject.to_owned()));
    }
    Ok(())
}

/// Refuses a critical responseExtension other than the nonce, and any critical singleExtension
/// (of every SingleResponse: the client reads them all, and the JDK refuses the whole response).
fn check_ocsp_extensions(data: &ResponseData) -> Result<(), Rejection> {
    let unknown = |place, e: &Extension| Rejection::UnknownCriticalExtension {
        place,
        oid: e.extn_id.to_string(),
    };
    let mut response = data.response_extensions.iter().flatten();
    if let Some(e) = response.find(|e| e.critical && e.extn_id != ID_PKIX_OCSP_NONCE) {
        return Err(unknown(ExtensionPlace::Response, e));
    }
    let mut single = data
        .responses
        .iter()
        .flat_map(|r| r.single_extensions.iter().flatten());
    if let Some(e) = single.find(|e| e.critical) {
        return Err(unknown(ExtensionPlace::SingleResponse, e));
    }
    Ok(())
}

/// Refuses a delegated responder certificate with a critical extension path validation would not
/// understand (see [`KNOWN_CERTIFICATE_EXTENSIONS`]).
fn check_certificate_extensions(cert: &X509Certificate<'_>) -> Result<(), Rejection> {
    match cert.extensions().iter().find(|e| {
        e.critical && !KNOWN_CERTIFICATE_EXTENSIONS.contains(&e.oid.to_id_string().as_str())
    }) {
        Some(e) => Err(Rejection::UnknownCriticalExtension {
            place: ExtensionPlace::ResponderCertificate,
            oid: e.oid.to_id_string(),
        }),
        None => Ok(()),
    }
}

fn responder_matches(responder: &ResponderId, subject_der: &[u8], key_bits: &[u8]) -> bool {
    match responder {
        ResponderId::ByName(name) => name.to_der().is_ok_and(|n| n == subject_der),
        ResponderId::ByKey(hash) => {
            digest(&SHA1_FOR_LEGACY_USE_ONLY, key_bits).as_ref() == hash.as_bytes()
        }
    }
}

fn describe_responder(responder: &ResponderId) -> String {
    match responder {
        ResponderId::ByName(name) => name.to_string(),
        ResponderId::ByKey(hash) => {
            let hex: String = hash.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
            format!("key hash {hex}")
        }
    }
}

fn response_nonce(data: &ResponseData) -> Option<&[u8]> {
    data.response_extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == ID_PKIX_OCSP_NONCE)
        .map(|e| e.extn_value.as_bytes())
}

fn status_name(status: OcspResponseStatus) -> String {
    match status {
        OcspResponseStatus::Successful => "successful",
        OcspResponseStatus::MalformedRequest => "malformedRequest",
        OcspResponseStatus::InternalError => "internalError",
        OcspResponseStatus::TryLater => "tryLater",
        OcspResponseStatus::SigRequired => "sigRequired",
        OcspResponseStatus::Unauthorized => "unauthorized",
    }
    .to_owned()
}
