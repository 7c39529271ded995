//! Certificate chains out of the files `staplekit responder` is given: PEM chains, PKCS#12 and
//! JKS key stores, told apart by their content (never by their name).
//!
//! Key stores give chains only: for each private key entry, its certificate chain (leaf first).
//! Private keys are never needed, and never decoded by this module's own code.

mod jks;
mod pkcs12;

use std::fmt;
use std::io::Read;
use std::path::Path;

/// Largest file read: key stores and chains are a few kilobytes; this bounds a wrong path.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Longest chain taken from one key store entry.
pub const MAX_CHAIN_CERTIFICATES: usize = 16;

/// What a file holds, judged from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Text with a `-----BEGIN CERTIFICATE-----` block.
    PemChain,
    /// A DER PFX: SEQUENCE { INTEGER 3, ... }.
    Pkcs12,
    /// The JDK's JKS format: magic 0xFEEDFEED.
    Jks,
}

impl FileKind {
    /// Tells the kind from the content, or None when it is none of them.
    pub fn of(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&jks::MAGIC.to_be_bytes()) {
            Some(FileKind::Jks)
        } else if pkcs12::looks_like_pfx(bytes) {
            Some(FileKind::Pkcs12)
        } else if contains(bytes, b"-----BEGIN CERTIFICATE-----") {
            Some(FileKind::PemChain)
        } else {
            None
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::PemChain => "PEM chain",
            FileKind::Pkcs12 => "PKCS#12 key store",
            FileKind::Jks => "JKS key store",
        })
    }
}

/// One key entry's certificate chain, leaf first, DER.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreChain {
    /// The entry's alias (PKCS#12: its friendlyName, else the leaf's subject).
    pub alias: String,
    /// The certificates, leaf first.
    pub certificates: Vec<Vec<u8>>,
}

/// Reads a file of at most [`MAX_FILE_BYTES`].
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "larger than {MAX_FILE_BYTES} bytes: not a certificate chain or key store"
        ));
    }
    Ok(bytes)
}

/// The key entries' chains of a key store of `kind` (PKCS#12 or JKS).
///
/// `password`: a JKS store's integrity is checked only with one; a PKCS#12 store without one is
/// opened with the empty password. Errors say what is wrong (a wrong password says so).
pub fn read_key_store(
    kind: FileKind,
    bytes: &[u8],
    password: Option<&str>,
) -> Result<Vec<StoreChain>, String> {
    match kind {
        FileKind::Jks => jks::read_chains(bytes, password),
        FileKind::Pkcs12 => pkcs12::read_chains(bytes, password.unwrap_or("")),
        FileKind::PemChain => Err("a PEM chain is not a key store".into()),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::FileKind;

    #[test]
    fn kinds_are_told_apart_by_content() {
        assert_eq!(
            FileKind::of(&[0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2]),
            Some(FileKind::Jks)
        );
        // SEQUENCE (long form length) { INTEGER 3 ...
        assert_eq!(
            FileKind::of(&[0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03, 0x30]),
            Some(FileKind::Pkcs12)
        );
        assert_eq!(
            FileKind::of(b"junk\n-----BEGIN CERTIFICATE-----\nMII...\n"),
            Some(FileKind::PemChain)
        );
        // A DER OCSP response (SEQUENCE { ENUMERATED ...), a DER certificate, a private key.
        assert_eq!(FileKind::of(&[0x30, 0x03, 0x0A, 0x01, 0x06]), None);
        assert_eq!(FileKind::of(&[0x30, 0x82, 0x01, 0x00, 0x30, 0x82]), None);
        assert_eq!(FileKind::of(b"-----BEGIN PRIVATE KEY-----\n"), None);
        assert_eq!(FileKind::of(b""), None);
    }
}
