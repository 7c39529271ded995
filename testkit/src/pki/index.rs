//! The OpenSSL CA database (`index.txt`) that `openssl ocsp -index` answers from.
//!
//! Each line has six tab-separated fields, as `openssl ca` writes them:
//!
//! ```text
//! V <TAB> notAfter <TAB>                     <TAB> SERIAL <TAB> unknown <TAB> /CN=subject
//! R <TAB> notAfter <TAB> revoked[,reason]    <TAB> SERIAL <TAB> unknown <TAB> /CN=subject
//! ```
//!
//! Times are the certificate's own ASN.1 text (`YYMMDDHHMMSSZ` before 2050), the serial is
//! upper-case hex with an even number of digits (OpenSSL's `BN_bn2hex`, which the responder uses
//! to look certificates up), "unknown" is the file-name field, and the subject is in
//! `X509_NAME_oneline` form.

use std::fs;
use std::path::Path;
use std::time::SystemTime;

use super::authority::Issued;
use super::time::asn1_time_string;
use super::PkiError;

/// A revocation reason as `openssl ca -crl_reason` names it; the responder returns it in the
/// RevokedInfo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RevocationReason {
    /// unspecified (0).
    Unspecified,
    /// keyCompromise (1).
    KeyCompromise,
    /// cACompromise (2).
    CaCompromise,
    /// affiliationChanged (3).
    AffiliationChanged,
    /// superseded (4).
    Superseded,
    /// cessationOfOperation (5).
    CessationOfOperation,
    // certificateHold is left out: OpenSSL then also wants a hold instruction in the index.
}

impl RevocationReason {
    /// The name OpenSSL writes into the index.
    pub fn openssl_name(self) -> &'static str {
        match self {
            Self::Unspecified => "unspecified",
            Self::KeyCompromise => "keyCompromise",
            Self::CaCompromise => "CACompromise",
            Self::AffiliationChanged => "affiliationChanged",
            Self::Superseded => "superseded",
            Self::CessationOfOperation => "cessationOfOperation",
        }
    }
}

/// A certificate's status in the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexStatus {
    /// Valid: the responder answers "good".
    Valid,
    /// Revoked: the responder answers "revoked" with this time and reason.
    Revoked {
        /// When it was revoked.
        at: SystemTime,
        /// Why, if said.
        reason: Option<RevocationReason>,
    },
}

/// One line of the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexEntry {
    /// Valid or revoked.
    pub status: IndexStatus,
    /// The certificate's notAfter.
    pub not_after: SystemTime,
    /// The serial number's DER INTEGER content bytes.
    pub serial: Vec<u8>,
    /// The subject's common name (the generated certificates have nothing else in the subject).
    pub common_name: String,
}

impl IndexEntry {
    /// The entry for `cert` with the given status.
    pub fn new(cert: &Issued, status: IndexStatus) -> Self {
        Self {
            status,
            not_after: cert.not_after,
            serial: cert.serial.clone(),
            common_name: cert.common_name.clone(),
        }
    }

    /// The line, without its line end.
    pub fn to_line(&self) -> String {
        let (flag, revocation) = match self.status {
            IndexStatus::Valid => ("V", String::new()),
            IndexStatus::Revoked { at, reason } => {
                let mut field = asn1_time_string(at);
                if let Some(reason) = reason {
                    field.push(',');
                    field.push_str(reason.openssl_name());
                }
                ("R", field)
            }
        };
        format!(
            "{flag}\t{}\t{revocation}\t{}\tunknown\t/CN={}",
            asn1_time_string(self.not_after),
            openssl_serial_hex(&self.serial),
            oneline_escape(&self.common_name),
        )
    }
}

/// The certificates one CA has issued, in the order added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaIndex {
    /// The lines.
    pub entries: Vec<IndexEntry>,
}

impl CaIndex {
    /// An empty index (the responder then answers "unknown" for everything).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `cert` as valid.
    pub fn add_valid(&mut self, cert: &Issued) -> &mut Self {
        self.entries.push(IndexEntry::new(cert, IndexStatus::Valid));
        self
    }

    /// Adds `cert` as revoked at `at`, for `reason` if given.
    pub fn add_revoked(
        &mut self,
        cert: &Issued,
        at: SystemTime,
        reason: Option<RevocationReason>,
    ) -> &mut Self {
        self.entries
            .push(IndexEntry::new(cert, IndexStatus::Revoked { at, reason }));
        self
    }

    /// The file's text: one line per entry, each ending in LF.
    pub fn to_text(&self) -> String {
        self.entries.iter().map(|e| e.to_line() + "\n").collect()
    }

    /// Writes the index to `path`, replacing it atomically.
    ///
    /// A running `openssl ocsp` (3.0 and later) reloads its index when the file's inode or times
    /// change, so rewriting the index of a live responder changes its answers from the next
    /// request on; the rename means it never reads a half-written file.
    pub fn write(&self, path: &Path) -> Result<(), PkiError> {
        let mut tmp_name = path.file_name().unwrap_or_default().to_owned();
        tmp_name.push(".tmp");
        let tmp = path.with_file_name(tmp_name);
        let io_error = |path: &Path| {
            let path = path.to_owned();
            move |source| PkiError::Write { path, source }
        };
        fs::write(&tmp, self.to_text()).map_err(io_error(&tmp))?;
        fs::rename(&tmp, path).map_err(io_error(path))
    }
}

/// A serial number as OpenSSL's `BN_bn2hex` writes a positive one: upper-case hex, two digits per
/// byte, without leading zero bytes, "00" for zero.
pub(crate) fn openssl_serial_hex(serial: &[u8]) -> String {
    let significant: String = serial
        .iter()
        .skip_while(|b| **b == 0)
        .map(|b| format!("{b:02X}"))
        .collect();
    if significant.is_empty() {
        "00".to_owned()
    } else {
        significant
    }
}

/// Escapes a name value as `X509_NAME_oneline` does: bytes outside printable ASCII become `\xHH`.
/// This also keeps tabs and line ends out of the tab-separated index.
fn oneline_escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if (b' '..=b'~').contains(&b) {
                char::from(b).to_string()
            } else {
                format!("\\x{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn cert(serial: &[u8], cn: &str) -> Issued {
        Issued {
            common_name: cn.to_owned(),
            der: Vec::new(),
            pem: String::new(),
            key_pkcs8_der: Vec::new(),
            key_pem: String::new(),
            serial: serial.to_vec(),
            not_before: UNIX_EPOCH,
            // 2030-01-02T03:04:05Z
            not_after: UNIX_EPOCH + Duration::from_secs(1_893_553_445),
        }
    }

    #[test]
    fn valid_line_matches_openssl_ca() {
        let mut index = CaIndex::new();
        index.add_valid(&cert(&[0x0a, 0xbc], "leaf"));
        assert_eq!(
            index.to_text(),
            "V\t300102030405Z\t\t0ABC\tunknown\t/CN=leaf\n"
        );
    }

    #[test]
    fn revoked_line_carries_time_and_reason() {
        // 2025-06-07T08:09:10Z
        let at = UNIX_EPOCH + Duration::from_secs(1_749_283_750);
        let mut index = CaIndex::new();
        index
            .add_revoked(&cert(&[0x01], "a"), at, None)
            .add_revoked(
                &cert(&[0x02], "b"),
                at,
                Some(RevocationReason::KeyCompromise),
            );
        assert_eq!(
            index.to_text(),
            "R\t300102030405Z\t250607080910Z\t01\tunknown\t/CN=a\n\
             R\t300102030405Z\t250607080910Z,keyCompromise\t02\tunknown\t/CN=b\n"
        );
    }

    #[test]
    fn serial_hex_drops_the_sign_byte_only() {
        assert_eq!(openssl_serial_hex(&[0x00, 0x80, 0x01]), "8001");
        assert_eq!(openssl_serial_hex(&[0x01, 0x00]), "0100");
        assert_eq!(openssl_serial_hex(&[0x00]), "00");
    }

    #[test]
    fn subject_escapes_control_and_non_ascii_bytes() {
        let line = IndexEntry::new(&cert(&[1], "a\tb é"), IndexStatus::Valid).to_line();
        assert!(line.ends_with("\t/CN=a\\x09b \\xC3\\xA9"), "{line}");
        assert_eq!(line.split('\t').count(), 6);
    }

    #[test]
    fn write_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.txt");
        std::fs::write(&path, "old").unwrap();
        let mut index = CaIndex::new();
        index.add_valid(&cert(&[7], "x"));
        index.write(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), index.to_text());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn write_names_the_file_on_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("index.txt");
        let err = CaIndex::new().write(&path).unwrap_err();
        assert!(err.to_string().contains("missing"), "{err}");
    }
}
