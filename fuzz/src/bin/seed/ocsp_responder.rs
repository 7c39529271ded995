//! OCSP responses from the project's own responder (`staplekit_testkit::responder`), on
//! 127.0.0.1, fetched with the engine's HTTP client: one per scenario, covering every signer kind
//! and most rejections; and, for `ocsp_response_extensions`, responses carrying the nonce and an
//! unknown extension, critical or not, in each place one can be.

use std::time::{Duration, SystemTime};

use der::asn1::OctetString;
use der::oid::db::rfc6960::ID_PKIX_OCSP_NONCE;
use rcgen::{
    BasicConstraints, CustomExtension, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use staplekit::internal::encode_request;
use staplekit::internal::{HttpSettings, OcspHttpClient};
use staplekit_fuzz::ocsp_fixture::{params, OcspFixture};
use staplekit_testkit::pki::{UNKNOWN_EXTENSION_OID, UNKNOWN_EXTENSION_VALUE};
use staplekit_testkit::responder::{
    Authority, CertState, Criticality, Fault, OcspResponder, OcspResponseStatus, ResponderIdKind,
};
use url::Url;
use x509_cert::ext::Extension;

use super::outcome::OcspSeed;
use super::Error;

/// nextUpdate far enough after today to be after the target's fixed time (2100).
const LONG_VALIDITY: Duration = Duration::from_secs(150 * 365 * 86_400);
/// nextUpdate an hour after today: expired at the target's fixed time.
const SHORT_VALIDITY: Duration = Duration::from_secs(3_600);
/// keyCompromise.
const KEY_COMPROMISE: u8 = 1;

/// Who signs a scenario's response.
#[derive(Clone, Copy)]
enum Signer {
    /// The fixture's issuer.
    Issuer,
    /// A delegated responder the issuer certified, with id-kp-OCSPSigning.
    Delegate,
    /// A delegate the issuer certified without id-kp-OCSPSigning.
    DelegateWithoutEku,
    /// A delegate with id-kp-OCSPSigning whose validity ended in 2001.
    ExpiredDelegate,
    /// A delegate with id-kp-OCSPSigning certified by another CA.
    ForeignDelegate,
    /// A delegate with id-kp-OCSPSigning and an extension nobody knows, critical or not.
    DelegateWithUnknownExtension(Criticality),
}

/// Which nonce the request carries.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nonce {
    None,
    /// The one the target expects.
    Expected,
    /// Another one.
    Other,
}

/// One response to obtain.
struct Scenario {
    name: &'static str,
    signer: Signer,
    include_signer_cert: bool,
    state: CertState,
    responder_id: ResponderIdKind,
    validity: Duration,
    fault: Fault,
    nonce: Nonce,
    expect: &'static str,
}

impl Scenario {
    /// The issuer signs a GOOD answer, valid at the target's time: each scenario changes one thing.
    fn new(name: &'static str, expect: &'static str) -> Self {
        Self {
            name,
            signer: Signer::Issuer,
            include_signer_cert: false,
            state: CertState::Good,
            responder_id: ResponderIdKind::ByKey,
            validity: LONG_VALIDITY,
            fault: Fault::None,
            nonce: Nonce::None,
            expect,
        }
    }
}

/// The signer certificates and keys (PKCS#8) the scenarios use.
struct Signers {
    delegate: (Vec<u8>, Vec<u8>),
    delegate_without_eku: (Vec<u8>, Vec<u8>),
    expired_delegate: (Vec<u8>, Vec<u8>),
    foreign_delegate: (Vec<u8>, Vec<u8>),
    other_ca: (Vec<u8>, Vec<u8>),
    delegate_with_unknown: (Vec<u8>, Vec<u8>),
    delegate_with_unknown_critical: (Vec<u8>, Vec<u8>),
}

/// Starts a responder, obtains every scenario's response, and stops it.
pub fn seeds(fixture: &OcspFixture) -> Result<Vec<OcspSeed>, Error> {
    let signers = signers(fixture)?;
    let revoked = CertState::Revoked {
        at: SystemTime::now() - Duration::from_secs(86_400),
        reason: Some(KEY_COMPROMISE),
    };
    let scenarios = [
        Scenario::new("issuer-good", "ok good"),
        Scenario {
            nonce: Nonce::Expected,
            ..Scenario::new("issuer-good-nonce", "ok good")
        },
        Scenario {
            state: revoked,
            responder_id: ResponderIdKind::ByName,
            include_signer_cert: true,
            ..Scenario::new("issuer-revoked-by-name", "ok revoked")
        },
        Scenario {
            state: CertState::Revoked {
                at: SystemTime::now(),
                reason: None,
            },
            ..Scenario::new("issuer-revoked-no-reason", "ok revoked")
        },
        Scenario {
            state: CertState::Unknown,
            ..Scenario::new("issuer-unknown", "ok unknown")
        },
        Scenario {
            fault: Fault::NoNextUpdate,
            // Produced today, checked in 2100: far older than an answer without nextUpdate may be.
            ..Scenario::new("issuer-no-next-update", "Stale")
        },
        Scenario {
            nonce: Nonce::Other,
            ..Scenario::new("issuer-nonce-mismatch", "NonceMismatch")
        },
        Scenario {
            validity: SHORT_VALIDITY,
            ..Scenario::new("issuer-expired", "Expired")
        },
        Scenario {
            fault: Fault::BadSignature,
            ..Scenario::new("issuer-bad-signature", "Signature")
        },
        Scenario {
            fault: Fault::OtherSerial,
            ..Scenario::new("issuer-other-serial", "NoMatchingResponse")
        },
        Scenario {
            fault: Fault::ResponseStatus(OcspResponseStatus::TryLater),
            ..Scenario::new("try-later", "NotSuccessful")
        },
        Scenario {
            fault: Fault::SignWith {
                cert_der: signers.other_ca.0.clone(),
                key_pkcs8: signers.other_ca.1.clone(),
            },
            ..Scenario::new("other-ca-signs", "UnknownSigner")
        },
        Scenario {
            signer: Signer::Delegate,
            include_signer_cert: true,
            ..Scenario::new("delegate-good", "ok good")
        },
        Scenario {
            signer: Signer::Delegate,
            include_signer_cert: true,
            responder_id: ResponderIdKind::ByName,
            state: revoked,
            nonce: Nonce::Expected,
            ..Scenario::new("delegate-revoked-by-name-nonce", "ok revoked")
        },
        Scenario {
            signer: Signer::Delegate,
            ..Scenario::new("delegate-not-included", "UnknownSigner")
        },
        Scenario {
            signer: Signer::DelegateWithoutEku,
            include_signer_cert: true,
            ..Scenario::new("delegate-without-eku", "DelegateNotAuthorized")
        },
        Scenario {
            signer: Signer::ExpiredDelegate,
            include_signer_cert: true,
            ..Scenario::new("delegate-expired", "DelegateNotValidNow")
        },
        Scenario {
            signer: Signer::ForeignDelegate,
            include_signer_cert: true,
            ..Scenario::new("delegate-of-other-ca", "DelegateNotIssuedByIssuer")
        },
    ];
    fetch(fixture, &signers, scenarios)
}

/// Responses with the nonce and the unknown extension ([`UNKNOWN_EXTENSION_OID`]) in
/// responseExtensions, singleExtensions and the delegated responder's certificate: accepted when
/// it is not critical, [`staplekit::Rejection::UnknownCriticalExtension`] when it is.
pub fn extension_seeds(fixture: &OcspFixture) -> Result<Vec<OcspSeed>, Error> {
    use Criticality::{Critical, NonCritical};

    let signers = signers(fixture)?;
    let with_nonce = |name, expect| Scenario {
        nonce: Nonce::Expected,
        ..Scenario::new(name, expect)
    };
    let unknown = "UnknownCriticalExtension";
    let scenarios = vec![
        with_nonce("nonce-only", "ok good"),
        Scenario {
            fault: Fault::ResponseExtension(NonCritical),
            ..with_nonce("response-unknown", "ok good")
        },
        Scenario {
            fault: Fault::ResponseExtension(Critical),
            ..with_nonce("response-unknown-critical", unknown)
        },
        Scenario {
            fault: Fault::ResponseExtension(Critical),
            ..Scenario::new("response-unknown-critical-no-nonce", unknown)
        },
        Scenario {
            fault: Fault::SingleExtension(NonCritical),
            state: CertState::Revoked {
                at: SystemTime::now(),
                reason: Some(KEY_COMPROMISE),
            },
            ..with_nonce("single-unknown-revoked", "ok revoked")
        },
        Scenario {
            fault: Fault::SingleExtension(Critical),
            ..with_nonce("single-unknown-critical", unknown)
        },
        Scenario {
            signer: Signer::DelegateWithUnknownExtension(NonCritical),
            include_signer_cert: true,
            fault: Fault::SingleExtension(NonCritical),
            ..with_nonce("delegate-unknown", "ok good")
        },
        Scenario {
            signer: Signer::DelegateWithUnknownExtension(Critical),
            include_signer_cert: true,
            responder_id: ResponderIdKind::ByName,
            ..with_nonce("delegate-unknown-critical", unknown)
        },
    ];
    fetch(fixture, &signers, scenarios)
}

/// Starts a responder, obtains every scenario's response, and stops it.
fn fetch(
    fixture: &OcspFixture,
    signers: &Signers,
    scenarios: impl IntoIterator<Item = Scenario>,
) -> Result<Vec<OcspSeed>, Error> {
    let responder = OcspResponder::bind("127.0.0.1:0")?;
    let url = Url::parse(&responder.url())?;
    let client = OcspHttpClient::new(HttpSettings {
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(10),
        use_get: true,
        max_response_bytes: 65_536,
    })?;
    let mut seeds = Vec::new();
    for scenario in scenarios {
        let (signer_cert_der, signer_key_pkcs8) = match scenario.signer {
            Signer::Issuer => (fixture.issuer_der.clone(), fixture.issuer_key_pkcs8.clone()),
            Signer::Delegate => signers.delegate.clone(),
            Signer::DelegateWithoutEku => signers.delegate_without_eku.clone(),
            Signer::ExpiredDelegate => signers.expired_delegate.clone(),
            Signer::ForeignDelegate => signers.foreign_delegate.clone(),
            Signer::DelegateWithUnknownExtension(Criticality::NonCritical) => {
                signers.delegate_with_unknown.clone()
            }
            Signer::DelegateWithUnknownExtension(Criticality::Critical) => {
                signers.delegate_with_unknown_critical.clone()
            }
        };
        responder.add_authority(Authority {
            issuer_der: fixture.issuer_der.clone(),
            signer_cert_der,
            signer_key_pkcs8,
            include_signer_cert: scenario.include_signer_cert,
        })?;
        responder.set_status(&fixture.leaf_serial, scenario.state);
        responder.set_responder_id(scenario.responder_id);
        responder.set_validity(Some(scenario.validity));
        responder.set_fault(scenario.fault)?;
        let request = encode_request(&fixture.id, &nonce_extension(fixture, scenario.nonce)?);
        let der = client
            .send(&url, &request)
            .map_err(|e| format!("scenario {}: {e}", scenario.name))?;
        seeds.push(OcspSeed {
            name: scenario.name,
            der,
            expect: scenario.expect,
        });
    }
    responder.shutdown();
    Ok(seeds)
}

/// The request extensions for `nonce`.
fn nonce_extension(fixture: &OcspFixture, nonce: Nonce) -> Result<Vec<Extension>, Error> {
    let value = match nonce {
        Nonce::None => return Ok(Vec::new()),
        Nonce::Expected => fixture.nonce_extn_value.clone(),
        // An OCTET STRING as well, of another nonce.
        Nonce::Other => vec![0x04, 0x04, 0x6F, 0x74, 0x68, 0x72],
    };
    Ok(vec![Extension {
        extn_id: ID_PKIX_OCSP_NONCE,
        critical: false,
        extn_value: OctetString::new(value)?,
    }])
}

/// Generates the delegated signers (fresh ECDSA P-256 keys: only the issuer must be fixed) and
/// another CA.
fn signers(fixture: &OcspFixture) -> Result<Signers, Error> {
    let delegate = |name: &str, serial: u8, eku: bool, expired: bool| -> Result<_, Error> {
        let key = KeyPair::generate()?;
        let mut p = params(name, &[0x44, serial]);
        p.use_authority_key_identifier_extension = true;
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        if eku {
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::OcspSigning];
        }
        if expired {
            p.not_before = rcgen::date_time_ymd(2000, 1, 1);
            p.not_after = rcgen::date_time_ymd(2001, 1, 1);
        }
        Ok((p, key))
    };
    let with_unknown = |name: &str, serial: u8, criticality: Criticality| -> Result<_, Error> {
        let (mut p, key) = delegate(name, serial, true, false)?;
        let arcs: Vec<u64> = UNKNOWN_EXTENSION_OID.arcs().map(u64::from).collect();
        let mut ext = CustomExtension::from_oid_content(&arcs, UNKNOWN_EXTENSION_VALUE.to_vec());
        ext.set_criticality(criticality.is_critical());
        p.custom_extensions.push(ext);
        Ok((p, key))
    };
    let issued = |(p, key): (rcgen::CertificateParams, KeyPair)| -> Result<_, Error> {
        Ok((fixture.issue(&p, &key)?.der().to_vec(), key.serialize_der()))
    };

    let other_key = KeyPair::generate()?;
    let mut other_params = params("staplekit fuzz other CA", &[0x02]);
    other_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    other_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let other_cert = other_params.self_signed(&other_key)?;
    let other_ca = (other_cert.der().to_vec(), other_key.serialize_der());
    let other_issuer = Issuer::new(other_params, other_key);
    let (foreign_params, foreign_key) =
        delegate("staplekit fuzz delegate of the other CA", 4, true, false)?;
    let foreign_delegate = (
        foreign_params
            .signed_by(&foreign_key, &other_issuer)?
            .der()
            .to_vec(),
        foreign_key.serialize_der(),
    );

    Ok(Signers {
        delegate: issued(delegate("staplekit fuzz OCSP responder", 1, true, false)?)?,
        delegate_without_eku: issued(delegate(
            "staplekit fuzz signer without EKU",
            2,
            false,
            false,
        )?)?,
        expired_delegate: issued(delegate(
            "staplekit fuzz expired OCSP responder",
            3,
            true,
            true,
        )?)?,
        foreign_delegate,
        other_ca,
        delegate_with_unknown: issued(with_unknown(
            "staplekit fuzz responder with an unknown extension",
            5,
            Criticality::NonCritical,
        )?)?,
        delegate_with_unknown_critical: issued(with_unknown(
            "staplekit fuzz responder with an unknown critical extension",
            6,
            Criticality::Critical,
        )?)?,
    })
}
