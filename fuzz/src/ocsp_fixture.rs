//! The certificate and issuer the `ocsp_response` target checks responses against.
//!
//! The seeds are real responses signed by this issuer (or by delegates it certified), written by
//! another process (`seed`). For them to pass the signature check inside the target, both
//! processes must build the very same issuer: so the keys are Ed25519 keys derived from fixed
//! labels (Ed25519 signatures are deterministic too), and serials and dates are fixed. The
//! certificates are therefore byte-for-byte the same in every process, on every machine, and a
//! crashing input replays exactly. The time of the check is fixed as well
//! ([`NOW_UNIX_SECONDS`]).

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use der::asn1::OctetString;
use der::Encode;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType, SerialNumber,
};
use ring::digest::{digest, SHA256};
use staplekit::{CertIdentity, Expected, VerifyPolicy};

/// The time responses are checked at: 2100-01-01T00:00:00Z. Inside the fixture's validity, and
/// after any thisUpdate a responder running today writes, so a seed's fate depends on what it
/// says, not on when the fuzzer runs.
pub const NOW_UNIX_SECONDS: u64 = 4_102_444_800;
/// The clock skew allowed, as the engine's default (`staplekit.stapling.clockSkew`).
pub const CLOCK_SKEW: Duration = Duration::from_secs(300);
/// The largest response accepted, as the engine's default (`staplekit.stapling.maxResponseBytes`).
pub const MAX_RESPONSE_BYTES: usize = 65_536;
/// What the nonce extension sent with the request holds: responses echoing another nonce fail.
pub const NONCE: &[u8] = b"staplekit fuzz nonce";

/// The fixed PKI: a self-signed issuer CA and a leaf it issued, both Ed25519.
pub struct OcspFixture {
    /// The issuer's certificate, DER.
    pub issuer_der: Vec<u8>,
    /// The issuer's certificate, PEM.
    pub issuer_pem: String,
    /// The issuer's private key, PKCS#8 DER (for the project's responder).
    pub issuer_key_pkcs8: Vec<u8>,
    /// The issuer's private key, PKCS#8 PEM (for `openssl ocsp`).
    pub issuer_key_pem: String,
    /// The leaf's certificate, DER.
    pub leaf_der: Vec<u8>,
    /// The leaf's certificate, PEM.
    pub leaf_pem: String,
    /// The leaf's serial number (DER INTEGER content bytes).
    pub leaf_serial: Vec<u8>,
    /// The leaf's CertID under the issuer: what responses must name.
    pub id: CertIdentity,
    /// The nonce extension's value (extnValue) as sent: an OCTET STRING holding [`NONCE`].
    pub nonce_extn_value: Vec<u8>,
    /// Signs delegated responder certificates for the seeds.
    issuer: Issuer<'static, KeyPair>,
}

/// Why the fixture could not be built (a bug in this file or in rcgen, never in the input).
#[derive(Debug)]
pub struct FixtureError(pub String);

impl std::fmt::Display for FixtureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot build the OCSP fuzz fixture: {}", self.0)
    }
}

impl std::error::Error for FixtureError {}

impl OcspFixture {
    /// Builds the fixture; the same bytes every time.
    pub fn build() -> Result<Self, FixtureError> {
        let err = |what: &str, e: &dyn std::fmt::Display| FixtureError(format!("{what}: {e}"));
        let issuer_key_pkcs8 = ed25519_pkcs8("issuer");
        let issuer_key =
            KeyPair::try_from(issuer_key_pkcs8.as_slice()).map_err(|e| err("issuer key", &e))?;
        let mut issuer_params = params("staplekit fuzz issuer CA", &[0x01]);
        issuer_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        issuer_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let issuer_cert = issuer_params
            .self_signed(&issuer_key)
            .map_err(|e| err("issuer certificate", &e))?;
        let issuer_key_pem = issuer_key.serialize_pem();
        let issuer = Issuer::new(issuer_params, issuer_key);

        let leaf_serial = vec![0x4C, 0x45, 0x41, 0x46, 0x01];
        let leaf_key =
            KeyPair::try_from(ed25519_pkcs8("leaf").as_slice()).map_err(|e| err("leaf key", &e))?;
        let mut leaf_params = params("staplekit fuzz leaf", &leaf_serial);
        leaf_params.use_authority_key_identifier_extension = true;
        leaf_params.subject_alt_names = vec![SanType::DnsName(
            "localhost".try_into().map_err(|e| err("leaf name", &e))?,
        )];
        leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let leaf_cert = leaf_params
            .signed_by(&leaf_key, &issuer)
            .map_err(|e| err("leaf certificate", &e))?;

        let issuer_der = issuer_cert.der().to_vec();
        let leaf_der = leaf_cert.der().to_vec();
        let id = CertIdentity::from_certificates(&leaf_der, &issuer_der)
            .map_err(|e| err("CertID", &e))?;
        let nonce_extn_value = OctetString::new(NONCE)
            .and_then(|o| o.to_der())
            .map_err(|e| err("nonce", &e))?;
        Ok(Self {
            issuer_der,
            issuer_pem: issuer_cert.pem(),
            issuer_key_pkcs8,
            issuer_key_pem,
            leaf_der,
            leaf_pem: leaf_cert.pem(),
            leaf_serial,
            id,
            nonce_extn_value,
            issuer,
        })
    }

    /// What `verify_response` is asked to check: the leaf, its issuer, and the nonce sent.
    pub fn expected(&self) -> Expected<'_> {
        Expected {
            id: &self.id,
            issuer_der: &self.issuer_der,
            nonce: Some(&self.nonce_extn_value),
        }
    }

    /// Signs a certificate for `key` with the issuer's key (delegated responders of the seeds).
    pub fn issue(
        &self,
        params: &CertificateParams,
        key: &KeyPair,
    ) -> Result<rcgen::Certificate, rcgen::Error> {
        params.signed_by(key, &self.issuer)
    }
}

/// The fixture, built once per process.
///
/// # Panics
/// When the fixture cannot be built: a bug in the harness, reported at the first input.
pub fn fixture() -> &'static OcspFixture {
    static FIXTURE: OnceLock<OcspFixture> = OnceLock::new();
    FIXTURE.get_or_init(|| OcspFixture::build().unwrap_or_else(|e| panic!("{e}")))
}

/// The policy of the check: fixed time, the engine's default skew and size limit.
pub fn policy() -> VerifyPolicy {
    VerifyPolicy {
        now: SystemTime::UNIX_EPOCH + Duration::from_secs(NOW_UNIX_SECONDS),
        clock_skew: CLOCK_SKEW,
        max_response_bytes: MAX_RESPONSE_BYTES,
    }
}

/// Parameters shared by the fixture's certificates: a common name, a fixed serial, and validity
/// from 2020-01-01 to 2200-01-01 (around [`NOW_UNIX_SECONDS`]).
pub fn params(common_name: &str, serial: &[u8]) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.serial_number = Some(SerialNumber::from_slice(serial));
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2200, 1, 1);
    params
}

/// An Ed25519 private key as PKCS#8, its seed the SHA-256 of a label, so that every process
/// derives the same key.
fn ed25519_pkcs8(label: &str) -> Vec<u8> {
    // OneAsymmetricKey v1 (RFC 8410 section 7): SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 },
    // OCTET STRING { OCTET STRING (32-byte seed) } }. Only the seed varies.
    const PREFIX: [u8; 16] = [
        0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    let seed = digest(
        &SHA256,
        format!("staplekit fuzz fixture: {label}").as_bytes(),
    );
    let mut pkcs8 = PREFIX.to_vec();
    pkcs8.extend_from_slice(seed.as_ref());
    pkcs8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_is_the_same_every_time() {
        let a = OcspFixture::build().unwrap();
        let b = OcspFixture::build().unwrap();
        assert_eq!(a.issuer_der, b.issuer_der);
        assert_eq!(a.leaf_der, b.leaf_der);
        assert_eq!(a.id, b.id);
        assert_eq!(a.id.serial, a.leaf_serial);
    }
}
