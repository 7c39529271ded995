//! PKCS#12 key stores, through the `p12-keystore` crate: what JDK 17's `keytool`/`KeyStore` and
//! OpenSSL 3's `openssl pkcs12 -export` write (PBES2 with AES and HMAC-SHA256), and the older PBES1
//! ciphers.

use p12_keystore::error::Error as P12Error;
use p12_keystore::{KeyStore, KeyStoreEntry, Pkcs12ImportPolicy};

use super::{StoreChain, MAX_CHAIN_CERTIFICATES};

/// Whether `bytes` start as a PFX: SEQUENCE { INTEGER 3, ... } (a DER certificate or OCSP response
/// starts with another SEQUENCE or an ENUMERATED instead).
pub(super) fn looks_like_pfx(bytes: &[u8]) -> bool {
    let Some((&0x30, rest)) = bytes.split_first() else {
        return false;
    };
    // Skip the outer length: short form, or 0x81..0x84 and that many length octets.
    let skip = match rest.first() {
        Some(&n) if n < 0x80 => 1,
        Some(&n @ 0x81..=0x84) => 1 + usize::from(n - 0x80),
        _ => return false,
    };
    rest.get(skip..skip + 3) == Some(&[0x02, 0x01, 0x03])
}

/// The chains of the store's private key entries, leaf first.
pub(super) fn read_chains(bytes: &[u8], password: &str) -> Result<Vec<StoreChain>, String> {
    let store =
        KeyStore::from_pkcs12(bytes, password, Pkcs12ImportPolicy::Strict).map_err(describe)?;
    let mut chains = Vec::new();
    for (alias, entry) in store.entries() {
        if let KeyStoreEntry::PrivateKeyChain(chain) = entry {
            let certs = chain.certs();
            if certs.len() > MAX_CHAIN_CERTIFICATES {
                return Err(format!(
                    "entry {alias:?} has a chain of {} certificates, more than {MAX_CHAIN_CERTIFICATES}",
                    certs.len()
                ));
            }
            chains.push(StoreChain {
                alias: alias.clone(),
                certificates: certs.iter().map(|c| c.as_der().to_vec()).collect(),
            });
        }
    }
    Ok(chains)
}

/// One phrase per failure; a failed integrity check or decryption means the password is wrong.
fn describe(error: P12Error) -> String {
    match error {
        P12Error::MacError(_) => {
            "wrong password (staplekit.stapling.keyStorePassword): the PKCS#12 integrity check \
             (MAC) failed"
                .into()
        }
        P12Error::UnpadError | P12Error::Pkcs5Error(_) => format!(
            "cannot decrypt the PKCS#12 store ({error}): wrong password \
             (staplekit.stapling.keyStorePassword)?"
        ),
        P12Error::UnsupportedEncryptionScheme | P12Error::UnsupportedMacAlgorithm => {
            format!("a PKCS#12 store this reader cannot open: {error}")
        }
        other => format!("not a valid PKCS#12 key store: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_after_a_pfx_header_is_a_clear_error() {
        let bytes = [0x30, 0x06, 0x02, 0x01, 0x03, 0x30, 0x01, 0x00];
        assert!(looks_like_pfx(&bytes));
        let error = read_chains(&bytes, "changeit").unwrap_err();
        assert!(
            error.starts_with("not a valid PKCS#12 key store"),
            "{error}"
        );
    }
}
