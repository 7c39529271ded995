//! A server's certificate chain, parsed once: for each certificate its CertID, its issuer and where
//! to ask about it.

use std::path::Path;
use std::sync::Arc;

use url::Url;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::oid_registry::{OID_PKIX_ACCESS_DESCRIPTOR_OCSP, OID_PKIX_AUTHORITY_INFO_ACCESS};
use x509_parser::pem::Pem;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::ocsp::CertIdentity;
use crate::report::SkipReason;

/// id-pkix-ocsp-nocheck (RFC 6960 section 4.2.2.2.1): a certificate no one should ask about.
const OCSP_NOCHECK_OID: &str = "1.3.6.1.5.5.7.48.1.5";

/// Why a chain could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// No certificate at all.
    #[error("the certificate chain is empty")]
    Empty,
    /// A certificate is not DER X.509.
    #[error("certificate {index} of the chain is not valid DER X.509: {reason}")]
    NotDer {
        /// Position in the chain, 0 = leaf.
        index: usize,
        /// What the parser said.
        reason: String,
    },
    /// A PEM source could not be read or holds no certificate.
    #[error("{path}: {reason}")]
    Pem {
        /// The file (or "PEM input").
        path: String,
        /// What was wrong.
        reason: String,
    },
}

/// Where a certificate's issuer was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuerSource {
    /// The next certificate of the chain.
    Chain,
    /// `staplekit.stapling.issuers`.
    Configured,
}

/// One certificate of a chain with what OCSP needs to know about it.
#[derive(Debug, Clone)]
pub struct ChainCertificate {
    /// The certificate, DER.
    pub der: Arc<[u8]>,
    /// The subject, as `CN=..., O=...`.
    pub subject: String,
    /// The serial number, upper-case hex.
    pub serial_hex: String,
    /// The first http(s) OCSP URL of its Authority Information Access extension.
    pub aia_ocsp_url: Option<Url>,
    /// Whether it carries id-pkix-ocsp-nocheck (then no one asks about it, as in the JDK).
    pub ocsp_nocheck: bool,
    /// Its issuer, DER, when known.
    pub issuer_der: Option<Arc<[u8]>>,
    /// Where the issuer came from.
    pub issuer_source: Option<IssuerSource>,
    /// Its CertID, when the issuer is known.
    pub id: Option<CertIdentity>,
    /// Whether it is self-signed (a root: never asked about).
    pub self_signed: bool,
}

impl ChainCertificate {
    /// The CertID and issuer OCSP asks about it with, or why it is never asked about (and so
    /// never registered): self-signed, id-pkix-ocsp-nocheck, or issuer unknown, in that order.
    pub fn ocsp_identity(&self) -> Result<(&CertIdentity, &Arc<[u8]>), SkipReason> {
        if self.self_signed {
            return Err(SkipReason::SelfSigned);
        }
        if self.ocsp_nocheck {
            return Err(SkipReason::NoCheck);
        }
        match (&self.id, &self.issuer_der) {
            (Some(id), Some(issuer_der)) => Ok((id, issuer_der)),
            _ => Err(SkipReason::NoIssuer),
        }
    }
}

/// A parsed chain, leaf first. Parse once per certificate chain and reuse it for every handshake.
#[derive(Debug, Clone)]
pub struct Chain {
    certs: Vec<ChainCertificate>,
}

/// Issuer certificates the chain sent does not contain (`staplekit.stapling.issuers`).
#[derive(Debug, Clone, Default)]
pub struct IssuerStore {
    certs: Vec<Arc<[u8]>>,
}

impl IssuerStore {
    /// Reads every certificate of a PEM file; a file without any is an error.
    pub fn load(path: &Path) -> Result<Self, ChainError> {
        let der = read_pem_certificates(path)?;
        Ok(Self {
            certs: der.into_iter().map(Arc::from).collect(),
        })
    }

    /// A store holding these DER certificates.
    pub fn from_der(certs: Vec<Vec<u8>>) -> Self {
        Self {
            certs: certs.into_iter().map(Arc::from).collect(),
        }
    }

    /// How many certificates it holds.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// The issuer of `cert`: a certificate whose subject is `cert`'s issuer name.
    fn find_issuer(&self, cert: &X509Certificate<'_>) -> Option<Arc<[u8]>> {
        self.certs
            .iter()
            .find(|der| {
                X509Certificate::from_der(der)
                    .is_ok_and(|(_, c)| c.subject().as_raw() == cert.issuer().as_raw())
            })
            .cloned()
    }
}

/// Reads every CERTIFICATE block of a PEM file as DER.
pub fn read_pem_certificates(path: &Path) -> Result<Vec<Vec<u8>>, ChainError> {
    let bytes = std::fs::read(path).map_err(|e| ChainError::Pem {
        path: path.display().to_string(),
        reason: format!("cannot read: {e}"),
    })?;
    parse_pem_certificates(&bytes, &path.display().to_string())
}

/// Parses every CERTIFICATE block of PEM text as DER; `name` names the source in errors.
pub fn parse_pem_certificates(bytes: &[u8], name: &str) -> Result<Vec<Vec<u8>>, ChainError> {
    let mut out = Vec::new();
    for pem in Pem::iter_from_buffer(bytes) {
        let pem = pem.map_err(|e| ChainError::Pem {
            path: name.to_owned(),
            reason: format!("not valid PEM: {e}"),
        })?;
        if pem.label == "CERTIFICATE" {
            out.push(pem.contents);
        }
    }
    if out.is_empty() {
        return Err(ChainError::Pem {
            path: name.to_owned(),
            reason: "holds no PEM CERTIFICATE block".into(),
        });
    }
    Ok(out)
}

impl Chain {
    /// Parses a DER chain, leaf first. The issuer of each certificate is the next one when its
    /// subject is the certificate's issuer name (the JDK takes the next one unchecked; a mismatch
    /// would only yield a wrong CertID), else a certificate from `issuers`.
    pub fn parse(der_chain: Vec<Vec<u8>>, issuers: &IssuerStore) -> Result<Self, ChainError> {
        if der_chain.is_empty() {
            return Err(ChainError::Empty);
        }
        let ders: Vec<Arc<[u8]>> = der_chain.into_iter().map(Arc::from).collect();
        let mut parsed = Vec::with_capacity(ders.len());
        for (index, der) in ders.iter().enumerate() {
            let (_, cert) = X509Certificate::from_der(der).map_err(|e| ChainError::NotDer {
                index,
                reason: e.to_string(),
            })?;
            parsed.push(cert);
        }
        let mut certs = Vec::with_capacity(parsed.len());
        for (index, cert) in parsed.iter().enumerate() {
            let self_signed = cert.subject().as_raw() == cert.issuer().as_raw();
            let next = parsed
                .get(index + 1)
                .filter(|next| next.subject().as_raw() == cert.issuer().as_raw())
                .map(|_| (ders[index + 1].clone(), IssuerSource::Chain));
            let issuer = if self_signed {
                None
            } else {
                next.or_else(|| {
                    issuers
                        .find_issuer(cert)
                        .map(|der| (der, IssuerSource::Configured))
                })
            };
            let id = issuer.as_ref().and_then(|(der, _)| {
                X509Certificate::from_der(der)
                    .ok()
                    .map(|(_, issuer)| CertIdentity::from_parsed(cert, &issuer))
            });
            certs.push(ChainCertificate {
                der: ders[index].clone(),
                subject: cert.subject().to_string(),
                serial_hex: cert.raw_serial_as_string().replace(':', "").to_uppercase(),
                aia_ocsp_url: aia_ocsp_url(cert),
                ocsp_nocheck: cert
                    .iter_extensions()
                    .any(|e| e.oid.to_id_string() == OCSP_NOCHECK_OID),
                issuer_source: issuer.as_ref().map(|(_, source)| *source),
                issuer_der: issuer.map(|(der, _)| der),
                id,
                self_signed,
            });
        }
        Ok(Self { certs })
    }

    /// Reads a chain from a PEM file (leaf first).
    pub fn from_pem_file(path: &Path, issuers: &IssuerStore) -> Result<Self, ChainError> {
        Self::parse(read_pem_certificates(path)?, issuers)
    }

    /// The certificates, leaf first.
    pub fn certificates(&self) -> &[ChainCertificate] {
        &self.certs
    }

    /// How many certificates the chain has.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Always false: a chain has at least its leaf.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// The leaf certificate.
    pub fn leaf(&self) -> &ChainCertificate {
        &self.certs[0]
    }
}

fn aia_ocsp_url(cert: &X509Certificate<'_>) -> Option<Url> {
    let ext = cert
        .iter_extensions()
        .find(|e| e.oid == OID_PKIX_AUTHORITY_INFO_ACCESS)?;
    let ParsedExtension::AuthorityInfoAccess(aia) = ext.parsed_extension() else {
        return None;
    };
    aia.iter()
        .filter(|d| d.access_method == OID_PKIX_ACCESS_DESCRIPTOR_OCSP)
        .filter_map(|d| match d.access_location {
            GeneralName::URI(uri) => Url::parse(uri).ok(),
            _ => None,
        })
        .find(|url| matches!(url.scheme(), "http" | "https"))
}
