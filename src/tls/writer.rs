//! Length-prefixed vector encoding that refuses, rather than truncates, an oversized body.

use super::error::{EncodeError, Structure};

/// Largest length a uint16 prefix can express.
pub(crate) const MAX_U16: usize = 0xFFFF;
/// Largest length a uint24 prefix can express.
pub const MAX_U24: usize = 0xFF_FFFF;

/// Appends `body` with a uint16 length prefix.
pub(crate) fn push_vec16(
    out: &mut Vec<u8>,
    body: &[u8],
    structure: Structure,
    what: &'static str,
) -> Result<(), EncodeError> {
    let len =
        u16::try_from(body.len()).map_err(|_| too_long(structure, what, body.len(), MAX_U16))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
    Ok(())
}

/// Appends `body` with a uint24 length prefix.
pub(crate) fn push_vec24(
    out: &mut Vec<u8>,
    body: &[u8],
    structure: Structure,
    what: &'static str,
) -> Result<(), EncodeError> {
    let len = u32::try_from(body.len())
        .ok()
        .filter(|&len| len <= 0xFF_FFFF)
        .ok_or_else(|| too_long(structure, what, body.len(), MAX_U24))?;
    push_u24(out, len as usize);
    out.extend_from_slice(body);
    Ok(())
}

/// Appends a uint24 length the caller has checked against [`MAX_U24`] (higher bits are dropped).
pub(crate) fn push_u24(out: &mut Vec<u8>, len: usize) {
    debug_assert!(len <= MAX_U24);
    let [.., a, b, c] = (len as u64).to_be_bytes();
    out.extend_from_slice(&[a, b, c]);
}

fn too_long(structure: Structure, what: &'static str, len: usize, max: usize) -> EncodeError {
    EncodeError::TooLong {
        structure,
        what,
        len,
        max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_big_endian() {
        let mut out = Vec::new();
        push_vec16(&mut out, &[7; 0x0102], Structure::StatusRequest, "v").unwrap();
        assert_eq!(&out[..3], &[0x01, 0x02, 7]);
        let mut out = Vec::new();
        push_vec24(&mut out, &[9; 0x010203], Structure::CertificateStatus, "r").unwrap();
        assert_eq!(&out[..4], &[0x01, 0x02, 0x03, 9]);
        assert_eq!(out.len(), 3 + 0x010203);
    }

    #[test]
    fn oversized_bodies_are_refused_not_truncated() {
        let mut out = Vec::new();
        let err =
            push_vec16(&mut out, &[0; MAX_U16 + 1], Structure::StatusRequest, "ids").unwrap_err();
        assert_eq!(
            err,
            EncodeError::TooLong {
                structure: Structure::StatusRequest,
                what: "ids",
                len: MAX_U16 + 1,
                max: MAX_U16,
            }
        );
        let big = vec![0; MAX_U24 + 1];
        let err = push_vec24(&mut out, &big, Structure::CertificateStatus, "resp").unwrap_err();
        assert!(matches!(err, EncodeError::TooLong { max: MAX_U24, .. }));
        assert!(out.is_empty(), "nothing is written on refusal");
        // The largest legal body still fits.
        push_vec24(
            &mut out,
            &big[..MAX_U24],
            Structure::CertificateStatus,
            "resp",
        )
        .unwrap();
        assert_eq!(&out[..3], &[0xFF, 0xFF, 0xFF]);
    }
}
