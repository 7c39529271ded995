//! A verified OCSP response and what it says.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The certificate status a verified response asserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not revoked.
    Good,
    /// Revoked, with when and why.
    Revoked(RevocationInfo),
    /// The responder does not know the certificate. Never stapled.
    Unknown,
}

/// When and why a certificate was revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevocationInfo {
    /// revocationTime.
    pub time: SystemTime,
    /// The CRLReason code, when the responder gave one.
    pub reason: Option<u8>,
}

/// Who signed a verified response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signer {
    /// The certificate's issuer.
    Issuer,
    /// A delegated responder certificate, by subject.
    Delegated(String),
}

/// An OCSP response that passed every check in [`super::verify_response`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedResponse {
    /// The DER OCSPResponse exactly as received: what gets stapled.
    pub der: Arc<[u8]>,
    /// What it says about the certificate.
    pub status: Status,
    /// thisUpdate of the certificate's SingleResponse.
    pub this_update: SystemTime,
    /// nextUpdate of the certificate's SingleResponse, if given.
    pub next_update: Option<SystemTime>,
    /// producedAt.
    pub produced_at: SystemTime,
    /// Who signed it.
    pub signer: Signer,
}

impl VerifiedResponse {
    /// Whether the response may be stapled: GOOD or REVOKED (UNKNOWN helps no client).
    pub fn is_stapleable(&self) -> bool {
        !matches!(self.status, Status::Unknown)
    }
}

impl Status {
    /// `good`, `revoked` or `unknown`.
    pub fn name(&self) -> &'static str {
        match self {
            Status::Good => "good",
            Status::Revoked(_) => "revoked",
            Status::Unknown => "unknown",
        }
    }
}

/// Formats a time as RFC 3339 UTC with seconds, e.g. `2026-11-21T03:38:59Z`.
pub fn rfc3339(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_232_339);
        assert_eq!(rfc3339(t), "2026-11-21T03:38:59Z");
        let leap = SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00Z");
    }
}
