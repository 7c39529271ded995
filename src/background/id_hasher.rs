//! A fast hasher for the registry's CertID keys.
//!
//! Every handshake of a registered chain hashes each certificate's CertID twice (look-up and
//! staple count); with std's SipHash that was about 40% of the handshake's cost. SipHash resists
//! hash flooding by chosen keys, but the registry's keys are the certificates the server itself
//! registered, never input from a peer, so a simple multiply-rotate hash with a strong finaliser
//! is enough.

use std::hash::{BuildHasherDefault, Hasher};

/// Builds [`IdHasher`]s.
pub(crate) type BuildIdHasher = BuildHasherDefault<IdHasher>;

/// Folds 8 bytes at a time (FxHash's step), then mixes every bit into the low ones hashbrown
/// indexes with (MurmurHash3's fmix64): serials that differ in one byte land in different buckets.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517C_C1B7_2722_0A95);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The length keeps [1] and [1, 0] apart.
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        h ^= h >> 33;
        h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        h ^ (h >> 33)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::hash::{BuildHasher, Hash};

    use super::*;
    use crate::ocsp::CertIdentity;

    fn hash(id: &CertIdentity) -> u64 {
        BuildIdHasher::default().hash_one(id)
    }

    fn id(serial: &[u8]) -> CertIdentity {
        CertIdentity::new(b"issuer name", b"issuer key", serial)
    }

    #[test]
    fn equal_ids_hash_equal() {
        assert_eq!(hash(&id(&[1, 2, 3])), hash(&id(&[1, 2, 3])));
    }

    #[test]
    fn ids_differing_in_one_serial_byte_or_its_length_hash_apart() {
        let ids = [
            id(&[1]),
            id(&[1, 0]),
            id(&[0, 1]),
            id(&[1; 8]),
            id(&[1; 9]),
            CertIdentity::new(b"other issuer", b"issuer key", &[1]),
            CertIdentity::new(b"issuer name", b"other key", &[1]),
        ];
        let hashes: HashSet<u64> = ids.iter().map(hash).collect();
        assert_eq!(hashes.len(), ids.len());
    }

    #[test]
    fn sequential_serials_spread_over_the_low_bits() {
        // hashbrown picks the bucket from the low bits: 4096 sequential serials (as a small CA
        // issues them) must not crowd into a few of 4096 buckets.
        let buckets: HashSet<u64> = (0u16..4096)
            .map(|n| hash(&id(&n.to_be_bytes())) & 0xFFF)
            .collect();
        assert!(
            buckets.len() > 2400,
            "{} buckets of 4096 used",
            buckets.len()
        );
    }

    #[test]
    fn partial_words_count_every_byte() {
        let mut a = IdHasher::default();
        let mut b = IdHasher::default();
        [1u8, 2, 3].hash(&mut a);
        [1u8, 2, 4].hash(&mut b);
        assert_ne!(a.finish(), b.finish());
    }
}
