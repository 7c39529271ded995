//! How the `selection` target reads one handshake out of fuzzer bytes, and how the seed generator
//! writes one.
//!
//! ```text
//! byte 0     flags: bit 0 server_enabled, bit 1 status_request disabled,
//!                   bit 2 status_request_v2 disabled, bit 3 resumed,
//!                   bit 4 status_request present, bit 5 status_request_v2 present
//! byte 1     bits 0-1 TLS version (0 = 1.0 .. 3 = 1.3), bits 2-7 chain length (0..=63)
//! bytes 2-3  length of the status_request data (big-endian; cut to what follows)
//! ...        the status_request data, then the status_request_v2 data (the rest)
//! ```
//!
//! Every byte string decodes (missing bytes count as zero), so the fuzzer wastes no input on
//! framing errors.

use staplekit::tls::{ClientStatusRequest, SelectionPolicy, TlsVersion};

const SERVER_ENABLED: u8 = 1 << 0;
const V1_DISABLED: u8 = 1 << 1;
const V2_DISABLED: u8 = 1 << 2;
const RESUMED: u8 = 1 << 3;
const HAS_V1: u8 = 1 << 4;
const HAS_V2: u8 = 1 << 5;
/// Longest chain the layout can express.
pub const MAX_CHAIN_LEN: usize = 63;

/// One call of `staplekit::tls::select`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SelectionInput<'a> {
    /// What the ClientHello carried, and the negotiated facts.
    pub hello: ClientStatusRequest<'a>,
    /// Certificates in the chain sent.
    pub chain_len: usize,
    /// The server's switches.
    pub policy: SelectionPolicy,
}

impl<'a> SelectionInput<'a> {
    /// Reads an input; never fails.
    pub fn decode(data: &'a [u8]) -> Self {
        let byte = |i: usize| data.get(i).copied().unwrap_or(0);
        let (flags, facts) = (byte(0), byte(1));
        let rest = data.get(4..).unwrap_or_default();
        let v1_len = usize::from(u16::from_be_bytes([byte(2), byte(3)])).min(rest.len());
        let (v1, v2) = rest.split_at(v1_len);
        let has = |bit: u8| flags & bit != 0;
        SelectionInput {
            hello: ClientStatusRequest {
                status_request: has(HAS_V1).then_some(v1),
                status_request_v2: has(HAS_V2).then_some(v2),
                version: match facts & 0b11 {
                    0 => TlsVersion::Tls10,
                    1 => TlsVersion::Tls11,
                    2 => TlsVersion::Tls12,
                    _ => TlsVersion::Tls13,
                },
                resumed: has(RESUMED),
            },
            chain_len: usize::from(facts >> 2),
            policy: SelectionPolicy {
                server_enabled: has(SERVER_ENABLED),
                status_request_disabled: has(V1_DISABLED),
                status_request_v2_disabled: has(V2_DISABLED),
            },
        }
    }

    /// Writes an input that [`SelectionInput::decode`] reads back as `self`; `None` when the
    /// chain is longer than [`MAX_CHAIN_LEN`] or the status_request data longer than 65535 bytes.
    pub fn encode(&self) -> Option<Vec<u8>> {
        let bit = |on: bool, bit: u8| if on { bit } else { 0 };
        let h = &self.hello;
        let flags = bit(self.policy.server_enabled, SERVER_ENABLED)
            | bit(self.policy.status_request_disabled, V1_DISABLED)
            | bit(self.policy.status_request_v2_disabled, V2_DISABLED)
            | bit(h.resumed, RESUMED)
            | bit(h.status_request.is_some(), HAS_V1)
            | bit(h.status_request_v2.is_some(), HAS_V2);
        let version = match h.version {
            TlsVersion::Tls10 => 0,
            TlsVersion::Tls11 => 1,
            TlsVersion::Tls12 => 2,
            TlsVersion::Tls13 => 3,
        };
        let chain = u8::try_from(self.chain_len)
            .ok()
            .filter(|&n| usize::from(n) <= MAX_CHAIN_LEN)?;
        let v1 = h.status_request.unwrap_or_default();
        let v1_len = u16::try_from(v1.len()).ok()?;
        let mut out = vec![flags, version | (chain << 2)];
        out.extend_from_slice(&v1_len.to_be_bytes());
        out.extend_from_slice(v1);
        out.extend_from_slice(h.status_request_v2.unwrap_or_default());
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_then_decode_gives_the_input_back() {
        let input = SelectionInput {
            hello: ClientStatusRequest {
                status_request: Some(&[1, 0, 0, 0, 0]),
                status_request_v2: Some(&[0, 7, 2, 0, 4, 0, 0, 0, 0]),
                version: TlsVersion::Tls12,
                resumed: false,
            },
            chain_len: 3,
            policy: SelectionPolicy {
                server_enabled: true,
                status_request_disabled: false,
                status_request_v2_disabled: true,
            },
        };
        let bytes = input.encode().unwrap();
        assert_eq!(&bytes[..4], &[0b0011_0101, 2 | (3 << 2), 0, 5]);
        assert_eq!(SelectionInput::decode(&bytes), input);
    }

    #[test]
    fn short_inputs_decode_to_zeroes() {
        let input = SelectionInput::decode(&[0x10, 0x07, 0xFF]);
        assert_eq!(input.hello.status_request, Some(&[][..]));
        assert_eq!(input.hello.status_request_v2, None);
        assert_eq!(input.hello.version, TlsVersion::Tls13);
        assert_eq!(input.chain_len, 1);
        assert!(!input.policy.server_enabled);
    }
}
