//! Certificate authorities and the certificates they issue.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
    SignatureAlgorithm,
};
use ring::rand::{SecureRandom, SystemRandom};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::extensions::{authority_info_access, ocsp_nocheck, unknown_extension, Criticality};
use super::index::openssl_serial_hex;
use super::time::{now_whole_seconds, unix_seconds};
use super::{write_file, PkiError};

/// Validity of generated certificates unless a [`CertSpec`] says otherwise.
pub const DEFAULT_VALIDITY_DAYS: u32 = 365;

/// The longest validity accepted, about a hundred years.
pub const MAX_VALIDITY_DAYS: u32 = 36_500;

/// How far notBefore lies in the past, so that peers with a slightly slow clock accept the
/// certificate at once.
const BACKDATE: Duration = Duration::from_secs(3600);

/// Serial numbers are this many random bytes (RFC 5280 allows up to 20 octets).
const SERIAL_LEN: usize = 16;

/// 9999-12-31T23:59:59Z, the last instant an X.509 GeneralizedTime can hold.
const LAST_X509_SECOND: u64 = 253_402_300_799;

/// The key type of a generated certificate. ring cannot generate RSA keys, so there is no RSA.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// ECDSA on P-256 with SHA-256 signatures.
    #[default]
    EcdsaP256,
    /// ECDSA on P-384 with SHA-384 signatures.
    EcdsaP384,
    /// Ed25519.
    Ed25519,
}

impl KeyAlgorithm {
    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::EcdsaP256 => "ECDSA P-256",
            Self::EcdsaP384 => "ECDSA P-384",
            Self::Ed25519 => "Ed25519",
        }
    }

    fn rcgen(self) -> &'static SignatureAlgorithm {
        match self {
            Self::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            Self::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
            Self::Ed25519 => &rcgen::PKCS_ED25519,
        }
    }
}

/// What a delegated OCSP signing certificate (RFC 6960 section 4.2.2.2) carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OcspSignerOptions {
    /// Whether extendedKeyUsage holds id-kp-OCSPSigning, without which relying parties must reject
    /// responses it signs.
    pub ocsp_signing_eku: bool,
    /// Whether it carries id-pkix-ocsp-nocheck, telling relying parties not to check its own status.
    pub nocheck: bool,
    /// An extension no relying party knows ([`super::UNKNOWN_EXTENSION_OID`]), if any: critical,
    /// it makes the certificate unusable (RFC 5280 section 4.2), so responses it signs must be
    /// refused.
    pub unknown_extension: Option<Criticality>,
}

impl OcspSignerOptions {
    /// A well-formed delegated signer: the EKU and nocheck.
    pub const STANDARD: Self = Self {
        ocsp_signing_eku: true,
        nocheck: true,
        unknown_extension: None,
    };
}

impl Default for OcspSignerOptions {
    fn default() -> Self {
        Self::STANDARD
    }
}

/// The kind of certificate to issue: its key usages, extended key usages and basic constraints.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Profile {
    /// A CA: keyCertSign, cRLSign and digitalSignature, critical basicConstraints cA=TRUE.
    Ca {
        /// pathLenConstraint; `None` leaves the path length unconstrained.
        path_len: Option<u8>,
    },
    /// A TLS server: digitalSignature, EKU serverAuth, and subjectAltNames.
    TlsServer {
        /// DNS subjectAltNames.
        dns_names: Vec<String>,
        /// IP address subjectAltNames.
        ip_addresses: Vec<IpAddr>,
    },
    /// A delegated OCSP signer: digitalSignature, plus what the options ask for.
    OcspSigner(OcspSignerOptions),
}

/// Everything that describes a certificate to issue, except its issuer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertSpec {
    /// The subject's common name; the subject holds nothing else.
    pub common_name: String,
    /// The kind of certificate.
    pub profile: Profile,
    /// The OCSP responder URL for the Authority Information Access extension; `None` leaves the
    /// extension out.
    pub ocsp_url: Option<String>,
    /// Days from now until notAfter (notBefore is an hour ago).
    pub validity_days: u32,
    /// The subject key's algorithm.
    pub key_algorithm: KeyAlgorithm,
}

impl CertSpec {
    /// A specification with the default validity and key algorithm and no AIA.
    pub fn new(common_name: impl Into<String>, profile: Profile) -> Self {
        Self {
            common_name: common_name.into(),
            profile,
            ocsp_url: None,
            validity_days: DEFAULT_VALIDITY_DAYS,
            key_algorithm: KeyAlgorithm::default(),
        }
    }

    /// A CA certificate with an optional pathLenConstraint.
    pub fn ca(common_name: impl Into<String>, path_len: Option<u8>) -> Self {
        Self::new(common_name, Profile::Ca { path_len })
    }

    /// A TLS server certificate for DNS `localhost` and IP `127.0.0.1`.
    pub fn tls_server(common_name: impl Into<String>) -> Self {
        Self::new(
            common_name,
            Profile::TlsServer {
                dns_names: vec!["localhost".to_owned()],
                ip_addresses: vec![IpAddr::V4(Ipv4Addr::LOCALHOST)],
            },
        )
    }

    /// A delegated OCSP signing certificate.
    pub fn ocsp_signer(common_name: impl Into<String>, options: OcspSignerOptions) -> Self {
        Self::new(common_name, Profile::OcspSigner(options))
    }

    /// Embeds `url` as the OCSP responder in the AIA extension.
    pub fn with_ocsp_url(mut self, url: impl Into<String>) -> Self {
        self.ocsp_url = Some(url.into());
        self
    }

    /// Sets the validity in days from now.
    pub fn with_validity_days(mut self, days: u32) -> Self {
        self.validity_days = days;
        self
    }

    /// Sets the subject key's algorithm.
    pub fn with_key_algorithm(mut self, key_algorithm: KeyAlgorithm) -> Self {
        self.key_algorithm = key_algorithm;
        self
    }
}

/// An issued certificate with its private key.
///
/// `Debug` leaves the key out.
#[derive(Clone, PartialEq, Eq)]
pub struct Issued {
    /// The subject's common name.
    pub common_name: String,
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// The certificate, PEM (`CERTIFICATE`).
    pub pem: String,
    /// The private key, PKCS#8 DER.
    pub key_pkcs8_der: Vec<u8>,
    /// The private key, PEM (`PRIVATE KEY`, PKCS#8).
    pub key_pem: String,
    /// The serial number: the DER INTEGER content bytes, as x509-parser's `raw_serial` gives them.
    pub serial: Vec<u8>,
    /// notBefore.
    pub not_before: SystemTime,
    /// notAfter.
    pub not_after: SystemTime,
}

impl Issued {
    /// The serial number as OpenSSL prints it and keeps it in `index.txt`: upper-case hex, an even
    /// number of digits, no leading zero byte.
    pub fn serial_hex(&self) -> String {
        openssl_serial_hex(&self.serial)
    }

    /// Writes the certificate PEM to `cert_path` and the key PEM to `key_path`.
    pub fn write_pem(&self, cert_path: &Path, key_path: &Path) -> Result<(), PkiError> {
        write_file(cert_path, self.pem.as_bytes())?;
        write_file(key_path, self.key_pem.as_bytes())
    }
}

impl fmt::Debug for Issued {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Issued")
            .field("common_name", &self.common_name)
            .field("serial", &self.serial_hex())
            .field("der_len", &self.der.len())
            .field("key", &"[elided]")
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .finish()
    }
}

/// A certificate authority: its certificate, its key, and defaults for what it issues.
#[derive(Debug)]
pub struct Authority {
    cert: Issued,
    issuer: Issuer<'static, KeyPair>,
    validity_days: u32,
    key_algorithm: KeyAlgorithm,
}

impl Authority {
    /// A self-signed root CA. `spec.profile` must be [`Profile::Ca`]; its validity and key
    /// algorithm become the defaults for the shortcut methods.
    pub fn new_root(spec: &CertSpec) -> Result<Self, PkiError> {
        ensure_ca(spec)?;
        let (params, key) = prepare(spec, false)?;
        let cert = params
            .self_signed(&key)
            .map_err(|source| sign_error(spec, source))?;
        Self::from_parts(spec, &cert, params, key)
    }

    /// This authority's certificate and key.
    pub fn cert(&self) -> &Issued {
        &self.cert
    }

    /// The validity, in days, of certificates issued through the shortcut methods.
    pub fn default_validity_days(&self) -> u32 {
        self.validity_days
    }

    /// Issues a certificate.
    pub fn issue(&self, spec: &CertSpec) -> Result<Issued, PkiError> {
        let (params, key) = prepare(spec, true)?;
        let cert = self.sign(spec, &params, &key)?;
        issued(spec, &cert, &key)
    }

    /// Issues a subordinate CA certificate and returns it as an authority. `spec.profile` must be
    /// [`Profile::Ca`].
    pub fn issue_authority(&self, spec: &CertSpec) -> Result<Authority, PkiError> {
        ensure_ca(spec)?;
        let (params, key) = prepare(spec, true)?;
        let cert = self.sign(spec, &params, &key)?;
        Self::from_parts(spec, &cert, params, key)
    }

    /// Issues an intermediate CA (pathLenConstraint 0) with this authority's defaults, its AIA
    /// pointing at `ocsp_url` when given.
    pub fn issue_intermediate(
        &self,
        common_name: &str,
        ocsp_url: Option<&str>,
    ) -> Result<Authority, PkiError> {
        self.issue_authority(&self.shortcut(CertSpec::ca(common_name, Some(0)), ocsp_url))
    }

    /// Issues a TLS server certificate for `localhost` and `127.0.0.1` with this authority's
    /// defaults, its AIA pointing at `ocsp_url` when given.
    pub fn issue_leaf(
        &self,
        common_name: &str,
        ocsp_url: Option<&str>,
    ) -> Result<Issued, PkiError> {
        self.issue(&self.shortcut(CertSpec::tls_server(common_name), ocsp_url))
    }

    /// Issues a delegated OCSP signing certificate (without AIA) with this authority's defaults.
    pub fn issue_ocsp_signer(
        &self,
        common_name: &str,
        options: OcspSignerOptions,
    ) -> Result<Issued, PkiError> {
        self.issue(&self.shortcut(CertSpec::ocsp_signer(common_name, options), None))
    }

    fn shortcut(&self, spec: CertSpec, ocsp_url: Option<&str>) -> CertSpec {
        CertSpec {
            ocsp_url: ocsp_url.map(str::to_owned),
            validity_days: self.validity_days,
            key_algorithm: self.key_algorithm,
            ..spec
        }
    }

    fn sign(
        &self,
        spec: &CertSpec,
        params: &CertificateParams,
        key: &KeyPair,
    ) -> Result<Certificate, PkiError> {
        params
            .signed_by(key, &self.issuer)
            .map_err(|source| sign_error(spec, source))
    }

    fn from_parts(
        spec: &CertSpec,
        cert: &Certificate,
        params: CertificateParams,
        key: KeyPair,
    ) -> Result<Self, PkiError> {
        let cert = issued(spec, cert, &key)?;
        Ok(Self {
            cert,
            issuer: Issuer::new(params, key),
            validity_days: spec.validity_days,
            key_algorithm: spec.key_algorithm,
        })
    }
}

fn ensure_ca(spec: &CertSpec) -> Result<(), PkiError> {
    match spec.profile {
        Profile::Ca { .. } => Ok(()),
        _ => Err(PkiError::NotACa {
            subject: spec.common_name.clone(),
        }),
    }
}

fn sign_error(spec: &CertSpec, source: rcgen::Error) -> PkiError {
    PkiError::Sign {
        subject: spec.common_name.clone(),
        source,
    }
}

/// The rcgen parameters for `spec` and a fresh subject key. `with_aki` adds the Authority Key
/// Identifier, which only certificates signed by another key need.
fn prepare(spec: &CertSpec, with_aki: bool) -> Result<(CertificateParams, KeyPair), PkiError> {
    let subject = || spec.common_name.clone();
    let key = KeyPair::generate_for(spec.key_algorithm.rcgen()).map_err(|source| {
        PkiError::KeyGeneration {
            subject: subject(),
            algorithm: spec.key_algorithm.name(),
            source,
        }
    })?;

    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, spec.common_name.as_str());
    params.serial_number = Some(SerialNumber::from_slice(&random_serial(spec)?));
    params.use_authority_key_identifier_extension = with_aki;

    let (not_before, not_after) = validity(spec)?;
    // rcgen takes `time::OffsetDateTime`; adding to its epoch avoids depending on `time` directly.
    // `validity` keeps both instants between 1970 and 9999, where the addition cannot overflow.
    params.not_before = rcgen::date_time_ymd(1970, 1, 1) + Duration::from_secs(not_before);
    params.not_after = rcgen::date_time_ymd(1970, 1, 1) + Duration::from_secs(not_after);

    match &spec.profile {
        Profile::Ca { path_len } => {
            params.is_ca = IsCa::Ca(match path_len {
                Some(n) => BasicConstraints::Constrained(*n),
                None => BasicConstraints::Unconstrained,
            });
            params.key_usages = vec![
                KeyUsagePurpose::KeyCertSign,
                KeyUsagePurpose::CrlSign,
                KeyUsagePurpose::DigitalSignature,
            ];
        }
        Profile::TlsServer {
            dns_names,
            ip_addresses,
        } => {
            for name in dns_names {
                let ia5 = name
                    .as_str()
                    .try_into()
                    .map_err(|source| sign_error(spec, source))?;
                params.subject_alt_names.push(SanType::DnsName(ia5));
            }
            params
                .subject_alt_names
                .extend(ip_addresses.iter().map(|ip| SanType::IpAddress(*ip)));
            params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
            params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        }
        Profile::OcspSigner(options) => {
            params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
            if options.ocsp_signing_eku {
                params.extended_key_usages = vec![ExtendedKeyUsagePurpose::OcspSigning];
            }
            if options.nocheck {
                params
                    .custom_extensions
                    .push(ocsp_nocheck(&spec.common_name)?);
            }
            if let Some(criticality) = options.unknown_extension {
                params
                    .custom_extensions
                    .push(unknown_extension(criticality));
            }
        }
    }
    if let Some(url) = &spec.ocsp_url {
        params
            .custom_extensions
            .push(authority_info_access(&spec.common_name, url)?);
    }
    Ok((params, key))
}

/// notBefore and notAfter as whole seconds since the Unix epoch.
fn validity(spec: &CertSpec) -> Result<(u64, u64), PkiError> {
    let out_of_range = || PkiError::Validity {
        subject: spec.common_name.clone(),
        days: spec.validity_days,
    };
    if spec.validity_days > MAX_VALIDITY_DAYS {
        return Err(out_of_range());
    }
    let now = u64::try_from(unix_seconds(now_whole_seconds())).unwrap_or(0);
    let not_before = now.saturating_sub(BACKDATE.as_secs());
    let not_after = now + u64::from(spec.validity_days) * 86_400;
    if not_after > LAST_X509_SECOND {
        return Err(out_of_range());
    }
    Ok((not_before, not_after))
}

/// A random positive serial of exactly [`SERIAL_LEN`] content bytes: the top bit is clear (so no
/// sign byte is needed) and the next one set (so no leading zero byte is stripped).
fn random_serial(spec: &CertSpec) -> Result<[u8; SERIAL_LEN], PkiError> {
    let mut serial = [0u8; SERIAL_LEN];
    SystemRandom::new()
        .fill(&mut serial)
        .map_err(|_| PkiError::Random {
            subject: spec.common_name.clone(),
        })?;
    serial[0] = (serial[0] & 0x7f) | 0x40;
    Ok(serial)
}

/// Packages a signed certificate, reading serial and validity back from the DER so that they are
/// exactly what the certificate says.
fn issued(spec: &CertSpec, signed: &Certificate, key: &KeyPair) -> Result<Issued, PkiError> {
    let (_, cert) = X509Certificate::from_der(signed.der()).map_err(|e| PkiError::Parse {
        subject: spec.common_name.clone(),
        reason: e.to_string(),
    })?;
    let at = |t: i64| UNIX_EPOCH + Duration::from_secs(u64::try_from(t).unwrap_or(0));
    let serial = cert.raw_serial().to_vec();
    let not_before = at(cert.validity().not_before.timestamp());
    let not_after = at(cert.validity().not_after.timestamp());
    Ok(Issued {
        common_name: spec.common_name.clone(),
        der: signed.der().to_vec(),
        pem: signed.pem(),
        key_pkcs8_der: key.serialize_der(),
        key_pem: key.serialize_pem(),
        serial,
        not_before,
        not_after,
    })
}

#[cfg(test)]
mod tests {
    use x509_parser::extensions::{GeneralName, ParsedExtension};

    use super::*;

    fn root() -> Authority {
        Authority::new_root(&CertSpec::ca("Test Root", None).with_validity_days(10)).unwrap()
    }

    fn parse(der: &[u8]) -> X509Certificate<'_> {
        X509Certificate::from_der(der).unwrap().1
    }

    /// Whether `issuer_der`'s key made the signature on `cert_der` (checked with ring).
    fn signed_by(cert_der: &[u8], issuer_der: &[u8]) -> bool {
        use ring::signature;
        let cert = parse(cert_der);
        let issuer = parse(issuer_der);
        let alg: &dyn signature::VerificationAlgorithm =
            match cert.signature_algorithm.algorithm.to_id_string().as_str() {
                "1.2.840.10045.4.3.2" => &signature::ECDSA_P256_SHA256_ASN1,
                "1.2.840.10045.4.3.3" => &signature::ECDSA_P384_SHA384_ASN1,
                "1.3.101.112" => &signature::ED25519,
                other => panic!("unexpected signature algorithm {other}"),
            };
        let key = signature::UnparsedPublicKey::new(
            alg,
            issuer.public_key().subject_public_key.data.as_ref(),
        );
        key.verify(cert.tbs_certificate.as_ref(), &cert.signature_value.data)
            .is_ok()
    }

    fn aia_ocsp_urls(cert: &X509Certificate<'_>) -> Vec<String> {
        let mut urls = Vec::new();
        for ext in cert.extensions() {
            if let ParsedExtension::AuthorityInfoAccess(aia) = ext.parsed_extension() {
                for desc in &aia.accessdescs {
                    assert_eq!(desc.access_method.to_id_string(), "1.3.6.1.5.5.7.48.1");
                    if let GeneralName::URI(uri) = desc.access_location {
                        urls.push(uri.to_owned());
                    }
                }
            }
        }
        urls
    }

    fn has_nocheck(cert: &X509Certificate<'_>) -> bool {
        cert.extensions()
            .iter()
            .any(|e| e.oid.to_id_string() == "1.3.6.1.5.5.7.48.1.5" && e.value == [0x05, 0x00])
    }

    fn has_ocsp_signing_eku(cert: &X509Certificate<'_>) -> bool {
        cert.extended_key_usage()
            .unwrap()
            .is_some_and(|eku| eku.value.ocsp_signing)
    }

    #[test]
    fn root_is_a_self_signed_ca_with_the_asked_validity() {
        let root = root();
        let cert = parse(&root.cert().der);
        assert_eq!(cert.subject(), cert.issuer());
        assert!(cert.is_ca());
        assert!(signed_by(&root.cert().der, &root.cert().der));
        let v = cert.validity();
        let days = (v.not_after.timestamp() - v.not_before.timestamp() - 3600) / 86_400;
        assert_eq!(days, 10);
        let now = unix_seconds(SystemTime::now());
        assert!((v.not_before.timestamp() - (now - 3600)).abs() < 60);
        assert_eq!(
            root.cert().not_after,
            UNIX_EPOCH + Duration::from_secs(v.not_after.timestamp() as u64)
        );
    }

    #[test]
    fn serials_are_random_positive_sixteen_bytes() {
        let root = root();
        let a = root.issue_leaf("a", None).unwrap();
        let b = root.issue_leaf("b", None).unwrap();
        for issued in [&a, &b, root.cert()] {
            assert_eq!(issued.serial.len(), 16);
            assert_eq!(issued.serial[0] & 0xc0, 0x40);
            assert_eq!(parse(&issued.der).raw_serial(), issued.serial.as_slice());
            assert_eq!(issued.serial_hex().len(), 32);
        }
        assert_ne!(a.serial, b.serial);
    }

    #[test]
    fn leaf_is_a_tls_server_cert_signed_by_its_issuer() {
        let root = root();
        let leaf = root
            .issue_leaf("leaf", Some("http://127.0.0.1:1234/ocsp"))
            .unwrap();
        let cert = parse(&leaf.der);
        let issuer = parse(&root.cert().der);
        assert!(signed_by(&leaf.der, &root.cert().der));
        assert_eq!(cert.issuer(), issuer.subject());
        assert!(!cert.is_ca());
        let eku = cert.extended_key_usage().unwrap().unwrap().value;
        assert!(eku.server_auth && !eku.ocsp_signing);
        let san = cert.subject_alternative_name().unwrap().unwrap().value;
        assert!(san
            .general_names
            .contains(&GeneralName::DNSName("localhost")));
        assert!(san
            .general_names
            .contains(&GeneralName::IPAddress(&[127, 0, 0, 1])));
        assert_eq!(aia_ocsp_urls(&cert), ["http://127.0.0.1:1234/ocsp"]);
        assert_eq!(
            cert.subject()
                .iter_common_name()
                .next()
                .unwrap()
                .as_str()
                .unwrap(),
            "leaf"
        );
    }

    #[test]
    fn aia_is_absent_unless_asked_for() {
        let root = root();
        let leaf = root.issue_leaf("leaf", None).unwrap();
        assert!(aia_ocsp_urls(&parse(&leaf.der)).is_empty());
        assert!(aia_ocsp_urls(&parse(&root.cert().der)).is_empty());
    }

    #[test]
    fn ocsp_signer_has_eku_and_nocheck_only_when_asked() {
        let root = root();
        for (eku, nocheck) in [(true, true), (true, false), (false, true), (false, false)] {
            let options = OcspSignerOptions {
                ocsp_signing_eku: eku,
                nocheck,
                unknown_extension: None,
            };
            let signer = root.issue_ocsp_signer("signer", options).unwrap();
            let cert = parse(&signer.der);
            assert_eq!(has_ocsp_signing_eku(&cert), eku, "{options:?}");
            assert_eq!(has_nocheck(&cert), nocheck, "{options:?}");
            assert!(!cert.is_ca());
        }
    }

    #[test]
    fn ocsp_signer_carries_the_unknown_extension_with_the_criticality_asked_for() {
        let root = root();
        for criticality in [
            None,
            Some(Criticality::NonCritical),
            Some(Criticality::Critical),
        ] {
            let options = OcspSignerOptions {
                unknown_extension: criticality,
                ..OcspSignerOptions::STANDARD
            };
            let signer = root.issue_ocsp_signer("signer", options).unwrap();
            let cert = parse(&signer.der);
            let found = cert
                .extensions()
                .iter()
                .find(|e| e.oid.to_id_string() == super::super::UNKNOWN_EXTENSION_OID.to_string())
                .map(|e| {
                    assert_eq!(e.value, super::super::UNKNOWN_EXTENSION_VALUE);
                    if e.critical {
                        Criticality::Critical
                    } else {
                        Criticality::NonCritical
                    }
                });
            assert_eq!(found, criticality);
            assert!(has_ocsp_signing_eku(&cert));
        }
    }

    #[test]
    fn intermediate_is_a_ca_with_path_len_zero_that_can_issue() {
        let root = root();
        let intermediate = root
            .issue_intermediate("intermediate", Some("http://127.0.0.1:9/"))
            .unwrap();
        let cert = parse(&intermediate.cert().der);
        let bc = cert.basic_constraints().unwrap().unwrap().value;
        assert!(bc.ca);
        assert_eq!(bc.path_len_constraint, Some(0));
        assert_eq!(aia_ocsp_urls(&cert), ["http://127.0.0.1:9/"]);
        assert_eq!(intermediate.default_validity_days(), 10);

        let leaf = intermediate.issue_leaf("leaf", None).unwrap();
        assert!(signed_by(&leaf.der, &intermediate.cert().der));
        assert!(!signed_by(&leaf.der, &root.cert().der));
    }

    #[test]
    fn other_key_algorithms_work() {
        for alg in [KeyAlgorithm::EcdsaP384, KeyAlgorithm::Ed25519] {
            let root =
                Authority::new_root(&CertSpec::ca("r", None).with_key_algorithm(alg)).unwrap();
            let leaf = root.issue_leaf("l", None).unwrap();
            assert!(signed_by(&leaf.der, &root.cert().der), "{alg:?}");
        }
    }

    #[test]
    fn rejects_bad_specs_with_named_errors() {
        let err = Authority::new_root(&CertSpec::tls_server("not a ca")).unwrap_err();
        assert!(matches!(err, PkiError::NotACa { .. }), "{err}");
        let root = root();
        let err = root
            .issue(&CertSpec::tls_server("long").with_validity_days(MAX_VALIDITY_DAYS + 1))
            .unwrap_err();
        assert!(err.to_string().contains("\"long\""), "{err}");
        let err = root
            .issue(&CertSpec::tls_server("u").with_ocsp_url("http://ü/"))
            .unwrap_err();
        assert!(matches!(err, PkiError::InvalidOcspUrl { .. }), "{err}");
    }

    #[test]
    fn pem_and_key_round_trip() {
        let root = root();
        let leaf = root.issue_leaf("leaf", None).unwrap();
        assert!(leaf.pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(leaf.pem.lines().all(|l| l.len() <= 64));
        let key = KeyPair::from_pem(&leaf.key_pem).unwrap();
        assert_eq!(key.serialize_der(), leaf.key_pkcs8_der);
        let cert = parse(&leaf.der);
        assert_eq!(
            cert.public_key().subject_public_key.data.as_ref(),
            key.public_key_raw()
        );
        assert!(!format!("{leaf:?}").contains("PRIVATE"));
    }
}
