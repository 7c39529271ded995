//! The JDK's JKS key store format (`sun.security.provider.JavaKeyStore`), read for its certificate
//! chains only: the encrypted private keys are skipped, never decrypted.
//!
//! Layout (all integers big-endian): magic 0xFEEDFEED, version (1 or 2), entry count, then per
//! entry a tag (1 = private key, 2 = trusted certificate), the alias (u16 length + modified UTF-8)
//! and a u64 timestamp; a private key entry has the key (u32 length + bytes) and its chain (u32
//! count, then per certificate: in version 2 its type as u16 length + "X.509", then u32 length +
//! DER); a trusted certificate entry has one certificate likewise. Last comes a SHA-1 digest over
//! the password as UTF-16BE, the bytes "Mighty Aphrodite", and everything before the digest.
//!
//! Every length read is checked against what is left of the file before it is used.

use ring::digest::{Context, SHA1_FOR_LEGACY_USE_ONLY};

use super::{StoreChain, MAX_CHAIN_CERTIFICATES};

/// The first four bytes of a JKS file.
pub(super) const MAGIC: u32 = 0xFEED_FEED;
/// JCEKS (the JDK's other proprietary format), told apart to say so.
const JCEKS_MAGIC: u32 = 0xCECE_CECE;
const DIGEST_LEN: usize = 20;
/// The JDK's integrity "whitener", hashed after the password.
const WHITENER: &[u8] = b"Mighty Aphrodite";
const PRIVATE_KEY_ENTRY: u32 = 1;
const TRUSTED_CERT_ENTRY: u32 = 2;

/// The chains of the store's private key entries, leaf first; the integrity digest is checked
/// when a password is given.
pub(super) fn read_chains(bytes: &[u8], password: Option<&str>) -> Result<Vec<StoreChain>, String> {
    if bytes.len() < 12 + DIGEST_LEN {
        return Err(format!(
            "truncated JKS key store: {} bytes, at least {} needed",
            bytes.len(),
            12 + DIGEST_LEN
        ));
    }
    let (data, digest) = bytes.split_at(bytes.len() - DIGEST_LEN);
    if let Some(password) = password {
        if integrity_digest(password, data).as_ref() != digest {
            return Err(
                "wrong password (staplekit.stapling.keyStorePassword), or the JKS store was \
                 altered: its integrity digest does not match"
                    .into(),
            );
        }
    }
    let mut reader = Reader { data, at: 0 };
    match reader.u32("magic")? {
        MAGIC => {}
        JCEKS_MAGIC => return Err("a JCEKS key store: only JKS and PKCS#12 are read".into()),
        other => return Err(format!("not a JKS key store (magic {other:#010X})")),
    }
    let version = reader.u32("version")?;
    if version != 1 && version != 2 {
        return Err(format!("JKS version {version}: only 1 and 2 exist"));
    }
    let count = reader.u32("entry count")?;
    let mut chains = Vec::new();
    for index in 0..count {
        let tag = reader.u32("entry tag")?;
        let alias = reader.utf("alias")?;
        reader.skip(8, "timestamp")?;
        match tag {
            PRIVATE_KEY_ENTRY => {
                let key_len = reader.u32("private key length")?;
                reader.skip(key_len as usize, "private key")?;
                let certs = reader.u32("chain length")? as usize;
                if certs > MAX_CHAIN_CERTIFICATES {
                    return Err(format!(
                        "entry {alias:?} has a chain of {certs} certificates, more than \
                         {MAX_CHAIN_CERTIFICATES}"
                    ));
                }
                let certificates = (0..certs)
                    .map(|_| reader.certificate(version))
                    .collect::<Result<Vec<_>, _>>()?;
                chains.push(StoreChain {
                    alias,
                    certificates,
                });
            }
            TRUSTED_CERT_ENTRY => {
                reader.certificate(version)?;
            }
            other => {
                return Err(format!(
                    "entry {index} ({alias:?}) has tag {other}: JKS has private key (1) and \
                     trusted certificate (2) entries only"
                ))
            }
        }
    }
    if reader.at != data.len() {
        return Err(format!(
            "{} bytes after the last entry, before the digest",
            data.len() - reader.at
        ));
    }
    Ok(chains)
}

/// SHA-1 over the password's UTF-16BE code units, the whitener, and the store's data.
fn integrity_digest(password: &str, data: &[u8]) -> ring::digest::Digest {
    let mut context = Context::new(&SHA1_FOR_LEGACY_USE_ONLY);
    for unit in password.encode_utf16() {
        context.update(&unit.to_be_bytes());
    }
    context.update(WHITENER);
    context.update(data);
    context.finish()
}

/// A cursor over the store's data that never reads past its end.
struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8], String> {
        let left = self.data.len() - self.at;
        if len > left {
            return Err(format!(
                "truncated JKS key store: {what} at byte {} needs {len} bytes, {left} left",
                self.at
            ));
        }
        let bytes = &self.data[self.at..self.at + len];
        self.at += len;
        Ok(bytes)
    }

    fn skip(&mut self, len: usize, what: &str) -> Result<(), String> {
        self.take(len, what).map(|_| ())
    }

    fn u32(&mut self, what: &str) -> Result<u32, String> {
        let bytes = self.take(4, what)?;
        Ok(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    /// Java's `writeUTF`: u16 length, then modified UTF-8 (read leniently: aliases are labels).
    fn utf(&mut self, what: &str) -> Result<String, String> {
        let len = self.take(2, what)?;
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        Ok(String::from_utf8_lossy(self.take(len, what)?).into_owned())
    }

    /// One certificate: its type (version 2 only; must be X.509), then u32 length and DER.
    fn certificate(&mut self, version: u32) -> Result<Vec<u8>, String> {
        if version == 2 {
            let kind = self.utf("certificate type")?;
            if kind != "X.509" {
                return Err(format!("a certificate of type {kind:?}, not X.509"));
            }
        }
        let len = self.u32("certificate length")? as usize;
        Ok(self.take(len, "certificate")?.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version 2 store: one private key entry with a two-certificate chain, one trusted entry.
    fn store(password: &str) -> Vec<u8> {
        let mut data = Vec::new();
        data.extend_from_slice(&MAGIC.to_be_bytes());
        data.extend_from_slice(&2u32.to_be_bytes());
        data.extend_from_slice(&2u32.to_be_bytes());
        // Private key entry "server".
        data.extend_from_slice(&PRIVATE_KEY_ENTRY.to_be_bytes());
        data.extend_from_slice(&6u16.to_be_bytes());
        data.extend_from_slice(b"server");
        data.extend_from_slice(&0u64.to_be_bytes());
        data.extend_from_slice(&3u32.to_be_bytes());
        data.extend_from_slice(b"key");
        data.extend_from_slice(&2u32.to_be_bytes());
        for cert in [&b"leaf"[..], b"issuer"] {
            data.extend_from_slice(&5u16.to_be_bytes());
            data.extend_from_slice(b"X.509");
            data.extend_from_slice(&(cert.len() as u32).to_be_bytes());
            data.extend_from_slice(cert);
        }
        // Trusted entry "ca".
        data.extend_from_slice(&TRUSTED_CERT_ENTRY.to_be_bytes());
        data.extend_from_slice(&2u16.to_be_bytes());
        data.extend_from_slice(b"ca");
        data.extend_from_slice(&0u64.to_be_bytes());
        data.extend_from_slice(&5u16.to_be_bytes());
        data.extend_from_slice(b"X.509");
        data.extend_from_slice(&2u32.to_be_bytes());
        data.extend_from_slice(b"ca");
        let digest = integrity_digest(password, &data);
        data.extend_from_slice(digest.as_ref());
        data
    }

    #[test]
    fn reads_the_key_entries_chains_and_checks_the_digest() {
        let bytes = store("changeit");
        let expected = vec![StoreChain {
            alias: "server".into(),
            certificates: vec![b"leaf".to_vec(), b"issuer".to_vec()],
        }];
        assert_eq!(read_chains(&bytes, Some("changeit")).unwrap(), expected);
        assert_eq!(read_chains(&bytes, None).unwrap(), expected);
        let error = read_chains(&bytes, Some("wrong")).unwrap_err();
        assert!(error.starts_with("wrong password"), "{error}");
    }

    #[test]
    fn every_truncation_and_length_lie_is_an_error_not_a_panic() {
        let bytes = store("p");
        for len in 0..bytes.len() - DIGEST_LEN {
            // Cut the data, keep a digest-sized tail so the parser runs on what is left.
            let mut cut = bytes[..len].to_vec();
            cut.extend_from_slice(&[0; DIGEST_LEN]);
            assert!(read_chains(&cut, None).is_err(), "cut at {len}");
        }
        // A certificate length far past the end.
        let mut lying = store("p");
        let at = lying.windows(4).position(|w| w == b"leaf").unwrap() - 4;
        lying[at..at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        let error = read_chains(&lying, None).unwrap_err();
        assert!(
            error.contains("truncated JKS key store: certificate"),
            "{error}"
        );
    }

    #[test]
    fn chains_longer_than_the_bound_are_refused() {
        let mut bytes = store("p");
        let at = bytes.windows(4).position(|w| w == b"key\0").unwrap() + 3;
        bytes[at..at + 4].copy_from_slice(&1000u32.to_be_bytes());
        let error = read_chains(&bytes, None).unwrap_err();
        assert!(error.contains("chain of 1000 certificates"), "{error}");
    }
}
