//! A bounds-checked cursor over TLS presentation-language data. Every read either succeeds inside
//! the current vector or returns an [`ExtensionError`] carrying the absolute offset, so parsers
//! never index slices themselves.

use super::error::{ExtensionError, Structure};

/// Cursor over one TLS vector; sub-vectors get their own `Reader` bounded by their length prefix.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    /// Absolute offset of `data[0]` in the parser's input, for error messages.
    base: usize,
    structure: Structure,
}

impl<'a> Reader<'a> {
    /// A reader over a whole parser input.
    pub(crate) fn new(data: &'a [u8], structure: Structure) -> Self {
        Self {
            data,
            pos: 0,
            base: 0,
            structure,
        }
    }

    /// Structure this reader parses, for errors raised by callers.
    pub(crate) fn structure(&self) -> Structure {
        self.structure
    }

    /// Absolute offset of the next unread byte.
    pub(crate) fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// Bytes left in this vector.
    pub(crate) fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    /// Whether this vector is fully consumed.
    pub(crate) fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// Reads exactly `n` bytes.
    pub(crate) fn take(
        &mut self,
        n: usize,
        what: &'static str,
    ) -> Result<&'a [u8], ExtensionError> {
        let available = self.remaining();
        let truncated = ExtensionError::Truncated {
            structure: self.structure,
            offset: self.offset(),
            what,
            needed: n,
            available,
        };
        if n > available {
            return Err(truncated);
        }
        // `n <= remaining` so the end cannot overflow or pass the slice; `get` keeps it panic-free.
        let bytes = self.data.get(self.pos..self.pos + n).ok_or(truncated)?;
        self.pos += n;
        Ok(bytes)
    }

    /// Reads one byte.
    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, ExtensionError> {
        let bytes = self.take(1, what)?;
        // `take` returned exactly one byte; the default is never used.
        Ok(bytes.first().copied().unwrap_or_default())
    }

    /// Reads a big-endian uint16.
    pub(crate) fn u16(&mut self, what: &'static str) -> Result<usize, ExtensionError> {
        self.uint(2, what)
    }

    /// Reads a big-endian uint24.
    pub(crate) fn u24(&mut self, what: &'static str) -> Result<usize, ExtensionError> {
        self.uint(3, what)
    }

    fn uint(&mut self, width: usize, what: &'static str) -> Result<usize, ExtensionError> {
        let bytes = self.take(width, what)?;
        Ok(bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b)))
    }

    /// Reads a vector with a uint16 length prefix and returns a reader bounded by it.
    pub(crate) fn vec16(&mut self, what: &'static str) -> Result<Reader<'a>, ExtensionError> {
        let start = self.offset();
        let len = self.u16(what)?;
        self.sub_at(start, len, what)
    }

    /// Reads a vector with a uint24 length prefix and returns a reader bounded by it.
    pub(crate) fn vec24(&mut self, what: &'static str) -> Result<Reader<'a>, ExtensionError> {
        let start = self.offset();
        let len = self.u24(what)?;
        self.sub_at(start, len, what)
    }

    /// Splits off the next `len` bytes, whose length was declared at `prefix_offset`.
    pub(crate) fn sub_at(
        &mut self,
        prefix_offset: usize,
        len: usize,
        what: &'static str,
    ) -> Result<Reader<'a>, ExtensionError> {
        if len > self.remaining() {
            return Err(ExtensionError::LengthOverrun {
                structure: self.structure,
                offset: prefix_offset,
                what,
                declared: len,
                available: self.remaining(),
            });
        }
        let base = self.offset();
        let data = self.take(len, what)?;
        Ok(Reader {
            data,
            pos: 0,
            base,
            structure: self.structure,
        })
    }

    /// Everything left in this vector.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        self.pos = self.data.len();
        rest
    }

    /// Fails if bytes are left after `what`.
    pub(crate) fn finish(&self, what: &'static str) -> Result<(), ExtensionError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(ExtensionError::TrailingBytes {
                structure: self.structure,
                offset: self.offset(),
                what,
                count: self.remaining(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_big_endian_integers_and_tracks_offsets() {
        let mut r = Reader::new(
            &[0x01, 0x02, 0x03, 0x04, 0x05, 0x06],
            Structure::StatusRequest,
        );
        assert_eq!(r.u8("a").unwrap(), 1);
        assert_eq!(r.u16("b").unwrap(), 0x0203);
        assert_eq!(r.offset(), 3);
        assert_eq!(r.u24("c").unwrap(), 0x040506);
        assert!(r.is_empty());
        r.finish("all").unwrap();
    }

    #[test]
    fn truncated_read_reports_offset_and_sizes() {
        let mut r = Reader::new(&[0xAA, 0x00], Structure::StatusRequestV2);
        r.u8("first").unwrap();
        let err = r.u16("length").unwrap_err();
        assert_eq!(
            err,
            ExtensionError::Truncated {
                structure: Structure::StatusRequestV2,
                offset: 1,
                what: "length",
                needed: 2,
                available: 1,
            }
        );
        // A failed read consumes nothing.
        assert_eq!(r.remaining(), 1);
    }

    #[test]
    fn sub_vectors_are_bounded_and_carry_absolute_offsets() {
        let data = [0xFF, 0x00, 0x02, 0x10, 0x20, 0x30];
        let mut r = Reader::new(&data, Structure::StatusRequest);
        r.u8("x").unwrap();
        let mut sub = r.vec16("v").unwrap();
        assert_eq!(sub.offset(), 3);
        assert_eq!(sub.take(2, "body").unwrap(), &[0x10, 0x20]);
        assert!(sub.u8("beyond").is_err());
        assert_eq!(r.offset(), 5);
        assert_eq!(
            r.finish("v").unwrap_err(),
            ExtensionError::TrailingBytes {
                structure: Structure::StatusRequest,
                offset: 5,
                what: "v",
                count: 1,
            }
        );
    }

    #[test]
    fn overrunning_length_prefix_is_rejected_at_the_prefix() {
        let mut r = Reader::new(&[0x00, 0x00, 0x05, 0x01], Structure::CertificateStatus);
        let err = r.vec24("response").unwrap_err();
        assert_eq!(
            err,
            ExtensionError::LengthOverrun {
                structure: Structure::CertificateStatus,
                offset: 0,
                what: "response",
                declared: 5,
                available: 1,
            }
        );
    }
}
