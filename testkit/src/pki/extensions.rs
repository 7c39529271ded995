//! X.509 extensions that rcgen has no helper for, encoded with the `der` crate.

use der::asn1::{Ia5String, Null, ObjectIdentifier};
use der::oid::db::rfc5280::{ID_AD_OCSP, ID_PE_AUTHORITY_INFO_ACCESS};
use der::oid::db::rfc6960::ID_PKIX_OCSP_NOCHECK;
use der::Encode;
use rcgen::CustomExtension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{AccessDescription, AuthorityInfoAccessSyntax};

use super::PkiError;

/// The Authority Information Access extension (RFC 5280 section 4.2.2.1) with one id-ad-ocsp
/// access description whose location is `ocsp_url` as a uniformResourceIdentifier.
///
/// `subject` only names the certificate in errors.
pub(crate) fn authority_info_access(
    subject: &str,
    ocsp_url: &str,
) -> Result<CustomExtension, PkiError> {
    let uri = Ia5String::new(ocsp_url).map_err(|_| PkiError::InvalidOcspUrl {
        subject: subject.to_owned(),
        url: ocsp_url.to_owned(),
    })?;
    let aia = AuthorityInfoAccessSyntax(vec![AccessDescription {
        access_method: ID_AD_OCSP,
        access_location: GeneralName::UniformResourceIdentifier(uri),
    }]);
    let content = aia.to_der().map_err(|source| PkiError::Encode {
        subject: subject.to_owned(),
        extension: "authorityInfoAccess",
        source,
    })?;
    Ok(CustomExtension::from_oid_content(
        &arcs(&ID_PE_AUTHORITY_INFO_ACCESS),
        content,
    ))
}

/// The id-pkix-ocsp-nocheck extension (RFC 6960 section 4.2.2.2.1): a non-critical DER NULL that
/// tells relying parties not to check the delegated OCSP signer's own revocation status.
pub(crate) fn ocsp_nocheck(subject: &str) -> Result<CustomExtension, PkiError> {
    let content = Null.to_der().map_err(|source| PkiError::Encode {
        subject: subject.to_owned(),
        extension: "id-pkix-ocsp-nocheck",
        source,
    })?;
    Ok(CustomExtension::from_oid_content(
        &arcs(&ID_PKIX_OCSP_NOCHECK),
        content,
    ))
}

/// The OID of the extension no relying party knows, for tests of how unknown extensions are
/// treated: an arc under IANA's enterprise number for documentation use (RFC 5612), so no real
/// extension will ever have it.
pub const UNKNOWN_EXTENSION_OID: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.32473.1.1");

/// Whether an extension is marked critical: a relying party that does not understand a critical
/// extension must refuse what carries it, and may ignore a non-critical one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Criticality {
    /// critical FALSE (left out of the DER, its default).
    NonCritical,
    /// critical TRUE.
    Critical,
}

impl Criticality {
    /// `true` for [`Criticality::Critical`].
    pub fn is_critical(self) -> bool {
        self == Criticality::Critical
    }
}

/// The value of the [`UNKNOWN_EXTENSION_OID`] extension: a DER NULL.
pub const UNKNOWN_EXTENSION_VALUE: [u8; 2] = [0x05, 0x00];

/// The extension with [`UNKNOWN_EXTENSION_OID`], for a certificate.
pub(crate) fn unknown_extension(criticality: Criticality) -> CustomExtension {
    let mut ext = CustomExtension::from_oid_content(
        &arcs(&UNKNOWN_EXTENSION_OID),
        UNKNOWN_EXTENSION_VALUE.to_vec(),
    );
    ext.set_criticality(criticality.is_critical());
    ext
}

/// An OID's arcs in the form rcgen takes.
fn arcs(oid: &ObjectIdentifier) -> Vec<u64> {
    oid.arcs().map(u64::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aia_value_is_the_rfc_5280_structure() {
        let ext = authority_info_access("leaf", "http://127.0.0.1:8080/").unwrap();
        assert_eq!(
            ext.oid_components().collect::<Vec<_>>(),
            [1, 3, 6, 1, 5, 5, 7, 1, 1]
        );
        assert!(!ext.criticality());
        let url = b"http://127.0.0.1:8080/";
        // SEQUENCE { SEQUENCE { OID 1.3.6.1.5.5.7.48.1, [6] IMPLICIT IA5String url } }
        let inner_len = 10 + 2 + url.len();
        let mut expected = vec![0x30, (inner_len + 2) as u8, 0x30, inner_len as u8];
        expected.extend([0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01]);
        expected.extend([0x86, url.len() as u8]);
        expected.extend(url);
        assert_eq!(ext.content(), expected.as_slice());
    }

    #[test]
    fn aia_rejects_a_non_ascii_url() {
        let err = authority_info_access("leaf", "http://exämple.test/").unwrap_err();
        assert!(err.to_string().contains("exämple"), "{err}");
    }

    #[test]
    fn nocheck_is_a_der_null() {
        let ext = ocsp_nocheck("signer").unwrap();
        assert_eq!(
            ext.oid_components().collect::<Vec<_>>(),
            [1, 3, 6, 1, 5, 5, 7, 48, 1, 5]
        );
        assert_eq!(ext.content(), [0x05, 0x00]);
        assert!(!ext.criticality());
    }
}
