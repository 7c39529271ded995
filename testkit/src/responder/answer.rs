//! What to answer to one request: the OCSP logic, with the configured fault applied.

use std::time::{Duration, SystemTime};

use der::asn1::{Null, OctetString};
use der::oid::db::rfc6960::ID_PKIX_OCSP_NONCE;
use der::{Decode, Encode};
use ring::rand::{SecureRandom, SystemRandom};
use x509_cert::ext::Extension;
use x509_cert::serial_number::SerialNumber;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspGeneralizedTime, OcspRequest, OcspResponse,
    OcspResponseStatus, ResponseData, RevokedInfo, SingleResponse, Version,
};

use super::authority::{crl_reason, serial_key, CertState};
use super::faults::Fault;
use super::registry::{ActiveFault, AuthorityEntry, Registry};
use crate::pki::{Criticality, UNKNOWN_EXTENSION_OID, UNKNOWN_EXTENSION_VALUE};

/// Length of the [`Fault::Garbage`] body.
const GARBAGE_LEN: usize = 64;
/// How far [`Fault::NextUpdateInPast`] and [`Fault::ThisUpdateInFuture`] move the times.
const HOUR: Duration = Duration::from_secs(3600);

/// How long to wait before answering.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Wait {
    /// Answer at once.
    None,
    /// Answer after this long, unless the responder shuts down first.
    Delay(Duration),
    /// Never answer; close at shutdown.
    Forever,
}

/// The HTTP answer.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Body {
    /// `200 OK`, `application/ocsp-response`, with these bytes.
    Ocsp(Vec<u8>),
    /// This status with a short `text/plain` body.
    Status(u16),
    /// `200 OK`, `application/ocsp-response`, with this many junk bytes (streamed, not allocated).
    Junk(usize),
}

/// The answer to one request, and what the request said (for [`super::SeenRequest`]).
pub(crate) struct Plan {
    pub(crate) wait: Wait,
    pub(crate) body: Body,
    /// Serial numbers of the CertIDs requested (DER INTEGER contents).
    pub(crate) serials: Vec<Vec<u8>>,
    /// extnValue of the request's nonce extension.
    pub(crate) nonce: Option<Vec<u8>>,
}

/// Decides the answer to `request` (DER, or `None` if the HTTP request carried nothing decodable).
pub(crate) fn answer(registry: &Registry, request: Option<&[u8]>, now: SystemTime) -> Plan {
    let parsed = request.and_then(|der| match OcspRequest::from_der(der) {
        Ok(r) => Some(r),
        Err(e) => {
            log::debug!("OCSP request of {} bytes is not valid DER: {e}", der.len());
            None
        }
    });
    let authority = parsed.as_ref().and_then(|r| first_authority(registry, r));
    let active = registry.fault_for(authority.map(|a| a.issuer));
    let (serials, nonce) = parsed.as_ref().map(summarize).unwrap_or_default();

    let mut wait = Wait::None;
    let body = match &active.fault {
        Fault::HttpStatus(code) => Body::Status(*code),
        Fault::Garbage => Body::Ocsp(garbage()),
        Fault::Oversized(len) => Body::Junk(*len),
        Fault::ResponseStatus(status) => Body::Ocsp(status_only(*status)),
        other => {
            wait = match other {
                Fault::Hang => Wait::Forever,
                Fault::Delay(d) => Wait::Delay(*d),
                _ => Wait::None,
            };
            let response = match (&parsed, authority) {
                (None, _) => status_only(OcspResponseStatus::MalformedRequest),
                (Some(r), _) if r.tbs_request.request_list.is_empty() => {
                    status_only(OcspResponseStatus::MalformedRequest)
                }
                // RFC 5019 section 2.2.3: a responder that does not serve the issuer says so.
                (Some(_), None) => status_only(OcspResponseStatus::Unauthorized),
                (Some(r), Some(a)) => signed(registry, a, active, r, now).unwrap_or_else(|e| {
                    log::error!("cannot build an OCSP response: {e}");
                    status_only(OcspResponseStatus::InternalError)
                }),
            };
            Body::Ocsp(response)
        }
    };
    Plan {
        wait,
        body,
        serials,
        nonce,
    }
}

/// The authority of the first requested certificate the responder knows: it signs the response.
fn first_authority<'r>(
    registry: &'r Registry,
    request: &OcspRequest,
) -> Option<&'r AuthorityEntry> {
    request
        .tbs_request
        .request_list
        .iter()
        .find_map(|r| registry.authority_for(&r.req_cert))
}

fn summarize(request: &OcspRequest) -> (Vec<Vec<u8>>, Option<Vec<u8>>) {
    let serials = request
        .tbs_request
        .request_list
        .iter()
        .map(|r| r.req_cert.serial_number.as_bytes().to_vec())
        .collect();
    let nonce = request
        .tbs_request
        .request_extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == ID_PKIX_OCSP_NONCE)
        .map(|e| e.extn_value.as_bytes().to_vec());
    (serials, nonce)
}

/// A signed, successful response for every CertID of `request`.
fn signed(
    registry: &Registry,
    authority: &AuthorityEntry,
    active: &ActiveFault,
    request: &OcspRequest,
    now: SystemTime,
) -> Result<Vec<u8>, String> {
    let signer = active.foreign_signer.as_ref().unwrap_or(&authority.signer);
    let (this_update, next_update) = times(registry, &active.fault, now)?;

    let mut responses = Vec::with_capacity(request.tbs_request.request_list.len());
    for r in &request.tbs_request.request_list {
        let id = &r.req_cert;
        let serial = id.serial_number.as_bytes();
        // Certificates of another issuer than the signing one cannot be vouched for here.
        let same_issuer = registry
            .authority_for(id)
            .is_some_and(|a| a.issuer == authority.issuer);
        let state = if same_issuer {
            registry.status(authority.issuer, serial)
        } else {
            CertState::Unknown
        };
        let cert_id = if active.fault == Fault::OtherSerial {
            other_serial(id)
        } else {
            id.clone()
        };
        responses.push(SingleResponse {
            cert_id,
            cert_status: cert_status(state)?,
            this_update,
            next_update,
            single_extensions: match active.fault {
                Fault::SingleExtension(criticality) => Some(vec![unknown_extension(criticality)?]),
                _ => None,
            },
        });
    }

    // The nonce goes back as the client sent it (RFC 8954 section 2.1).
    let mut extensions: Vec<_> = request
        .tbs_request
        .request_extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == ID_PKIX_OCSP_NONCE)
        .take(1)
        .cloned()
        .collect();
    if let Fault::ResponseExtension(criticality) = active.fault {
        extensions.push(unknown_extension(criticality)?);
    }
    let data = ResponseData {
        version: Version::V1,
        responder_id: signer.responder_id(registry.responder_id),
        produced_at: generalized(now)?,
        responses,
        response_extensions: (!extensions.is_empty()).then_some(extensions),
    };
    let tbs = data
        .to_der()
        .map_err(|e| format!("ResponseData does not encode: {e}"))?;
    let mut signature = signer.sign(&tbs)?;
    if active.fault == Fault::BadSignature {
        let mut bytes = signature.raw_bytes().to_vec();
        if let Some(last) = bytes.last_mut() {
            *last ^= 1;
        }
        signature = der::asn1::BitString::from_bytes(&bytes)
            .map_err(|e| format!("flipped signature does not fit a BIT STRING: {e}"))?;
    }
    let basic = BasicOcspResponse {
        tbs_response_data: data,
        signature_algorithm: signer.algorithm(),
        signature,
        certs: authority
            .include_signer_cert
            .then(|| vec![signer.certificate().clone()]),
    };
    OcspResponse::successful(basic)
        .and_then(|r| r.to_der())
        .map_err(|e| format!("OCSPResponse does not encode: {e}"))
}

/// The extension no client knows, as [`Fault::ResponseExtension`] and [`Fault::SingleExtension`]
/// add it.
fn unknown_extension(criticality: Criticality) -> Result<Extension, String> {
    Ok(Extension {
        extn_id: UNKNOWN_EXTENSION_OID,
        critical: criticality.is_critical(),
        extn_value: OctetString::new(UNKNOWN_EXTENSION_VALUE.to_vec())
            .map_err(|e| format!("extension value does not fit an OCTET STRING: {e}"))?,
    })
}

/// thisUpdate and nextUpdate, as configured and as the fault bends them.
fn times(
    registry: &Registry,
    fault: &Fault,
    now: SystemTime,
) -> Result<(OcspGeneralizedTime, Option<OcspGeneralizedTime>), String> {
    let (this, next) = match fault {
        Fault::NextUpdateInPast => (sub(now, 2 * HOUR), Some(sub(now, HOUR))),
        Fault::ThisUpdateInFuture => {
            let this = now + HOUR;
            (this, registry.validity.map(|v| this + v))
        }
        Fault::NoNextUpdate => (sub(now, registry.this_update_age), None),
        _ => (
            sub(now, registry.this_update_age),
            registry.validity.map(|v| now + v),
        ),
    };
    Ok((generalized(this)?, next.map(generalized).transpose()?))
}

fn sub(time: SystemTime, by: Duration) -> SystemTime {
    time.checked_sub(by).unwrap_or(SystemTime::UNIX_EPOCH)
}

fn generalized(time: SystemTime) -> Result<OcspGeneralizedTime, String> {
    OcspGeneralizedTime::try_from(time)
        .map_err(|e| format!("time {time:?} is not a GeneralizedTime: {e}"))
}

fn cert_status(state: CertState) -> Result<CertStatus, String> {
    Ok(match state {
        CertState::Good => CertStatus::Good(Null),
        CertState::Unknown => CertStatus::Unknown(Null),
        CertState::Revoked { at, reason } => CertStatus::Revoked(RevokedInfo {
            revocation_time: generalized(at)?,
            revocation_reason: reason.and_then(crl_reason),
        }),
    })
}

/// The CertID with the serial's last bit flipped: a certificate nobody asked about.
fn other_serial(id: &CertId) -> CertId {
    let mut serial = serial_key(id.serial_number.as_bytes());
    match serial.last_mut() {
        Some(last) => *last ^= 1,
        None => serial.push(1),
    }
    let mut other = id.clone();
    match SerialNumber::new(&serial) {
        Ok(s) => other.serial_number = s,
        Err(e) => log::warn!("cannot flip serial {serial:02X?}: {e}; answering for it unchanged"),
    }
    other
}

/// An OCSPResponse with only a status (no responseBytes).
fn status_only(status: OcspResponseStatus) -> Vec<u8> {
    let response = OcspResponse {
        response_status: status,
        response_bytes: None,
    };
    // An ENUMERATED in a SEQUENCE always encodes; the fallback is the same bytes by hand.
    response
        .to_der()
        .unwrap_or_else(|_| vec![0x30, 0x03, 0x0a, 0x01, status as u8])
}

/// Random bytes that no DER parser takes for an OCSPResponse (which starts with SEQUENCE, 0x30).
fn garbage() -> Vec<u8> {
    let mut bytes = vec![0u8; GARBAGE_LEN];
    if SystemRandom::new().fill(&mut bytes).is_err() {
        bytes.iter_mut().enumerate().for_each(|(i, b)| *b = i as u8);
    }
    bytes[0] = 0xff;
    bytes
}
